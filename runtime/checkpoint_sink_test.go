package runtime

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// twoPhase records a two-phase-commit sink's calls, per subtask.
type twoPhase struct {
	mu       sync.Mutex
	pre      map[int][]int64
	commits  map[int][]int64
	restored map[int][]string
}

func newTwoPhase() *twoPhase {
	return &twoPhase{pre: map[int][]int64{}, commits: map[int][]int64{}, restored: map[int][]string{}}
}

type twoPhaseSink struct {
	rec     *twoPhase
	subtask int
}

func (s *twoPhaseSink) Open(_ context.Context, t connector.Task) error {
	s.subtask = t.Subtask
	return nil
}
func (s *twoPhaseSink) Close() error                              { return nil }
func (s *twoPhaseSink) Finish(context.Context) error              { return nil }
func (s *twoPhaseSink) Write(context.Context, *types.Batch) error { return nil }
func (s *twoPhaseSink) PreCommit(_ context.Context, id int64) ([]byte, error) {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.pre[s.subtask] = append(s.rec.pre[s.subtask], id)
	return []byte(fmt.Sprintf("s%d", s.subtask)), nil
}
func (s *twoPhaseSink) Commit(_ context.Context, id int64) error {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.commits[s.subtask] = append(s.rec.commits[s.subtask], id)
	return nil
}
func (s *twoPhaseSink) Restore(_ context.Context, _ int64, states [][]byte) error {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	for _, st := range states {
		s.rec.restored[s.subtask] = append(s.rec.restored[s.subtask], string(st))
	}
	if states == nil {
		s.rec.restored[s.subtask] = append(s.rec.restored[s.subtask], "")
	}
	return nil
}

// sinkJob is seq source (parallelism p) → REBALANCE → two-phase sink
// (parallelism sp).
func sinkJob(cfg *seqConfig, p, sp int, rec *twoPhase) *JobGraph {
	src := ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
		Factory: &connector.Factory{Name: "seq", NewSource: func(*connector.Table) (connector.Source, error) {
			return &seqSource{cfg: cfg}, nil
		}},
		Table: &connector.Table{Name: "default_catalog.default_database.seq", Schema: seqSchema},
	}}
	snk := ops.Spec{Kind: ops.KindSink, Config: &ops.SinkConfig{
		Factory: &connector.Factory{Name: "2pc", NewSink: func(*connector.Table) (connector.Sink, error) {
			return &twoPhaseSink{rec: rec}, nil
		}},
		Table: &connector.Table{Name: "default_catalog.default_database.out", Schema: seqSchema},
	}}
	return &JobGraph{Name: "sink-test", Vertices: []*Vertex{
		{ID: 1, Parallelism: p, Chain: []ops.Spec{src}},
		{ID: 2, Parallelism: sp, Chain: []ops.Spec{snk}},
	}, Edges: []*Edge{{From: 1, To: 2, Partition: Rebalance}}}
}

// TestCheckpointSinkTwoPhase checks the sink side of checkpoints: a
// pre-commit per checkpoint, commits only of completed checkpoints, and
// on restore the stored states handed out round robin.
func TestCheckpointSinkTwoPhase(t *testing.T) {
	cfg := newSeq(1000)
	rec := newTwoPhase()
	cc := &CheckpointConfig{Interval: 20 * time.Millisecond, Dir: t.TempDir()}
	job, err := Execute(context.Background(), sinkJob(cfg, 2, 2, rec), Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "commits", 10*time.Second, func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.commits[0]) >= 2 && len(rec.commits[1]) >= 2
	})
	cancelAndWait(t, job)
	completed := map[int64]bool{}
	for _, s := range job.CheckpointStats() {
		if s.Err == nil {
			completed[s.ID] = true
		}
	}
	for sub, ids := range rec.commits {
		for _, id := range ids {
			if !completed[id] {
				t.Errorf("subtask %d committed checkpoint %d, which did not complete", sub, id)
			}
			if !slices.Contains(rec.pre[sub], id) {
				t.Errorf("subtask %d committed checkpoint %d without pre-committing it", sub, id)
			}
		}
	}
	path := job.LatestCheckpoint()
	for _, tc := range []struct {
		par  int
		want map[int][]string
	}{
		{1, map[int][]string{0: {"s0", "s1"}}},
		{3, map[int][]string{0: {"s0"}, 1: {"s1"}, 2: {""}}},
	} {
		r := newTwoPhase()
		job, err := Execute(context.Background(), sinkJob(newSeq(10), 2, tc.par, r), Options{RestoreFrom: path})
		if err != nil {
			t.Fatal(err)
		}
		cancelAndWait(t, job)
		for sub, want := range tc.want {
			got := r.restored[sub]
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("parallelism %d, subtask %d restored %q, want %q", tc.par, sub, got, want)
			}
		}
	}
}
