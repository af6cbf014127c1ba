package runtime

import (
	"context"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// holder is a BufferingOperator that holds every batch until flushed.
type holder struct {
	ops.BaseOperator
	held []*types.Batch
}

func (h *holder) ProcessBatch(_ int, b *types.Batch, _ ops.Collector) error {
	h.held = append(h.held, b)
	return nil
}

func (h *holder) FlushBuffered(out ops.Collector) error {
	for _, b := range h.held {
		if err := out.Emit(b); err != nil {
			return err
		}
	}
	h.held = nil
	return nil
}

func (h *holder) EndInput(_ int, out ops.Collector) error { return h.FlushBuffered(out) }
func (h *holder) String() string                          { return "Holder" }

// idleSource emits its batch once, then is idle until cancelled.
type idleSource struct {
	batch *types.Batch
	sent  bool
}

func (s *idleSource) Open(context.Context, connector.Task) error { return nil }
func (s *idleSource) Close() error                               { return nil }
func (s *idleSource) Next(ctx context.Context) (*types.Batch, error) {
	if !s.sent {
		s.sent = true
		return s.batch, nil
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(time.Millisecond):
		return nil, nil
	}
}

// TestBufferedRowsFlushWhenInputIdles checks that rows held back by a
// buffering operator reach the sink while the source is idle, whether the
// operator is chained to the source or behind an exchange.
func TestBufferedRowsFlushWhenInputIdles(t *testing.T) {
	src := ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
		Factory: &connector.Factory{Name: "idle", NewSource: func(*connector.Table) (connector.Source, error) {
			return &idleSource{batch: wordBatch(5)}, nil
		}},
		Table: &connector.Table{Name: "default_catalog.default_database.idle", Schema: wordSchema},
	}}
	hold := testSpec(func() ops.Operator { return &holder{} })
	tests := []struct {
		name  string
		first []ops.Spec // vertex 1, after the source
		last  []ops.Spec // vertex 2, before the collect
	}{
		{"chained to the source", []ops.Spec{hold}, nil},
		{"behind an exchange", nil, []ops.Spec{hold}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCollector(16, 0)
			g := &JobGraph{Vertices: []*Vertex{
				{ID: 1, Parallelism: 1, Chain: append([]ops.Spec{src}, tc.first...)},
				{ID: 2, Parallelism: 1, Chain: append(tc.last, c.spec(wordSchema))},
			}, Edges: []*Edge{{From: 1, To: 2, Partition: Forward}}}
			job, err := Execute(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { job.Cancel(); _ = job.Wait() }()
			deadline := time.Now().Add(5 * time.Second)
			for {
				c.mu.Lock()
				n := len(c.rows)
				c.mu.Unlock()
				if n == 5 {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("got %d rows while the source idles, want 5", n)
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}
