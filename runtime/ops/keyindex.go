package ops

import (
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// keyIndex maps byte-string keys (a STRING value, or kernel.AppendKey's
// encoding of several columns) to group numbers. It is an open-addressing
// table with linear probing whose slots hold the key's hash and its place
// in one byte arena: a lookup hashes the key once and compares bytes only
// on a full hash match, inserting copies the key once into the arena, and
// the table holds no pointers, so the garbage collector never scans it
// however many groups a streaming aggregation keeps. Go maps cost an
// allocation per key and rehash on every access.
type keyIndex struct {
	slots []keySlot
	mask  uint64
	used  int
	arena []byte
	dead  int // arena bytes of deleted keys, reclaimed by compact
	seed  maphash.Seed
	seed1 uint64 // for hashing short keys inline
	// hashes[g] is the hash of group g's key, to find its slot on delete.
	hashes []uint64
}

// keySlot is one table entry; group 0 marks an empty slot, so group g is
// stored as g+1.
type keySlot struct {
	hash  uint64
	off   uint64 // key bytes are arena[off : off+n]
	n     uint32
	group uint32
}

const keyIndexMinSlots = 1024

func newKeyIndex() *keyIndex {
	seed := maphash.MakeSeed()
	return &keyIndex{slots: make([]keySlot, keyIndexMinSlots), mask: keyIndexMinSlots - 1, seed: seed,
		seed1: maphash.String(seed, "spry") | 1}
}

// hash returns the hash of key for lookup and insert. Keys of up to 16
// bytes (most GROUP BY keys: words, ids, short codes) are hashed inline
// from two overlapping 8-byte loads mixed by a 128-bit multiply (as
// wyhash), which costs a fraction of a call into the runtime's hash;
// longer keys use maphash. The seed is random per table, so inputs cannot
// be crafted to collide.
func (x *keyIndex) hash(key string) uint64 {
	n := len(key)
	var a, b uint64
	switch {
	case n > 16:
		return maphash.String(x.seed, key)
	case n >= 8:
		a, b = load64(key, 0), load64(key, n-8)
	case n >= 4:
		a, b = uint64(load32(key, 0)), uint64(load32(key, n-4))
	case n > 0:
		a = uint64(key[0])<<16 | uint64(key[n>>1])<<8 | uint64(key[n-1])
	}
	hi, lo := bits.Mul64(a^x.seed1, b^uint64(n)^0x9e3779b97f4a7c15)
	return hi ^ lo
}

// load64 reads 8 bytes of s from i (i+8 <= len(s)) in one load.
func load64(s string, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// load32 reads 4 bytes of s from i (i+4 <= len(s)) in one load.
func load32(s string, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// lookup returns the group of key (with hash h), if present.
func (x *keyIndex) lookup(key string, h uint64) (uint32, bool) {
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := &x.slots[i]
		if s.group == 0 {
			return 0, false
		}
		if s.hash == h && int(s.n) == len(key) && x.equal(s, key) {
			return s.group - 1, true
		}
	}
}

// equal reports whether slot s (of key's length) holds key; keys of 8 to
// 16 bytes compare with two loads instead of a call.
func (x *keyIndex) equal(s *keySlot, key string) bool {
	// The slot's bytes are in the arena by construction: no bounds check.
	k := unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(x.arena)), s.off)), len(key))
	if n := len(key); n >= 8 && n <= 16 {
		return load64(k, 0) == load64(key, 0) && load64(k, n-8) == load64(key, n-8)
	}
	return k == key
}

// insert adds key (absent, with hash h) as group g.
func (x *keyIndex) insert(key string, h uint64, g uint32) {
	if (x.used+1)*10 > len(x.slots)*7 {
		x.resize(len(x.slots) * 2)
	}
	off := len(x.arena)
	x.arena = append(x.arena, key...)
	x.place(keySlot{hash: h, off: uint64(off), n: uint32(len(key)), group: g + 1})
	x.used++
	for int(g) >= len(x.hashes) {
		x.hashes = append(x.hashes, 0)
	}
	x.hashes[g] = h
}

func (x *keyIndex) place(s keySlot) {
	i := s.hash & x.mask
	for x.slots[i].group != 0 {
		i = (i + 1) & x.mask
	}
	x.slots[i] = s
}

func (x *keyIndex) resize(n int) {
	old := x.slots
	x.slots = make([]keySlot, n)
	x.mask = uint64(n - 1)
	for _, s := range old {
		if s.group != 0 {
			x.place(s)
		}
	}
}

// delete removes group g's key. Linear probing allows deleting without
// tombstones: later entries of the probe run shift back into the hole.
func (x *keyIndex) delete(g uint32) {
	if int(g) >= len(x.hashes) {
		return
	}
	i := x.hashes[g] & x.mask
	for x.slots[i].group != g+1 {
		if x.slots[i].group == 0 {
			return // not present
		}
		i = (i + 1) & x.mask
	}
	x.dead += int(x.slots[i].n)
	for j := (i + 1) & x.mask; x.slots[j].group != 0; j = (j + 1) & x.mask {
		home := x.slots[j].hash & x.mask
		// Leave slot j if its home lies cyclically in (i, j].
		if (i < j && i < home && home <= j) || (i > j && (home > i || home <= j)) {
			continue
		}
		x.slots[i] = x.slots[j]
		i = j
	}
	x.slots[i] = keySlot{}
	x.used--
	if x.dead > 64<<10 && x.dead*2 > len(x.arena) {
		x.compact()
	}
}

// compact copies the live keys into a new arena, dropping deleted ones.
func (x *keyIndex) compact() {
	arena := make([]byte, 0, len(x.arena)-x.dead)
	for i := range x.slots {
		s := &x.slots[i]
		if s.group != 0 {
			off := len(arena)
			arena = append(arena, x.arena[s.off:s.off+uint64(s.n)]...)
			s.off = uint64(off)
		}
	}
	x.arena, x.dead = arena, 0
}
