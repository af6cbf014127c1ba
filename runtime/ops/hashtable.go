package ops

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// groupTable maps group keys to dense group indexes (0, 1, 2, ...) for the
// aggregation operators, and remembers each group's key values so results
// can be emitted with their keys. Keys are encoded with kernel.AppendKey
// into a reused buffer, so looking up an existing group does not allocate;
// a single STRING key is used as the map key directly, which skips the
// encoding on the most common GROUP BY.
type groupTable struct {
	types  []types.DataType
	index  map[string]uint32
	keys   []string // map key of each group slot, for dropping it
	live   []bool
	stores []keyStore
	free   []uint32
	size   uint32 // group slots handed out, live or free

	rawString bool  // one STRING key column: map keyed by the value itself
	nullGroup int64 // rawString: slot of the NULL key, -1 if none
	buf       []byte
	newRows   []int32
	newGroups []uint32
}

func newGroupTable(keyTypes []types.DataType) *groupTable {
	t := &groupTable{types: keyTypes, index: map[string]uint32{}, nullGroup: -1}
	t.stores = make([]keyStore, len(keyTypes))
	for i, kt := range keyTypes {
		t.stores[i] = newKeyStore(kt)
	}
	t.rawString = len(keyTypes) == 1 && keyTypes[0].Kind.IsString()
	return t
}

// len returns the number of group slots (the bound of group indexes).
func (t *groupTable) len() int { return int(t.size) }

func (t *groupTable) alloc() uint32 {
	if n := len(t.free); n > 0 {
		g := t.free[n-1]
		t.free = t.free[:n-1]
		t.live[g] = true
		return g
	}
	g := t.size
	t.size++
	t.keys = append(t.keys, "")
	t.live = append(t.live, true)
	return g
}

// assign writes the group of every row of the key columns into groups,
// creating groups for new keys.
func (t *groupTable) assign(cols []arrow.Array, rows int, groups []uint32) {
	t.newRows, t.newGroups = t.newRows[:0], t.newGroups[:0]
	switch {
	case len(cols) == 0:
		if t.size == 0 || !t.live[0] {
			if t.size == 0 {
				t.alloc()
			} else {
				t.live[0] = true
			}
		}
		for i := range groups[:rows] {
			groups[i] = 0
		}
		return
	case t.rawString:
		t.assignStrings(cols[0].(*array.String), groups[:rows])
	default:
		for i := 0; i < rows; i++ {
			t.buf = kernel.AppendKey(t.buf[:0], cols, i)
			g, ok := t.index[string(t.buf)]
			if !ok {
				g = t.alloc()
				k := string(t.buf)
				t.index[k], t.keys[g] = g, k
				t.newRows, t.newGroups = append(t.newRows, int32(i)), append(t.newGroups, g)
			}
			groups[i] = g
		}
	}
	if len(t.newRows) > 0 {
		for c, s := range t.stores {
			s.set(t.newGroups, t.newRows, cols[c])
		}
	}
}

func (t *groupTable) assignStrings(a *array.String, groups []uint32) {
	nulls := a.NullN() > 0
	for i := range groups {
		if nulls && a.IsNull(i) {
			if t.nullGroup < 0 {
				g := t.alloc()
				t.nullGroup = int64(g)
				t.newRows, t.newGroups = append(t.newRows, int32(i)), append(t.newGroups, g)
			}
			groups[i] = uint32(t.nullGroup)
			continue
		}
		s := a.Value(i)
		g, ok := t.index[s]
		if !ok {
			g = t.alloc()
			k := strings.Clone(s)
			t.index[k], t.keys[g] = g, k
			t.newRows, t.newGroups = append(t.newRows, int32(i)), append(t.newGroups, g)
		}
		groups[i] = g
	}
}

// drop forgets group g; its slot is reused by a later new key.
func (t *groupTable) drop(g uint32) {
	if !t.live[g] {
		return
	}
	t.live[g] = false
	if len(t.types) == 0 {
		return // the single group of a global aggregation keeps slot 0
	}
	if t.rawString && int64(g) == t.nullGroup {
		t.nullGroup = -1
	} else {
		delete(t.index, t.keys[g])
	}
	t.keys[g] = ""
	t.free = append(t.free, g)
}

// liveGroups appends every live group index to dst in slot order.
func (t *groupTable) liveGroups(dst []uint32) []uint32 {
	for g, ok := range t.live {
		if ok {
			dst = append(dst, uint32(g))
		}
	}
	return dst
}

// keyColumns returns the key values of groups as arrays.
func (t *groupTable) keyColumns(groups []uint32) []arrow.Array {
	out := make([]arrow.Array, len(t.stores))
	for i, s := range t.stores {
		out[i] = s.gather(groups)
	}
	return out
}

// keyStore keeps one key column's value per group slot.
type keyStore interface {
	// set stores row rows[j] of a as the key of group groups[j].
	set(groups []uint32, rows []int32, a arrow.Array)
	gather(groups []uint32) arrow.Array
}

func newKeyStore(t types.DataType) keyStore {
	switch types.ArrowType(t).(type) {
	case *arrow.Int8Type:
		return &fixedStore[int8]{t: t}
	case *arrow.Int16Type:
		return &fixedStore[int16]{t: t}
	case *arrow.Int32Type, *arrow.Date32Type, *arrow.Time32Type, *arrow.MonthIntervalType:
		return &fixedStore[int32]{t: t}
	case *arrow.Int64Type, *arrow.TimestampType, *arrow.DurationType:
		return &fixedStore[int64]{t: t}
	case *arrow.Float32Type:
		return &fixedStore[float32]{t: t}
	case *arrow.Float64Type:
		return &fixedStore[float64]{t: t}
	case *arrow.StringType:
		return &stringStore{t: t}
	}
	return &valueStore{t: t}
}

type fixedStore[T int8 | int16 | int32 | int64 | float32 | float64] struct {
	t     types.DataType
	vals  []T
	valid []bool
}

func (s *fixedStore[T]) set(groups []uint32, rows []int32, a arrow.Array) {
	vs := arrow.GetValues[T](a.Data(), 1)
	for j, g := range groups {
		for int(g) >= len(s.vals) {
			s.vals, s.valid = append(s.vals, 0), append(s.valid, false)
		}
		r := int(rows[j])
		s.vals[g], s.valid[g] = vs[r], a.IsValid(r)
	}
}

func (s *fixedStore[T]) gather(groups []uint32) arrow.Array {
	out := make([]T, len(groups))
	valid := make([]bool, len(groups))
	nulls := false
	for i, g := range groups {
		out[i], valid[i] = s.vals[g], s.valid[g]
		nulls = nulls || !valid[i]
	}
	b := array.NewBuilder(memory.DefaultAllocator, types.ArrowType(s.t))
	defer b.Release()
	if !nulls {
		valid = nil
	}
	switch b := b.(type) {
	case interface{ AppendValues([]T, []bool) }:
		b.AppendValues(out, valid)
	default:
		for i, v := range out {
			if valid != nil && !valid[i] {
				b.AppendNull()
			} else {
				appendFixed(b, v)
			}
		}
	}
	return b.NewArray()
}

func appendFixed[T int8 | int16 | int32 | int64 | float32 | float64](b array.Builder, v T) {
	switch b := b.(type) {
	case *array.Date32Builder:
		b.Append(arrow.Date32(v))
	case *array.Time32Builder:
		b.Append(arrow.Time32(v))
	case *array.MonthIntervalBuilder:
		b.Append(arrow.MonthInterval(v))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(v))
	}
}

// stringStore keeps STRING keys, copied out of the batch.
type stringStore struct {
	t     types.DataType
	vals  []string
	valid []bool
}

func (s *stringStore) set(groups []uint32, rows []int32, a arrow.Array) {
	sa := a.(*array.String)
	for j, g := range groups {
		for int(g) >= len(s.vals) {
			s.vals, s.valid = append(s.vals, ""), append(s.valid, false)
		}
		r := int(rows[j])
		s.vals[g], s.valid[g] = strings.Clone(sa.Value(r)), sa.IsValid(r)
	}
}

func (s *stringStore) gather(groups []uint32) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	size := 0
	for _, g := range groups {
		size += len(s.vals[g])
	}
	b.Reserve(len(groups))
	b.ReserveData(size)
	for _, g := range groups {
		if s.valid[g] {
			b.Append(s.vals[g])
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray()
}

// valueStore keeps keys of any other type as Go values; strings are
// copied out of the batch.
type valueStore struct {
	t    types.DataType
	vals []any
}

func (s *valueStore) set(groups []uint32, rows []int32, a arrow.Array) {
	for j, g := range groups {
		for int(g) >= len(s.vals) {
			s.vals = append(s.vals, nil)
		}
		v := types.Value(a, int(rows[j]))
		if str, ok := v.(string); ok {
			v = strings.Clone(str)
		}
		s.vals[g] = v
	}
}

func (s *valueStore) gather(groups []uint32) arrow.Array {
	b := types.NewBuilder(s.t)
	defer b.Release()
	b.Reserve(len(groups))
	for _, g := range groups {
		types.Append(b, s.vals[g])
	}
	return b.NewArray()
}

var _ = expr.NoGroup
