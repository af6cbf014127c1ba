package ops

import (
	"time"

	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// JoinType is the kind of a two-input join.
type JoinType int

// The join types. Semi and anti joins output only left columns: a left
// row once if it has a match (semi, SQL EXISTS / IN) or if it has none
// (anti, SQL NOT EXISTS; NOT IN with JoinConfig.NullAwareAnti).
const (
	JoinInner JoinType = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinSemi
	JoinAnti
)

var joinTypeNames = [...]string{"InnerJoin", "LeftOuterJoin", "RightOuterJoin", "FullOuterJoin", "LeftSemiJoin", "LeftAntiJoin"}

// String returns Flink's EXPLAIN name: InnerJoin, LeftOuterJoin,
// RightOuterJoin, FullOuterJoin, LeftSemiJoin or LeftAntiJoin.
func (t JoinType) String() string {
	if t >= 0 && int(t) < len(joinTypeNames) {
		return joinTypeNames[t]
	}
	return fmt.Sprintf("JoinType(%d)", int(t))
}

// leftOuter reports whether unmatched left rows are kept (padded with NULLs).
func (t JoinType) leftOuter() bool { return t == JoinLeft || t == JoinFull }

// rightOuter reports whether unmatched right rows are kept.
func (t JoinType) rightOuter() bool { return t == JoinRight || t == JoinFull }

// semiAnti reports whether the join outputs left rows only.
func (t JoinType) semiAnti() bool { return t == JoinSemi || t == JoinAnti }

// JoinConfig configures a join of input 0 (left) with input 1 (right).
type JoinConfig struct {
	Type JoinType
	// LeftKeys and RightKeys are the equi-join key columns, pairwise
	// (LeftKeys[i] = RightKeys[i]). Empty keys make a nested-loop (cross)
	// join filtered by Residual.
	LeftKeys, RightKeys []int
	// Residual is the non-equi rest of the condition over the concatenated
	// left++right row; nil means none. A pair matches only where it is TRUE.
	Residual    expr.Expr
	LeftSchema  *types.Schema
	RightSchema *types.Schema
	// OutSchema is left++right for inner and outer joins (the padded side
	// nullable) and the left schema for semi and anti joins.
	OutSchema *types.Schema
	// Streaming selects Flink's regular streaming join: both sides kept in
	// keyed state, retractions accepted, a changelog emitted. When false the
	// inputs are bounded and the join is a batch hash or nested-loop join.
	Streaming bool
	// NullSafeKeys marks, per key, IS NOT DISTINCT FROM (NULL equals NULL);
	// nil or false keeps SQL equality, where a NULL key never matches.
	NullSafeKeys []bool
	// NullAwareAnti gives an anti join SQL NOT IN semantics (batch only): a
	// NULL key on the right makes the result empty, and a left row with a
	// NULL key is dropped unless the right side is empty.
	NullAwareAnti bool
	// LeftTTL and RightTTL, when positive, expire a side's rows that were
	// not written for that long (table.exec.state.ttl, or a STATE_TTL hint
	// naming the side); streaming only.
	LeftTTL, RightTTL time.Duration
}

// OutputSchema returns the join's output schema.
func (c *JoinConfig) OutputSchema() *types.Schema { return c.OutSchema }

// JoinConfigError reports a JoinConfig that cannot run.
type JoinConfigError struct{ Msg string }

func (e *JoinConfigError) Error() string { return "join: " + e.Msg }

// NewJoin returns the operator for cfg: a streaming join when
// cfg.Streaming, else a hash join, or a nested-loop join without keys.
func NewJoin(cfg *JoinConfig) (Operator, error) {
	if err := validateJoin(cfg); err != nil {
		return nil, err
	}
	if cfg.Streaming {
		return newStreamJoin(cfg), nil
	}
	return newBatchJoin(cfg), nil
}

func validateJoin(c *JoinConfig) error {
	if c == nil || c.LeftSchema == nil || c.RightSchema == nil || c.OutSchema == nil {
		return &JoinConfigError{"left, right and output schemas are required"}
	}
	if c.Type < JoinInner || c.Type > JoinAnti {
		return &JoinConfigError{fmt.Sprintf("unknown join type %d", int(c.Type))}
	}
	if len(c.LeftKeys) != len(c.RightKeys) {
		return &JoinConfigError{fmt.Sprintf("%d left keys but %d right keys", len(c.LeftKeys), len(c.RightKeys))}
	}
	if c.NullSafeKeys != nil && len(c.NullSafeKeys) != len(c.LeftKeys) {
		return &JoinConfigError{fmt.Sprintf("%d null-safe flags for %d keys", len(c.NullSafeKeys), len(c.LeftKeys))}
	}
	nl, nr := c.LeftSchema.Len(), c.RightSchema.Len()
	for i := range c.LeftKeys {
		l, r := c.LeftKeys[i], c.RightKeys[i]
		if l < 0 || l >= nl || r < 0 || r >= nr {
			return &JoinConfigError{fmt.Sprintf("key %d: columns (%d, %d) out of range for %d and %d columns", i, l, r, nl, nr)}
		}
		lt, rt := c.LeftSchema.Fields[l].Type, c.RightSchema.Fields[r].Type
		if !keyTypesMatch(lt, rt) {
			return &JoinConfigError{fmt.Sprintf("key %d: left %s and right %s are not comparable without a cast", i, lt, rt)}
		}
	}
	want := nl + nr
	if c.Type.semiAnti() {
		want = nl
	}
	if c.OutSchema.Len() != want {
		return &JoinConfigError{fmt.Sprintf("%s output has %d columns, want %d", c.Type, c.OutSchema.Len(), want)}
	}
	if c.Residual != nil && c.Residual.Type().Kind != types.KindBoolean {
		return &JoinConfigError{fmt.Sprintf("residual condition must be BOOLEAN, found %s", c.Residual.Type())}
	}
	if c.NullAwareAnti && (c.Type != JoinAnti || c.Streaming || len(c.LeftKeys) == 0) {
		return &JoinConfigError{"NullAwareAnti needs a batch anti join with keys; a streaming NOT IN puts x = y OR x IS NULL OR y IS NULL in the residual"}
	}
	return nil
}

// keyTypesMatch reports whether two key columns encode equal values as
// equal bytes (kernel.AppendKey): same Arrow layout, and for decimals the
// same scale (precision does not change the stored integer).
func keyTypesMatch(l, r types.DataType) bool {
	la, ra := types.ArrowType(l), types.ArrowType(r)
	if ld, ok := la.(*arrow.Decimal128Type); ok {
		rd, ok := ra.(*arrow.Decimal128Type)
		return ok && ld.Scale == rd.Scale
	}
	if la.ID() == arrow.TIMESTAMP && ra.ID() == arrow.TIMESTAMP {
		return true // TIMESTAMP and TIMESTAMP_LTZ share microseconds
	}
	return arrow.TypeEqual(la, ra)
}

// nullSafe reports whether key k matches NULL with NULL.
func (c *JoinConfig) nullSafe(k int) bool { return k < len(c.NullSafeKeys) && c.NullSafeKeys[k] }

// condition prints the join condition as Flink's EXPLAIN does:
// =(a, c), AND(=(a, c), >(b, d)), or true when there is none.
func (c *JoinConfig) condition() string {
	var parts []string
	for i := range c.LeftKeys {
		op := "="
		if c.nullSafe(i) {
			op = "IS NOT DISTINCT FROM"
		}
		l := c.LeftSchema.Fields[c.LeftKeys[i]].Name
		r := c.RightSchema.Fields[c.RightKeys[i]].Name
		parts = append(parts, fmt.Sprintf("%s(%s, %s)", op, l, r))
	}
	if c.Residual != nil {
		parts = append(parts, c.Residual.String())
	}
	switch len(parts) {
	case 0:
		return "true"
	case 1:
		return parts[0]
	}
	return "AND(" + strings.Join(parts, ", ") + ")"
}

// describe prints name(joinType=[...], where=[...], select=[...]) followed
// by extra, as Flink's EXPLAIN prints join nodes.
func (c *JoinConfig) describe(name, extra string) string {
	s := fmt.Sprintf("%s(joinType=[%s], where=[%s], select=[%s]", name, c.Type, c.condition(), strings.Join(c.OutSchema.Names(), ", "))
	if extra != "" {
		s += ", " + extra
	}
	return s + ")"
}

// defaultJoinBatch is the output batch size when the context sets none.
const defaultJoinBatch = 8192

// emitSliced emits b in slices of at most size rows, so a join that
// multiplies rows still hands downstream batches of the usual size.
func emitSliced(out Collector, b *types.Batch, size int) error {
	if size <= 0 {
		size = defaultJoinBatch
	}
	if b.Len() <= size {
		return out.Emit(b)
	}
	for lo := 0; lo < b.Len(); lo += size {
		if err := out.Emit(b.Slice(lo, min(lo+size, b.Len()))); err != nil {
			return err
		}
	}
	return nil
}
