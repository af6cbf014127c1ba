package aggregate

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// InsertOnlyFactory is implemented by factories that can make a cheaper
// accumulator when the input is known to hold only +I rows (batch jobs,
// append-only streams). The cheaper accumulator has the same StateTypes, so
// either kind can merge the other's state; it reports ErrRetraction when it
// is given a retraction after all.
type InsertOnlyFactory interface {
	expr.AccumulatorFactory
	InsertOnly() expr.AccumulatorFactory
}

// valueFn selects one of the aggregates that pick a single input value.
type valueFn uint8

const (
	fnMin valueFn = iota
	fnMax
	fnFirst
	fnLast
)

// valueFactory makes MIN, MAX, FIRST_VALUE and LAST_VALUE accumulators for
// one physical type T. NULL inputs are ignored by all four, as in Flink.
type valueFactory[T comparable] struct {
	fn         valueFn
	t          types.DataType // the argument's type, nullable
	c          *codec[T]
	insertOnly bool
	better     func(a, b T) bool // a is preferred over b
}

// newValueFactory returns the factory for fn over arguments of type t.
func newValueFactory(fn valueFn, t types.DataType) expr.AccumulatorFactory {
	t = t.WithNullable(true).WithoutTimeAttr()
	switch t.Kind {
	case types.KindBoolean:
		return mkValueFactory(fn, t, boolCodec)
	case types.KindTinyInt:
		return mkValueFactory(fn, t, fixedCodec[int8]())
	case types.KindSmallInt:
		return mkValueFactory(fn, t, fixedCodec[int16]())
	case types.KindInt, types.KindDate, types.KindTime, types.KindIntervalYearMonth:
		return mkValueFactory(fn, t, fixedCodec[int32]())
	case types.KindBigInt, types.KindTimestamp, types.KindTimestampLTZ, types.KindIntervalDayTime:
		return mkValueFactory(fn, t, fixedCodec[int64]())
	case types.KindFloat:
		return mkValueFactory(fn, t, fixedCodec[float32]())
	case types.KindDouble:
		return mkValueFactory(fn, t, fixedCodec[float64]())
	case types.KindDecimal:
		return mkValueFactory(fn, t, decimalCodec)
	case types.KindChar, types.KindVarChar, types.KindBinary, types.KindVarBinary:
		return mkValueFactory(fn, t, stringCodec)
	}
	return nil
}

func mkValueFactory[T comparable](fn valueFn, t types.DataType, c *codec[T]) *valueFactory[T] {
	f := &valueFactory[T]{fn: fn, t: t, c: c, better: c.less}
	if fn == fnMax {
		f.better = func(a, b T) bool { return c.less(b, a) }
	}
	return f
}

// New returns an accumulator; unless InsertOnly was asked for it keeps
// what it needs to take retractions.
func (f *valueFactory[T]) New() expr.Accumulator {
	switch {
	case f.fn <= fnMax && f.insertOnly:
		return &extremeAcc[T]{f: f}
	case f.fn <= fnMax:
		return &extremeRetractAcc[T]{f: f}
	case f.insertOnly:
		return &edgeAcc[T]{f: f}
	}
	return &edgeRetractAcc[T]{f: f}
}

// StateTypes: MIN/MAX keep MAP<value, count>; FIRST_VALUE/LAST_VALUE keep
// ARRAY<value> in arrival order.
func (f *valueFactory[T]) StateTypes() []types.DataType {
	if f.fn <= fnMax {
		return []types.DataType{types.MapOf(f.t.NotNullable(), types.BigInt.NotNullable()).NotNullable()}
	}
	return []types.DataType{types.ArrayOf(f.t.NotNullable()).NotNullable()}
}

// InsertOnly returns a factory of accumulators that keep only the current
// value.
func (f *valueFactory[T]) InsertOnly() expr.AccumulatorFactory {
	g := *f
	g.insertOnly = true
	return &g
}

// single is the per-group current value shared by the four functions.
type single[T comparable] struct {
	vals    []T
	has     []bool
	scratch []T
}

func (s *single[T]) grow(groups []uint32) {
	n := groupsLen(groups)
	s.vals, s.has = grow(s.vals, n), grow(s.has, n)
}

func (s *single[T]) result(f *valueFactory[T], groups []uint32) arrow.Array {
	out := make([]T, len(groups))
	valid := make([]bool, len(groups))
	for i, g := range groups {
		if int(g) < len(s.has) && s.has[g] {
			out[i], valid[i] = s.vals[g], true
		}
	}
	return f.c.build(f.t, out, valid)
}

func (s *single[T]) reset(groups []uint32) {
	var zero T
	for _, g := range groups {
		if int(g) < len(s.has) {
			s.vals[g], s.has[g] = zero, false
		}
	}
}

// extremeAcc is MIN or MAX over insert-only input.
type extremeAcc[T comparable] struct {
	f *valueFactory[T]
	single[T]
}

func (a *extremeAcc[T]) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0]
	vs := a.f.c.read(col, &a.scratch)
	nulls := col.NullN() > 0
	better, keep := a.f.better, a.f.c.keep
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		if isRetract(retract, i) {
			return ErrRetraction
		}
		if v := vs[i]; !a.has[g] || better(v, a.vals[g]) {
			a.vals[g], a.has[g] = keep(v), true
		}
	}
	return nil
}

func (a *extremeAcc[T]) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	return a.result(a.f, groups), nil
}

func (a *extremeAcc[T]) State(groups []uint32) ([]arrow.Array, error) {
	b := array.NewMapBuilder(memory.DefaultAllocator, types.ArrowType(a.f.t), arrow.PrimitiveTypes.Int64, false)
	defer b.Release()
	kb, ib := b.KeyBuilder(), b.ItemBuilder().(*array.Int64Builder)
	for _, g := range groups {
		b.Append(true)
		if int(g) < len(a.has) && a.has[g] {
			a.f.c.add(kb, a.vals[g])
			ib.Append(1)
		}
	}
	return []arrow.Array{b.NewArray()}, nil
}

func (a *extremeAcc[T]) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	m := state[0].(*array.Map)
	keys := a.f.c.read(m.Keys(), new([]T))
	counts := fixedValues[int64](m.Items())
	for i, g := range groups {
		if g == expr.NoGroup || m.IsNull(i) {
			continue
		}
		start, end := m.ValueOffsets(i)
		for j := start; j < end; j++ {
			if v := keys[j]; counts[j] > 0 && (!a.has[g] || a.f.better(v, a.vals[g])) {
				a.vals[g], a.has[g] = a.f.c.keep(v), true
			}
		}
	}
	return nil
}

func (a *extremeAcc[T]) Reset(groups []uint32) { a.reset(groups) }

// extremeRetractAcc is MIN or MAX that takes retractions: it keeps each
// group's values with their multiplicity and rescans them when the current
// extreme is withdrawn, as Flink's MinWithRetractAggFunction does.
type extremeRetractAcc[T comparable] struct {
	f *valueFactory[T]
	single[T]
	counts []map[T]int64
}

func (a *extremeRetractAcc[T]) add(g uint32, v T, n int64) {
	m := a.counts[g]
	if m == nil {
		m = map[T]int64{}
		a.counts[g] = m
	}
	c, ok := m[v]
	if !ok {
		v = a.f.c.keep(v) // a new map key must not point into the batch
	}
	c += n
	if c == 0 {
		delete(m, v)
	} else {
		m[v] = c
	}
	switch {
	case c > 0 && (!a.has[g] || a.f.better(v, a.vals[g])):
		if ok {
			v = a.f.c.keep(v)
		}
		a.vals[g], a.has[g] = v, true
	case c <= 0 && a.has[g] && a.vals[g] == v:
		a.rescan(g)
	}
}

func (a *extremeRetractAcc[T]) rescan(g uint32) {
	var zero T
	a.vals[g], a.has[g] = zero, false
	for v, c := range a.counts[g] {
		if c > 0 && (!a.has[g] || a.f.better(v, a.vals[g])) {
			a.vals[g], a.has[g] = v, true
		}
	}
}

func (a *extremeRetractAcc[T]) growAll(groups []uint32) {
	a.grow(groups)
	a.counts = grow(a.counts, len(a.vals))
}

func (a *extremeRetractAcc[T]) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.growAll(groups)
	col := args[0]
	vs := a.f.c.read(col, &a.scratch)
	nulls := col.NullN() > 0
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		if isRetract(retract, i) {
			a.add(g, vs[i], -1)
		} else {
			a.add(g, vs[i], 1)
		}
	}
	return nil
}

func (a *extremeRetractAcc[T]) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	return a.result(a.f, groups), nil
}

func (a *extremeRetractAcc[T]) State(groups []uint32) ([]arrow.Array, error) {
	b := array.NewMapBuilder(memory.DefaultAllocator, types.ArrowType(a.f.t), arrow.PrimitiveTypes.Int64, false)
	defer b.Release()
	kb, ib := b.KeyBuilder(), b.ItemBuilder().(*array.Int64Builder)
	for _, g := range groups {
		b.Append(true)
		if int(g) < len(a.counts) {
			for v, c := range a.counts[g] {
				a.f.c.add(kb, v)
				ib.Append(c)
			}
		}
	}
	return []arrow.Array{b.NewArray()}, nil
}

func (a *extremeRetractAcc[T]) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.growAll(groups)
	m := state[0].(*array.Map)
	keys := a.f.c.read(m.Keys(), new([]T))
	counts := fixedValues[int64](m.Items())
	for i, g := range groups {
		if g == expr.NoGroup || m.IsNull(i) {
			continue
		}
		start, end := m.ValueOffsets(i)
		for j := start; j < end; j++ {
			a.add(g, keys[j], counts[j])
		}
	}
	return nil
}

func (a *extremeRetractAcc[T]) Reset(groups []uint32) {
	a.reset(groups)
	for _, g := range groups {
		if int(g) < len(a.counts) {
			a.counts[g] = nil
		}
	}
}
