package ops

import (
	"slices"

	"github.com/spry-engine/spry/types"
)

// timedStore is one input's keyed state in a time-bounded join (interval
// and window joins): rows by join key, each with a time (its rowtime, or
// its window's end) after which it is no longer needed. Row values stay
// in the input batches they arrived in (chunks) and entries point into
// them; a chunk is released once none of its rows is live. Keys map to
// dense group numbers through a keyIndex, each group's entries form a
// doubly linked list in arrival order, and a min-heap orders all entries by
// time so that expiry pops exactly the expired ones. Nothing here holds a
// Go pointer per row.
type timedStore struct {
	schema *types.Schema
	index  *keyIndex

	heads, tails []int32 // per group: first and last entry, -1 when empty
	freeGroups   []uint32

	chunks    []*types.Batch
	chunkLive []int32

	ents     []timedEntry
	freeEnts []int32
	heap     []int32 // entry numbers ordered by (time, seq)
	live     int
	seq      uint64
}

// timedEntry is one stored row.
type timedEntry struct {
	ref        rowRef
	time       int64
	group      uint32
	prev, next int32
	// seq orders entries of equal time by arrival.
	seq uint64
	// emitted is a per-join flag: for interval and window joins, a row of
	// an outer side that has joined at least once (so it is not padded
	// with NULLs when it expires); for temporal joins, a version that
	// deletes its key.
	emitted bool
}

func newTimedStore(schema *types.Schema) *timedStore {
	return &timedStore{schema: schema, index: newKeyIndex()}
}

// addChunk keeps b as a chunk and returns its number; rows of b are then
// added with add.
func (s *timedStore) addChunk(b *types.Batch) int32 {
	for i, c := range s.chunks {
		if c == nil {
			s.chunks[i], s.chunkLive[i] = b, 0
			return int32(i)
		}
	}
	s.chunks = append(s.chunks, b)
	s.chunkLive = append(s.chunkLive, 0)
	return int32(len(s.chunks) - 1)
}

// releaseIfEmpty drops chunk c when none of its rows was kept.
func (s *timedStore) releaseIfEmpty(c int32) {
	if s.chunkLive[c] == 0 {
		s.chunks[c] = nil
	}
}

// group returns the group of key, or false.
func (s *timedStore) group(key []byte) (uint32, bool) {
	k := bytesString(key)
	return s.index.lookup(k, s.index.hash(k))
}

// first returns group g's first entry, or -1; ents[e].next walks on.
// (A loop over these, unlike a callback, allocates nothing per row.)
func (s *timedStore) first(g uint32) int32 {
	if int(g) >= len(s.heads) {
		return -1
	}
	return s.heads[g]
}

// add stores row ref under key with time t and returns the entry number.
func (s *timedStore) add(key []byte, ref rowRef, t int64, emitted bool) int32 {
	k := bytesString(key)
	h := s.index.hash(k)
	g, ok := s.index.lookup(k, h)
	if !ok {
		if n := len(s.freeGroups); n > 0 {
			g = s.freeGroups[n-1]
			s.freeGroups = s.freeGroups[:n-1]
		} else {
			g = uint32(len(s.heads))
			s.heads = append(s.heads, -1)
			s.tails = append(s.tails, -1)
		}
		s.index.insert(k, h, g) // insert copies the bytes into its arena
		s.heads[g], s.tails[g] = -1, -1
	}
	var e int32
	if n := len(s.freeEnts); n > 0 {
		e = s.freeEnts[n-1]
		s.freeEnts = s.freeEnts[:n-1]
	} else {
		e = int32(len(s.ents))
		s.ents = append(s.ents, timedEntry{})
	}
	s.seq++
	s.ents[e] = timedEntry{ref: ref, time: t, seq: s.seq, group: g, prev: s.tails[g], next: -1, emitted: emitted}
	if s.tails[g] >= 0 {
		s.ents[s.tails[g]].next = e
	} else {
		s.heads[g] = e
	}
	s.tails[g] = e
	s.chunkLive[ref.chunk]++
	s.live++
	s.push(e)
	return e
}

// expire removes every entry whose time is <= upTo. Before any of them
// goes, f (when not nil) gets them all, oldest first, while their rows
// are still readable.
func (s *timedStore) expire(upTo int64, f func(es []int32)) {
	var es []int32
	for len(s.heap) > 0 && s.ents[s.heap[0]].time <= upTo {
		es = append(es, s.pop())
	}
	if len(es) == 0 {
		return
	}
	if f != nil {
		f(es)
	}
	for _, e := range es {
		s.remove(e)
	}
}

// remove unlinks entry e (already out of the heap) and frees it.
func (s *timedStore) remove(e int32) {
	en := &s.ents[e]
	g := en.group
	if en.prev >= 0 {
		s.ents[en.prev].next = en.next
	} else {
		s.heads[g] = en.next
	}
	if en.next >= 0 {
		s.ents[en.next].prev = en.prev
	} else {
		s.tails[g] = en.prev
	}
	if s.heads[g] < 0 {
		s.index.delete(g)
		s.freeGroups = append(s.freeGroups, g)
	}
	c := en.ref.chunk
	s.chunkLive[c]--
	if s.chunkLive[c] == 0 {
		s.chunks[c] = nil
	}
	s.live--
	s.freeEnts = append(s.freeEnts, e)
}

// minTime returns the smallest stored time, or false when empty.
func (s *timedStore) minTime() (int64, bool) {
	if len(s.heap) == 0 {
		return 0, false
	}
	return s.ents[s.heap[0]].time, true
}

// liveEntries lists the stored entries by time, then arrival.
func (s *timedStore) liveEntries() []int32 {
	es := append([]int32(nil), s.heap...)
	slices.SortFunc(es, func(a, b int32) int {
		if s.before(a, b) {
			return -1
		}
		if s.before(b, a) {
			return 1
		}
		return 0
	})
	return es
}

// popUpTo removes from the heap (but not from the store) every entry
// whose time is <= upTo and returns them by time, then arrival; the
// caller removes or re-pushes each one.
func (s *timedStore) popUpTo(upTo int64) []int32 {
	var es []int32
	for len(s.heap) > 0 && s.ents[s.heap[0]].time <= upTo {
		es = append(es, s.pop())
	}
	return es
}

func (s *timedStore) less(i, j int) bool {
	return s.before(s.heap[i], s.heap[j])
}

// before orders entries by time, then arrival.
func (s *timedStore) before(a, b int32) bool {
	ea, eb := &s.ents[a], &s.ents[b]
	return ea.time < eb.time || ea.time == eb.time && ea.seq < eb.seq
}

func (s *timedStore) push(e int32) {
	s.heap = append(s.heap, e)
	i := len(s.heap) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s.heap[i], s.heap[p] = s.heap[p], s.heap[i]
		i = p
	}
}

func (s *timedStore) pop() int32 {
	top := s.heap[0]
	n := len(s.heap) - 1
	s.heap[0] = s.heap[n]
	s.heap = s.heap[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && s.less(l, m) {
			m = l
		}
		if r < n && s.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		s.heap[i], s.heap[m] = s.heap[m], s.heap[i]
		i = m
	}
	return top
}
