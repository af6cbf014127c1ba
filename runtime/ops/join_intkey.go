package ops

import (
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/types"
)

// intKeyTable maps the values of a single integer join key (INT, BIGINT,
// TIMESTAMP, ...: most equi-joins, Nexmark's all) straight to key ids:
// open addressing with linear probing over (value, id) pairs, no byte
// encoding, no arena, no pointers. The NULL key (matched only by a
// null-safe equality) has its own id beside the table.
type intKeyTable struct {
	slots []intKeySlot
	mask  uint64
	used  int
	null  int32 // id of the NULL key, -1 if absent
}

// intKeySlot is one entry; id 0 marks an empty slot, so id g is stored
// as g+1.
type intKeySlot struct {
	key int64
	id  uint32
}

func newIntKeyTable() *intKeyTable {
	return &intKeyTable{slots: make([]intKeySlot, keyIndexMinSlots), mask: keyIndexMinSlots - 1, null: -1}
}

// intHash spreads v over the table: a multiply by 2^64/φ, folded so that
// the low bits the mask keeps depend on every bit of v.
func intHash(v int64) uint64 {
	hi, lo := bits.Mul64(uint64(v), 0x9e3779b97f4a7c15)
	return hi ^ lo
}

// lookup returns the id of key v, or -1.
func (t *intKeyTable) lookup(v int64) int32 {
	for i := intHash(v) & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s.id == 0 {
			return -1
		}
		if s.key == v {
			return int32(s.id - 1)
		}
	}
}

// insert adds key v (absent) with id g.
func (t *intKeyTable) insert(v int64, g uint32) {
	if (t.used+1)*10 > len(t.slots)*7 {
		old := t.slots
		t.slots = make([]intKeySlot, 2*len(old))
		t.mask = uint64(len(t.slots) - 1)
		for _, s := range old {
			if s.id != 0 {
				t.place(s)
			}
		}
	}
	t.place(intKeySlot{key: v, id: g + 1})
	t.used++
}

func (t *intKeyTable) place(s intKeySlot) {
	i := intHash(s.key) & t.mask
	for t.slots[i].id != 0 {
		i = (i + 1) & t.mask
	}
	t.slots[i] = s
}

// delete removes key v, shifting later entries of its probe run back into
// the hole instead of leaving a tombstone.
func (t *intKeyTable) delete(v int64) {
	i := intHash(v) & t.mask
	for t.slots[i].key != v || t.slots[i].id == 0 {
		if t.slots[i].id == 0 {
			return
		}
		i = (i + 1) & t.mask
	}
	for j := (i + 1) & t.mask; t.slots[j].id != 0; j = (j + 1) & t.mask {
		home := intHash(t.slots[j].key) & t.mask
		if (i < j && i < home && home <= j) || (i > j && (home > i || home <= j)) {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = intKeySlot{}
	t.used--
}

// intKeyType reports whether a join key column of type dt can key an
// intKeyTable: an integer-backed type of at most 64 bits.
func intKeyType(dt types.DataType) bool {
	switch types.ArrowType(dt).ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.TIME32,
		arrow.TIMESTAMP, arrow.DURATION, arrow.INTERVAL_MONTHS:
		return true
	}
	return false
}
