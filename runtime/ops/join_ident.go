package ops

// identTable finds a streaming join side's records by the identity of
// their row (a hash of every column), for retractions and for counting
// a repeated row as one record: an open-addressing table with linear
// probing over (hash, record) pairs that holds no pointers. Several records
// may share a hash (equal rows stored before the table existed, or a hash
// collision); callers confirm a candidate by comparing the rows.
type identTable struct {
	slots []identSlot
	mask  uint64
	used  int
}

// identSlot is one entry; rec 0 marks an empty slot, so record r is stored
// as r+1.
type identSlot struct {
	hash uint64
	rec  int32
}

const identMinSlots = 1024

func newIdentTable(n int) *identTable {
	size := identMinSlots
	for size*7 < n*10 {
		size *= 2
	}
	return &identTable{slots: make([]identSlot, size), mask: uint64(size - 1)}
}

// each calls f with every record stored under hash h until f returns true.
func (t *identTable) each(h uint64, f func(rec int32) bool) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s.rec == 0 {
			return
		}
		if s.hash == h && f(s.rec-1) {
			return
		}
	}
}

// insert adds record rec under hash h.
func (t *identTable) insert(h uint64, rec int32) {
	if (t.used+1)*10 > len(t.slots)*7 {
		t.resize(len(t.slots) * 2)
	}
	t.place(identSlot{hash: h, rec: rec + 1})
	t.used++
}

func (t *identTable) place(s identSlot) {
	i := s.hash & t.mask
	for t.slots[i].rec != 0 {
		i = (i + 1) & t.mask
	}
	t.slots[i] = s
}

func (t *identTable) resize(n int) {
	old := t.slots
	t.slots = make([]identSlot, n)
	t.mask = uint64(n - 1)
	for _, s := range old {
		if s.rec != 0 {
			t.place(s)
		}
	}
}

// delete removes record rec (stored under hash h), shifting later entries
// of its probe run back into the hole instead of leaving a tombstone.
func (t *identTable) delete(h uint64, rec int32) {
	i := h & t.mask
	for t.slots[i].rec != rec+1 {
		if t.slots[i].rec == 0 {
			return // not present
		}
		i = (i + 1) & t.mask
	}
	for j := (i + 1) & t.mask; t.slots[j].rec != 0; j = (j + 1) & t.mask {
		home := t.slots[j].hash & t.mask
		// Leave slot j if its home lies cyclically in (i, j].
		if (i < j && i < home && home <= j) || (i > j && (home > i || home <= j)) {
			continue
		}
		t.slots[i] = t.slots[j]
		i = j
	}
	t.slots[i] = identSlot{}
	t.used--
}
