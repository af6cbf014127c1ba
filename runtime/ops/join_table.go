package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
)

// joinTable is the build side of a batch hash join: it maps each join key
// to the chain of build rows holding it (head row, then next[row]), in
// build order. A single integer-like key is looked up by its int64 value
// (intHeads); other keys are encoded with kernel.AppendKey into a reused
// buffer and numbered by a keyIndex, the aggregation's table, so neither
// building nor probing allocates per row or per key. Rows with a NULL in a
// key that is not null-safe are left out: SQL equality never matches them.
type joinTable struct {
	nullSafe []bool
	intKey   bool
	ints     *intHeads
	intNull  int32 // intKey and null-safe: head of the NULL key's chain
	keys     *keyIndex
	heads    []int32 // by keys' number: head of the key's chain
	next     []int32
	buf      []byte
	vals     []int64
}

// hasNullKey reports whether row i has a NULL in any key column.
func hasNullKey(cols []arrow.Array, i int) bool {
	for _, c := range cols {
		if c.IsNull(i) {
			return true
		}
	}
	return false
}

// skipRow reports whether row i cannot match: a NULL in a key column that
// is not null-safe.
func skipRow(cols []arrow.Array, nullSafe []bool, i int) bool {
	for k, c := range cols {
		if c.IsNull(i) && (k >= len(nullSafe) || !nullSafe[k]) {
			return true
		}
	}
	return false
}

// anyNulls reports whether a column set has any NULL at all, so per-row
// NULL checks can be skipped for whole batches.
func anyNulls(cols []arrow.Array) bool {
	for _, c := range cols {
		if c.NullN() > 0 {
			return true
		}
	}
	return false
}

// intKeyValues returns an integer-like column as int64s, or false for other
// types. Int64 columns are returned without copying.
func intKeyValues(a arrow.Array, dst []int64) ([]int64, bool) {
	switch a := a.(type) {
	case *array.Int64:
		return a.Int64Values(), true
	case *array.Int32:
		return widen(a.Int32Values(), dst), true
	case *array.Int16:
		return widen(a.Int16Values(), dst), true
	case *array.Int8:
		return widen(a.Int8Values(), dst), true
	case *array.Date32:
		return widen(a.Date32Values(), dst), true
	case *array.Time32:
		return widen(a.Time32Values(), dst), true
	case *array.Timestamp:
		return widen(a.TimestampValues(), dst), true
	case *array.Duration:
		return widen(a.DurationValues(), dst), true
	case *array.MonthInterval:
		return widen(a.MonthIntervalValues(), dst), true
	}
	return nil, false
}

func widen[T ~int8 | ~int16 | ~int32 | ~int64](vs []T, dst []int64) []int64 {
	dst = dst[:0]
	for _, v := range vs {
		dst = append(dst, int64(v))
	}
	return dst
}

// newJoinTable indexes the build rows of key columns cols.
func newJoinTable(cols []arrow.Array, rows int, nullSafe []bool) *joinTable {
	t := &joinTable{nullSafe: nullSafe, next: make([]int32, rows), intNull: -1}
	nulls := anyNulls(cols)
	// Insert from the last row so every chain lists rows in build order.
	if len(cols) == 1 {
		if vals, ok := intKeyValues(cols[0], nil); ok {
			t.intKey = true
			t.ints = newIntHeads(rows)
			for r := rows - 1; r >= 0; r-- {
				if nulls && cols[0].IsNull(r) {
					if len(nullSafe) > 0 && nullSafe[0] {
						t.next[r], t.intNull = t.intNull, int32(r)
					}
					continue
				}
				t.next[r] = t.ints.put(vals[r], int32(r))
			}
			return t
		}
	}
	t.keys = newKeyIndex()
	for r := rows - 1; r >= 0; r-- {
		if nulls && skipRow(cols, nullSafe, r) {
			continue
		}
		t.buf = kernel.AppendKey(t.buf[:0], cols, r)
		k := bytesString(t.buf)
		h := t.keys.hash(k)
		g, ok := t.keys.lookup(k, h)
		if !ok {
			g = uint32(len(t.heads))
			t.keys.insert(k, h, g)
			t.heads = append(t.heads, -1)
		}
		t.next[r] = t.heads[g]
		t.heads[g] = int32(r)
	}
	return t
}

// probe appends to ps and bs a (probe row, build row) pair for every match
// of probe rows [lo, hi), in probe order and then build order. With first
// set it stops at each probe row's first match (enough for semi and anti
// joins without a residual condition).
func (t *joinTable) probe(cols []arrow.Array, lo, hi int, first bool, ps, bs []int32) ([]int32, []int32) {
	nulls := anyNulls(cols)
	if t.intKey {
		var vals []int64
		vals, _ = intKeyValues(cols[0], t.vals)
		if cols[0].DataType().ID() != arrow.INT64 {
			t.vals = vals // a widened copy: reuse its memory next batch
		}
		nullSafe := len(t.nullSafe) > 0 && t.nullSafe[0]
		for i := lo; i < hi; i++ {
			var r int32
			if nulls && cols[0].IsNull(i) {
				if !nullSafe {
					continue
				}
				r = t.intNull
			} else {
				if r = t.ints.get(vals[i]); r < 0 {
					continue
				}
			}
			for ; r >= 0; r = t.next[r] {
				ps, bs = append(ps, int32(i)), append(bs, r)
				if first {
					break
				}
			}
		}
		return ps, bs
	}
	for i := lo; i < hi; i++ {
		if nulls && skipRow(cols, t.nullSafe, i) {
			continue
		}
		t.buf = kernel.AppendKey(t.buf[:0], cols, i)
		k := bytesString(t.buf)
		g, ok := t.keys.lookup(k, t.keys.hash(k))
		if !ok {
			continue
		}
		for r := t.heads[g]; r >= 0; r = t.next[r] {
			ps, bs = append(ps, int32(i)), append(bs, r)
			if first {
				break
			}
		}
	}
	return ps, bs
}

// intHeads maps int64 keys to chain heads with open addressing (linear
// probing over a power-of-two table sized once for the build side). For
// the common single integer key it is several times faster than a Go map:
// the probe loop inlines, and a key sits next to its head so a lookup
// touches one cache line.
type intHeads struct {
	slots []intSlot
	shift uint
	mask  uint64
}

type intSlot struct {
	key  int64
	head int32 // -1: empty slot
}

func newIntHeads(rows int) *intHeads {
	bits := uint(4)
	for 1<<bits < 2*rows {
		bits++
	}
	h := &intHeads{slots: make([]intSlot, 1<<bits), shift: 64 - bits, mask: 1<<bits - 1}
	for i := range h.slots {
		h.slots[i].head = -1
	}
	return h
}

// slot spreads keys with Fibonacci hashing (the product's top bits), so
// sequential keys do not cluster.
func (h *intHeads) slot(k int64) uint64 { return (uint64(k) * 0x9e3779b97f4a7c15) >> h.shift }

// get returns the head of key k's chain, or -1.
func (h *intHeads) get(k int64) int32 {
	for i := h.slot(k); ; i = (i + 1) & h.mask {
		s := &h.slots[i]
		if s.head < 0 || s.key == k {
			return s.head
		}
	}
}

// put makes row r the head of key k's chain and returns the previous head
// (-1 for a new key).
func (h *intHeads) put(k int64, r int32) int32 {
	for i := h.slot(k); ; i = (i + 1) & h.mask {
		s := &h.slots[i]
		if s.head < 0 {
			s.key, s.head = k, r
			return -1
		}
		if s.key == k {
			prev := s.head
			s.head = r
			return prev
		}
	}
}
