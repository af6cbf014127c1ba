package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// KindLookupJoin is the operator kind of a processing-time lookup join
// (*LookupJoinConfig).
const KindLookupJoin Kind = "LookupJoin"

// LookupJoinConfig configures Flink's LookupJoin: every left row's key is
// looked up in a table whose connector serves lookups
// (connector.LookupSource) and joined with the rows found.
type LookupJoinConfig struct {
	Type JoinType // JoinInner or JoinLeft
	// Table is the looked-up table; LookupKeys index its schema and
	// LeftKeys the left input, pairwise equal.
	Table                *connector.Table
	LeftKeys, LookupKeys []int
	// LeftKeyExprs, when set, compute the probe keys from the left row
	// instead of LeftKeys (ON MOD(b.auction, 10000) = s.key).
	LeftKeyExprs []expr.Expr
	// Residual is the rest of the condition over left ++ table columns.
	Residual                           expr.Expr
	LeftSchema, RightSchema, OutSchema *types.Schema
	// Display is the EXPLAIN text of the node.
	Display string
}

// OutputSchema returns left ++ table columns.
func (c *LookupJoinConfig) OutputSchema() *types.Schema { return c.OutSchema }

// NewLookupJoin returns a lookup join operator for cfg.
func NewLookupJoin(cfg *LookupJoinConfig) (Operator, error) {
	if cfg == nil || cfg.Table == nil || cfg.LeftSchema == nil || cfg.RightSchema == nil || cfg.OutSchema == nil {
		return nil, &JoinConfigError{"lookup join: table, left, right and output schemas are required"}
	}
	if cfg.Type != JoinInner && cfg.Type != JoinLeft {
		return nil, &JoinConfigError{fmt.Sprintf("lookup join: unsupported join type %s", cfg.Type)}
	}
	nk := len(cfg.LeftKeys)
	if cfg.LeftKeyExprs != nil {
		nk = len(cfg.LeftKeyExprs)
	}
	if nk == 0 || nk != len(cfg.LookupKeys) {
		return nil, &JoinConfigError{"lookup join: needs as many left keys as lookup keys, at least one"}
	}
	j := &lookupJoin{cfg: cfg, pairs: concatSchemas(cfg.LeftSchema, cfg.RightSchema)}
	if cfg.Residual != nil {
		j.residual = CloneExpr(cfg.Residual)
	}
	for _, e := range cfg.LeftKeyExprs {
		j.keyExprs = append(j.keyExprs, CloneExpr(e))
	}
	return j, nil
}

// lookupJoin looks each batch's keys up at once and emits, in input
// order, every left row with each table row found (passing the left row's
// kind through, so updating inputs stay updating), or padded with NULLs
// for a LEFT join when nothing matches. It keeps no state: the table is
// the state.
type lookupJoin struct {
	BaseOperator
	cfg      *LookupJoinConfig
	residual expr.Expr
	keyExprs []expr.Expr
	pairs    *types.Schema
	eval     *expr.Context
	ctx      context.Context
	size     int
	src      connector.LookupSource
}

var _ Operator = (*lookupJoin)(nil)

// Open opens the lookup source.
func (j *lookupJoin) Open(ctx *OpContext) error {
	j.size = ctx.BatchSize
	j.eval = ctx.Eval
	if j.eval == nil {
		j.eval = expr.NewContext(nil)
	}
	j.ctx = ctx.Ctx
	if j.ctx == nil {
		j.ctx = context.Background()
	}
	src, err := connector.NewLookup(j.cfg.Table, j.cfg.LookupKeys)
	if err != nil {
		return err
	}
	if err := src.Open(j.ctx, connector.Task{Subtask: ctx.Subtask, Parallelism: ctx.Parallelism, BatchSize: ctx.BatchSize}); err != nil {
		return fmt.Errorf("lookup table %s: %w", j.cfg.Table.Name, err)
	}
	j.src = src
	return nil
}

// ProcessBatch looks b's keys up and emits the joined rows.
func (j *lookupJoin) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	keys := pick(b.Cols, j.cfg.LeftKeys)
	if j.keyExprs != nil {
		keys = make([]arrow.Array, len(j.keyExprs))
		for i, e := range j.keyExprs {
			k, err := e.Eval(j.eval, b)
			if err != nil {
				return err
			}
			keys[i] = k
		}
	}
	found, probe, err := j.src.Lookup(j.ctx, keys, n)
	if err != nil {
		return fmt.Errorf("lookup table %s: %w", j.cfg.Table.Name, err)
	}
	if found.Len() != len(probe) {
		return fmt.Errorf("lookup table %s: %d rows found for %d probe entries", j.cfg.Table.Name, found.Len(), len(probe))
	}
	keep := make([]bool, len(probe))
	for i := range keep {
		keep[i] = true
	}
	if j.residual != nil && len(probe) > 0 {
		cols := append(takeColumns(b.Cols, probe), found.Cols...)
		res, err := j.residual.Eval(j.eval, types.NewBatch(j.pairs, cols, nil, len(probe)))
		if err != nil {
			return err
		}
		bs := res.(*array.Boolean)
		for i := range keep {
			keep[i] = bs.IsValid(i) && bs.Value(i)
		}
	}
	// Merge the matches (grouped by probe row, ascending) with the
	// unmatched rows of a LEFT join, in input order.
	var leftIdx, rightIdx []int32
	p := 0
	for i := 0; i < n; i++ {
		matched := false
		for ; p < len(probe) && int(probe[p]) == i; p++ {
			if keep[p] {
				leftIdx = append(leftIdx, int32(i))
				rightIdx = append(rightIdx, int32(p))
				matched = true
			}
		}
		if !matched && j.cfg.Type == JoinLeft {
			leftIdx = append(leftIdx, int32(i))
			rightIdx = append(rightIdx, -1)
		}
	}
	if len(leftIdx) == 0 {
		return nil
	}
	var kinds []types.RowKind
	if !b.InsertOnly() {
		kinds = make([]types.RowKind, len(leftIdx))
		for o, i := range leftIdx {
			kinds[o] = b.Kind(int(i))
		}
	}
	cols := append(takeColumns(b.Cols, leftIdx), takeColumns(found.Cols, rightIdx)...)
	return emitSliced(out, types.NewBatch(j.cfg.OutSchema, cols, kinds, len(leftIdx)), j.size)
}

// Close closes the lookup source.
func (j *lookupJoin) Close() error {
	if j.src != nil {
		return j.src.Close()
	}
	return nil
}

// String prints the operator as EXPLAIN does.
func (j *lookupJoin) String() string {
	if j.cfg.Display != "" {
		return j.cfg.Display
	}
	keys := make([]string, len(j.cfg.LookupKeys))
	for i := range keys {
		left := ""
		if j.cfg.LeftKeyExprs != nil {
			left = j.cfg.LeftKeyExprs[i].String()
		} else {
			left = j.cfg.LeftSchema.Fields[j.cfg.LeftKeys[i]].Name
		}
		keys[i] = j.cfg.RightSchema.Fields[j.cfg.LookupKeys[i]].Name + "=" + left
	}
	return fmt.Sprintf("LookupJoin(table=[%s], joinType=[%s], lookup=[%s], select=[%s])",
		j.cfg.Table.Name, j.cfg.Type, strings.Join(keys, ", "), strings.Join(j.cfg.OutSchema.Names(), ", "))
}
