package ops

import (
	"container/heap"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// sessionAgg runs a SESSION window aggregation. Sessions are merging
// windows, so they cannot be sliced: each group key keeps its open
// sessions [start, last row + gap), a row extends or opens one, and
// sessions it bridges merge (their accumulator state merged with
// Accumulator.State/Merge). A session fires when the watermark reaches
// its end - 1 ms. Accumulator groups are session ids.
type sessionAgg struct {
	BaseOperator
	cfg   *WindowAggConfig
	w     WindowAssigner
	keys  *groupTable
	accs  []expr.Accumulator
	ectx  *expr.Context
	opctx *OpContext
	batch bool
	late  *metrics.Counter
	wm    int64

	keySess [][]uint32 // per key: its live sessions
	start   []int64    // per session
	end     []int64
	key     []uint32
	live    []bool
	free    []uint32
	order   sessHeap

	// per-batch scratch
	keyGrps  []uint32
	rowSess  []uint32
	redirect map[uint32]uint32
	dead     []uint32
	callGrps [][]uint32
}

var (
	_ Operator               = (*sessionAgg)(nil)
	_ Snapshotter            = (*sessionAgg)(nil)
	_ ProcessingTimeOperator = (*sessionAgg)(nil)
)

func newSessionAgg(cfg *WindowAggConfig, accs []expr.Accumulator, keyTypes []types.DataType) *sessionAgg {
	return &sessionAgg{cfg: cfg, w: cfg.Window, accs: accs, keys: newGroupTable(keyTypes),
		wm: math.MinInt64, redirect: map[uint32]uint32{}, callGrps: make([][]uint32, len(cfg.Calls))}
}

// Open takes the evaluation context and the late-row counter.
func (s *sessionAgg) Open(ctx *OpContext) error {
	s.opctx = ctx
	s.w.setZone(ctx)
	s.late = new(metrics.Counter)
	if ctx != nil {
		s.ectx, s.batch = ctx.Eval, ctx.Batch
		s.late = ctx.Metrics.Counter(metrics.LateRecordsDropped)
	}
	return nil
}

// alloc returns a fresh session id.
func (s *sessionAgg) alloc(k uint32, start, end int64) uint32 {
	var id uint32
	if n := len(s.free); n > 0 {
		id = s.free[n-1]
		s.free = s.free[:n-1]
		s.start[id], s.end[id], s.key[id], s.live[id] = start, end, k, true
	} else {
		id = uint32(len(s.start))
		s.start, s.end = append(s.start, start), append(s.end, end)
		s.key, s.live = append(s.key, k), append(s.live, true)
	}
	for int(k) >= len(s.keySess) {
		s.keySess = append(s.keySess, nil)
	}
	s.keySess[k] = append(s.keySess[k], id)
	heap.Push(&s.order, sessEntry{end, id})
	return id
}

// ProcessBatch assigns every row to a session of its key, merging the
// sessions it bridges, then folds the rows in.
func (s *sessionAgg) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	var ts []arrow.Timestamp
	var col arrow.Array
	if !s.w.Proctime {
		col = b.Cols[s.w.TimeCol]
		var err error
		if ts, err = timesOf(col); err != nil {
			return err
		}
	}
	now := int64(0)
	if s.w.Proctime && s.opctx != nil && s.opctx.Now != nil {
		now = s.w.local(s.opctx.Now())
	}
	keyCols := make([]arrow.Array, len(s.cfg.Keys))
	for i, k := range s.cfg.Keys {
		keyCols[i] = b.Cols[k]
	}
	s.keyGrps = growU32(s.keyGrps, n)
	s.keys.assign(keyCols, n, s.keyGrps)
	s.rowSess = growU32(s.rowSess, n)
	checkLate := !s.batch && !s.w.Proctime && s.wm != math.MinInt64
	var late int64
	for i := 0; i < n; i++ {
		t := now
		if !s.w.Proctime {
			if col.IsNull(i) {
				s.rowSess[i] = expr.NoGroup
				continue
			}
			t = s.w.local(int64(ts[i]))
		}
		id, ok := s.place(s.keyGrps[i], t, t+s.w.Gap)
		if !ok {
			if checkLate && s.w.instant(t+s.w.Gap)-windowMs <= s.wm {
				late++
				s.rowSess[i] = expr.NoGroup
				continue
			}
			id = s.alloc(s.keyGrps[i], t, t+s.w.Gap)
		}
		s.rowSess[i] = id
	}
	if late > 0 {
		s.late.Add(late)
	}
	if len(s.redirect) > 0 {
		for i, id := range s.rowSess {
			s.rowSess[i] = s.resolve(id)
		}
		clear(s.redirect)
	}
	s.free = append(s.free, s.dead...)
	s.dead = s.dead[:0]
	return s.update(b)
}

// resolve follows merges from session id to the session holding it now.
func (s *sessionAgg) resolve(id uint32) uint32 {
	for id != expr.NoGroup {
		to, ok := s.redirect[id]
		if !ok {
			break
		}
		id = to
	}
	return id
}

// place puts [lo, hi) into the key's session it intersects (Flink's
// TimeWindow.intersects: touching windows merge), extending it and merging
// any other session it then reaches; false when none intersects.
func (s *sessionAgg) place(k uint32, lo, hi int64) (uint32, bool) {
	if int(k) >= len(s.keySess) {
		return 0, false
	}
	list := s.keySess[k]
	target := -1
	for j, id := range list {
		if lo <= s.end[id] && hi >= s.start[id] {
			target = j
			break
		}
	}
	if target < 0 {
		return 0, false
	}
	id := list[target]
	if lo < s.start[id] {
		s.start[id] = lo
	}
	if hi > s.end[id] {
		s.end[id] = hi // its queue entry is renewed when it comes up
	}
	// The extended session may now reach others of the key.
	for j := 0; j < len(list); j++ {
		o := list[j]
		if o == id || !(s.start[id] <= s.end[o] && s.end[id] >= s.start[o]) {
			continue
		}
		s.mergeInto(o, id)
		list = append(list[:j], list[j+1:]...)
		j--
	}
	s.keySess[k] = list
	return id, true
}

// mergeInto folds session from (accumulated state, bounds) into to.
func (s *sessionAgg) mergeInto(from, to uint32) {
	s.start[to] = min(s.start[to], s.start[from])
	s.end[to] = max(s.end[to], s.end[from])
	g := []uint32{from}
	for _, acc := range s.accs {
		if st, err := acc.State(g); err == nil {
			_ = acc.Merge(s.ectx, []uint32{to}, st)
		}
		acc.Reset(g)
	}
	s.live[from] = false
	s.redirect[from] = to
	s.dead = append(s.dead, from)
}

// update folds the batch's rows into their sessions.
func (s *sessionAgg) update(b *types.Batch) error {
	for c, call := range s.cfg.Calls {
		cg := s.rowSess
		if call.Filter >= 0 {
			cg = growU32(s.callGrps[c], len(s.rowSess))
			mask := b.Cols[call.Filter].(*array.Boolean)
			for i, g := range s.rowSess {
				if mask.IsValid(i) && mask.Value(i) {
					cg[i] = g
				} else {
					cg[i] = expr.NoGroup
				}
			}
			s.callGrps[c] = cg
		}
		args := make([]arrow.Array, len(call.Args))
		for j, col := range call.Args {
			args[j] = b.Cols[col]
		}
		if err := s.accs[c].Update(s.ectx, cg, args, nil); err != nil {
			return fmt.Errorf("%s: %w", call.Name, err)
		}
	}
	return nil
}

// ProcessWatermark fires the sessions whose end - 1 ms the watermark
// reached.
func (s *sessionAgg) ProcessWatermark(ts int64, out Collector) error {
	s.wm = max(s.wm, ts)
	if s.w.Proctime {
		return nil
	}
	return s.fire(ts, out)
}

// OnProcessingTime fires processing-time sessions that ended.
func (s *sessionAgg) OnProcessingTime(now int64, out Collector) error {
	if !s.w.Proctime {
		return nil
	}
	return s.fire(now, out)
}

// EndInput fires every session, processing-time ones included (see
// windowAgg.EndInput).
func (s *sessionAgg) EndInput(_ int, out Collector) error {
	return s.fire(math.MaxInt64, out)
}

// fire emits and frees every session with end - 1 ms <= upTo, in end
// order.
func (s *sessionAgg) fire(upTo int64, out Collector) error {
	var ids []uint32
	for s.order.Len() > 0 && s.w.instant(s.order[0].end)-windowMs <= upTo {
		e := heap.Pop(&s.order).(sessEntry)
		if !s.live[e.id] {
			continue // merged away
		}
		if s.end[e.id] != e.end {
			// Extended since it was queued: each session has one entry,
			// renewed here, so extending a session costs no heap push.
			heap.Push(&s.order, sessEntry{s.end[e.id], e.id})
			continue
		}
		s.live[e.id] = false
		ids = append(ids, e.id)
	}
	if len(ids) == 0 {
		return nil
	}
	for lo := 0; lo < len(ids); lo += aggEmitRows {
		part := ids[lo:min(lo+aggEmitRows, len(ids))]
		b, err := s.emit(part)
		if err != nil {
			return err
		}
		if err := out.Emit(b); err != nil {
			return err
		}
	}
	for _, acc := range s.accs {
		acc.Reset(ids)
	}
	for _, id := range ids {
		k := s.key[id]
		list := s.keySess[k]
		for j, o := range list {
			if o == id {
				list = append(list[:j], list[j+1:]...)
				break
			}
		}
		s.keySess[k] = list
		if len(list) == 0 && len(s.cfg.Keys) > 0 {
			s.keys.drop(k)
		}
	}
	s.free = append(s.free, ids...)
	return nil
}

// emit builds the output rows of sessions ids.
func (s *sessionAgg) emit(ids []uint32) (*types.Batch, error) {
	kg := make([]uint32, len(ids))
	for i, id := range ids {
		kg[i] = s.key[id]
	}
	cols := s.keys.keyColumns(kg)
	for c, acc := range s.accs {
		r, err := acc.Result(s.ectx, ids)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.cfg.Calls[c].Name, err)
		}
		cols = append(cols, r)
	}
	cols = appendProps(cols, s.cfg, &s.w, len(ids), func(i int) (int64, int64) { return s.start[ids[i]], s.end[ids[i]] })
	return types.NewBatch(s.cfg.OutSchema, cols, nil, len(ids)), nil
}

// String prints the operator as Flink's EXPLAIN names it.
func (s *sessionAgg) String() string { return windowAggString(s.cfg) }

// sessEntry is a session's end as queued for firing; entries go stale
// when the session is extended or merged.
type sessEntry struct {
	end int64
	id  uint32
}

type sessHeap []sessEntry

func (h sessHeap) Len() int           { return len(h) }
func (h sessHeap) Less(i, j int) bool { return h[i].end < h[j].end }
func (h sessHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *sessHeap) Push(x any)        { *h = append(*h, x.(sessEntry)) }
func (h *sessHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
