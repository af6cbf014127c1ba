package runtime

import (
	"math"

	"github.com/spry-engine/spry/runtime/ops"
)

// Idleness (Flink's WatermarkStatus): a subtask whose source has produced
// nothing for table.exec.source.idle-timeout sends msgIdle on its channels.
// A receiver then leaves that channel out of its minimum watermark until
// the channel sends rows or a watermark again. When every open channel of a
// subtask is idle, the subtask passes the idleness on downstream.

// wmStatus is the per-channel idleness of a subtask's inputs.
type wmStatus struct {
	chanIdle []bool
	// allIdle is set while every open channel is idle and downstream has
	// been told.
	allIdle bool
	// srcWM is the last watermark read from a WatermarkSource, valid once
	// srcSeen is set.
	srcWM   int64
	srcSeen bool
	// srcIdle is set while a source reported itself idle.
	srcIdle bool
	// srcUse says whether the chain takes the source's own watermarks
	// (0: not checked yet, 1: yes, 2: no).
	srcUse uint8
}

func (s *wmStatus) init(n int) {
	s.chanIdle = make([]bool, n)
}

// activate makes channel c count again after it was idle: it sent rows or
// a watermark.
func (t *task) activate(c int) {
	if c < len(t.status.chanIdle) && t.status.chanIdle[c] {
		t.status.chanIdle[c] = false
		t.status.allIdle = false
	}
}

// channelIdle marks channel c idle and recomputes the watermark the other
// channels allow.
func (t *task) channelIdle(c int) error {
	if t.status.chanIdle[c] || t.chanEnded[c] {
		return nil
	}
	t.status.chanIdle[c] = true
	return t.updateWatermark()
}

// activeMin returns the minimum watermark over the open, active channels;
// ok is false when every open channel is idle (the watermark must then
// stay where it is).
func (t *task) activeMin() (wm int64, ok bool) {
	wm = math.MaxInt64
	open, active := 0, 0
	for c, w := range t.chanWM {
		if t.chanEnded[c] {
			continue
		}
		open++
		if c < len(t.status.chanIdle) && t.status.chanIdle[c] {
			continue
		}
		active++
		if w < wm {
			wm = w
		}
	}
	return wm, open == 0 || active > 0
}

// propagateIdle tells downstream subtasks this one is idle, once per idle
// period.
func (t *task) propagateIdle() error {
	if t.status.allIdle {
		return nil
	}
	t.status.allIdle = true
	return t.sendIdle()
}

// sendIdle sends msgIdle on every outlet.
func (t *task) sendIdle() error {
	for _, o := range t.outlets {
		if err := o.control(t.ctx, msgIdle, 0); err != nil {
			return err
		}
	}
	return nil
}

// sourceTick runs after every call of the source's Next: it forwards a
// watermark the source produced itself (SOURCE_WATERMARK()), and when the
// call returned no rows lets idle detectors of the chain check the job
// clock.
func (t *task) sourceTick(gotRows bool) error {
	if t.status.srcUse == 0 {
		t.status.srcUse = 2
		for k, op := range t.ops {
			if u, ok := op.(interface{ UsesSourceWatermarks() bool }); ok && u.UsesSourceWatermarks() {
				t.status.srcUse = 1
				if p, ok := t.source.(interface{ ProducesWatermarks() bool }); !ok || !p.ProducesWatermarks() {
					return t.wrap(k, ops.ErrNoSourceWatermarks)
				}
			}
		}
	}
	// Only SOURCE_WATERMARK() tables take a connector's watermarks, as in
	// Flink; other sources' watermarks are ignored.
	if ws, ok := t.source.(interface{ SourceWatermark() (int64, bool) }); ok && t.status.srcUse == 1 {
		wm, idle := ws.SourceWatermark()
		if wm != math.MinInt64 && (!t.status.srcSeen || wm > t.status.srcWM) {
			t.status.srcWM, t.status.srcSeen = wm, true
			t.status.srcIdle = false
			if err := t.advanceWatermark(1, wm); err != nil {
				return err
			}
		}
		if gotRows {
			t.status.srcIdle = false
		} else if idle && !t.status.srcIdle {
			t.status.srcIdle = true
			if err := t.sendIdle(); err != nil {
				return err
			}
		}
	}
	if gotRows || t.opCtx.Now == nil {
		return nil
	}
	now := t.opCtx.Now()
	for k, op := range t.ops {
		if d, ok := op.(ops.IdleDetector); ok {
			prev := t.cur
			t.cur = k
			if err := d.CheckIdle(now, &t.outs[k]); err != nil {
				return t.wrap(k, err)
			}
			t.cur = prev
		}
	}
	return nil
}

// MarkIdle tells downstream subtasks that this chain is idle.
func (c *chainOut) MarkIdle() error { return c.t.sendIdle() }

var _ ops.IdleCollector = (*chainOut)(nil)
