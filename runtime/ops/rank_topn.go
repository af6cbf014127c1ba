package ops

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// topEntry is one row kept by a streaming Top-N: its order key and (for
// the retract strategy) whole-row encoding in the operator's arena, and
// where the row's values are.
type topEntry struct {
	koff, foff uint64
	klen, flen uint32
	ref        rowRef
	seq        uint64 // identity, to tell rows apart when diffing
}

// rankedRow is one row of a partition's top, with its rank.
type rankedRow struct {
	seq  uint64
	ref  rowRef
	rank int64
}

// topN is Flink's streaming Rank (AppendOnlyTopNFunction and
// RetractableTopNFunction): per partition it keeps rows sorted by their
// order key (ties in arrival order) and, for every input row that changes
// the partition's top, emits the difference between the old and the new
// top as Flink does: without the rank column -D of rows that left, then
// +I of rows that entered; with it, per rank position -U/+U of the row
// that moved, +I of a newly filled position, -D of an emptied one.
type topN struct {
	BaseOperator
	cfg   *RankConfig
	ctx   *OpContext
	index *keyIndex
	parts [][]topEntry
	// lastUse is each partition's last access (OpContext.Now), for TTL.
	lastUse []int64

	arena []byte
	dead  int
	// chunks hold the rows kept; stored counts their rows, live the rows
	// entries still reference, so compaction can bound the waste.
	chunks       []*types.Batch
	stored, live int
	added        int // rows of the current batch put into state
	// touched lists the partitions that took a row of the current batch
	// (repeats allowed), for keepSurvivors.
	touched []uint32
	seq     uint64

	keyBuf, sortBuf, fullBuf []byte
	oldTop, newTop           []rankedRow
	outRefs                  []rowRef
	outRanks                 []int64
	outKinds                 []types.RowKind
	outSchema                *types.Schema
}

var (
	_ Operator    = (*topN)(nil)
	_ Snapshotter = (*topN)(nil)
)

func newTopN(c *RankConfig) *topN {
	return &topN{cfg: c, index: newKeyIndex(), outSchema: c.OutputSchema()}
}

func (t *topN) Open(ctx *OpContext) error {
	t.ctx = ctx
	return nil
}

func (t *topN) String() string { return t.cfg.describe() }

func (t *topN) now() int64 {
	if t.ctx != nil && t.ctx.Now != nil {
		return t.ctx.Now()
	}
	return 0
}

// group returns the partition of the key bytes in t.keyBuf, creating it.
func (t *topN) group() uint32 {
	key := bytesString(t.keyBuf) // the index copies the key on insert
	h := t.index.hash(key)
	if g, ok := t.index.lookup(key, h); ok {
		return g
	}
	g := uint32(len(t.parts))
	t.index.insert(key, h, g)
	t.parts = append(t.parts, nil)
	t.lastUse = append(t.lastUse, 0)
	return g
}

func (t *topN) key(e *topEntry) []byte  { return t.arena[e.koff : e.koff+uint64(e.klen)] }
func (t *topN) full(e *topEntry) []byte { return t.arena[e.foff : e.foff+uint64(e.flen)] }

// bounds returns the first entry of part whose key is >= s and the first
// whose key is > s.
func (t *topN) bounds(part []topEntry, s []byte) (lo, hi int) {
	lo, hi = 0, len(part)
	for lo < hi {
		m := (lo + hi) / 2
		if bytes.Compare(t.key(&part[m]), s) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	hi = lo
	for end := len(part); hi < end; {
		m := (hi + end) / 2
		if bytes.Compare(t.key(&part[m]), s) <= 0 {
			hi = m + 1
		} else {
			end = m
		}
	}
	return lo, hi
}

// rankOf returns the rank of the entry at position pos of part, whose
// key first appears at position lo.
func (t *topN) rankOf(part []topEntry, pos, lo int) int64 {
	switch t.cfg.Type {
	case RankRank:
		return int64(lo) + 1
	case DenseRank:
		d := int64(1)
		for i := 0; i < lo; i++ {
			if i == 0 || !bytes.Equal(t.key(&part[i-1]), t.key(&part[i])) {
				d++
			}
		}
		return d
	}
	return int64(pos) + 1
}

// top collects the rows of part ranked within the range into dst.
func (t *topN) top(part []topEntry, dst []rankedRow) []rankedRow {
	dst = dst[:0]
	var rank, dense int64
	for i := range part {
		e := &part[i]
		if i == 0 || !bytes.Equal(t.key(&part[i-1]), t.key(e)) {
			rank, dense = int64(i)+1, dense+1
		}
		r := int64(i) + 1
		switch t.cfg.Type {
		case RankRank:
			r = rank
		case DenseRank:
			r = dense
		}
		if r > t.cfg.RankEnd {
			break
		}
		if r >= t.cfg.RankStart {
			dst = append(dst, rankedRow{seq: e.seq, ref: e.ref, rank: r})
		}
	}
	return dst
}

// ProcessBatch applies each row to its partition and emits the changes of
// the partitions' tops.
func (t *topN) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	chunk := int32(len(t.chunks))
	t.chunks = append(t.chunks, b)
	t.added = 0
	t.touched = t.touched[:0]
	partCols := make([]arrow.Array, len(t.cfg.PartitionKeys))
	for i, k := range t.cfg.PartitionKeys {
		partCols[i] = b.Cols[k]
	}
	now := int64(0)
	if t.cfg.TTL > 0 {
		now = t.now()
	}
	for i := 0; i < n; i++ {
		t.keyBuf = kernel.AppendKey(t.keyBuf[:0], partCols, i)
		g := t.group()
		if t.cfg.TTL > 0 {
			t.expireIfIdle(g, now)
			t.lastUse[g] = now
		}
		t.sortBuf = appendSortKey(t.sortBuf[:0], b.Cols, t.cfg.OrderKeys, i)
		if t.cfg.Strategy == RetractStrategy {
			t.fullBuf = kernel.AppendKey(t.fullBuf[:0], b.Cols, i)
		}
		if b.Kind(i).IsAdditive() {
			t.insert(g, rowRef{chunk: chunk, row: int32(i)})
		} else {
			if t.cfg.Strategy == AppendFastStrategy {
				return fmt.Errorf("%s: AppendFastStrategy cannot consume %s rows", t, b.Kind(i))
			}
			t.retract(g)
		}
	}
	if t.added == 0 && int(chunk) == len(t.chunks)-1 && !t.referenced(chunk) {
		t.chunks = t.chunks[:chunk] // no row of b was kept
	} else {
		t.stored += n
	}
	if err := t.flush(out); err != nil {
		return err
	}
	// Only for Top-1 (q9's shape): finding the survivors scans the touched
	// partitions' tops, which for a Top-10 costs more than it saves.
	if t.cfg.Strategy == AppendFastStrategy && t.cfg.RankEnd == 1 && int(chunk) == len(t.chunks)-1 {
		t.keepSurvivors(chunk)
	}
	if t.stored > 2*t.live+4096 || (t.dead > 64<<10 && t.dead*2 > len(t.arena)) {
		t.compact()
	}
	return nil
}

// referenced reports whether any pending output row reads chunk.
func (t *topN) referenced(chunk int32) bool {
	for _, r := range t.outRefs {
		if r.chunk == chunk {
			return true
		}
	}
	return false
}

// insert adds the row in t.sortBuf/t.fullBuf at ref to partition g.
func (t *topN) insert(g uint32, ref rowRef) {
	part := t.parts[g]
	lo, pos := t.bounds(part, t.sortBuf)
	rank := t.rankOf(part, pos, lo)
	if rank > t.cfg.RankEnd && t.cfg.Strategy == AppendFastStrategy {
		return // it would not enter the top
	}
	changes := rank <= t.cfg.RankEnd
	if changes {
		t.oldTop = t.top(part, t.oldTop)
	}
	e := topEntry{koff: uint64(len(t.arena)), klen: uint32(len(t.sortBuf)), ref: ref, seq: t.seq}
	t.seq++
	t.arena = append(t.arena, t.sortBuf...)
	if t.cfg.Strategy == RetractStrategy {
		e.foff, e.flen = uint64(len(t.arena)), uint32(len(t.fullBuf))
		t.arena = append(t.arena, t.fullBuf...)
	}
	part = append(part, topEntry{})
	copy(part[pos+1:], part[pos:])
	part[pos] = e
	t.live++
	t.added++
	t.touched = append(t.touched, g)
	if changes {
		t.newTop = t.top(part, t.newTop)
		t.diff()
	}
	if t.cfg.Strategy == AppendFastStrategy {
		part = t.trim(part)
	}
	t.parts[g] = part
}

// trim drops the rows ranked past the range end: an append-only input
// can never bring them back.
func (t *topN) trim(part []topEntry) []topEntry {
	var rank, dense int64
	for i := range part {
		if i == 0 || !bytes.Equal(t.key(&part[i-1]), t.key(&part[i])) {
			rank, dense = int64(i)+1, dense+1
		}
		r := int64(i) + 1
		switch t.cfg.Type {
		case RankRank:
			r = rank
		case DenseRank:
			r = dense
		}
		if r > t.cfg.RankEnd {
			for j := i; j < len(part); j++ {
				t.release(&part[j])
			}
			return part[:i]
		}
	}
	return part
}

func (t *topN) release(e *topEntry) {
	t.dead += int(e.klen + e.flen)
	t.live--
}

// retract removes the row in t.sortBuf/t.fullBuf from partition g; a row
// never seen (state expired) is ignored, as Flink does.
func (t *topN) retract(g uint32) {
	part := t.parts[g]
	lo, hi := t.bounds(part, t.sortBuf)
	pos := -1
	for j := lo; j < hi; j++ {
		if bytes.Equal(t.full(&part[j]), t.fullBuf) {
			pos = j
			break
		}
	}
	if pos < 0 {
		return
	}
	changes := t.rankOf(part, pos, lo) <= t.cfg.RankEnd
	if changes {
		t.oldTop = t.top(part, t.oldTop)
	}
	t.release(&part[pos])
	part = append(part[:pos], part[pos+1:]...)
	if changes {
		t.newTop = t.top(part, t.newTop)
		t.diff()
	}
	t.parts[g] = part
}

// diff appends the changes from t.oldTop to t.newTop to the output.
func (t *topN) diff() {
	if t.cfg.OutputRankNumber {
		for i := 0; i < max(len(t.oldTop), len(t.newTop)); i++ {
			switch {
			case i >= len(t.newTop):
				t.emit(t.oldTop[i], types.Delete)
			case i >= len(t.oldTop):
				t.emit(t.newTop[i], types.Insert)
			case t.oldTop[i].seq != t.newTop[i].seq || t.oldTop[i].rank != t.newTop[i].rank:
				t.emit(t.oldTop[i], types.UpdateBefore)
				t.emit(t.newTop[i], types.UpdateAfter)
			}
		}
		return
	}
	for _, o := range t.oldTop {
		if !containsSeq(t.newTop, o.seq) {
			t.emit(o, types.Delete)
		}
	}
	for _, n := range t.newTop {
		if !containsSeq(t.oldTop, n.seq) {
			t.emit(n, types.Insert)
		}
	}
}

func containsSeq(rows []rankedRow, seq uint64) bool {
	for _, r := range rows {
		if r.seq == seq {
			return true
		}
	}
	return false
}

func (t *topN) emit(r rankedRow, k types.RowKind) {
	t.outRefs = append(t.outRefs, r.ref)
	t.outRanks = append(t.outRanks, r.rank)
	t.outKinds = append(t.outKinds, k)
}

// flush emits the pending changes as one batch.
func (t *topN) flush(out Collector) error {
	if len(t.outRefs) == 0 {
		return nil
	}
	cols := takeRefs(t.cfg.InSchema, t.chunks, t.outRefs)
	if t.cfg.OutputRankNumber {
		cols = append(cols, int64Array(t.outRanks))
	}
	kinds := append([]types.RowKind(nil), t.outKinds...)
	b := types.NewBatch(t.outSchema, cols, kinds, len(t.outRefs))
	t.outRefs, t.outRanks, t.outKinds = t.outRefs[:0], t.outRanks[:0], t.outKinds[:0]
	return out.Emit(b)
}

// compact copies the kept rows into one chunk and their keys into a new
// arena, dropping the rows and keys no entry references any more.
func (t *topN) compact() {
	var refs []rowRef
	for _, part := range t.parts {
		for i := range part {
			refs = append(refs, part[i].ref)
		}
	}
	arena := make([]byte, 0, len(t.arena)-t.dead)
	var chunks []*types.Batch
	if len(refs) > 0 {
		cols := takeRefs(t.cfg.InSchema, t.chunks, refs)
		chunks = []*types.Batch{types.NewBatch(t.cfg.InSchema, cols, nil, len(refs))}
	}
	k := int32(0)
	for _, part := range t.parts {
		for i := range part {
			e := &part[i]
			key, full := t.key(e), t.full(e)
			e.koff = uint64(len(arena))
			arena = append(arena, key...)
			e.foff = uint64(len(arena))
			arena = append(arena, full...)
			e.ref = rowRef{chunk: 0, row: k}
			k++
		}
	}
	t.arena, t.dead, t.chunks = arena, 0, chunks
	t.stored, t.live = len(refs), len(refs)
}

// keepSurvivors replaces the batch just processed (chunk, the last) by a
// copy of its rows still in some partition's top when they are few: an
// append-only Top-N keeps a handful of rows per partition, so otherwise
// whole input batches stay alive for those few rows and compaction keeps
// copying the state. It must run after flush (no pending output row reads
// the chunk).
func (t *topN) keepSurvivors(chunk int32) {
	b := t.chunks[chunk]
	var rows []int32
	var at []*topEntry
	slices.Sort(t.touched)
	for _, g := range slices.Compact(t.touched) {
		part := t.parts[g]
		for i := range part {
			if e := &part[i]; e.ref.chunk == chunk {
				rows, at = append(rows, e.ref.row), append(at, e)
			}
		}
	}
	if len(rows)*4 > b.Len() {
		return
	}
	if len(rows) == 0 {
		t.chunks = t.chunks[:chunk]
		t.stored -= b.Len()
		return
	}
	t.chunks[chunk] = kernel.TakeBatch(types.NewBatch(b.Schema, b.Cols, nil, b.Len()), rows)
	for i, e := range at {
		e.ref.row = int32(i)
	}
	t.stored -= b.Len() - len(rows)
}
