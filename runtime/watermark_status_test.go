package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

var tsSchema = types.NewSchema(types.Field{Name: "id", Type: types.Int}, types.Field{Name: "ts", Type: types.TimestampMs})

// skewSource feeds rows with rising rowtimes (one second apart) on subtask
// 0 only, until stop is set; subtask 1 never has data, as a partition
// without events.
type skewSource struct {
	stop    *atomic.Bool
	subtask int
	n       int64
}

func (s *skewSource) Open(_ context.Context, t connector.Task) error {
	s.subtask = t.Subtask
	return nil
}
func (s *skewSource) Close() error { return nil }
func (s *skewSource) Next(context.Context) (*types.Batch, error) {
	if s.stop.Load() {
		return nil, io.EOF
	}
	time.Sleep(time.Millisecond)
	if s.subtask != 0 {
		return nil, nil
	}
	s.n++
	bb := types.NewBatchBuilder(tsSchema)
	bb.Add(types.Insert, []any{int32(s.n), s.n * 1_000_000})
	return bb.Build(), nil
}

// TestIdleSourceSubtask runs a source at parallelism 2 where subtask 1 gets
// no data. Without an idle timeout it holds the downstream watermark back
// until the end; with one, it is marked idle once the job clock passes the
// timeout and subtask 0's watermarks flow.
func TestIdleSourceSubtask(t *testing.T) {
	for _, timeout := range []time.Duration{0, time.Second} {
		t.Run(fmt.Sprint(timeout), func(t *testing.T) {
			var stop atomic.Bool
			var clock atomic.Int64
			var mu sync.Mutex
			var log []string
			src := ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
				Factory: &connector.Factory{Name: "skew", NewSource: func(*connector.Table) (connector.Source, error) {
					return &skewSource{stop: &stop}, nil
				}},
				Table: &connector.Table{Name: "default_catalog.default_database.skew", Schema: tsSchema},
			}}
			// The watermark is the rowtime itself (a zero delay).
			assigner := ops.Spec{Kind: ops.KindWatermarkAssigner, Config: &ops.WatermarkAssignerConfig{
				Schema: tsSchema, RowtimeIndex: 1, IdleTimeout: timeout,
				Expr: &expr.ColumnRef{Index: 1, Name: "ts", T: types.TimestampMs},
			}}
			c := newCollector(1024, 0)
			g := &JobGraph{Vertices: []*Vertex{
				{ID: 1, Parallelism: 2, Chain: []ops.Spec{src, assigner}},
				{ID: 2, Parallelism: 1, Chain: []ops.Spec{testSpec(func() ops.Operator { return &probe{name: "w", mu: &mu, log: &log} }), c.spec(tsSchema)}},
			}, Edges: []*Edge{{From: 1, To: 2, Partition: Global}}}
			job, err := Execute(context.Background(), g, Options{Clock: clock.Load})
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(30 * time.Millisecond)
			clock.Store(5_000_000) // 5 s of job time without rows on subtask 1
			time.Sleep(50 * time.Millisecond)
			mu.Lock()
			before := len(log) // what arrived while both subtasks ran
			mu.Unlock()
			stop.Store(true)
			if err := job.Wait(); err != nil {
				t.Fatal(err)
			}
			c.sorted(t)
			mu.Lock()
			defer mu.Unlock()
			end := fmt.Sprintf("wm %d", int64(math.MaxInt64))
			if len(log) < 2 || log[len(log)-1] != "end 0" || log[len(log)-2] != end {
				t.Fatalf("log ends %v", log)
			}
			if finite := before > 0 && strings.HasPrefix(log[0], "wm ") && log[0] != end; finite != (timeout > 0) {
				t.Errorf("idle timeout %v: watermarks while running = %v, want %v (log %v...)", timeout, finite, timeout > 0, log[:min(len(log), 3)])
			}
		})
	}
}

// wmSource is a connector.WatermarkSource: subtask 0 emits one row and
// then watermark 7 s; subtask 1 has nothing and says it is idle when idle
// is set.
type wmSource struct {
	stop    *atomic.Bool
	idle    bool
	subtask int
	sent    bool
	wm      int64
}

func (s *wmSource) Open(_ context.Context, t connector.Task) error {
	s.subtask, s.wm = t.Subtask, math.MinInt64
	return nil
}
func (s *wmSource) Close() error            { return nil }
func (s *wmSource) CurrentWatermark() int64 { return s.wm }
func (s *wmSource) SourceIdle() bool        { return s.idle && s.subtask == 1 }
func (s *wmSource) Next(context.Context) (*types.Batch, error) {
	if s.stop.Load() {
		return nil, io.EOF
	}
	time.Sleep(time.Millisecond)
	if s.subtask != 0 || s.sent {
		return nil, nil
	}
	s.sent, s.wm = true, 7_000_000
	bb := types.NewBatchBuilder(tsSchema)
	bb.Add(types.Insert, []any{int32(1), int64(9_000_000)})
	return bb.Build(), nil
}

// TestSourceWatermarkAndIdleness checks SOURCE_WATERMARK(): the source's
// own watermark passes the assigner unchanged, and a source subtask that
// reports itself idle does not hold it back.
func TestSourceWatermarkAndIdleness(t *testing.T) {
	for _, idle := range []bool{false, true} {
		t.Run(fmt.Sprint("idle=", idle), func(t *testing.T) {
			var stop atomic.Bool
			var mu sync.Mutex
			var log []string
			src := ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
				Factory: &connector.Factory{Name: "wm", NewSource: func(*connector.Table) (connector.Source, error) {
					return &wmSource{stop: &stop, idle: idle}, nil
				}},
				Table: &connector.Table{Name: "default_catalog.default_database.wm", Schema: tsSchema},
			}}
			assigner := ops.Spec{Kind: ops.KindWatermarkAssigner, Config: &ops.WatermarkAssignerConfig{Schema: tsSchema, RowtimeIndex: 1}}
			c := newCollector(16, 0)
			g := &JobGraph{Vertices: []*Vertex{
				{ID: 1, Parallelism: 2, Chain: []ops.Spec{src, assigner}},
				{ID: 2, Parallelism: 1, Chain: []ops.Spec{testSpec(func() ops.Operator { return &probe{name: "w", mu: &mu, log: &log} }), c.spec(tsSchema)}},
			}, Edges: []*Edge{{From: 1, To: 2, Partition: Global}}}
			job, err := Execute(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			mu.Lock()
			running := append([]string(nil), log...) // while both subtasks ran
			mu.Unlock()
			stop.Store(true)
			if err := job.Wait(); err != nil {
				t.Fatal(err)
			}
			c.sorted(t)
			if got := len(running) == 1 && running[0] == "wm 7000000"; got != idle || (!idle && len(running) != 0) {
				t.Errorf("idle=%v: events while running %v", idle, running)
			}
		})
	}
}

// TestSourceWatermarkNeedsWatermarkSource fails SOURCE_WATERMARK() over a
// connector that produces no watermarks, as Flink fails it.
func TestSourceWatermarkNeedsWatermarkSource(t *testing.T) {
	bb := types.NewBatchBuilder(tsSchema)
	bb.Add(types.Insert, []any{int32(1), int64(0)})
	assigner := ops.Spec{Kind: ops.KindWatermarkAssigner, Config: &ops.WatermarkAssignerConfig{Schema: tsSchema, RowtimeIndex: 1}}
	c := newCollector(16, 0)
	g := &JobGraph{Vertices: []*Vertex{
		{ID: 1, Parallelism: 1, Chain: []ops.Spec{genSpec(bb.Build(), 3), assigner}},
		{ID: 2, Parallelism: 1, Chain: []ops.Spec{c.spec(tsSchema)}},
	}, Edges: []*Edge{{From: 1, To: 2, Partition: Global}}}
	err := run(t, g, Options{})
	if !errors.Is(err, ops.ErrNoSourceWatermarks) {
		t.Fatalf("err = %v, want %v", err, ops.ErrNoSourceWatermarks)
	}
}
