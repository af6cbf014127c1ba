package ops

import (
	"github.com/spry-engine/spry/expr/functions"
)

// gwMerge records that session window group from merged into to while a
// batch was assigned; the state moves before the batch is folded in.
type gwMerge struct{ from, to uint32 }

// local maps an instant to the wall clock windows are aligned on (the
// session time zone for TIMESTAMP_LTZ and proctime windows).
func (w *groupWindow) local(t int64) int64 { return functions.ToLocal(t, w.cfg.Loc) }

// utc maps a wall-clock window bound back to an instant.
func (w *groupWindow) utc(l int64) int64 { return functions.ToUTC(l, w.cfg.Loc) }

// isLate reports whether a window firing at fireAt was cleaned up already:
// its last instant plus the allowed lateness is behind the watermark.
func (w *groupWindow) isLate(fireAt int64) bool {
	if !w.cfg.Streaming || w.cfg.Proctime || w.wm == gwNoWatermark {
		return false
	}
	lateness := w.cfg.AllowLateness
	if w.cfg.Kind == GroupWinSession {
		lateness = 0
	}
	return fireAt+lateness <= w.wm
}

const gwNoWatermark = -1 << 63

func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// assignFixed puts row (of key slot key, at time t) into its TUMBLE or
// HOP windows and returns how many of them were late.
func (w *groupWindow) assignFixed(key uint32, row int32, t int64) int {
	lt := w.local(t)
	size, slide := w.cfg.Size, w.cfg.Slide
	if w.cfg.Kind == GroupWinTumble {
		slide = size
	}
	late := 0
	for start := lt - floorMod(lt, slide); start > lt-size; start -= slide {
		end := start + size
		fireAt := w.utc(end) - milli
		if w.isLate(fireAt) {
			late++
			continue
		}
		g, ok := w.findWindow(key, start)
		if !ok {
			g = w.alloc(key, start, end, fireAt)
		}
		w.rows, w.groups = append(w.rows, row), append(w.groups, g)
	}
	return late
}

// findWindow returns the group of key's window starting at start.
func (w *groupWindow) findWindow(key uint32, start int64) (uint32, bool) {
	for _, g := range w.wins[key] {
		if w.grp[g].start == start {
			return g, true
		}
	}
	return 0, false
}

// assignSession puts row into key's session window around t, merging the
// sessions it bridges (Flink's MergingWindowSet: windows that overlap or
// touch merge). It reports false for a late row.
func (w *groupWindow) assignSession(key uint32, row int32, t int64) bool {
	ns := w.local(t)
	ne := ns + w.cfg.Gap
	target := uint32(0)
	found := false
	list := w.wins[key]
	for i := 0; i < len(list); i++ {
		g := list[i]
		gr := &w.grp[g]
		if gr.start > ne || gr.end < ns {
			continue
		}
		if !found {
			target, found = g, true
			continue
		}
		tg := &w.grp[target]
		tg.start, tg.end = min(tg.start, gr.start), max(tg.end, gr.end)
		w.merges = append(w.merges, gwMerge{from: g, to: target})
		w.redir[g] = target
		list[i] = list[len(list)-1]
		list = list[:len(list)-1]
		i--
	}
	w.wins[key] = list
	if !found {
		fireAt := w.utc(ne) - milli
		if w.isLate(fireAt) {
			return false
		}
		target = w.alloc(key, ns, ne, fireAt)
	} else {
		tg := &w.grp[target]
		tg.start, tg.end = min(tg.start, ns), max(tg.end, ne)
		if fireAt := w.utc(tg.end) - milli; fireAt != tg.fireAt {
			tg.fireAt = fireAt
			w.scheduleFire(target)
		}
	}
	w.rows, w.groups = append(w.rows, row), append(w.groups, target)
	return true
}

// applyMerges moves the state of session windows merged during the batch
// into the windows that absorbed them, points the batch's rows at the
// survivors and frees the merged groups.
func (w *groupWindow) applyMerges() error {
	resolve := func(g uint32) uint32 {
		for w.redir[g] != g {
			g = w.redir[g]
		}
		return g
	}
	from := make([]uint32, len(w.merges))
	to := make([]uint32, len(w.merges))
	for i, m := range w.merges {
		from[i], to[i] = m.from, resolve(m.to)
	}
	for _, acc := range w.accs {
		st, err := acc.State(from)
		if err != nil {
			return err
		}
		if err := acc.Merge(w.ctx, to, st); err != nil {
			return err
		}
	}
	for i, g := range w.groups {
		w.groups[i] = resolve(g)
	}
	w.release(from, false)
	return nil
}

// alloc makes a new window group for key and schedules its firing.
func (w *groupWindow) alloc(key uint32, start, end, fireAt int64) uint32 {
	var g uint32
	if n := len(w.free); n > 0 {
		g = w.free[n-1]
		w.free = w.free[:n-1]
	} else {
		g = uint32(len(w.grp))
		w.grp = append(w.grp, gwGroup{})
		w.redir = append(w.redir, g)
		w.mark = append(w.mark, 0)
	}
	gen := w.grp[g].gen + 1
	w.grp[g] = gwGroup{key: key, start: start, end: end, fireAt: fireAt, gen: gen, live: true}
	w.redir[g] = g
	w.wins[key] = append(w.wins[key], g)
	w.scheduleFire(g)
	return g
}

// scheduleFire registers group g's on-time firing: at the watermark for
// event time, on the job clock for processing time. Batch mode fires at
// the end of input only.
func (w *groupWindow) scheduleFire(g uint32) {
	if !w.cfg.Streaming {
		return
	}
	gr := &w.grp[g]
	t := timer{at: gr.fireAt, g: g, gen: gr.gen, kind: timerFire}
	if w.cfg.Proctime {
		w.ptTimers.push(t)
	} else {
		w.evTimers.push(t)
	}
}

// release frees groups: their accumulators are reset, pending timers go
// stale, and a key without windows leaves the key table. inList says the
// groups are still listed under their key.
func (w *groupWindow) release(gs []uint32, inList bool) {
	if len(gs) == 0 {
		return
	}
	for _, acc := range w.accs {
		acc.Reset(gs)
	}
	for _, acc := range w.prev {
		acc.Reset(gs)
	}
	for _, g := range gs {
		gr := &w.grp[g]
		if !gr.live {
			continue
		}
		key := gr.key
		if inList {
			list := w.wins[key]
			for i, x := range list {
				if x == g {
					list[i] = list[len(list)-1]
					list = list[:len(list)-1]
					break
				}
			}
			w.wins[key] = list
		}
		*gr = gwGroup{gen: gr.gen + 1}
		w.free = append(w.free, g)
		if len(w.wins[key]) == 0 {
			w.keys.drop(key)
		}
	}
}

// timer kinds.
const (
	timerFire    uint8 = iota // the window's end: on-time firing
	timerCleanup              // end + allowed lateness: state is dropped
	timerDelay                // an early or late firing after a delay
)

// timer is one pending firing of a window group; gen guards against the
// group slot having been reused since.
type timer struct {
	at   int64
	g    uint32
	gen  uint32
	kind uint8
}

// timerHeap is a binary min-heap of timers by time (typed, so pushing
// boxes nothing).
type timerHeap []timer

func (h *timerHeap) push(t timer) {
	*h = append(*h, t)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if s[p].at <= s[i].at {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

// popDue removes and returns the earliest timer if it is due at now.
func (h *timerHeap) popDue(now int64) (timer, bool) {
	s := *h
	if len(s) == 0 || s[0].at > now {
		return timer{}, false
	}
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(s) && s[l].at < s[m].at {
			m = l
		}
		if r < len(s) && s[r].at < s[m].at {
			m = r
		}
		if m == i {
			break
		}
		s[m], s[i] = s[i], s[m]
		i = m
	}
	*h = s
	return top, true
}
