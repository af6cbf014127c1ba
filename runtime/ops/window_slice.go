package ops

import (
	"container/heap"
	"fmt"
	"math"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// sliceMerger combines the slices of a HOP or CUMULATE window into the
// window's result when it fires: a scratch table maps the slices' group
// keys to scratch groups, whose accumulators merge the slices' states
// (Accumulator.State / Merge), as Flink's slice-sharing window operator.
type sliceMerger struct {
	table *groupTable // group keys → scratch group, kept across windows
	accs  []expr.Accumulator
	// gid caches each slice group's scratch group (NoGroup: not yet
	// assigned), so a slice's keys are looked up once, not per window.
	gid   []uint32
	ids   []uint32
	miss  []uint32
	mark  []uint32 // per scratch group: the window that last touched it
	epoch uint32
	live  []uint32
	// lastFired is the end of the last window fired (fired tells whether
	// one has): the next window to fire ends one slide later at least.
	lastFired int64
	fired     bool
}

func newSliceMerger(cfg *WindowAggConfig, keyTypes []types.DataType) *sliceMerger {
	m := &sliceMerger{table: newGroupTable(keyTypes), lastFired: math.MinInt64}
	for _, c := range cfg.Calls {
		f := c.Factory
		if io, ok := f.(interface {
			InsertOnly() expr.AccumulatorFactory
		}); ok {
			f = io.InsertOnly()
		}
		m.accs = append(m.accs, f.New())
	}
	return m
}

// lastWindow returns the end of the last window that holds the slice
// ending at p.
func (w *WindowAssigner) lastWindow(p int64) int64 {
	switch w.Kind {
	case WindowHop:
		return p + w.Size - w.Slide
	case WindowCumulate:
		return floorTo(p-w.Slide, w.Offset, w.Size) + w.Size
	}
	return p
}

// fireSliced fires, in end order, every window with end - 1 ms <= upTo
// that holds data, then frees the slices no later window needs.
func (a *windowAgg) fireSliced(upTo int64, out Collector) error {
	m := a.merge
	for a.order.Len() > 0 {
		// The first slice's windows end at p0, p0 + slide, ...,
		// lastWindow(p0); those up to lastFired have fired.
		e := a.order[0]
		if m.fired && m.lastFired+a.w.Slide > e {
			e = m.lastFired + a.w.Slide
		}
		if a.w.instant(e)-windowMs > upTo {
			return nil
		}
		if err := a.emitWindow(e, out); err != nil {
			return err
		}
		m.lastFired, m.fired = e, true
		for a.order.Len() > 0 && a.w.lastWindow(a.order[0]) <= e {
			p := heap.Pop(&a.order).(int64)
			a.freeSlice(a.pending[p])
			delete(a.pending, p)
		}
	}
	return nil
}

// emitWindow merges the slices of the window ending at e and emits one
// row per group key.
func (a *windowAgg) emitWindow(e int64, out Collector) error {
	m := a.merge
	m.epoch++
	m.live = m.live[:0]
	start := a.w.startOf(e)
	for p := start + a.w.Slide; p <= e; p += a.w.Slide {
		groups := a.pending[p]
		if len(groups) == 0 {
			continue
		}
		ids := m.scratchGroups(a.table, groups)
		for c, acc := range a.accs {
			st, err := acc.State(groups)
			if err != nil {
				return fmt.Errorf("%s: %w", a.cfg.Calls[c].Name, err)
			}
			if err := m.accs[c].Merge(a.ectx, ids, st); err != nil {
				return fmt.Errorf("%s: %w", a.cfg.Calls[c].Name, err)
			}
		}
	}
	for lo := 0; lo < len(m.live); lo += aggEmitRows {
		part := m.live[lo:min(lo+aggEmitRows, len(m.live))]
		cols := m.table.keyColumns(part)
		for c, acc := range m.accs {
			r, err := acc.Result(a.ectx, part)
			if err != nil {
				return fmt.Errorf("%s: %w", a.cfg.Calls[c].Name, err)
			}
			cols = append(cols, r)
		}
		cols = appendProps(cols, a.cfg, &a.w, len(part), func(int) (int64, int64) { return start, e })
		if err := out.Emit(types.NewBatch(a.cfg.OutSchema, cols, nil, len(part))); err != nil {
			return err
		}
	}
	for _, acc := range m.accs {
		acc.Reset(m.live)
	}
	// Keys stay for the next windows; start over when most are stale.
	if m.table.len() > 4*len(m.live)+4096 {
		m.table.reset()
		m.mark = m.mark[:0]
		for i := range m.gid {
			m.gid[i] = expr.NoGroup
		}
	}
	return nil
}

// scratchGroups returns the scratch group of each slice group, looking up
// the keys of those not cached, and records the window's live groups.
func (m *sliceMerger) scratchGroups(t *groupTable, groups []uint32) []uint32 {
	if n := t.len(); len(m.gid) < n {
		for len(m.gid) < n {
			m.gid = append(m.gid, expr.NoGroup)
		}
	}
	m.miss = m.miss[:0]
	for _, g := range groups {
		if m.gid[g] == expr.NoGroup {
			m.miss = append(m.miss, g)
		}
	}
	if len(m.miss) > 0 {
		keys := t.keyColumns(m.miss)
		m.ids = growU32(m.ids, len(m.miss))
		m.table.assign(keys[:len(keys)-1], len(m.miss), m.ids)
		for i, g := range m.miss {
			m.gid[g] = m.ids[i]
		}
	}
	m.ids = growU32(m.ids, len(groups))
	for len(m.mark) < m.table.len() {
		m.mark = append(m.mark, 0)
	}
	for i, g := range groups {
		id := m.gid[g]
		m.ids[i] = id
		if m.mark[id] != m.epoch {
			m.mark[id] = m.epoch
			m.live = append(m.live, id)
		}
	}
	return m.ids[:len(groups)]
}

// forget drops the cached scratch groups of freed slice groups.
func (m *sliceMerger) forget(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(m.gid) {
			m.gid[g] = expr.NoGroup
		}
	}
}
