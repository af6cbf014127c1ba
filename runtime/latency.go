package runtime

import (
	"time"

	"github.com/spry-engine/spry/metrics"
)

// Latency markers are Flink's (metrics.latency.interval): every source
// subtask emits one at each interval, between two of its batches, carrying
// its wall-clock time. A task forwards a marker to one of its output
// channels, round robin, right after the batches that came before it, so
// the marker waits in the same queues as the rows. A task without outputs
// (a sink, a collect sink included) records how long the marker travelled
// into metrics.Latency of its sink operator. Markers never reach the
// operators' process code, hold back no watermark, mark no channel active
// and are not checkpointed: they measure the pipeline, they are not data.
//
// The wall clock is used, never the job clock, because latency is real
// time spent in queues even in time-scripted tests.

// latencyState is a task's latency marker state.
type latencyState struct {
	interval int64 // nanoseconds between a source's markers; 0 = off
	next     int64 // unix nanos when the source emits its next marker

	targets []latencyTarget // every connected output channel, built lazily
	built   bool
	rr      int                // next target
	hist    *metrics.Histogram // the sink operator's, created on first use
}

// latencyTarget is one output channel of the task.
type latencyTarget struct {
	in inbox
	ch int
}

// sourceLatency emits a marker when the interval has passed since the
// last one; runSource calls it before each call of Next when markers are
// on.
func (t *task) sourceLatency() error {
	now := time.Now().UnixNano()
	if now < t.lat.next {
		return nil
	}
	// The first marker goes out at once, as Flink's emitter starts with
	// no delay, so that short jobs are measured too.
	t.lat.next = now + t.lat.interval
	return t.forwardLatency(now)
}

// forwardLatency passes a marker created at ts (unix nanos) to the next
// output channel, or records its latency when the task has no outputs.
func (t *task) forwardLatency(ts int64) error {
	if !t.lat.built {
		t.lat.built = true
		for _, o := range t.outlets {
			for i, in := range o.targets {
				if o.chans[i] >= 0 {
					t.lat.targets = append(t.lat.targets, latencyTarget{in: in, ch: o.chans[i]})
				}
			}
		}
	}
	if len(t.lat.targets) > 0 {
		tg := t.lat.targets[t.lat.rr]
		t.lat.rr = (t.lat.rr + 1) % len(t.lat.targets)
		return tg.in.send(t.ctx, message{kind: msgLatency, ch: tg.ch, wm: ts})
	}
	if len(t.outlets) > 0 || len(t.ops) == 0 {
		return nil // outputs that reach no subtask: nothing to record
	}
	if t.lat.hist == nil {
		last := t.ops[len(t.ops)-1]
		t.lat.hist = t.metrics.Group(last.String(), t.index).Histogram(metrics.Latency)
	}
	t.lat.hist.Observe((time.Now().UnixNano() - ts) / 1000)
	return nil
}
