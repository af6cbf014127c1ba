package ops

import (
	"hash/maphash"
	"math/bits"
)

// keyFilter remembers, approximately, which keys a disk-backed aggregation
// has written to its store, so that a new key, the common case of a
// streaming GROUP BY, costs no store lookup. It is a scalable Bloom
// filter: a chain of blocked filters (one 64-bit word per key, four bits
// set in it, about 12 bits per key: a few percent false positives, which
// cost one lookup each), a new one twice as large started when the last is
// full. Keys are never removed; a stale positive costs one lookup.
//
// It is the one per-key structure kept on the heap, about 1.5 bytes per
// stored key.
type keyFilter struct {
	seed  maphash.Seed
	parts []filterPart
}

type filterPart struct {
	words []uint64
	mask  uint64
	n     int
	cap   int
}

const filterFirstCap = 1 << 16

func newKeyFilter() *keyFilter { return &keyFilter{seed: maphash.MakeSeed()} }

func (f *keyFilter) hash(key []byte) uint64 { return maphash.Bytes(f.seed, key) }

// probe returns the word index and the bits of hash h in a part.
func probe(h, mask uint64) (uint64, uint64) {
	w := h & mask
	r := bits.RotateLeft64(h, 32)
	m := uint64(1)<<(r&63) | uint64(1)<<((r>>6)&63) | uint64(1)<<((r>>12)&63) | uint64(1)<<((r>>18)&63)
	return w, m
}

// add records the key of hash h.
func (f *keyFilter) add(h uint64) {
	if len(f.parts) == 0 || f.parts[len(f.parts)-1].n >= f.parts[len(f.parts)-1].cap {
		c := filterFirstCap
		if len(f.parts) > 0 {
			c = 2 * f.parts[len(f.parts)-1].cap
		}
		// 12 bits per key, rounded up to a power of two of words.
		words := 1 << bits.Len(uint(c*12/64-1))
		f.parts = append(f.parts, filterPart{words: make([]uint64, words), mask: uint64(words - 1), cap: c})
	}
	p := &f.parts[len(f.parts)-1]
	w, m := probe(h, p.mask)
	p.words[w] |= m
	p.n++
}

// mayContain reports whether the key of hash h may have been added.
func (f *keyFilter) mayContain(h uint64) bool {
	for i := range f.parts {
		p := &f.parts[i]
		w, m := probe(h, p.mask)
		if p.words[w]&m == m {
			return true
		}
	}
	return false
}
