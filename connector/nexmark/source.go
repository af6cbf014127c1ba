package nexmark

import (
	"context"
	"io"
	"math"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/datagen/lanes"
	"github.com/spry-engine/spry/types"
)

type source struct {
	table *connector.Table
	gen   *Generator
	out   *types.Schema
	cfg   Config
	// This subtask generates the blocks subtask, subtask+p, subtask+2p, ...
	// of block events each: its lanes (package lanes), which a restored
	// source resumes (checkpoint.go).
	block, subtask, p int64
	lanes             []lanes.Lane
	end               int64 // 'events.num', or lanes.Unbounded
	start             time.Time
}

var _ connector.Source = (*source)(nil)

func newSource(t *connector.Table) (connector.Source, error) {
	cfg, err := ParseConfig(t.Name, t.Options)
	if err != nil {
		return nil, err
	}
	gen, err := NewGenerator(cfg, t.Name, t.Schema, t.Projection)
	if err != nil {
		return nil, err
	}
	out := t.Schema
	if t.Projection != nil {
		fs := make([]types.Field, len(t.Projection))
		for i, c := range t.Projection {
			fs[i] = t.Schema.Fields[c]
		}
		out = types.NewSchema(fs...)
	}
	return &source{table: t, gen: gen, out: out, cfg: cfg}, nil
}

// Open picks this subtask's share of the event sequence.
func (s *source) Open(_ context.Context, task connector.Task) error {
	s.block = int64(task.BatchSize)
	if s.block <= 0 {
		s.block = 1024
	}
	s.subtask, s.p = int64(task.Subtask), int64(max(task.Parallelism, 1))
	s.end = lanes.Unbounded
	if s.cfg.Events > 0 {
		s.end = s.cfg.Events
	}
	s.lanes = lanes.Initial(task.Subtask, int(s.p), s.block, s.end)
	s.start = time.Now()
	return nil
}

// Next generates this subtask's next block of events. With 'rate.limited'
// it waits (at most 100 ms per call) until the block's last event is due.
func (s *source) Next(ctx context.Context) (*types.Batch, error) {
	first := lanes.Peek(s.lanes)
	if first >= s.end || first > math.MaxInt64/2 {
		return nil, io.EOF
	}
	n := min(s.block, s.end-first)
	if s.cfg.RateLimited {
		due := s.start.Add(time.Duration(float64(first+n-1) * 1e9 / float64(s.cfg.Rate)))
		if wait := time.Until(due); wait > 0 {
			t := time.NewTimer(min(wait, 100*time.Millisecond))
			defer t.Stop()
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-t.C:
			}
			if time.Until(due) > 0 {
				return nil, nil
			}
		}
	}
	first, _, n, _ = lanes.Take(s.lanes, s.block)
	cols := s.gen.Fill(first, int(n))
	return types.NewBatch(s.out, cols, nil, int(n)), nil
}

// Close releases nothing: batches own their buffers.
func (s *source) Close() error { return nil }
