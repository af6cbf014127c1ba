package aggregate

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// edgeAcc is FIRST_VALUE or LAST_VALUE over insert-only input: the first
// non-NULL value seen, or the latest.
type edgeAcc[T comparable] struct {
	f *valueFactory[T]
	single[T]
}

func (a *edgeAcc[T]) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0]
	vs := a.f.c.read(col, &a.scratch)
	nulls := col.NullN() > 0
	last, keep := a.f.fn == fnLast, a.f.c.keep
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		if isRetract(retract, i) {
			return ErrRetraction
		}
		if last || !a.has[g] {
			a.vals[g], a.has[g] = keep(vs[i]), true
		}
	}
	return nil
}

func (a *edgeAcc[T]) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	return a.result(a.f, groups), nil
}

func (a *edgeAcc[T]) State(groups []uint32) ([]arrow.Array, error) {
	b := array.NewListBuilder(memory.DefaultAllocator, types.ArrowType(a.f.t))
	defer b.Release()
	vb := b.ValueBuilder()
	for _, g := range groups {
		b.Append(true)
		if int(g) < len(a.has) && a.has[g] {
			a.f.c.add(vb, a.vals[g])
		}
	}
	return []arrow.Array{b.NewArray()}, nil
}

func (a *edgeAcc[T]) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	l := state[0].(*array.List)
	vs := a.f.c.read(l.ListValues(), new([]T))
	for i, g := range groups {
		if g == expr.NoGroup || l.IsNull(i) {
			continue
		}
		start, end := l.ValueOffsets(i)
		switch {
		case start == end:
		case a.f.fn == fnLast:
			a.vals[g], a.has[g] = a.f.c.keep(vs[end-1]), true
		case !a.has[g]:
			a.vals[g], a.has[g] = a.f.c.keep(vs[start]), true
		}
	}
	return nil
}

func (a *edgeAcc[T]) Reset(groups []uint32) { a.reset(groups) }

// edgeRetractAcc is FIRST_VALUE or LAST_VALUE taking retractions: it keeps
// each group's values in arrival order; a retraction removes the earliest
// occurrence of the value, as Flink's FirstValueWithRetractAggFunction does.
type edgeRetractAcc[T comparable] struct {
	f       *valueFactory[T]
	lists   [][]T
	scratch []T
}

func (a *edgeRetractAcc[T]) grow(groups []uint32) { a.lists = grow(a.lists, groupsLen(groups)) }

func (a *edgeRetractAcc[T]) add(g uint32, v T, retract bool) {
	l := a.lists[g]
	if !retract {
		a.lists[g] = append(l, a.f.c.keep(v))
		return
	}
	for j, w := range l {
		if w == v {
			a.lists[g] = append(l[:j], l[j+1:]...)
			return
		}
	}
}

func (a *edgeRetractAcc[T]) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0]
	vs := a.f.c.read(col, &a.scratch)
	nulls := col.NullN() > 0
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		a.add(g, vs[i], isRetract(retract, i))
	}
	return nil
}

func (a *edgeRetractAcc[T]) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	out := make([]T, len(groups))
	valid := make([]bool, len(groups))
	for i, g := range groups {
		if int(g) >= len(a.lists) || len(a.lists[g]) == 0 {
			continue
		}
		l := a.lists[g]
		if a.f.fn == fnLast {
			out[i] = l[len(l)-1]
		} else {
			out[i] = l[0]
		}
		valid[i] = true
	}
	return a.f.c.build(a.f.t, out, valid), nil
}

func (a *edgeRetractAcc[T]) State(groups []uint32) ([]arrow.Array, error) {
	b := array.NewListBuilder(memory.DefaultAllocator, types.ArrowType(a.f.t))
	defer b.Release()
	vb := b.ValueBuilder()
	for _, g := range groups {
		b.Append(true)
		if int(g) < len(a.lists) {
			for _, v := range a.lists[g] {
				a.f.c.add(vb, v)
			}
		}
	}
	return []arrow.Array{b.NewArray()}, nil
}

func (a *edgeRetractAcc[T]) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	l := state[0].(*array.List)
	vs := a.f.c.read(l.ListValues(), new([]T))
	for i, g := range groups {
		if g == expr.NoGroup || l.IsNull(i) {
			continue
		}
		start, end := l.ValueOffsets(i)
		for j := start; j < end; j++ {
			a.add(g, vs[j], false)
		}
	}
	return nil
}

func (a *edgeRetractAcc[T]) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.lists) {
			a.lists[g] = nil
		}
	}
}
