package ops

import "math/bits"

// distinctMulti is one group's distinct values of one fixed-width column
// for several COUNT(DISTINCT) calls over it that differ in their FILTER
// (q15's total, rank1, rank2 and rank3 bidders): an open-addressing table
// with linear probing whose slot holds the value and, per call (view), the
// value's multiplicity among the rows that call sees. Flink keeps one
// MapView per distinct argument for the same reason: one probe per row
// serves every call. A slot whose counts are all zero is empty.
type distinctMulti struct {
	slots []int64 // stride m+1: value, then one count per view
	used  int     // slots holding a value
	live  []int   // per view: values with a positive count
	shift uint8   // 64 - log2(number of slots)
}

const distinctMinSlots = 8

// home is v's first slot (Fibonacci hashing: the product's high bits,
// which every bit of v reaches, so strided ids spread too).
func (s *distinctMulti) home(v int64) int {
	return int((uint64(v) * 0x9E3779B97F4A7C15) >> s.shift)
}

func (s *distinctMulti) empty(i, stride int) bool {
	for _, c := range s.slots[i*stride+1 : (i+1)*stride] {
		if c != 0 {
			return false
		}
	}
	return true
}

// find returns v's slot, inserting v (with zero counts) when insert is set;
// -1 when v is absent and not inserted.
func (s *distinctMulti) find(v int64, m int, insert bool) int {
	stride := m + 1
	if s.slots == nil {
		if !insert {
			return -1
		}
		s.live = make([]int, m)
		s.resize(distinctMinSlots, m)
	}
	n := len(s.slots) / stride
	mask := n - 1
	i := s.home(v)
	for !s.empty(i, stride) {
		if s.slots[i*stride] == v {
			return i
		}
		i = (i + 1) & mask
	}
	if !insert {
		return -1
	}
	if 3*(s.used+1) > 2*n {
		s.resize(2*n, m)
		return s.find(v, m, true)
	}
	s.slots[i*stride] = v
	s.used++
	return i
}

// add changes v's multiplicity in view j by d; a retraction of an absent
// value is ignored.
func (s *distinctMulti) add(v int64, j, m int, d int64) {
	i := s.find(v, m, d > 0)
	if i < 0 {
		return
	}
	s.addAt(i, j, m, d)
}

// addAt changes the count of view j in slot i by d and frees the slot
// when all its counts are zero, reporting whether it did (slot indexes
// are then stale).
func (s *distinctMulti) addAt(i, j, m int, d int64) bool {
	stride := m + 1
	c := &s.slots[i*stride+1+j]
	before := *c
	if before <= 0 && d <= 0 {
		return false
	}
	*c += d
	switch {
	case before <= 0 && *c > 0:
		s.live[j]++
	case before > 0 && *c <= 0:
		*c = 0
		s.live[j]--
		if s.empty(i, stride) {
			s.remove(i, stride)
			return true
		}
	}
	return false
}

// remove empties slot i and moves back the entries of its probe run that
// would otherwise become unreachable.
func (s *distinctMulti) remove(i, stride int) {
	mask := len(s.slots)/stride - 1
	j := i
	for {
		j = (j + 1) & mask
		if s.empty(j, stride) {
			break
		}
		home := s.home(s.slots[j*stride])
		// Entry j may move to i when its home is not in (i, j] cyclically.
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			copy(s.slots[i*stride:(i+1)*stride], s.slots[j*stride:(j+1)*stride])
			i = j
		}
	}
	clear(s.slots[i*stride : (i+1)*stride])
	s.used--
}

// resize rehashes into n slots, dropping values no view holds.
func (s *distinctMulti) resize(n, m int) {
	stride := m + 1
	old := s.slots
	s.slots = make([]int64, n*stride)
	s.shift = uint8(64 - bits.TrailingZeros(uint(n)))
	s.used = 0
	mask := n - 1
	for o := 0; o < len(old); o += stride {
		if !nonZero(old[o+1 : o+stride]) {
			continue
		}
		j := s.home(old[o])
		for !s.empty(j, stride) {
			j = (j + 1) & mask
		}
		copy(s.slots[j*stride:(j+1)*stride], old[o:o+stride])
		s.used++
	}
}

func nonZero(cs []int64) bool {
	for _, c := range cs {
		if c != 0 {
			return true
		}
	}
	return false
}

// reset clears view j; once no view holds a value the memory goes too.
func (s *distinctMulti) reset(j, m int) {
	if s.slots == nil {
		return
	}
	stride := m + 1
	for o := 1 + j; o < len(s.slots); o += stride {
		s.slots[o] = 0
	}
	s.live[j] = 0
	for _, l := range s.live {
		if l > 0 {
			// Slots only view j held are empty now: rehash, so no probe
			// run is cut short by them.
			s.resize(len(s.slots)/stride, m)
			return
		}
	}
	*s = distinctMulti{}
}
