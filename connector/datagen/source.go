package datagen

import (
	"context"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/datagen/lanes"
	"github.com/spry-engine/spry/types"
)

// seed is the base of the per-subtask random seeds.
const seed = 0x5eed

// now is the clock of timestamp generators; tests replace it.
var now = time.Now

type source struct {
	table    *connector.Table
	builders []array.Builder
	gens     []generator
	rate     float64
	start    time.Time
	emitted  int64
	batch    int

	// The rows are numbered 0..end-1 (end is lanes.Unbounded without
	// 'number-of-rows' and sequences); lanes are this subtask's share,
	// and a sequence's value is its start plus the row number, so a
	// restored source resumes exactly (checkpoint.go).
	task  connector.Task
	lanes []lanes.Lane
	end   int64
	pcg   *rand.PCG // the random generators' source
}

var _ connector.Source = (*source)(nil)

func newSource(t *connector.Table) (connector.Source, error) {
	return &source{table: t}, nil
}

func (s *source) intOpt(key string, def int64) (int64, error) {
	v, ok := s.table.Options[key]
	if !ok {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, &connector.ValidationError{Table: s.table.Name, Msg: "option '" + key + "' must be a non-negative integer, got '" + v + "'"}
	}
	return n, nil
}

// Open builds one generator per column; this subtask gets its share of
// number-of-rows and rows-per-second.
func (s *source) Open(_ context.Context, task connector.Task) error {
	p := max(task.Parallelism, 1)
	s.batch = task.BatchSize
	if s.batch <= 0 {
		s.batch = 1024
	}
	rps, err := s.intOpt(OptRowsPerSecond, defaultRowsPerSec)
	if err != nil {
		return err
	}
	s.rate = float64(rps) / float64(p)
	s.task, s.end = task, lanes.Unbounded
	if _, ok := s.table.Options[OptNumberOfRows]; ok {
		n, err := s.intOpt(OptNumberOfRows, 0)
		if err != nil {
			return err
		}
		s.end = n
	}
	s.pcg = rand.NewPCG(seed, uint64(task.Subtask))
	r := rand.New(s.pcg)
	for _, f := range s.table.Schema.Fields {
		b := types.NewBuilder(f.Type)
		g, err := newGenerator(genSpec{table: s.table.Name, name: f.Name, t: f.Type, b: b, opts: s.table.Options, r: r, task: task, now: now})
		if err != nil {
			return err
		}
		s.builders = append(s.builders, b)
		s.gens = append(s.gens, g)
		if sq, ok := g.(*sequence); ok {
			s.end = min(s.end, sq.size())
		}
	}
	s.lanes = lanes.Initial(task.Subtask, p, 1, s.end)
	s.start = time.Now()
	return nil
}

// Next generates up to a batch of rows, as many as the rate allows; it
// waits at most 100 ms for the rate and returns (nil, nil) if no row is
// due yet.
func (s *source) Next(ctx context.Context) (*types.Batch, error) {
	n := int64(s.batch)
	if lanes.Peek(s.lanes) == lanes.Unbounded {
		return nil, io.EOF
	}
	if s.rate > 0 {
		burst := min(int64(s.batch), int64(s.rate/10)+1)
		allowed := int64(s.rate*time.Since(s.start).Seconds()) + burst - s.emitted
		if allowed <= 0 {
			wait := min(time.Duration(float64(1-allowed)/s.rate*float64(time.Second)), 100*time.Millisecond)
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-t.C:
			}
			allowed = int64(s.rate*time.Since(s.start).Seconds()) + burst - s.emitted
			if allowed <= 0 {
				return nil, nil
			}
		}
		n = min(n, allowed)
	}
	first, step, n, _ := lanes.Take(s.lanes, n)
	for _, g := range s.gens {
		if sq, ok := g.(*sequence); ok {
			sq.seek(first, step)
		}
		g.fill(int(n))
	}
	cols := make([]arrow.Array, len(s.builders))
	for i, b := range s.builders {
		cols[i] = b.NewArray()
	}
	s.emitted += n
	return types.NewBatch(s.table.Schema, cols, nil, int(n)), nil
}

// Close releases the builders.
func (s *source) Close() error {
	for _, b := range s.builders {
		b.Release()
	}
	s.builders = nil
	return nil
}
