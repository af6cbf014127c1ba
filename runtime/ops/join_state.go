package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// joinRec is one record of a streaming join side: one stored row, where
// its values live, how many times it is present (its multiplicity, as
// Flink's state without a unique key counts records), on an outer side
// how many rows of the other side it currently matches, and when it was
// last written (processing time in µs, for state TTL). Records of one join
// key form a doubly linked list in arrival order.
type joinRec struct {
	ref        rowRef
	prev, next int32
	count      int32 // 0: a free record, chained by next
	assoc      int32
	key        uint32 // the record's key id
	written    int64
}

// joinRecs holds a side's records in pages of pointer-free structs,
// addressed by index: storing a row allocates nothing (but a page now and
// then), growing never copies the records, and the garbage collector has
// nothing to follow.
type joinRecs struct {
	pages [][]joinRec
	n     int32    // records handed out, live or free
	hash  []uint64 // row identity hash, kept while the side has an identTable
	free  int32    // first free record, -1 if none
}

const (
	recPageBits = 12
	recPageMask = 1<<recPageBits - 1
)

// at returns record r.
func (rs *joinRecs) at(r int32) *joinRec { return &rs.pages[r>>recPageBits][r&recPageMask] }

// grow hands out a new record index.
func (rs *joinRecs) grow() int32 {
	if int(rs.n>>recPageBits) == len(rs.pages) {
		rs.pages = append(rs.pages, make([]joinRec, 1<<recPageBits))
	}
	rs.n++
	return rs.n - 1
}

// joinSide is one input's keyed state. Row values stay in the input
// batches they arrived in (chunks) and records point into them, so storing
// a row copies nothing; compact rewrites the live rows into one chunk once
// most stored rows are dead, which keeps memory proportional to the state.
// Join keys map to key ids through a keyIndex (open addressing over a byte
// arena); each key id heads its list of records.
type joinSide struct {
	schema *types.Schema
	keys   []int
	outer  bool // the side's rows are padded (or counted, for semi/anti) when unmatched

	chunks []*types.Batch
	index  *keyIndex    // join key encodings → key ids
	ints   *intKeyTable // instead of index for one integer key column
	keyVal []int64      // ints: each key id's value, to delete it
	head   []int32      // per key id: first record, -1 for a free id
	tail   []int32      // per key id: last record
	free   []uint32
	recs   joinRecs
	// ident finds records by row identity. A side that has seen no
	// retraction and has no TTL does without: a repeated row is then kept
	// as several records, which joins exactly as one record counted
	// several times.
	ident  *identTable
	live   int // records kept
	stored int // rows held by chunks

	ttl       int64 // µs; 0 keeps rows forever
	now       int64 // processing time of the batch being processed
	nextSweep int64

	rowBuf, recBuf []byte // row encodings compared by sameRow
}

func newJoinSide(schema *types.Schema, keys []int, outer, intKeys bool) *joinSide {
	s := &joinSide{schema: schema, keys: keys, outer: outer, recs: joinRecs{free: -1}}
	if intKeys {
		s.ints = newIntKeyTable()
	} else {
		s.index = newKeyIndex()
	}
	return s
}

// addChunk keeps b's columns (not its row kinds) as a chunk and returns
// its id.
func (s *joinSide) addChunk(b *types.Batch) int32 {
	s.chunks = append(s.chunks, types.NewBatch(s.schema, b.Cols, nil, b.Len()))
	s.stored += b.Len()
	return int32(len(s.chunks) - 1)
}

// findKey returns the key id of row i of k, or -1.
func (s *joinSide) findKey(k *rowKeys, i int) int32 {
	if s.ints != nil {
		if k.isNull(i) {
			return s.ints.null
		}
		return s.ints.lookup(k.ints[i])
	}
	ks := bytesString(k.key(i))
	if g, ok := s.index.lookup(ks, s.index.hash(ks)); ok {
		return int32(g)
	}
	return -1
}

// keyID returns the key id of row i of k, adding the key if absent.
func (s *joinSide) keyID(k *rowKeys, i int) int32 {
	if s.ints != nil {
		if g := s.findKey(k, i); g >= 0 {
			return g
		}
		g := s.newKeyID()
		if k.isNull(i) {
			s.ints.null = g
		} else {
			s.ints.insert(k.ints[i], uint32(g))
		}
		s.keyVal[g] = k.ints[i]
		return g
	}
	ks := bytesString(k.key(i))
	h := s.index.hash(ks)
	if g, ok := s.index.lookup(ks, h); ok {
		return int32(g)
	}
	g := s.newKeyID()
	s.index.insert(ks, h, uint32(g))
	return g
}

// newKeyID hands out a free key id with an empty record list.
func (s *joinSide) newKeyID() int32 {
	if n := len(s.free); n > 0 {
		g := s.free[n-1]
		s.free = s.free[:n-1]
		return int32(g)
	}
	s.head, s.tail = append(s.head, -1), append(s.tail, -1)
	if s.ints != nil {
		s.keyVal = append(s.keyVal, 0)
	}
	return int32(len(s.head) - 1)
}

// deleteKey frees key id g, whose last record went.
func (s *joinSide) deleteKey(g uint32) {
	switch {
	case s.ints == nil:
		s.index.delete(g)
	case s.ints.null == int32(g):
		s.ints.null = -1
	default:
		s.ints.delete(s.keyVal[g])
	}
	s.free = append(s.free, g)
}

// sameRow reports whether record r holds the values of row i of cols.
func (s *joinSide) sameRow(r int32, cols []arrow.Array, i int) bool {
	ref := s.recs.at(r).ref
	s.rowBuf = kernel.AppendKey(s.rowBuf[:0], cols, i)
	s.recBuf = kernel.AppendKey(s.recBuf[:0], s.chunks[ref.chunk].Cols, int(ref.row))
	return string(s.rowBuf) == string(s.recBuf)
}

// findRow returns the record holding row i of cols (identity hash h), or
// -1. The side must have its identTable.
func (s *joinSide) findRow(h uint64, cols []arrow.Array, i int) int32 {
	found := int32(-1)
	s.ident.each(h, func(r int32) bool {
		if s.sameRow(r, cols, i) {
			found = r
			return true
		}
		return false
	})
	return found
}

// add records one more occurrence of row i of cols (stored at ref, keys
// and identity hash in k) with assoc matches on the other side. It reports
// whether it made a new record pointing at ref (rather than counting an
// existing one).
func (s *joinSide) add(k *rowKeys, cols []arrow.Array, i int, ref rowRef, assoc int32) bool {
	h := k.hash(i)
	if s.ident != nil {
		if r := s.findRow(h, cols, i); r >= 0 {
			s.recs.at(r).count++
			s.recs.at(r).assoc = assoc
			s.recs.at(r).written = s.now
			return false
		}
	}
	r := s.put(s.keyID(k, i), ref, 1, assoc, s.now)
	if s.ident != nil {
		s.recs.hash[r] = h
		s.ident.insert(h, r)
	}
	return true
}

// put appends a new record to key id g's list and returns it.
func (s *joinSide) put(g int32, ref rowRef, count, assoc int32, written int64) int32 {
	rs := &s.recs
	r := rs.free
	if r >= 0 {
		rs.free = rs.at(r).next
	} else {
		r = rs.grow()
		if s.ident != nil {
			rs.hash = append(rs.hash, 0)
		}
	}
	*rs.at(r) = joinRec{ref: ref, prev: s.tail[g], next: -1, count: count, assoc: assoc, key: uint32(g), written: written}
	if t := s.tail[g]; t >= 0 {
		rs.at(t).next = r
	} else {
		s.head[g] = r
	}
	s.tail[g] = r
	s.live++
	return r
}

// retract removes one occurrence of row i of cols (identity hash h); a row
// not in state is ignored, as Flink does. The side must have its
// identTable.
func (s *joinSide) retract(h uint64, cols []arrow.Array, i int) {
	r := s.findRow(h, cols, i)
	if r < 0 {
		return
	}
	if s.recs.at(r).count--; s.recs.at(r).count > 0 {
		return
	}
	s.remove(r)
}

// remove unlinks record r (its count already spent or expired) and frees
// its key id when it was the key's last record.
func (s *joinSide) remove(r int32) {
	rs := &s.recs
	g := rs.at(r).key
	p, n := rs.at(r).prev, rs.at(r).next
	if p >= 0 {
		rs.at(p).next = n
	} else {
		s.head[g] = n
	}
	if n >= 0 {
		rs.at(n).prev = p
	} else {
		s.tail[g] = p
	}
	if s.head[g] < 0 {
		s.deleteKey(g)
	}
	if s.ident != nil {
		s.ident.delete(rs.hash[r], r)
	}
	rs.at(r).count, rs.at(r).next = 0, rs.free
	rs.free = r
	s.live--
}

// enableIdent builds the identTable over the records kept so far, hashing
// their rows chunk by chunk.
func (s *joinSide) enableIdent() {
	s.ident = newIdentTable(s.live)
	rs := &s.recs
	rs.hash = make([]uint64, rs.n)
	hashes := make([][]uint64, len(s.chunks))
	for r := range rs.n {
		ref := rs.at(r).ref
		if rs.at(r).count == 0 {
			continue
		}
		hs := hashes[ref.chunk]
		if hs == nil {
			ch := s.chunks[ref.chunk]
			hs = make([]uint64, ch.Len())
			kernel.HashColumns(ch.Cols, ch.Len(), hs)
			hashes[ref.chunk] = hs
		}
		rs.hash[r] = hs[ref.row]
		s.ident.insert(hs[ref.row], int32(r))
	}
}

// compact rewrites the live rows into one chunk when chunks hold more than
// twice as many rows as the state needs. It must not run while refs into
// the current chunks are still in use.
func (s *joinSide) compact() {
	if s.stored <= 2*s.live+4096 {
		return
	}
	rs := &s.recs
	refs := make([]rowRef, 0, s.live)
	for r := range rs.n {
		ref := rs.at(r).ref
		if rs.at(r).count > 0 {
			refs = append(refs, ref)
		}
	}
	cols := takeRefs(s.schema, s.chunks, refs)
	s.chunks = []*types.Batch{types.NewBatch(s.schema, cols, nil, len(refs))}
	row := int32(0)
	for r := range rs.n {
		if rs.at(r).count > 0 {
			rs.at(r).ref = rowRef{chunk: 0, row: row}
			row++
		}
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
	rs := &s.recs
	for r := range rs.n {
		if rs.at(r).count > 0 && now-rs.at(r).written >= s.ttl {
			s.remove(int32(r))
		}
	}
}
