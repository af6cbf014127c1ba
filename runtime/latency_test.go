package runtime

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// countSink counts the rows it is given.
type countSink struct{ n *atomic.Int64 }

func (s countSink) Open(context.Context, connector.Task) error { return nil }
func (s countSink) Close() error                               { return nil }
func (s countSink) Finish(context.Context) error               { return nil }
func (s countSink) Write(_ context.Context, b *types.Batch) error {
	s.n.Add(int64(b.Len()))
	return nil
}

// latencyJob builds seq source → HASH by k → counting sink, both at
// parallelism p, or the two chained in one vertex.
func latencyJob(cfg *seqConfig, p int, chained bool, n *atomic.Int64) *JobGraph {
	src := ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
		Factory: &connector.Factory{Name: "seq", NewSource: func(*connector.Table) (connector.Source, error) {
			return &seqSource{cfg: cfg}, nil
		}},
		Table: &connector.Table{Name: "default_catalog.default_database.seq", Schema: seqSchema},
	}}
	snk := ops.Spec{Kind: ops.KindSink, Config: &ops.SinkConfig{
		Factory: &connector.Factory{Name: "count", NewSink: func(*connector.Table) (connector.Sink, error) { return countSink{n}, nil }},
		Table:   &connector.Table{Name: "default_catalog.default_database.count", Schema: seqSchema},
	}}
	if chained {
		return &JobGraph{Name: "latency-test", Vertices: []*Vertex{
			{ID: 1, Name: "Source: seq -> Sink: count", Parallelism: p, Chain: []ops.Spec{src, snk}},
		}}
	}
	return &JobGraph{
		Name: "latency-test",
		Vertices: []*Vertex{
			{ID: 1, Name: "Source: seq", Parallelism: p, Chain: []ops.Spec{src}},
			{ID: 2, Name: "Sink: count", Parallelism: p, Chain: []ops.Spec{snk}},
		},
		Edges: []*Edge{{From: 1, To: 2, Partition: Hash, Keys: []int{0}}},
	}
}

func TestLatencyMarkers(t *testing.T) {
	cases := []struct {
		name     string
		interval time.Duration
		chained  bool
		want     bool // markers recorded
	}{
		{"keyBy 1ms", time.Millisecond, false, true},
		{"chained 1ms", time.Millisecond, true, true},
		{"off", 0, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := newSeq(100) // 4 splits × 5 batches, 2 ms apart
			cfg.bounded = true
			var rows atomic.Int64
			job, err := Execute(context.Background(), latencyJob(cfg, 2, c.chained, &rows), Options{LatencyInterval: c.interval})
			if err != nil {
				t.Fatal(err)
			}
			if err := job.Wait(); err != nil {
				t.Fatal(err)
			}
			if got, want := rows.Load(), int64(cfg.splits*cfg.rows); got != want {
				t.Fatalf("sink got %d rows, want %d", got, want)
			}
			h := job.Metrics().MergedHistogram(metrics.Latency)
			if !c.want {
				if h.Count() != 0 {
					t.Fatalf("markers off: %d latencies recorded", h.Count())
				}
				for _, s := range job.Metrics().Snapshot() {
					if s.Name == metrics.Latency {
						t.Errorf("markers off: latency metric registered at %s", s.Scope)
					}
				}
				return
			}
			if h.Count() == 0 {
				t.Fatal("no latency recorded")
			}
			p50, p99 := h.Quantile(0.5), h.Quantile(0.99)
			t.Logf("%d markers, p50 %.0f µs, p99 %.0f µs", h.Count(), p50, p99)
			if p50 < 0 || p50 > p99 || p99 > float64(10*time.Second/time.Microsecond) {
				t.Errorf("p50 %v µs, p99 %v µs", p50, p99)
			}
			for _, s := range job.Metrics().Snapshot() {
				if s.Name == metrics.Latency && !strings.HasPrefix(s.Scope, "Sink") {
					t.Errorf("latency recorded by %s, not a sink", s.Scope)
				}
			}
		})
	}
}

// Markers wait in alignments like rows do and must not disturb
// checkpoints or the result.
func TestLatencyCheckpointed(t *testing.T) {
	cfg := newSeq(200)
	v := newView()
	cc := &CheckpointConfig{Interval: 30 * time.Millisecond, Dir: t.TempDir(), JobID: "job1", Retained: 3}
	job, err := Execute(context.Background(), aggJob(t, cfg, 2, v, 0), Options{Checkpoint: cc, LatencyInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	waitView(t, v, expectedView(cfg))
	waitFor(t, "3 checkpoints", 10*time.Second, func() bool { return len(job.CheckpointStats()) >= 3 })
	waitFor(t, "latency recorded", 10*time.Second, func() bool {
		return job.Metrics().MergedHistogram(metrics.Latency).Count() > 0
	})
	cancelAndWait(t, job)
	for _, s := range job.CheckpointStats() {
		if s.Err != nil {
			t.Errorf("checkpoint %d failed: %v", s.ID, s.Err)
		}
	}
}

// A task forwards each marker to one connected output channel, round
// robin over all its outlets, and never to an unconnected one.
func TestLatencyRoundRobin(t *testing.T) {
	a, b, c := make(inbox, 8), make(inbox, 8), make(inbox, 8)
	tk := &task{ctx: context.Background(), outlets: []*outlet{
		{targets: []inbox{a, b}, chans: []int{3, -1}},
		{targets: []inbox{c}, chans: []int{0}},
	}}
	for i := range 4 {
		if err := tk.forwardLatency(int64(i + 1)); err != nil {
			t.Fatal(err)
		}
	}
	got := func(in inbox) []message {
		var ms []message
		for len(in) > 0 {
			ms = append(ms, <-in)
		}
		return ms
	}
	ga, gb, gc := got(a), got(b), got(c)
	if len(ga) != 2 || len(gb) != 0 || len(gc) != 2 {
		t.Fatalf("markers per channel: %d %d %d, want 2 0 2", len(ga), len(gb), len(gc))
	}
	if ga[0].wm != 1 || gc[0].wm != 2 || ga[1].wm != 3 || gc[1].wm != 4 {
		t.Errorf("order: %v %v", ga, gc)
	}
	if ga[0].kind != msgLatency || ga[0].ch != 3 || gc[0].ch != 0 {
		t.Errorf("message %+v %+v", ga[0], gc[0])
	}
}

// BenchmarkLatencyOverhead runs the keyBy job without markers and with a
// marker every millisecond (compare CPU time with -cpu 1).
func BenchmarkLatencyOverhead(b *testing.B) {
	for _, iv := range []time.Duration{0, time.Millisecond} {
		b.Run(iv.String(), func(b *testing.B) {
			for range b.N {
				cfg := &seqConfig{splits: 4, rows: 50_000, batch: 1024, bounded: true, read: new(atomic.Int64)}
				var rows atomic.Int64
				job, err := Execute(context.Background(), latencyJob(cfg, 2, false, &rows), Options{LatencyInterval: iv})
				if err != nil {
					b.Fatal(err)
				}
				if err := job.Wait(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
