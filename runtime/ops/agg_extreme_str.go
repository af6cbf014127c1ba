package ops

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
)

// aggStrExtremeAcc is MIN or MAX of a VARCHAR over input that never
// retracts, comparing UTF-8 bytes as Flink compares StringData (q16's
// MAX(DATE_FORMAT(dateTime, 'HH:mm'))). Its state is expr/aggregate's
// MAP<value, count> holding the one value.
type aggStrExtremeAcc struct {
	max  bool
	vals []string // owned copies, never views into a batch
	has  []bool
}

var (
	_ expr.Accumulator = (*aggStrExtremeAcc)(nil)
	_ rowScanner       = (*aggStrExtremeAcc)(nil)
)

func (a *aggStrExtremeAcc) name() string {
	if a.max {
		return "MAX"
	}
	return "MIN"
}

func (a *aggStrExtremeAcc) grow(groups []uint32) {
	a.vals = aggGrow(a.vals, groups)
	a.has = aggGrow(a.has, groups)
}

func (a *aggStrExtremeAcc) put(g uint32, v string) {
	if !a.has[g] || (a.max && v > a.vals[g]) || (!a.max && v < a.vals[g]) {
		a.vals[g], a.has[g] = strings.Clone(v), true
	}
}

// Update keeps the extreme of the non-NULL values.
func (a *aggStrExtremeAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0].(*array.String)
	nulls := col.NullN() > 0
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		if retract != nil && retract[i] {
			return &aggRetractionError{a.name()}
		}
		a.put(g, col.Value(i))
	}
	return nil
}

// Result returns each group's extreme, NULL without values.
func (a *aggStrExtremeAcc) Result(ctx *expr.Context, groups []uint32) (arrow.Array, error) {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	if err := a.AppendResult(ctx, groups, b); err != nil {
		return nil, err
	}
	return b.NewArray(), nil
}

// AppendResult appends each group's extreme to b, an *array.StringBuilder.
func (a *aggStrExtremeAcc) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	sb, ok := b.(*array.StringBuilder)
	if !ok {
		return &AggConfigError{a.name() + " result builder " + b.Type().String()}
	}
	sb.Reserve(len(groups))
	for _, g := range groups {
		if int(g) < len(a.has) && a.has[g] {
			sb.Append(a.vals[g])
		} else {
			sb.AppendNull()
		}
	}
	return nil
}

// State is a map holding the extreme with count 1 (empty without one).
func (a *aggStrExtremeAcc) State(groups []uint32) ([]arrow.Array, error) {
	b := array.NewMapBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64, false)
	defer b.Release()
	kb, ib := b.KeyBuilder().(*array.StringBuilder), b.ItemBuilder().(*array.Int64Builder)
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
func (a *aggStrExtremeAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	m := state[0].(*array.Map)
	keys := m.Keys().(*array.String)
	counts := m.Items().(*array.Int64).Int64Values()
	for i, g := range groups {
		if g == expr.NoGroup || m.IsNull(i) {
			continue
		}
		start, end := m.ValueOffsets(i)
		for j := start; j < end; j++ {
			if counts[j] > 0 {
				a.put(g, keys.Value(int(j)))
			}
		}
	}
	return nil
}

// Reset forgets the groups' extremes.
func (a *aggStrExtremeAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.has) {
			a.vals[g], a.has[g] = "", false
		}
	}
}

// scanRows folds the rows in order and returns the extreme after each.
func (a *aggStrExtremeAcc) scanRows(_ *expr.Context, in *scanInput) (arrow.Array, error) {
	a.grow(in.eff)
	col := in.args[0].(*array.String)
	nulls := col.NullN() > 0
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(in.effN)
	for i, g := range in.eff {
		if g == expr.NoGroup {
			continue
		}
		if in.cg[i] != expr.NoGroup && (!nulls || col.IsValid(i)) {
			if in.retract != nil && in.retract[i] {
				return nil, &aggRetractionError{a.name()}
			}
			a.put(g, col.Value(i))
		}
		if a.has[g] {
			b.Append(a.vals[g])
		} else {
			b.AppendNull()
		}
		if in.reset[i] {
			a.vals[g], a.has[g] = "", false
		}
	}
	return b.NewArray(), nil
}
