package chaos

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// committedTail counts, as a read_committed consumer sees them, the rows
// committed to the job's output topic while the job runs.
type committedTail struct {
	rows   atomic.Int64
	cancel context.CancelFunc
	done   chan struct{}
}

// tailCommitted starts counting the committed rows of topic.
func tailCommitted(ctx context.Context, bootstrap, topic string) (*committedTail, error) {
	cl, err := newClient(bootstrap, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	t := &committedTail{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		defer cl.Close()
		for ctx.Err() == nil {
			fs := cl.PollFetches(ctx)
			n := int64(0)
			fs.EachRecord(func(r *kgo.Record) {
				if !r.Attrs.IsControl() {
					n++
				}
			})
			t.rows.Add(n)
		}
	}()
	return t, nil
}

func (t *committedTail) stop() {
	t.cancel()
	<-t.done
}

// waitForOutput waits until the run committed rows and the tail has seen
// want committed rows in all while the run is still going, and reports
// true then: the moment between the sinks' last commit and the job's end,
// when a crash must neither lose nor repeat anything (the job restarts
// from its final checkpoint). It reports false when the run ended first.
func waitForOutput(ctx context.Context, p *proc, t *committedTail, want int) bool {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	// Rows committed by earlier runs (and rows they duplicated) do not
	// count as this run's end.
	time.Sleep(200 * time.Millisecond) // let the tail catch up with them
	before := t.rows.Load()
	for {
		select {
		case <-p.done:
			return false
		case <-ctx.Done():
			return false
		case <-tick.C:
			if n := t.rows.Load(); n > before && n >= int64(want) {
				return true
			}
		}
	}
}
