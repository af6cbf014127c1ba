package aggregate

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// listAggFactory makes LISTAGG accumulators: the group's non-NULL strings
// in arrival order joined by sep, NULL when there are none. A retraction
// removes the earliest equal string, as Flink's ListAggWithRetractAggFunction
// does.
type listAggFactory struct{ sep string }

func (f *listAggFactory) New() expr.Accumulator { return &listAggAcc{f: f} }

// StateTypes is the list of strings.
func (f *listAggFactory) StateTypes() []types.DataType {
	return []types.DataType{types.ArrayOf(types.String.NotNullable()).NotNullable()}
}

type listAggAcc struct {
	f     *listAggFactory
	lists [][]string
}

func (a *listAggAcc) add(g uint32, s string, retract bool) {
	l := a.lists[g]
	if !retract {
		a.lists[g] = append(l, strings.Clone(s))
		return
	}
	for j, w := range l {
		if w == s {
			a.lists[g] = append(l[:j], l[j+1:]...)
			return
		}
	}
}

func (a *listAggAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.lists = grow(a.lists, groupsLen(groups))
	col := args[0].(*array.String)
	for i, g := range groups {
		if g != expr.NoGroup && col.IsValid(i) {
			a.add(g, col.Value(i), isRetract(retract, i))
		}
	}
	return nil
}

func (a *listAggAcc) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for _, g := range groups {
		if int(g) >= len(a.lists) || len(a.lists[g]) == 0 {
			b.AppendNull()
		} else {
			b.Append(strings.Join(a.lists[g], a.f.sep))
		}
	}
	return b.NewArray(), nil
}

func (a *listAggAcc) State(groups []uint32) ([]arrow.Array, error) {
	b := array.NewListBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String)
	defer b.Release()
	vb := b.ValueBuilder().(*array.StringBuilder)
	for _, g := range groups {
		b.Append(true)
		if int(g) < len(a.lists) {
			vb.AppendValues(a.lists[g], nil)
		}
	}
	return []arrow.Array{b.NewArray()}, nil
}

func (a *listAggAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.lists = grow(a.lists, groupsLen(groups))
	l := state[0].(*array.List)
	vs := l.ListValues().(*array.String)
	for i, g := range groups {
		if g == expr.NoGroup || l.IsNull(i) {
			continue
		}
		start, end := l.ValueOffsets(i)
		for j := start; j < end; j++ {
			a.add(g, vs.Value(int(j)), false)
		}
	}
	return nil
}

func (a *listAggAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.lists) {
			a.lists[g] = nil
		}
	}
}
