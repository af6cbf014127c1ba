package runtime

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// msgKind tells what a message between subtasks carries.
type msgKind uint8

const (
	msgBatch msgKind = iota
	msgWatermark
	msgEnd // the sending channel has no more data
	// msgIdle: the sending channel is idle, leave it out of the watermark
	// (watermark_status.go).
	msgIdle
	msgBarrier // an aligned barrier; its id travels in message.wm (barrier.go)
	// msgLatency: a latency marker; the source's wall clock (unix nanos)
	// travels in message.wm (latency.go).
	msgLatency
)

// message travels on a subtask's inbox. ch identifies the logical channel
// (one upstream subtask on one edge) at the receiver, which tracks
// watermarks and end-of-input per channel.
type message struct {
	kind  msgKind
	ch    int
	batch *types.Batch
	wm    int64
}

// inbox is the bounded queue every upstream channel of one subtask sends
// to. Its capacity bounds the data in flight, so a slow consumer blocks its
// producers (back-pressure).
type inbox chan message

func (in inbox) send(ctx context.Context, m message) error {
	select {
	case in <- m:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// outlet is one subtask's end of an edge: it routes the subtask's output to
// the edge's target subtasks by the edge's partitioning.
type outlet struct {
	part    Partitioning
	keys    []int
	maxP    int
	targets []inbox // per target subtask
	chans   []int   // this sender's channel id at each target, -1 if not connected
	rr      int     // next rebalance target

	hashes  []uint64
	buckets [][]int32
	keyCols []arrow.Array
}

func (o *outlet) emit(ctx context.Context, b *types.Batch) error {
	switch o.part {
	case Hash:
		return o.emitHash(ctx, b)
	case Rebalance:
		for range o.targets {
			t := o.rr
			o.rr = (o.rr + 1) % len(o.targets)
			if o.chans[t] >= 0 {
				return o.targets[t].send(ctx, message{kind: msgBatch, ch: o.chans[t], batch: b})
			}
		}
		return nil
	}
	// Forward, Global and Broadcast send whole batches to every connected
	// target: one subtask, subtask 0, or all of them.
	for t, in := range o.targets {
		if o.chans[t] >= 0 {
			if err := in.send(ctx, message{kind: msgBatch, ch: o.chans[t], batch: b}); err != nil {
				return err
			}
		}
	}
	return nil
}

// emitHash splits b by the subtask owning each row's key group.
func (o *outlet) emitHash(ctx context.Context, b *types.Batch) error {
	n := b.Len()
	p := len(o.targets)
	if p == 1 {
		return o.targets[0].send(ctx, message{kind: msgBatch, ch: o.chans[0], batch: b})
	}
	if cap(o.hashes) < n {
		o.hashes = make([]uint64, n)
	}
	o.keyCols = o.keyCols[:0]
	for _, k := range o.keys {
		o.keyCols = append(o.keyCols, b.Cols[k])
	}
	hs := o.hashes[:n]
	kernel.HashColumns(o.keyCols, n, hs)
	if o.buckets == nil {
		o.buckets = make([][]int32, p)
	}
	for t := range o.buckets {
		o.buckets[t] = o.buckets[t][:0]
	}
	for i, h := range hs {
		t := kernel.SubtaskForKeyGroup(kernel.KeyGroup(h, o.maxP), o.maxP, p)
		o.buckets[t] = append(o.buckets[t], int32(i))
	}
	for t, idx := range o.buckets {
		switch len(idx) {
		case 0:
			continue
		case n:
			if err := o.targets[t].send(ctx, message{kind: msgBatch, ch: o.chans[t], batch: b}); err != nil {
				return err
			}
		default:
			// TakeBatch copies, so reusing idx for the next batch is safe.
			if err := o.targets[t].send(ctx, message{kind: msgBatch, ch: o.chans[t], batch: kernel.TakeBatch(b, idx)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// control sends a watermark or end-of-data to every connected target.
func (o *outlet) control(ctx context.Context, kind msgKind, wm int64) error {
	for t, in := range o.targets {
		if o.chans[t] >= 0 {
			if err := in.send(ctx, message{kind: kind, ch: o.chans[t], wm: wm}); err != nil {
				return err
			}
		}
	}
	return nil
}
