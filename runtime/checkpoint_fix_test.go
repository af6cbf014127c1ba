package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/state/checkpoint"
	"github.com/spry-engine/spry/types"
)

// Regression tests of the checkpoint runtime's reviewed defects.

// swapStoreWrite replaces storeWrite for one test.
func swapStoreWrite(t *testing.T, w func(ctx context.Context, st *checkpoint.Store, key string, data []byte) error) {
	prev := storeWrite
	storeWrite = w
	t.Cleanup(func() { storeWrite = prev })
}

// startIdle starts aggJob over an endless source with checkpointing on
// and no periodic trigger (the test triggers).
func startIdle(t *testing.T, cfg *seqConfig, p int, dir string) *Job {
	t.Helper()
	job, err := Execute(context.Background(), aggJob(t, cfg, p, newView(), 0),
		Options{Checkpoint: &CheckpointConfig{Dir: dir, JobID: "fix"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { job.Cancel(); <-job.Done() })
	return job
}

// TestLatestCheckpointMonotonic: with concurrent checkpoints an older one
// completing last must not become the latest (it is also the one
// retention drops).
func TestLatestCheckpointMonotonic(t *testing.T) {
	dir := t.TempDir()
	job := startIdle(t, newSeq(100000), 1, dir)
	c := job.coord
	st, err := c.checkpointStore()
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	p2 := c.newPendingLocked(102, st, "fix/"+checkpoint.ChkName(102), "fix/shared")
	p1 := c.newPendingLocked(101, st, "fix/"+checkpoint.ChkName(101), "fix/shared")
	c.mu.Unlock()
	c.complete(p2)
	c.complete(p1)
	if got := job.LatestCheckpoint(); !strings.HasSuffix(got, checkpoint.ChkName(102)) {
		t.Errorf("LatestCheckpoint = %q, want chk-102", got)
	}
	if l, _ := checkpoint.Latest(context.Background(), dir); l != job.LatestCheckpoint() {
		t.Errorf("Latest(dir) = %q, LatestCheckpoint = %q", l, job.LatestCheckpoint())
	}
}

// TestCheckpointClaimBeforeMetadata: a checkpoint failed (expired) while
// its last acknowledgement writes _metadata must not leave a _metadata
// over deleted parts.
func TestCheckpointClaimBeforeMetadata(t *testing.T) {
	dir := t.TempDir()
	writing, proceed := make(chan struct{}), make(chan struct{})
	var once sync.Once
	swapStoreWrite(t, func(ctx context.Context, st *checkpoint.Store, key string, data []byte) error {
		if strings.HasSuffix(key, "/"+checkpoint.MetadataFile) {
			once.Do(func() { close(writing) })
			<-proceed
		}
		return st.Write(ctx, key, data)
	})
	cfg := newSeq(100000)
	job := startIdle(t, cfg, 1, dir)
	waitFor(t, "rows", 10*time.Second, func() bool { return cfg.read.Load() > 0 })
	p, err := job.coord.trigger(false, "", stopNone)
	if err != nil {
		t.Fatal(err)
	}
	<-writing
	job.coord.failPending(p, ErrCheckpointExpired) // the expiry racing the write
	close(proceed)
	<-p.done
	l, err := checkpoint.Latest(context.Background(), dir)
	if err != nil || l == "" {
		if p.err == nil {
			t.Fatalf("checkpoint completed but Latest = %q, %v", l, err)
		}
		return // failed as a whole: nothing looks complete
	}
	m, err := checkpoint.Load(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, o := range m.Operators {
		for _, part := range o.Parts {
			if _, err := m.ReadPart(context.Background(), part.Path); err != nil {
				t.Errorf("%s has _metadata but part %s of %s is gone: %v", l, part.Path, o.Name, err)
			}
		}
	}
}

// TestCheckpointStalledStoreCancel: a store that never answers must not
// hold the job's cancellation.
func TestCheckpointStalledStoreCancel(t *testing.T) {
	stalled := make(chan struct{})
	var once sync.Once
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	swapStoreWrite(t, func(ctx context.Context, st *checkpoint.Store, key string, data []byte) error {
		once.Do(func() { close(stalled) })
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-release:
			return errors.New("released")
		}
	})
	cfg := newSeq(100000)
	job, err := Execute(context.Background(), aggJob(t, cfg, 1, newView(), 0),
		Options{Checkpoint: &CheckpointConfig{Interval: 20 * time.Millisecond, Dir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-stalled:
	case <-time.After(10 * time.Second):
		t.Fatal("no checkpoint write")
	}
	job.Cancel()
	select {
	case <-job.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Cancel blocked behind a stalled checkpoint upload")
	}
}

// TestCheckpointTriggerFull: a trigger that cannot reach every source
// sends its barrier to none, so no downstream task aligns a barrier some
// sources never send.
func TestCheckpointTriggerFull(t *testing.T) {
	cfg := newSeq(100000)
	cfg.splits, cfg.pause = 2, 300*time.Millisecond
	job := startIdle(t, cfg, 2, t.TempDir())
	waitFor(t, "rows", 10*time.Second, func() bool { return cfg.read.Load() > 0 })
	var srcs []*task
	for _, tk := range job.coord.tasks {
		if tk.source != nil {
			srcs = append(srcs, tk)
		}
	}
	// Fill the second source's trigger channel with stale triggers (it
	// declines them when it gets to them).
	for len(srcs[1].ck.trig) < cap(srcs[1].ck.trig) {
		srcs[1].ck.trig <- trigger{id: -1}
	}
	if _, err := job.coord.trigger(false, "", stopNone); err == nil {
		t.Log("trigger passed: the source drained its channel meanwhile")
	}
	waitFor(t, "drained triggers", 10*time.Second, func() bool { return len(srcs[1].ck.trig) == 0 })
	p, err := job.coord.trigger(false, "", stopNone)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-job.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("checkpoint did not complete")
	}
	select {
	case <-job.Done():
		t.Fatalf("job failed: %v", job.Wait())
	default:
	}
	if p.err != nil {
		t.Fatalf("checkpoint failed: %v", p.err)
	}
}

// TestStopWithSavepointFailedFailsJob: a stop-with-savepoint failing
// after the sources took its barrier fails the job (its restart strategy
// resumes it), rather than leaving it running with stopped sources.
func TestStopWithSavepointFailedFailsJob(t *testing.T) {
	swapStoreWrite(t, func(ctx context.Context, st *checkpoint.Store, key string, data []byte) error {
		if strings.HasPrefix(key, "savepoint-") {
			return errors.New("disk full")
		}
		return st.Write(ctx, key, data)
	})
	cfg := newSeq(100000)
	job, err := Execute(context.Background(), aggJob(t, cfg, 1, newView(), 0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { job.Cancel(); <-job.Done() }()
	waitFor(t, "rows", 10*time.Second, func() bool { return cfg.read.Load() > 0 })
	if _, err := job.StopWithSavepoint(context.Background(), t.TempDir(), false); err == nil {
		t.Fatal("savepoint succeeded despite the failing store")
	}
	select {
	case <-job.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("job still running (its sources stopped) after a failed stop-with-savepoint")
	}
	if err := job.Wait(); err == nil || errors.Is(err, ErrCanceled) {
		t.Errorf("job ended with %v, want the savepoint's failure", err)
	}

	// Given up before it started: nothing stops, the job keeps running.
	cfg2 := newSeq(100000)
	job2, err := Execute(context.Background(), aggJob(t, cfg2, 1, newView(), 0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cancelAndWait(t, job2)
	waitFor(t, "rows", 10*time.Second, func() bool { return cfg2.read.Load() > 0 })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := job2.StopWithSavepoint(ctx, t.TempDir(), false); err == nil {
		t.Fatal("stop with a cancelled context succeeded")
	}
	n := cfg2.read.Load()
	waitFor(t, "progress after a stop never triggered", 5*time.Second, func() bool { return cfg2.read.Load() > n })
}

// onceSource emits its rows once, then ends; it keeps no read positions
// (as VALUES or a JDBC scan).
type onceSource struct{ done *atomic.Bool }

func (s *onceSource) Open(context.Context, connector.Task) error { return nil }
func (s *onceSource) Close() error                               { return nil }
func (s *onceSource) Next(context.Context) (*types.Batch, error) {
	if s.done.Load() {
		return nil, io.EOF
	}
	kb, vb := array.NewInt64Builder(memory.DefaultAllocator), array.NewInt64Builder(memory.DefaultAllocator)
	for k := 0; k < 13; k++ {
		kb.Append(int64(k))
		vb.Append(1000)
	}
	s.done.Store(true)
	return types.NewBatch(seqSchema, []arrow.Array{kb.NewArray(), vb.NewArray()}, nil, 13), nil
}

// unionJob is aggJob with a second, bounded source without positions
// feeding the aggregation.
func unionJob(t *testing.T, cfg *seqConfig, v *view, done *atomic.Bool) *JobGraph {
	g := aggJob(t, cfg, 1, v, 0)
	src := ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
		Factory: &connector.Factory{Name: "once", NewSource: func(*connector.Table) (connector.Source, error) {
			return &onceSource{done: done}, nil
		}},
		Table: &connector.Table{Name: "default_catalog.default_database.once", Schema: seqSchema},
	}}
	g.Vertices = append(g.Vertices, &Vertex{ID: 4, Name: "Source: once", Parallelism: 1, Chain: []ops.Spec{src}})
	g.Edges = append(g.Edges, &Edge{From: 4, To: 2, Partition: Hash, Keys: []int{0}})
	return g
}

// TestRestoreFinishedSourceWithoutPositions: a source that ended before
// the checkpoint and keeps no positions does not run again after a
// restore (its rows are in the restored state already).
func TestRestoreFinishedSourceWithoutPositions(t *testing.T) {
	dir := t.TempDir()
	cfg := newSeq(1500)
	v := newView()
	var done atomic.Bool
	cc := &CheckpointConfig{Interval: 30 * time.Millisecond, Dir: dir}
	job, err := Execute(context.Background(), unionJob(t, cfg, v, &done), Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the bounded source", 10*time.Second, done.Load)
	ended := time.Now()
	waitFor(t, "a checkpoint after the bounded source ended", 10*time.Second, func() bool {
		for _, s := range job.CheckpointStats() {
			if s.Err == nil && s.Triggered.After(ended.Add(50*time.Millisecond)) {
				return true
			}
		}
		return false
	})
	cancelAndWait(t, job)
	path := job.LatestCheckpoint()
	if cfg.read.Load() >= int64(cfg.splits*cfg.rows) {
		t.Fatal("the source read everything before the cancel")
	}
	want := expectedView(cfg)
	for k, r := range want {
		var cnt, sum int64
		fmt.Sscanf(r, "[%d %d]", &cnt, &sum)
		want[k] = fmt.Sprint([]any{cnt + 1, sum + 1000})
	}
	cfg.read.Store(0)
	done.Store(false) // a source run again would emit its rows again
	job, err = Execute(context.Background(), unionJob(t, cfg, v, &done), Options{Checkpoint: cc, RestoreFrom: path})
	if err != nil {
		t.Fatal(err)
	}
	defer cancelAndWait(t, job)
	waitView(t, v, want)
	if done.Load() {
		t.Error("the finished source ran again after the restore")
	}
	if _, err := filepath.Abs(path); err != nil {
		t.Fatal(err)
	}
}

// TestFilesToRestoreByKeyGroup: a rescaled restore of a local store's
// files downloads only the old subtasks' stores whose key groups overlap
// the new subtask's.
func TestFilesToRestoreByKeyGroup(t *testing.T) {
	g := aggJob(t, newSeq(1), 1, newView(), 0)
	agg, err := ops.Build(g.Vertices[1].Chain[0])
	if err != nil {
		t.Fatal(err)
	}
	src, err := ops.Build(g.Vertices[0].Chain[0])
	if err != nil {
		t.Fatal(err)
	}
	m := &checkpoint.Metadata{MaxParallelism: 128}
	o := &checkpoint.OperatorState{Parallelism: 2, Parts: []checkpoint.Part{{Subtask: 0}, {Subtask: 1}}}
	for _, tc := range []struct {
		op       ops.Operator
		par, sub int
		want     []int
	}{
		{agg, 4, 0, []int{0}}, {agg, 4, 1, []int{0}}, {agg, 4, 2, []int{1}}, {agg, 4, 3, []int{1}},
		{agg, 2, 0, []int{0}}, {agg, 2, 1, []int{1}},
		{agg, 1, 0, []int{0, 1}},
		{agg, 3, 1, []int{0, 1}}, // key groups 43..85 span both halves
		{src, 4, 3, []int{0, 1}}, // not keyed: every part
	} {
		tk := &task{ops: []ops.Operator{tc.op}, par: tc.par, index: tc.sub}
		var got []int
		for _, p := range tk.filesToRestore(m, 0, o) {
			got = append(got, p.Subtask)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s at %d/%d: parts %v, want %v", tc.op, tc.sub, tc.par, got, tc.want)
		}
	}
}
