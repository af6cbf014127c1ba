package ops

import (
	"context"
	"github.com/spry-engine/spry/connector"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// A barrier is Flink's aligned checkpoint barrier: a numbered marker that
// sources put into their output between two batches and that travels
// through every operator and exchange. Everything a source emitted before
// barrier n reaches an operator before barrier n does, and nothing emitted
// after it does (a task with several inputs aligns them). Time-scripted
// tests use barriers as step boundaries; checkpoints will snapshot state
// when a barrier passes.

// BarrierHandler is implemented by operators that act when a barrier
// passes: flush buffered or mini-batched rows into out (so that they
// precede the barrier downstream) and, later, snapshot state. The runtime
// calls OnBarrier on each operator of a chain in chain order, after the
// operator's processing-time timers and buffered rows have been handled,
// then forwards the barrier to the task's outputs.
type BarrierHandler interface {
	OnBarrier(id int64, out Collector) error
}

// BarrierSource is implemented by source operators that inject barriers.
// The runtime polls TakeBarrier after every Next (and after the watermark
// that Next may have raised); each barrier returned is handled before the
// next call of Next, so it sits exactly between the rows before and after
// it. Ids increase.
type BarrierSource interface {
	TakeBarrier() (id int64, ok bool)
}

var (
	_ BarrierSource  = (*Source)(nil)
	_ BarrierHandler = (*Collect)(nil)
	_ BarrierHandler = (*Sink)(nil)
)

// SinkBarrierHandler is implemented by connector sinks that act on
// barriers: pre-commit for checkpoints, or report step boundaries (the
// script test connector's sink).
type SinkBarrierHandler interface {
	OnBarrier(ctx context.Context, id int64) error
}

// OnBarrier passes the barrier to the connector sink, when it handles
// barriers (SinkBarrierHandler).
func (s *Sink) OnBarrier(id int64, _ Collector) error {
	if h, ok := s.sink.(SinkBarrierHandler); ok {
		return h.OnBarrier(s.ctx, id)
	}
	return nil
}

// TakeBarrier passes on a barrier from the connector source, when it
// implements BarrierSource itself (the script test connector does).
func (s *Source) TakeBarrier() (int64, bool) {
	if bs, ok := connector.Underlying(s.src).(BarrierSource); ok {
		return bs.TakeBarrier()
	}
	return 0, false
}

// barrierSchema marks the batches Collect sends for barriers.
var barrierSchema = types.NewSchema(types.Field{Name: "$barrier", Type: types.BigInt.NotNullable()})

// BarrierMarker makes the batch Collect sends to its client when barrier
// id passes: it has no rows, so readers that iterate rows skip it, and its
// one column (of length 1, the only batch breaking the Len rule) holds id.
func BarrierMarker(id int64) *types.Batch {
	bld := array.NewInt64Builder(memory.DefaultAllocator)
	bld.Append(id)
	return types.NewBatch(barrierSchema, []arrow.Array{bld.NewArray()}, nil, 0)
}

// BarrierOf reports whether b is a marker made by BarrierMarker, and its
// barrier id.
func BarrierOf(b *types.Batch) (int64, bool) {
	if b == nil || b.Schema != barrierSchema || len(b.Cols) != 1 {
		return 0, false
	}
	a, ok := b.Cols[0].(*array.Int64)
	if !ok || a.Len() != 1 {
		return 0, false
	}
	return a.Value(0), true
}

// OnBarrier sends a barrier marker to the client, in order with the rows,
// so that a reader knows which rows precede the barrier (the
// time-scripted test runner compares each step's rows this way).
func (c *Collect) OnBarrier(id int64, _ Collector) error {
	select {
	case c.cfg.Out <- BarrierMarker(id):
		return nil
	case <-c.ctx.Done():
		return context.Cause(c.ctx)
	}
}
