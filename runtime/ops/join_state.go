package ops

import (
	"slices"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// joinRec is one distinct row kept in a streaming join's state: where its
// values live, how many times it is present (its multiplicity, as Flink's
// state without a unique key counts records), and, on an outer side, how
// many rows of the other side it currently matches.
type joinRec struct {
	ref   rowRef
	full  string // kernel.AppendKey of every column: the row's identity
	count int32
	assoc int32
	// written is the processing time (µs) the record was last written, for
	// state TTL.
	written int64
}

// keyRecs holds the distinct rows of one join key, in arrival order. A key
// with many distinct rows also indexes them by identity, so a skewed key
// does not make every update scan all of its rows.
type keyRecs struct {
	recs  []*joinRec
	index map[string]*joinRec
}

// indexFrom is the number of distinct rows from which a key is indexed.
const indexFrom = 16

func (k *keyRecs) find(full []byte) *joinRec {
	if k.index != nil {
		return k.index[string(full)]
	}
	for _, r := range k.recs {
		if r.full == string(full) {
			return r
		}
	}
	return nil
}

func (k *keyRecs) insert(r *joinRec) {
	k.recs = append(k.recs, r)
	switch {
	case k.index != nil:
		k.index[r.full] = r
	case len(k.recs) >= indexFrom:
		k.index = make(map[string]*joinRec, len(k.recs))
		for _, x := range k.recs {
			k.index[x.full] = x
		}
	}
}

func (k *keyRecs) remove(r *joinRec) {
	if k.index != nil {
		delete(k.index, r.full)
	}
	k.recs = slices.DeleteFunc(k.recs, func(x *joinRec) bool { return x == r })
}

// joinSide is one input's keyed state. Row values stay in the input
// batches they arrived in (chunks) and records point into them, so storing
// a row copies nothing; compact rewrites the live rows into one chunk once
// most stored rows are dead, which keeps memory proportional to the state.
type joinSide struct {
	schema *types.Schema
	keys   []int
	outer  bool // the side's rows are padded (or counted, for semi/anti) when unmatched

	chunks []*types.Batch
	byKey  map[string]*keyRecs
	live   int // distinct records kept
	stored int // rows held by chunks

	ttl       int64 // µs; 0 keeps rows forever
	now       int64 // processing time of the batch being processed
	nextSweep int64
}

func newJoinSide(schema *types.Schema, keys []int, outer bool) *joinSide {
	return &joinSide{schema: schema, keys: keys, outer: outer, byKey: map[string]*keyRecs{}}
}

// addChunk keeps b's columns (not its row kinds) as a chunk and returns
// its id.
func (s *joinSide) addChunk(b *types.Batch) int32 {
	s.chunks = append(s.chunks, types.NewBatch(s.schema, b.Cols, nil, b.Len()))
	s.stored += b.Len()
	return int32(len(s.chunks) - 1)
}

// add records one more occurrence of the row at ref (identity full) under
// key, with assoc matches on the other side. It reports whether it made a
// new record pointing at ref (rather than counting an existing one).
func (s *joinSide) add(key, full []byte, ref rowRef, assoc int32) bool {
	k := s.byKey[string(key)]
	if k == nil {
		k = &keyRecs{}
		s.byKey[string(key)] = k
	}
	if r := k.find(full); r != nil {
		r.count++
		r.assoc = assoc
		r.written = s.now
		return false
	}
	k.insert(&joinRec{ref: ref, full: string(full), count: 1, assoc: assoc, written: s.now})
	s.live++
	return true
}

// retract removes one occurrence of the row; a row not in state is
// ignored, as Flink does.
func (s *joinSide) retract(key, full []byte) {
	k := s.byKey[string(key)]
	if k == nil {
		return
	}
	r := k.find(full)
	if r == nil {
		return
	}
	if r.count--; r.count > 0 {
		return
	}
	k.remove(r)
	s.live--
	if len(k.recs) == 0 {
		delete(s.byKey, string(key))
	}
}

// compact rewrites the live rows into one chunk when chunks hold more than
// twice as many rows as the state needs. It must not run while refs into
// the current chunks are still in use.
func (s *joinSide) compact() {
	if s.stored <= 2*s.live+4096 {
		return
	}
	recs := make([]*joinRec, 0, s.live)
	refs := make([]rowRef, 0, s.live)
	for _, k := range s.byKey {
		for _, r := range k.recs {
			recs = append(recs, r)
			refs = append(refs, r.ref)
		}
	}
	cols := takeRefs(s.schema, s.chunks, refs)
	s.chunks = []*types.Batch{types.NewBatch(s.schema, cols, nil, len(refs))}
	for i, r := range recs {
		r.ref = rowRef{chunk: 0, row: int32(i)}
	}
	s.stored = len(refs)
}

// dropUnusedTail forgets the last chunk when no record points into it
// (a batch of retractions, or of rows that never entered state).
func (s *joinSide) dropUnusedTail(used bool) {
	if used || len(s.chunks) == 0 {
		return
	}
	last := s.chunks[len(s.chunks)-1]
	s.chunks = s.chunks[:len(s.chunks)-1]
	s.stored -= last.Len()
}

// rowKeys holds, for every row of a batch, its join key encoding and its
// full-row encoding in one reused byte arena, so encoding a batch does not
// allocate per row and map lookups with string(bytes) stay free.
type rowKeys struct {
	buf     []byte
	keyEnd  []int32 // row i's key is buf[fullEnd[i-1]:keyEnd[i]]
	fullEnd []int32 // row i's full encoding is buf[keyEnd[i]:fullEnd[i]]
	never   []bool  // a NULL in a key that is not null-safe: never matches
}

// encode fills k for batch b.
func (k *rowKeys) encode(b *types.Batch, keys []int, nullSafe []bool) {
	n := b.Len()
	kc := pick(b.Cols, keys)
	nulls := anyNulls(kc)
	k.buf, k.keyEnd, k.fullEnd, k.never = k.buf[:0], k.keyEnd[:0], k.fullEnd[:0], k.never[:0]
	for i := 0; i < n; i++ {
		k.never = append(k.never, nulls && skipRow(kc, nullSafe, i))
		k.buf = kernel.AppendKey(k.buf, kc, i)
		k.keyEnd = append(k.keyEnd, int32(len(k.buf)))
		k.buf = kernel.AppendKey(k.buf, b.Cols, i)
		k.fullEnd = append(k.fullEnd, int32(len(k.buf)))
	}
}

func (k *rowKeys) key(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = k.fullEnd[i-1]
	}
	return k.buf[start:k.keyEnd[i]]
}

func (k *rowKeys) full(i int) []byte { return k.buf[k.keyEnd[i]:k.fullEnd[i]] }

// expire drops the records not written for the side's TTL, as Flink's
// state TTL does: silently, without retracting what they joined. It scans
// the state at most every quarter TTL, judging expiry at multiples of
// that period (sweepPoint), so that whether a record has expired depends
// on the time and its last write alone, the same after a restore.
func (s *joinSide) expire(now int64) {
	s.now = now
	if s.ttl <= 0 {
		return
	}
	every := max(s.ttl/4, 1000)
	if now = sweepPoint(now, every); now < s.nextSweep {
		return
	}
	s.nextSweep = now + every
	for key, k := range s.byKey {
		// remove shifts k.recs: walk a copy of the expired ones.
		var gone []*joinRec
		for _, r := range k.recs {
			if now-r.written >= s.ttl {
				gone = append(gone, r)
			}
		}
		for _, r := range gone {
			k.remove(r)
			s.live--
		}
		if len(k.recs) == 0 {
			delete(s.byKey, key)
		}
	}
}
