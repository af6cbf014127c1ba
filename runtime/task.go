package runtime

import (
	"context"
	"errors"
	"io"
	"math"
	"strconv"

	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// task is one subtask of a vertex: its chain of operator instances, its
// inbox and the per-channel input state.
type task struct {
	job        *Job
	vertex     *Vertex
	progress   *VertexProgress
	index, par int
	ops        []ops.Operator
	outs       []chainOut
	source     ops.SourceOperator // set when the chain starts with a source
	opCtx      *ops.OpContext
	outlets    []*outlet
	inbox      inbox
	chanInput  []int // input index of each channel
	chanWM     []int64
	chanEnded  []bool
	openInputs [2]int // channels not yet ended, per input
	hasInput   [2]bool
	wm         int64 // combined input watermark
	cur        int   // operator running now, for panic attribution
	ctx        context.Context
	buffering  []int          // chain operators holding input back (ops.BufferingOperator)
	finishers  []ops.Finisher // chain operators that may stop wanting input
	metrics    *metrics.Registry
	status     wmStatus     // channel idleness and source watermarks (watermark_status.go)
	bar        barrierState // barrier alignment and processing-time ticks (barrier.go)
	ck         taskCkpt     // checkpoint triggers, completions, restore (checkpoint_task.go)
	lat        latencyState // latency markers (latency.go)
}

func newTask(g *JobGraph, v *Vertex, index, par int, opts Options) (*task, error) {
	t := &task{vertex: v, index: index, par: par, wm: math.MinInt64, inbox: make(inbox, opts.ChannelCapacity), metrics: opts.Metrics}
	t.lat.interval = int64(opts.LatencyInterval)
	eval := *opts.Eval
	eval.Clock = opts.Clock // PROCTIME() reads the job clock
	t.opCtx = &ops.OpContext{
		Subtask:        index,
		Parallelism:    par,
		MaxParallelism: g.maxParallelism(),
		Eval:           &eval,
		Batch:          g.Batch,
		Logger:         opts.Logger.With("vertex", v.ID, "subtask", index),
		BatchSize:      opts.BatchSize,
		Now:            opts.Clock,
		Checkpointing:  opts.Checkpoint != nil && !g.Batch,
	}
	for i, s := range v.Chain {
		op, err := buildOp(s)
		if err != nil {
			return nil, &GraphError{Msg: "vertex " + v.nameOrID() + ": " + err.Error()}
		}
		if src, ok := op.(ops.SourceOperator); ok {
			if i != 0 {
				return nil, &GraphError{Msg: "vertex " + v.nameOrID() + ": source " + op.String() + " is not first in its chain"}
			}
			t.source = src
		}
		if _, ok := op.(ops.BufferingOperator); ok {
			t.buffering = append(t.buffering, i)
		}
		if f, ok := op.(ops.Finisher); ok {
			t.finishers = append(t.finishers, f)
		}
		t.ops = append(t.ops, op)
	}
	t.outs = make([]chainOut, len(t.ops))
	for i := range t.outs {
		t.outs[i] = chainOut{t: t, next: i + 1}
	}
	return t, nil
}

// run opens the chain, drives it to the end of its input and closes it.
func (t *task) run() (err error) {
	t.ctx = t.job.ctx
	t.opCtx.Ctx = t.ctx
	opened := 0
	defer func() {
		for i := opened - 1; i >= 0; i-- {
			t.cur = i
			if cerr := t.ops[i].Close(); cerr != nil && err == nil {
				err = t.wrap(i, cerr)
			}
		}
	}()
	for i, op := range t.ops {
		t.cur = i
		// Each operator gets its own context so its metrics are its own.
		c := *t.opCtx
		c.Metrics = t.metrics.Group(op.String(), t.index)
		if err := op.Open(&c); err != nil {
			return t.wrap(i, err)
		}
		opened++
	}
	if err := t.restoreCheckpoint(); err != nil {
		return err
	}
	t.findDeferred()
	t.initBarriers(len(t.chanInput))
	defer t.stopBarriers()
	if t.source != nil {
		err = t.runSource()
	} else {
		err = t.runInputs()
	}
	if err == nil && len(t.ck.deferred) > 0 {
		err = t.awaitFinalCheckpoint()
	}
	if err == nil {
		err = t.job.coord.taskFinished(t)
	}
	return err
}

// runSource pulls the source until it ends, the job is cancelled or an
// operator of the chain needs no more input.
func (t *task) runSource() error {
	for !t.ck.startEnded && !t.chainDone() {
		if err := t.ctx.Err(); err != nil {
			return context.Cause(t.ctx)
		}
		if t.ck.stopped { // after a stop-with-savepoint barrier
			if err := t.waitStopped(); err != nil {
				return err
			}
			return context.Cause(t.ctx)
		}
		if t.lat.interval > 0 {
			if err := t.sourceLatency(); err != nil {
				return err
			}
		}
		t.cur = 0
		b, err := t.source.Next(t.ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return t.wrap(0, err)
		}
		if b == nil || b.Len() == 0 {
			if b == nil { // idle: rows held back would wait for nothing
				if err := t.flushBuffered(); err != nil {
					return err
				}
			}
			if err := t.sourceTick(false); err != nil {
				return err
			}
			if err := t.pollBarriers(); err != nil {
				return err
			}
			continue
		}
		t.progress.RowsIn.Add(int64(b.Len()))
		if err := t.outs[0].Emit(b); err != nil {
			return err
		}
		if err := t.sourceTick(true); err != nil {
			return err
		}
		if err := t.pollBarriers(); err != nil {
			return err
		}
	}
	t.ck.ended = true
	// A finished bounded source has seen all its event time, as in Flink.
	if err := t.advanceWatermark(1, math.MaxInt64); err != nil {
		return err
	}
	return t.finish(1)
}

// runInputs consumes the inbox until every input channel has ended.
func (t *task) runInputs() error {
	n := len(t.chanInput)
	t.chanWM = make([]int64, n)
	t.chanEnded = make([]bool, n)
	t.status.init(n)
	for c, in := range t.chanInput {
		t.chanWM[c] = math.MinInt64
		t.openInputs[in]++
	}
	for in, has := range t.hasInput {
		// A subtask no channel reaches (behind a GLOBAL edge) has an
		// input that is over before it starts.
		if has && t.openInputs[in] == 0 {
			if err := t.endInput(0, in); err != nil {
				return err
			}
		}
	}
	open := n
	for open > 0 {
		m, got := t.released() // messages held back by a barrier alignment
		if !got && len(t.buffering) > 0 {
			select {
			case m = <-t.inbox:
				got = true
			default:
				// The inbox ran dry: emit what the chain holds back
				// before waiting.
				if err := t.flushBuffered(); err != nil {
					return err
				}
			}
		}
		if t.ck.complete.Load() > t.ck.notified.Load() {
			if err := t.pollNotify(); err != nil {
				return err
			}
		}
		if !got {
			select {
			case m = <-t.inbox:
			case <-t.ck.notify:
				if err := t.pollNotify(); err != nil {
					return err
				}
				continue
			case <-t.ticks():
				if err := t.tick(); err != nil {
					return err
				}
				continue
			case <-t.ctx.Done():
				return context.Cause(t.ctx)
			}
		}
		if t.hold(m) {
			continue
		}
		switch m.kind {
		case msgBatch:
			t.activate(m.ch)
			t.progress.RowsIn.Add(int64(m.batch.Len()))
			if err := t.process(0, t.chanInput[m.ch], m.batch); err != nil {
				return err
			}
		case msgIdle:
			if err := t.channelIdle(m.ch); err != nil {
				return err
			}
		case msgWatermark:
			t.activate(m.ch)
			if m.wm > t.chanWM[m.ch] {
				t.chanWM[m.ch] = m.wm
				if err := t.updateWatermark(); err != nil {
					return err
				}
			}
		case msgEnd:
			if t.chanEnded[m.ch] {
				continue
			}
			t.chanEnded[m.ch] = true
			open--
			in := t.chanInput[m.ch]
			t.openInputs[in]--
			if err := t.updateWatermark(); err != nil {
				return err
			}
			if t.openInputs[in] == 0 {
				if err := t.endInput(0, in); err != nil {
					return err
				}
			}
			// An ended channel no longer owes the barrier being aligned.
			if err := t.completeAlignment(); err != nil {
				return err
			}
		case msgBarrier:
			if err := t.alignBarrier(m.ch, m.wm); err != nil {
				return err
			}
		case msgLatency:
			if !t.chanEnded[m.ch] {
				if err := t.forwardLatency(m.wm); err != nil {
					return err
				}
			}
		}
	}
	return t.finish(1)
}

// updateWatermark advances the combined watermark to the minimum over the
// open channels (ended and idle channels no longer hold it back); when
// every open channel is idle it passes the idleness on instead.
func (t *task) updateWatermark() error {
	wm, ok := t.activeMin()
	if !ok {
		return t.propagateIdle()
	}
	if wm <= t.wm {
		return nil
	}
	return t.advanceWatermark(0, wm)
}

// advanceWatermark hands ts to operators from..end of the chain, then to
// the outlets, stopping at an operator that generates its own watermarks.
func (t *task) advanceWatermark(from int, ts int64) error {
	if from == 0 {
		t.wm = ts
	}
	if from < len(t.ops) && ts <= t.ck.opWM[from] {
		return nil // never backwards: a restored chain keeps its watermarks
	}
	for k := from; k < len(t.ops); k++ {
		prev := t.cur
		t.cur = k
		if err := t.ops[k].ProcessWatermark(ts, &t.outs[k]); err != nil {
			return t.wrap(k, err)
		}
		t.ck.opWM[k] = ts
		t.cur = prev
		if g, ok := t.ops[k].(ops.WatermarkGenerator); ok && g.GeneratesWatermarks() {
			return nil
		}
	}
	for _, o := range t.outlets {
		if err := o.control(t.ctx, msgWatermark, ts); err != nil {
			return err
		}
	}
	return nil
}

// finish ends the input of operators from..end in chain order (each one's
// end flushes into the next), then tells every downstream channel.
func (t *task) finish(from int) error {
	for k := from; k < len(t.ops); k++ {
		if err := t.endInput(k, 0); err != nil {
			return err
		}
	}
	for _, o := range t.outlets {
		if err := o.control(t.ctx, msgEnd, 0); err != nil {
			return err
		}
	}
	return nil
}

// flushBuffered lets every buffering operator of the chain, in chain
// order, emit the rows it holds.
func (t *task) flushBuffered() error {
	for _, k := range t.buffering {
		t.cur = k
		if err := t.ops[k].(ops.BufferingOperator).FlushBuffered(&t.outs[k]); err != nil {
			return t.wrap(k, err)
		}
	}
	return nil
}

// chainDone reports whether some operator of the chain wants no more input.
func (t *task) chainDone() bool {
	for _, f := range t.finishers {
		if f.Done() {
			return true
		}
	}
	return false
}

// process feeds b to operator k.
func (t *task) process(k, input int, b *types.Batch) error {
	prev := t.cur
	t.cur = k
	if err := t.ops[k].ProcessBatch(input, b, &t.outs[k]); err != nil {
		return t.wrap(k, err)
	}
	t.cur = prev
	return nil
}

// emit sends the chain's output to every outlet.
func (t *task) emit(b *types.Batch) error {
	t.progress.RowsOut.Add(int64(b.Len()))
	for _, o := range t.outlets {
		if err := o.emit(t.ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// wrap names operator k and the subtask in err, unless an operator further
// down the chain was already named.
func (t *task) wrap(k int, err error) error {
	var oe *OperatorError
	if errors.As(err, &oe) {
		return err
	}
	if t.ctx != nil && t.ctx.Err() != nil && errors.Is(err, context.Cause(t.ctx)) {
		return err
	}
	return &OperatorError{Vertex: t.vertex.nameOrID(), Operator: t.ops[k].String(), Subtask: t.index, Parallelism: t.par, Err: err}
}

// chainOut is the Collector operator next-1 emits into: the next operator
// of the chain, or the task's outlets after the last one.
type chainOut struct {
	t    *task
	next int
}

var _ ops.WatermarkCollector = (*chainOut)(nil)

// Emit passes b on; empty batches stop here.
func (c *chainOut) Emit(b *types.Batch) error {
	if b == nil || b.Len() == 0 {
		return nil
	}
	if c.next < len(c.t.ops) {
		return c.t.process(c.next, 0, b)
	}
	return c.t.emit(b)
}

// EmitWatermark passes a generated watermark down the chain.
func (c *chainOut) EmitWatermark(ts int64) error {
	return c.t.advanceWatermark(c.next, ts)
}

func (v *Vertex) nameOrID() string {
	if v.Name != "" {
		return v.Name
	}
	return "#" + strconv.Itoa(v.ID)
}

// buildOp builds operators; tests swap it to add probe operators.
var buildOp = ops.Build
