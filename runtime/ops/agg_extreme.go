package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
)

// aggExtremeAcc is MIN or MAX of a BIGINT over input that never retracts:
// the current extreme per group. Its state is expr/aggregate's
// MAP<value, count> holding that one value, so the retracting variant
// can restore it too.
type aggExtremeAcc struct {
	max  bool
	vals []int64
	has  []bool
}

var (
	_ expr.Accumulator = (*aggExtremeAcc)(nil)
	_ rowScanner       = (*aggExtremeAcc)(nil)
)

// aggRetractionError reports a retraction given to an accumulator planned
// for input that never retracts.
type aggRetractionError struct{ call string }

func (e *aggRetractionError) Error() string {
	return e.call + ": retraction on an insert-only aggregation"
}

func (a *aggExtremeAcc) grow(groups []uint32) {
	a.vals = aggGrow(a.vals, groups)
	a.has = aggGrow(a.has, groups)
}

func (a *aggExtremeAcc) put(g uint32, v int64) {
	if !a.has[g] || (a.max && v > a.vals[g]) || (!a.max && v < a.vals[g]) {
		a.vals[g], a.has[g] = v, true
	}
}

func (a *aggExtremeAcc) name() string {
	if a.max {
		return "MAX"
	}
	return "MIN"
}

// Update keeps the extreme of the non-NULL values.
func (a *aggExtremeAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0].(*array.Int64)
	vs := col.Int64Values()
	nulls := col.NullN() > 0
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		if retract != nil && retract[i] {
			return &aggRetractionError{a.name()}
		}
		a.put(g, vs[i])
	}
	return nil
}

// Result returns each group's extreme, NULL without values.
func (a *aggExtremeAcc) Result(ctx *expr.Context, groups []uint32) (arrow.Array, error) {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	if err := a.AppendResult(ctx, groups, b); err != nil {
		return nil, err
	}
	return b.NewArray(), nil
}

// AppendResult appends each group's extreme to b, an *array.Int64Builder.
func (a *aggExtremeAcc) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	ib, ok := b.(*array.Int64Builder)
	if !ok {
		return &AggConfigError{a.name() + " result builder " + b.Type().String()}
	}
	ib.Reserve(len(groups))
	for _, g := range groups {
		if int(g) < len(a.has) && a.has[g] {
			ib.UnsafeAppend(a.vals[g])
		} else {
			ib.UnsafeAppendBoolToBitmap(false)
		}
	}
	return nil
}

// State is a map holding the extreme with count 1 (empty without one).
func (a *aggExtremeAcc) State(groups []uint32) ([]arrow.Array, error) {
	b := array.NewMapBuilder(memory.DefaultAllocator, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64, false)
	defer b.Release()
	kb, ib := b.KeyBuilder().(*array.Int64Builder), b.ItemBuilder().(*array.Int64Builder)
	for _, g := range groups {
		b.Append(true)
		if int(g) < len(a.has) && a.has[g] {
			kb.Append(a.vals[g])
			ib.Append(1)
		}
	}
	return []arrow.Array{b.NewArray()}, nil
}

// Merge keeps the extreme of the present values of state maps.
func (a *aggExtremeAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	m := state[0].(*array.Map)
	keys := m.Keys().(*array.Int64).Int64Values()
	counts := m.Items().(*array.Int64).Int64Values()
	for i, g := range groups {
		if g == expr.NoGroup || m.IsNull(i) {
			continue
		}
		start, end := m.ValueOffsets(i)
		for j := start; j < end; j++ {
			if counts[j] > 0 {
				a.put(g, keys[j])
			}
		}
	}
	return nil
}

// Reset forgets the groups' extremes.
func (a *aggExtremeAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.has) {
			a.vals[g], a.has[g] = 0, false
		}
	}
}

// scanRows folds the rows in order and returns the extreme after each.
func (a *aggExtremeAcc) scanRows(_ *expr.Context, in *scanInput) (arrow.Array, error) {
	a.grow(in.eff)
	col := in.args[0].(*array.Int64)
	vs := col.Int64Values()
	nulls := col.NullN() > 0
	out := make([]int64, in.effN)
	valid := make([]bool, in.effN)
	k := 0
	for i, g := range in.eff {
		if g == expr.NoGroup {
			continue
		}
		if in.cg[i] != expr.NoGroup && (!nulls || col.IsValid(i)) {
			if in.retract != nil && in.retract[i] {
				return nil, &aggRetractionError{a.name()}
			}
			a.put(g, vs[i])
		}
		out[k], valid[k] = a.vals[g], a.has[g]
		k++
		if in.reset[i] {
			a.vals[g], a.has[g] = 0, false
		}
	}
	return int64WithValidity(out, valid), nil
}
