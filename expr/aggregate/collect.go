package aggregate

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// boxed is a value kept as a Go value (see types.Value) with its key
// encoding (kernel.AppendKey), for the aggregates that collect values of
// any type. These are inherently per-value allocating, as in Flink.
type boxed struct {
	key string
	val any
	n   int64
}

// keyOf encodes row i of col into buf.
func keyOf(buf []byte, col arrow.Array, i int) []byte {
	return kernel.AppendKey(buf, []arrow.Array{col}, i)
}

// collectFactory makes COLLECT accumulators (MULTISET of the non-NULL
// values) and ARRAY_AGG accumulators (ARRAY of the values in arrival order,
// NULLs kept, NULL for no rows).
type collectFactory struct {
	elem  types.DataType
	array bool // ARRAY_AGG rather than COLLECT
}

func (f *collectFactory) New() expr.Accumulator { return &collectAcc{f: f} }

// StateTypes: the multiset itself for COLLECT, the array for ARRAY_AGG.
func (f *collectFactory) StateTypes() []types.DataType {
	if f.array {
		return []types.DataType{types.ArrayOf(f.elem).NotNullable()}
	}
	return []types.DataType{types.MultisetOf(f.elem.NotNullable()).NotNullable()}
}

// collectAcc keeps, per group, the values in first-arrival order with their
// multiplicity (COLLECT), or one entry per value (ARRAY_AGG).
type collectAcc struct {
	f    *collectFactory
	bags [][]*boxed
	idx  []map[string]*boxed // COLLECT: each group's bag entries by key
	buf  []byte
}

func (a *collectAcc) add(g uint32, col arrow.Array, i int, n int64) {
	a.buf = keyOf(a.buf[:0], col, i)
	bag := a.bags[g]
	if a.f.array && n > 0 {
		a.bags[g] = append(bag, &boxed{key: string(a.buf), val: types.Value(col, i), n: 1})
		return
	}
	if a.f.array { // withdraw the earliest equal value
		for j, e := range bag {
			if e.key == string(a.buf) {
				a.bags[g] = append(bag[:j], bag[j+1:]...)
				return
			}
		}
		return
	}
	a.idx = grow(a.idx, len(a.bags))
	m := a.idx[g]
	if m == nil {
		m = map[string]*boxed{}
		a.idx[g] = m
	}
	e := m[string(a.buf)]
	if e == nil {
		e = &boxed{key: string(a.buf), val: types.Value(col, i)}
		m[e.key] = e
		a.bags[g] = append(bag, e)
	}
	if e.n += n; e.n == 0 {
		delete(m, e.key)
		for j, x := range bag {
			if x == e {
				a.bags[g] = append(bag[:j], bag[j+1:]...)
				break
			}
		}
	}
}

func (a *collectAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.bags = grow(a.bags, groupsLen(groups))
	col := args[0]
	for i, g := range groups {
		if g == expr.NoGroup || !a.f.array && col.IsNull(i) {
			continue
		}
		if isRetract(retract, i) {
			a.add(g, col, i, -1)
		} else {
			a.add(g, col, i, 1)
		}
	}
	return nil
}

// build makes the Result (result set) or State column of groups. A result
// leaves out values whose count is not positive (a retraction that arrived
// before its row); the state keeps them so they can cancel later.
func (a *collectAcc) build(groups []uint32, result bool) arrow.Array {
	emptyNull := result && a.f.array
	t := a.f.StateTypes()[0]
	b := types.NewBuilder(t)
	defer b.Release()
	for _, g := range groups {
		var bag []*boxed
		if int(g) < len(a.bags) {
			bag = a.bags[g]
		}
		if len(bag) == 0 && emptyNull {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.ListBuilder:
			b.Append(true)
			for _, e := range bag {
				types.Append(b.ValueBuilder(), e.val)
			}
		case *array.MapBuilder:
			b.Append(true)
			for _, e := range bag {
				if result && e.n <= 0 {
					continue
				}
				types.Append(b.KeyBuilder(), e.val)
				b.ItemBuilder().(*array.Int32Builder).Append(int32(e.n))
			}
		}
	}
	return b.NewArray()
}

func (a *collectAcc) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	return a.build(groups, true), nil
}

func (a *collectAcc) State(groups []uint32) ([]arrow.Array, error) {
	return []arrow.Array{a.build(groups, false)}, nil
}

func (a *collectAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.bags = grow(a.bags, groupsLen(groups))
	switch s := state[0].(type) {
	case *array.Map:
		keys, items := s.Keys(), fixedValues[int32](s.Items())
		for i, g := range groups {
			if g == expr.NoGroup || s.IsNull(i) {
				continue
			}
			start, end := s.ValueOffsets(i)
			for j := start; j < end; j++ {
				a.add(g, keys, int(j), int64(items[j]))
			}
		}
	case *array.List:
		vals := s.ListValues()
		for i, g := range groups {
			if g == expr.NoGroup || s.IsNull(i) {
				continue
			}
			start, end := s.ValueOffsets(i)
			for j := start; j < end; j++ {
				a.add(g, vals, int(j), 1)
			}
		}
	}
	return nil
}

func (a *collectAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.bags) {
			a.bags[g] = nil
		}
		if int(g) < len(a.idx) {
			a.idx[g] = nil
		}
	}
}

// singleFactory makes SINGLE_VALUE accumulators, which the planner uses for
// scalar subqueries: the group's only value (NULL included), ErrSingleValue
// when a second row arrives.
type singleFactory struct{ t types.DataType }

func (f *singleFactory) New() expr.Accumulator { return &singleAcc{f: f} }

// StateTypes are the value and the row count.
func (f *singleFactory) StateTypes() []types.DataType {
	return []types.DataType{f.t, types.BigInt.NotNullable()}
}

type singleAcc struct {
	f    *singleFactory
	vals []any
	cnt  []int64
}

func (a *singleAcc) grow(groups []uint32) {
	n := groupsLen(groups)
	a.vals, a.cnt = grow(a.vals, n), grow(a.cnt, n)
}

func (a *singleAcc) add(g uint32, v any, n int64) error {
	if n > 0 && a.cnt[g] == 0 {
		a.vals[g] = v
	}
	a.cnt[g] += n
	if a.cnt[g] > 1 {
		return ErrSingleValue
	}
	if a.cnt[g] <= 0 {
		a.vals[g] = nil
	}
	return nil
}

func (a *singleAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	for i, g := range groups {
		if g == expr.NoGroup {
			continue
		}
		n := int64(1)
		if isRetract(retract, i) {
			n = -1
		}
		if err := a.add(g, types.Value(args[0], i), n); err != nil {
			return err
		}
	}
	return nil
}

func (a *singleAcc) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	b := types.NewBuilder(a.f.t)
	defer b.Release()
	for _, g := range groups {
		if int(g) < len(a.vals) {
			types.Append(b, a.vals[g])
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray(), nil
}

func (a *singleAcc) State(groups []uint32) ([]arrow.Array, error) {
	v, err := a.Result(nil, groups)
	if err != nil {
		return nil, err
	}
	c := make([]int64, len(groups))
	for i, g := range groups {
		if int(g) < len(a.cnt) {
			c[i] = a.cnt[g]
		}
	}
	return []arrow.Array{v, buildFixed(types.BigInt.NotNullable(), c, nil)}, nil
}

func (a *singleAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	c := fixedValues[int64](state[1])
	for i, g := range groups {
		if g == expr.NoGroup || c[i] == 0 {
			continue
		}
		if err := a.add(g, types.Value(state[0], i), c[i]); err != nil {
			return err
		}
	}
	return nil
}

func (a *singleAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.cnt) {
			a.vals[g], a.cnt[g] = nil, 0
		}
	}
}
