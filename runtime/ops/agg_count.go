package ops

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// aggCountAcc is COUNT(*) (no arguments) or COUNT(x, ...) (rows where no
// argument is NULL): one int64 per group. It is expr/aggregate's COUNT
// with the row scan of the per-row changelog (rowScanner) added; its state
// is the same BIGINT.
type aggCountAcc struct{ n []int64 }

var (
	_ expr.Accumulator = (*aggCountAcc)(nil)
	_ rowScanner       = (*aggCountAcc)(nil)
)

// newAccumulator returns the accumulator of one call: for the common
// calls of a single-phase aggregation (COUNT, COUNT(DISTINCT) of a
// fixed-width value, SUM and AVG of a BIGINT, MIN and MAX of a BIGINT or
// VARCHAR that is never retracted) one of this package's, whose state layout is
// the factory's, so a snapshot or a pebble-backed state reads either;
// otherwise the factory's own.
func (a *hashAgg) newAccumulator(c AggCall, f expr.AccumulatorFactory) expr.Accumulator {
	if acc := a.fastAccumulator(c); acc != nil {
		return acc
	}
	return f.New()
}

func (a *hashAgg) fastAccumulator(c AggCall) expr.Accumulator {
	cfg := a.cfg
	name, _, _ := strings.Cut(c.Name, "(")
	if cfg.Phase != AggFull {
		return nil
	}
	st := c.Factory.StateTypes()
	for _, arg := range c.Args {
		if arg < 0 || arg >= cfg.InSchema.Len() {
			return nil // NewHashAgg reports it
		}
	}
	argKind := types.KindNull
	if len(c.Args) == 1 {
		argKind = cfg.InSchema.Fields[c.Args[0]].Type.Kind
	}
	if argKind == types.KindVarChar && c.Type.Kind == types.KindVarChar && !c.Distinct &&
		(name == "MIN" || name == "MAX") && len(st) == 1 && st[0].Kind == types.KindMap &&
		(!cfg.Streaming || cfg.InputInsertOnly) {
		return &aggStrExtremeAcc{max: name == "MAX"}
	}
	if c.Type.Kind != types.KindBigInt {
		return nil
	}
	switch {
	case name == "COUNT" && !c.Distinct && len(st) == 1 && st[0].Kind == types.KindBigInt:
		return &aggCountAcc{}
	case name == "COUNT" && c.Distinct && len(c.Args) == 1 && len(st) == 1 && st[0].Kind == types.KindArray &&
		fixedDistinctArg(cfg.InSchema.Fields[c.Args[0]].Type):
		return a.newDistinctView(len(a.accs), c.Args[0], st[0])
	case c.Distinct || argKind != types.KindBigInt:
		return nil
	case (name == "SUM" || name == "AVG") && len(st) == 2 && st[0].Kind == types.KindBigInt:
		return &aggSumAcc{avg: name == "AVG"}
	case (name == "MIN" || name == "MAX") && len(st) == 1 && st[0].Kind == types.KindMap &&
		(!cfg.Streaming || cfg.InputInsertOnly):
		return &aggExtremeAcc{max: name == "MAX"}
	}
	return nil
}

// aggGrow extends s with zeros to hold every group of groups.
func aggGrow[T any](s []T, groups []uint32) []T {
	m := -1
	for _, g := range groups {
		if g != expr.NoGroup {
			m = max(m, int(g))
		}
	}
	if m >= len(s) {
		s = append(s, make([]T, m+1-len(s))...)
	}
	return s
}

// countable reports whether row i of args has no NULL (COUNT(x) counts it).
func countable(args []arrow.Array, i int) bool {
	for _, c := range args {
		if c.IsNull(i) {
			return false
		}
	}
	return true
}

func hasNulls(args []arrow.Array) bool {
	for _, c := range args {
		if c.NullN() > 0 {
			return true
		}
	}
	return false
}

// Update counts the rows, a retraction decrementing.
func (a *aggCountAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.n = aggGrow(a.n, groups)
	n := a.n
	nulls := hasNulls(args)
	if !nulls && retract == nil {
		for _, g := range groups {
			if g != expr.NoGroup {
				n[g]++
			}
		}
		return nil
	}
	for i, g := range groups {
		if g == expr.NoGroup || nulls && !countable(args, i) {
			continue
		}
		if retract != nil && retract[i] {
			n[g]--
		} else {
			n[g]++
		}
	}
	return nil
}

func (a *aggCountAcc) gather(groups []uint32) arrow.Array {
	out := make([]int64, len(groups))
	for i, g := range groups {
		if int(g) < len(a.n) {
			out[i] = a.n[g]
		}
	}
	return int64Values(out)
}

// int64Values wraps vals, without copying, as a non-null BIGINT array.
func int64Values(vals []int64) arrow.Array {
	data := array.NewData(arrow.PrimitiveTypes.Int64, len(vals),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))}, nil, 0, 0)
	defer data.Release()
	return array.NewInt64Data(data)
}

// Result returns each group's count.
func (a *aggCountAcc) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	return a.gather(groups), nil
}

// AppendResult appends each group's count to b, an *array.Int64Builder.
func (a *aggCountAcc) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	ib, ok := b.(*array.Int64Builder)
	if !ok {
		return &AggConfigError{"COUNT result builder " + b.Type().String()}
	}
	ib.Reserve(len(groups))
	for _, g := range groups {
		var v int64
		if int(g) < len(a.n) {
			v = a.n[g]
		}
		ib.UnsafeAppend(v)
	}
	return nil
}

// State is the running count.
func (a *aggCountAcc) State(groups []uint32) ([]arrow.Array, error) {
	return []arrow.Array{a.gather(groups)}, nil
}

// Merge adds partial counts.
func (a *aggCountAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.n = aggGrow(a.n, groups)
	vs := state[0].(*array.Int64).Int64Values()
	for i, g := range groups {
		if g != expr.NoGroup && state[0].IsValid(i) {
			a.n[g] += vs[i]
		}
	}
	return nil
}

// Reset zeroes the groups.
func (a *aggCountAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.n) {
			a.n[g] = 0
		}
	}
}

// scanRows folds the rows in order and returns the count after each.
func (a *aggCountAcc) scanRows(_ *expr.Context, in *scanInput) (arrow.Array, error) {
	a.n = aggGrow(a.n, in.eff)
	n := a.n
	out := make([]int64, in.effN)
	nulls := hasNulls(in.args)
	k := 0
	for i, g := range in.eff {
		if g == expr.NoGroup {
			continue
		}
		if in.cg[i] != expr.NoGroup && (!nulls || countable(in.args, i)) {
			if in.retract != nil && in.retract[i] {
				n[g]--
			} else {
				n[g]++
			}
		}
		out[k] = n[g]
		k++
		if in.reset[i] {
			n[g] = 0
		}
	}
	return int64Values(out), nil
}
