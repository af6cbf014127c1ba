package runtime

import (
	"fmt"
	"time"

	"github.com/spry-engine/spry/runtime/ops"
)

// Barriers are Flink's aligned checkpoint barriers (see ops.BarrierHandler).
// A source subtask injects barrier n between two of its batches
// (ops.BarrierSource); every task handles it in chain order and forwards it
// on all its outlets. A task with several input channels aligns: once a
// channel delivered barrier n, the channel's later messages are held back
// until every open channel delivered n, so that the task sees exactly the
// rows all sources emitted before n, then n, then the rest. Time-scripted
// tests use barriers as step boundaries; checkpoints will snapshot operator
// state in OnBarrier.
//
// Processing-time ticks: operators implementing ops.ProcessingTimeOperator
// are called with the job clock every TickInterval while their task waits
// for input or pulls its source, and right before each barrier, so timers
// due at a step's clock have fired when the step's barrier passes.

// TickInterval is how often a task with processing-time operators calls
// them while it runs.
const TickInterval = 50 * time.Millisecond

// BarrierError reports barriers arriving out of order at a task.
type BarrierError struct {
	Vertex  string
	Subtask int
	Msg     string
}

func (e *BarrierError) Error() string {
	return fmt.Sprintf("barrier at vertex %s subtask %d: %s", e.Vertex, e.Subtask, e.Msg)
}

// barrierState is a task's barrier alignment and processing-time timer
// state. Kept to plain slices indexed by input channel so that the
// fault-tolerance work can reuse it as is.
type barrierState struct {
	// aligning is set from the first channel's barrier until every open
	// channel has delivered it.
	aligning bool
	id       int64 // the barrier being aligned
	last     int64 // the last barrier handled; ids must increase
	seen     []bool
	// held keeps, per channel, the messages that arrived after the
	// channel's barrier, in arrival order.
	held [][]message
	// replay holds released messages, handled before the inbox is read
	// again so that each channel's order is kept.
	replay []message

	timers   []int // chain positions of ops.ProcessingTimeOperator
	ticker   *time.Ticker
	lastTick time.Time
}

// initBarriers sizes the alignment state for n input channels and finds
// the chain's processing-time operators; run calls it once.
func (t *task) initBarriers(n int) {
	t.bar.seen = make([]bool, n)
	t.bar.held = make([][]message, n)
	for k, op := range t.ops {
		if _, ok := op.(ops.ProcessingTimeOperator); ok {
			t.bar.timers = append(t.bar.timers, k)
		}
	}
	if len(t.bar.timers) > 0 {
		t.bar.ticker = time.NewTicker(TickInterval)
		t.bar.lastTick = time.Now()
	}
}

// stopBarriers releases the tick timer.
func (t *task) stopBarriers() {
	if t.bar.ticker != nil {
		t.bar.ticker.Stop()
	}
}

// ticks is the channel of the tick timer; nil (never ready) when the chain
// has no processing-time operator.
func (t *task) ticks() <-chan time.Time {
	if t.bar.ticker == nil {
		return nil
	}
	return t.bar.ticker.C
}

// released returns the next message released by an alignment.
func (t *task) released() (message, bool) {
	if len(t.bar.replay) == 0 {
		return message{}, false
	}
	m := t.bar.replay[0]
	t.bar.replay = t.bar.replay[1:]
	return m, true
}

// hold keeps m back if its channel already delivered the barrier being
// aligned, reporting whether it did.
func (t *task) hold(m message) bool {
	if !t.bar.aligning || !t.bar.seen[m.ch] || t.job.coord.unaligned() {
		return false
	}
	t.bar.held[m.ch] = append(t.bar.held[m.ch], m)
	return true
}

// alignBarrier records barrier id from channel ch and handles it once
// every open channel has delivered it.
func (t *task) alignBarrier(ch int, id int64) error {
	if t.job.coord.unaligned() && t.bar.aligning && id != t.bar.id {
		// At least once: a newer barrier supersedes the one still
		// awaited, an older one is late (Flink's barrier tracker).
		if id < t.bar.id {
			return nil
		}
		t.job.coord.decline(t.bar.id, errSuperseded)
		t.bar.aligning = false
		for c := range t.bar.seen {
			t.bar.seen[c] = false
		}
	}
	if !t.bar.aligning {
		if id <= t.bar.last {
			return &BarrierError{t.vertex.nameOrID(), t.index, fmt.Sprintf("barrier %d after barrier %d", id, t.bar.last)}
		}
		t.bar.aligning, t.bar.id = true, id
		t.ck.alignStart = time.Now()
	} else if id != t.bar.id {
		return &BarrierError{t.vertex.nameOrID(), t.index, fmt.Sprintf("barrier %d while aligning barrier %d", id, t.bar.id)}
	}
	t.bar.seen[ch] = true
	return t.completeAlignment()
}

// completeAlignment handles the pending barrier if no open channel still
// owes it (also called when a channel ends), then releases the held
// messages.
func (t *task) completeAlignment() error {
	if !t.bar.aligning {
		return nil
	}
	for c, s := range t.bar.seen {
		if !s && !t.chanEnded[c] {
			return nil
		}
	}
	id := t.bar.id
	t.bar.aligning = false
	for c := range t.bar.seen {
		t.bar.seen[c] = false
		t.bar.replay = append(t.bar.replay, t.bar.held[c]...)
		t.bar.held[c] = t.bar.held[c][:0]
	}
	return t.handleBarrier(id)
}

// pollBarriers runs after each call of the source's Next: it handles the
// barriers the source has ready and ticks processing time when due.
func (t *task) pollBarriers() error {
	if err := t.maybeTick(); err != nil {
		return err
	}
	if err := t.pollTriggers(); err != nil {
		return err
	}
	bs, ok := t.source.(ops.BarrierSource)
	if !ok {
		return nil
	}
	for {
		id, ok := bs.TakeBarrier()
		if !ok {
			return nil
		}
		if id <= t.bar.last {
			return &BarrierError{t.vertex.nameOrID(), t.index, fmt.Sprintf("source barrier %d after barrier %d", id, t.bar.last)}
		}
		if err := t.handleBarrier(id); err != nil {
			return err
		}
	}
}

// handleBarrier lets each operator of the chain, in order, fire its due
// processing-time timers, flush what it buffers and handle the barrier
// (each one's output flows through the operators after it before they
// see the barrier), then forwards the barrier on every outlet.
func (t *task) handleBarrier(id int64) error {
	t.bar.last = id
	pc := t.job.coord.begin(id) // nil unless the barrier is a checkpoint's
	align := t.alignment()
	now := t.opCtx.Now()
	for k, op := range t.ops {
		t.cur = k
		if p, ok := op.(ops.ProcessingTimeOperator); ok {
			if err := p.OnProcessingTime(now, &t.outs[k]); err != nil {
				return t.wrap(k, err)
			}
		}
		if b, ok := op.(ops.BufferingOperator); ok {
			if err := b.FlushBuffered(&t.outs[k]); err != nil {
				return t.wrap(k, err)
			}
		}
		if h, ok := op.(ops.BarrierHandler); ok {
			if err := h.OnBarrier(id, &t.outs[k]); err != nil {
				return t.wrap(k, err)
			}
		}
	}
	for _, o := range t.outlets {
		if err := o.control(t.ctx, msgBarrier, id); err != nil {
			return err
		}
	}
	if pc != nil {
		// Snapshot after forwarding: nothing runs in between, and the
		// next tasks start on the barrier sooner.
		return t.checkpoint(pc, align)
	}
	return nil
}

// maybeTick ticks processing time if TickInterval has passed since the
// last tick (source tasks, which never wait on the ticker).
func (t *task) maybeTick() error {
	if t.bar.ticker == nil || time.Since(t.bar.lastTick) < TickInterval {
		return nil
	}
	return t.tick()
}

// tick calls every processing-time operator of the chain with the job
// clock's time.
func (t *task) tick() error {
	t.bar.lastTick = time.Now()
	now := t.opCtx.Now()
	for _, k := range t.bar.timers {
		prev := t.cur
		t.cur = k
		if err := t.ops[k].(ops.ProcessingTimeOperator).OnProcessingTime(now, &t.outs[k]); err != nil {
			return t.wrap(k, err)
		}
		t.cur = prev
	}
	return nil
}
