package ops

import (
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// groupTable maps group keys to dense group indexes (0, 1, 2, ...) for the
// aggregation operators, and remembers each group's key values so results
// can be emitted with their keys. Keys are encoded with kernel.AppendKey
// into a reused buffer and looked up in a keyIndex, so looking up an
// existing group neither allocates nor boxes; a single STRING key is
// looked up by its bytes in the batch, which skips the encoding on the
// most common GROUP BY.
type groupTable struct {
	types  []types.DataType
	index  *keyIndex
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
	t := &groupTable{types: keyTypes, index: newKeyIndex(), nullGroup: -1}
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
			k := bytesString(t.buf)
			h := t.index.hash(k)
			g, ok := t.index.lookup(k, h)
			if !ok {
				g = t.alloc()
				t.index.insert(k, h, g)
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
	idx := t.index
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
		h := idx.hash(s)
		g, ok := idx.lookup(s, h)
		if !ok {
			g = t.alloc()
			idx.insert(s, h, g)
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
		t.index.delete(g)
	}
	t.free = append(t.free, g)
}

// reset forgets every group; slots are handed out from 0 again.
func (t *groupTable) reset() {
	t.index = newKeyIndex()
	t.live, t.free, t.size, t.nullGroup = t.live[:0], t.free[:0], 0, -1
	for i, kt := range t.types {
		t.stores[i] = newKeyStore(kt)
	}
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
	nulls := 0
	for i, g := range groups {
		out[i] = s.vals[g]
		if !s.valid[g] {
			nulls++
		}
	}
	valid := groupValidity(s.valid, groups, nulls)
	// Every type kept here has T's layout (dates, times and intervals are
	// int32/int64 underneath), so the values become the array's buffer.
	d := array.NewData(types.ArrowType(s.t), len(groups),
		[]*memory.Buffer{valid, memory.NewBufferBytes(arrow.GetBytes(out))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// groupValidity builds the validity bitmap of the keys of groups gathered
// in order, or nil when none of them (nulls counted by the caller) is NULL.
func groupValidity(valid []bool, groups []uint32, nulls int) *memory.Buffer {
	if nulls == 0 {
		return nil
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(groups))))
	for i, g := range groups {
		if valid[g] {
			bitutil.SetBit(bits, i)
		}
	}
	return memory.NewBufferBytes(bits)
}

// stringStore keeps STRING keys copied into one byte arena: no
// allocation per group and nothing for the garbage collector to scan,
// however many groups there are. Bytes of replaced keys (slots reused
// after a streaming group is dropped) are reclaimed by compacting.
type stringStore struct {
	t     types.DataType
	arena []byte
	off   []uint64 // key of group g is arena[off[g] : off[g]+n[g]]
	n     []uint32
	valid []bool
	dead  int
}

func (s *stringStore) set(groups []uint32, rows []int32, a arrow.Array) {
	sa := a.(*array.String)
	for j, g := range groups {
		for int(g) >= len(s.off) {
			s.off, s.n, s.valid = append(s.off, 0), append(s.n, 0), append(s.valid, false)
		}
		r := int(rows[j])
		v := sa.Value(r)
		s.dead += int(s.n[g])
		s.off[g], s.n[g], s.valid[g] = uint64(len(s.arena)), uint32(len(v)), sa.IsValid(r)
		s.arena = append(s.arena, v...)
	}
	if s.dead > 64<<10 && s.dead*2 > len(s.arena) {
		s.compact()
	}
}

// compact copies the keys of every slot into a new arena. Keys of dropped
// groups are copied too (their slots are reused soon), which keeps this
// free of knowledge of which groups live.
func (s *stringStore) compact() {
	arena := make([]byte, 0, len(s.arena)-s.dead)
	for g := range s.off {
		o := uint64(len(arena))
		arena = append(arena, s.arena[s.off[g]:s.off[g]+uint64(s.n[g])]...)
		s.off[g] = o
	}
	s.arena, s.dead = arena, 0
}

func (s *stringStore) gather(groups []uint32) arrow.Array {
	size, nulls := 0, 0
	for _, g := range groups {
		size += int(s.n[g])
		if !s.valid[g] {
			nulls++
		}
	}
	// Built as Arrow buffers directly: this runs for every changelog row
	// a streaming aggregation emits.
	offsets := make([]int32, len(groups)+1)
	data := make([]byte, 0, size)
	for i, g := range groups {
		data = append(data, s.arena[s.off[g]:s.off[g]+uint64(s.n[g])]...)
		offsets[i+1] = int32(len(data))
	}
	valid := groupValidity(s.valid, groups, nulls)
	d := array.NewData(types.ArrowType(s.t), len(groups),
		[]*memory.Buffer{valid, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), memory.NewBufferBytes(data)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
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

// bytesString views b as a string without copying, for lookups that do
// not keep it (keyIndex copies the keys it inserts).
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
