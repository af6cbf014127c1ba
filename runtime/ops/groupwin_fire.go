package ops

import (
	"fmt"
	"math"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// afterBatch applies the emit strategy to the windows the batch changed:
// a window past its end (a late row within the allowed lateness) fires
// at once or after the late-fire delay; an open window fires early when
// early fire is on.
func (w *groupWindow) afterBatch(out Collector) error {
	if !w.cfg.Streaming {
		return nil
	}
	w.epoch++
	var fires []uint32
	now := int64(0)
	for _, g := range w.groups {
		if w.mark[g] == w.epoch {
			continue
		}
		w.mark[g] = w.epoch
		gr := &w.grp[g]
		gr.dirty = true
		switch {
		case !w.cfg.Proctime && gr.fireAt <= w.wm:
			if w.cfg.LateFire && w.cfg.LateDelay > 0 {
				if gr.delayTimer == 0 {
					now = w.clock(now)
					w.delay(g, now+w.cfg.LateDelay)
				}
			} else {
				fires = append(fires, g)
			}
		case w.cfg.EarlyFire:
			if w.cfg.EarlyDelay > 0 {
				if gr.delayTimer == 0 {
					now = w.clock(now)
					w.delay(g, now+w.cfg.EarlyDelay)
				}
			} else {
				fires = append(fires, g)
			}
		}
	}
	return w.emit(fires, out)
}

func (w *groupWindow) clock(cached int64) int64 {
	if cached != 0 {
		return cached
	}
	return w.now()
}

// delay schedules an early or late firing of g at processing time at.
func (w *groupWindow) delay(g uint32, at int64) {
	gr := &w.grp[g]
	gr.delayTimer = at
	w.ptTimers.push(timer{at: at, g: g, gen: gr.gen, kind: timerDelay})
}

// valid reports whether a popped timer still applies to its group.
func (w *groupWindow) valid(t timer) bool {
	gr := &w.grp[t.g]
	if !gr.live || gr.gen != t.gen {
		return false
	}
	switch t.kind {
	case timerFire:
		return t.at == gr.fireAt
	case timerDelay:
		return t.at == gr.delayTimer
	}
	return true
}

// ProcessWatermark fires the event-time windows whose end the watermark
// passed and drops the state of those past their allowed lateness.
func (w *groupWindow) ProcessWatermark(ts int64, out Collector) error {
	if ts <= w.wm {
		return nil
	}
	w.wm = ts
	if !w.cfg.Streaming || w.cfg.Proctime {
		return nil
	}
	var fires, cleanups []uint32
	lateness := w.cfg.AllowLateness
	if w.cfg.Kind == GroupWinSession {
		lateness = 0
	}
	for {
		t, ok := w.evTimers.popDue(ts)
		if !ok {
			break
		}
		if !w.valid(t) {
			continue
		}
		switch t.kind {
		case timerFire:
			fires = append(fires, t.g)
			if lateness <= 0 || t.at > math.MaxInt64-lateness {
				cleanups = append(cleanups, t.g)
			} else {
				gr := &w.grp[t.g]
				w.evTimers.push(timer{at: t.at + lateness, g: t.g, gen: gr.gen, kind: timerCleanup})
			}
		case timerCleanup:
			cleanups = append(cleanups, t.g)
		}
	}
	if err := w.emit(fires, out); err != nil {
		return err
	}
	w.release(cleanups, true)
	return nil
}

// OnProcessingTime fires processing-time windows that ended and the early
// and late firings that are due.
func (w *groupWindow) OnProcessingTime(now int64, out Collector) error {
	if !w.cfg.Streaming {
		return nil
	}
	var fires, cleanups []uint32
	for {
		t, ok := w.ptTimers.popDue(now)
		if !ok {
			break
		}
		if !w.valid(t) {
			continue
		}
		gr := &w.grp[t.g]
		switch t.kind {
		case timerFire: // a processing-time window ended
			fires = append(fires, t.g)
			cleanups = append(cleanups, t.g)
		case timerDelay:
			gr.delayTimer = 0
			if gr.dirty {
				fires = append(fires, t.g)
			}
		}
	}
	if err := w.emit(fires, out); err != nil {
		return err
	}
	w.release(cleanups, true)
	return nil
}

// EndInput fires every window still open, in window order: all of them in
// batch mode, the processing-time ones of a bounded stream (event-time
// windows fired at the final watermark).
func (w *groupWindow) EndInput(_ int, out Collector) error {
	var live []uint32
	for g := range w.grp {
		if w.grp[g].live {
			live = append(live, uint32(g))
		}
	}
	sort.Slice(live, func(i, j int) bool {
		a, b := &w.grp[live[i]], &w.grp[live[j]]
		if a.fireAt != b.fireAt {
			return a.fireAt < b.fireAt
		}
		return live[i] < live[j]
	})
	if err := w.emit(live, out); err != nil {
		return err
	}
	w.release(live, true)
	return nil
}

// emit outputs the current result of the listed windows, in chunks. When
// the strategy produces updates, a window that emitted before retracts
// its previous result (-U old, +U new), and one whose result did not
// change emits nothing, as Flink's window operator.
func (w *groupWindow) emit(fires []uint32, out Collector) error {
	if len(fires) == 0 {
		return nil
	}
	w.epoch++
	uniq := fires[:0:0]
	for _, g := range fires {
		if w.grp[g].live && w.mark[g] != w.epoch {
			w.mark[g] = w.epoch
			uniq = append(uniq, g)
		}
	}
	for lo := 0; lo < len(uniq); lo += aggEmitRows {
		if err := w.emitPart(uniq[lo:min(lo+aggEmitRows, len(uniq))], out); err != nil {
			return err
		}
	}
	return nil
}

func (w *groupWindow) emitPart(gs []uint32, out Collector) error {
	n := len(gs)
	newRes, err := w.results(gs)
	if err != nil {
		return err
	}
	updates := w.prev != nil
	var prevRes []arrow.Array
	anyFired := false
	for _, g := range gs {
		anyFired = anyFired || w.grp[g].fired
	}
	if updates && anyFired {
		for c, acc := range w.prev {
			r, err := acc.Result(w.ctx, gs)
			if err != nil {
				return fmt.Errorf("%s: %w", w.cfg.Calls[c].Name, err)
			}
			prevRes = append(prevRes, r)
		}
	}
	var eq func(i, j int) bool
	if prevRes != nil {
		eq = kernel.NewRowEqual(newRes, prevRes)
	}
	// Output rows index the concatenation of the previous rows (0..n-1)
	// and the new ones (n..2n-1).
	idx := make([]int32, 0, n)
	var kinds []types.RowKind
	if updates {
		kinds = make([]types.RowKind, 0, n)
	}
	for i, g := range gs {
		gr := &w.grp[g]
		switch {
		case !updates:
			idx = append(idx, int32(n+i))
		case !gr.fired:
			idx, kinds = append(idx, int32(n+i)), append(kinds, types.Insert)
		case !eq(i, i):
			idx = append(idx, int32(i), int32(n+i))
			kinds = append(kinds, types.UpdateBefore, types.UpdateAfter)
		}
		gr.fired, gr.dirty = true, false
	}
	if updates {
		for c, acc := range w.prev {
			st, err := w.accs[c].State(gs)
			if err != nil {
				return err
			}
			acc.Reset(gs)
			if err := acc.Merge(w.ctx, gs, st); err != nil {
				return err
			}
		}
	}
	if len(idx) == 0 {
		return nil
	}
	cols := w.outputColumns(gs, newRes)
	if prevRes != nil {
		old := w.outputColumns(gs, prevRes)
		both := kernel.Concat([]*types.Batch{
			types.NewBatch(w.cfg.OutSchema, old, nil, n),
			types.NewBatch(w.cfg.OutSchema, cols, nil, n),
		})
		cols = both.Cols
	} else {
		for i := range idx {
			idx[i] -= int32(n)
		}
	}
	outCols := make([]arrow.Array, len(cols))
	for i, c := range cols {
		outCols[i] = kernel.Take(c, idx)
	}
	return out.Emit(types.NewBatch(w.cfg.OutSchema, outCols, kinds, len(idx)))
}

// results returns every call's current result for gs.
func (w *groupWindow) results(gs []uint32) ([]arrow.Array, error) {
	res := make([]arrow.Array, len(w.accs))
	for c, acc := range w.accs {
		r, err := acc.Result(w.ctx, gs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", w.cfg.Calls[c].Name, err)
		}
		res[c] = r
	}
	return res, nil
}

// outputColumns lays out keys, call results and window properties of gs.
func (w *groupWindow) outputColumns(gs []uint32, res []arrow.Array) []arrow.Array {
	keySlots := make([]uint32, len(gs))
	for i, g := range gs {
		keySlots[i] = w.grp[g].key
	}
	cols := w.keys.keyColumns(keySlots)
	if len(w.cfg.Keys) == 0 {
		cols = nil
	}
	cols = append(cols, res...)
	base := len(cols)
	vals := make([]int64, len(gs))
	var now int64
	for p, prop := range w.cfg.Props {
		for i, g := range gs {
			gr := &w.grp[g]
			switch prop {
			case GroupWinStart:
				vals[i] = gr.start
			case GroupWinEnd:
				vals[i] = gr.end
			case GroupWinRowtime:
				vals[i] = gr.fireAt
			case GroupWinProctime:
				if now == 0 {
					now = w.now()
				}
				vals[i] = now
			}
		}
		cols = append(cols, gwTimestampArray(vals, w.cfg.OutSchema.Fields[base+p].Type))
	}
	return cols
}

// gwTimestampArray builds a TIMESTAMP/TIMESTAMP_LTZ column of µs values.
func gwTimestampArray(vals []int64, t types.DataType) arrow.Array {
	b := array.NewTimestampBuilder(memory.DefaultAllocator, types.ArrowType(t).(*arrow.TimestampType))
	defer b.Release()
	b.Reserve(len(vals))
	for _, v := range vals {
		b.UnsafeAppend(arrow.Timestamp(v))
	}
	return b.NewArray()
}
