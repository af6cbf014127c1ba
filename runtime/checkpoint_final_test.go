package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// txnStore stands for a transactional system (a Kafka topic read with
// read_committed): transactions hold rows until they are committed, each
// at most once, and only committed rows are visible.
type txnStore struct {
	mu        sync.Mutex
	open      map[string][]int64
	done      map[string]bool
	committed map[int64]int // v → times committed
	written   atomic.Int64
	// blockAt, when > 0, blocks every PreCommit once the sinks wrote that
	// many rows, until the job is cancelled: the process "dies" after its
	// input ended and before the final checkpoint completed.
	blockAt int64
	reached chan struct{}
	once    sync.Once
	fin     atomic.Int64 // names Finish's transactions
}

func newTxnStore() *txnStore {
	return &txnStore{open: map[string][]int64{}, done: map[string]bool{}, committed: map[int64]int{}, reached: make(chan struct{})}
}

func (st *txnStore) put(name string, rows []int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.open[name] = rows
}

func (st *txnStore) commit(name string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.done[name] {
		return
	}
	st.done[name] = true
	for _, v := range st.open[name] {
		st.committed[v]++
	}
	delete(st.open, name)
}

// count returns the committed rows and how many of them are duplicates
// (each value is written once per split).
func (st *txnStore) count(splits int) (rows, dups int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, n := range st.committed {
		rows += n
		dups += max(n-splits, 0)
	}
	return rows, dups
}

// txnSink writes each checkpoint interval in one transaction, as the
// Kafka exactly-once sink: PreCommit stores the transaction, Commit and
// Restore commit it, Finish commits what is left, Close aborts.
type txnSink struct {
	st      *txnStore
	sub     int
	rows    []int64
	pending []pendingName
}

type pendingName struct {
	ID   int64
	Name string
}

var _ connector.CheckpointedSink = (*txnSink)(nil)

func (s *txnSink) Open(_ context.Context, t connector.Task) error {
	s.sub = t.Subtask
	return nil
}

func (s *txnSink) Write(_ context.Context, b *types.Batch) error {
	vs := b.Cols[1].(*array.Int64)
	for i := 0; i < b.Len(); i++ {
		s.rows = append(s.rows, vs.Value(i))
	}
	s.st.written.Add(int64(b.Len()))
	return nil
}

func (s *txnSink) PreCommit(ctx context.Context, id int64) ([]byte, error) {
	if s.st.blockAt > 0 && s.st.written.Load() >= s.st.blockAt {
		s.st.once.Do(func() { close(s.st.reached) })
		<-ctx.Done()
		return nil, context.Cause(ctx)
	}
	name := fmt.Sprintf("%d-%d", s.sub, id)
	s.st.mu.Lock()
	_, twice := s.st.open[name]
	twice = twice || s.st.done[name]
	s.st.mu.Unlock()
	if twice {
		// A second pre-commit under one id would replace the first
		// transaction's rows, as a Kafka transactional id would.
		return nil, fmt.Errorf("PreCommit called twice for checkpoint %d", id)
	}
	s.st.put(name, s.rows)
	s.rows = nil
	s.pending = append(s.pending, pendingName{id, name})
	return json.Marshal(s.pending)
}

func (s *txnSink) Commit(_ context.Context, id int64) error {
	keep := s.pending[:0]
	for _, p := range s.pending {
		if p.ID <= id {
			s.st.commit(p.Name)
		} else {
			keep = append(keep, p)
		}
	}
	s.pending = keep
	return nil
}

func (s *txnSink) Restore(_ context.Context, _ int64, states [][]byte) error {
	for _, b := range states {
		var ps []pendingName
		if err := json.Unmarshal(b, &ps); err != nil {
			return err
		}
		for _, p := range ps {
			s.st.commit(p.Name)
		}
	}
	return nil
}

func (s *txnSink) Finish(context.Context) error {
	if len(s.rows) > 0 {
		name := fmt.Sprintf("%d-fin-%d", s.sub, s.st.fin.Add(1))
		s.st.put(name, s.rows)
		s.rows = nil
		s.pending = append(s.pending, pendingName{0, name})
	}
	for _, p := range s.pending {
		s.st.commit(p.Name)
	}
	s.pending = nil
	return nil
}

func (s *txnSink) Close() error {
	s.rows = nil // the open transaction is aborted
	return nil
}

// txnPipeline adds seq source (parallelism 2) → REBALANCE → txnSink
// (parallelism 1) to g as vertices id and id+1.
func txnPipeline(g *JobGraph, id int, cfg *seqConfig, st *txnStore) {
	src := ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
		Factory: &connector.Factory{Name: "seq", NewSource: func(*connector.Table) (connector.Source, error) {
			return &seqSource{cfg: cfg}, nil
		}},
		Table: &connector.Table{Name: fmt.Sprintf("default_catalog.default_database.seq%d", id), Schema: seqSchema},
	}}
	snk := ops.Spec{Kind: ops.KindSink, Config: &ops.SinkConfig{
		Factory: &connector.Factory{Name: "txn", NewSink: func(*connector.Table) (connector.Sink, error) {
			return &txnSink{st: st}, nil
		}},
		Table: &connector.Table{Name: fmt.Sprintf("default_catalog.default_database.out%d", id), Schema: seqSchema},
	}}
	g.Vertices = append(g.Vertices, &Vertex{ID: id, Parallelism: 2, Chain: []ops.Spec{src}},
		&Vertex{ID: id + 1, Parallelism: 1, Chain: []ops.Spec{snk}})
	g.Edges = append(g.Edges, &Edge{From: id, To: id + 1, Partition: Rebalance})
}

func boundedSeq(splits, rows int, pause time.Duration) *seqConfig {
	return &seqConfig{splits: splits, rows: rows, batch: 10, pause: pause, bounded: true, read: new(atomic.Int64)}
}

// checkExactlyOnce checks that st committed every row of cfg once.
func checkExactlyOnce(t *testing.T, what string, st *txnStore, cfg *seqConfig) {
	t.Helper()
	st.mu.Lock()
	defer st.mu.Unlock()
	for v := 0; v < cfg.rows; v++ {
		if n := st.committed[int64(v)]; n != cfg.splits {
			t.Fatalf("%s: value %d committed %d times, want %d", what, v, n, cfg.splits)
		}
	}
	if len(st.committed) != cfg.rows {
		t.Fatalf("%s: %d distinct values committed, want %d", what, len(st.committed), cfg.rows)
	}
}

func waitDone(t *testing.T, job *Job) {
	t.Helper()
	select {
	case <-job.Done():
	case <-time.After(20 * time.Second):
		job.Cancel()
		t.Fatal("job did not end")
	}
	if err := job.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestFinalCheckpointKill checks FLIP-147's guarantee: a bounded job's
// end-of-input rows are committed only by a completed final checkpoint,
// so a job killed after its input ended and before that checkpoint
// completed committed nothing it would write again, and its restore
// commits every row exactly once; a job restored from the final
// checkpoint (its sources finished) ends without writing anything.
func TestFinalCheckpointKill(t *testing.T) {
	cfg := boundedSeq(2, 400, time.Millisecond)
	total := int64(cfg.splits * cfg.rows)
	st := newTxnStore()
	st.blockAt = total
	cc := &CheckpointConfig{Interval: 20 * time.Millisecond, Dir: t.TempDir(), JobID: "final"}
	g := &JobGraph{Name: "final-kill"}
	txnPipeline(g, 1, cfg, st)
	job, err := Execute(context.Background(), g, Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-st.reached:
	case <-job.Done():
		rows, _ := st.count(cfg.splits)
		t.Fatalf("the job ended (%v) without a final checkpoint; %d of %d rows committed", job.Wait(), rows, total)
	case <-time.After(20 * time.Second):
		t.Fatal("the sink never reached the final checkpoint")
	}
	rows, dups := st.count(cfg.splits)
	if rows >= int(total) || dups != 0 {
		t.Fatalf("before the final checkpoint completed: %d rows committed (%d duplicates), want fewer than %d and none twice", rows, dups, total)
	}
	cancelAndWait(t, job)
	if r, _ := st.count(cfg.splits); r != rows {
		t.Fatalf("the killed job committed %d rows after the kill (%d before)", r, rows)
	}

	// Restart from the latest completed checkpoint.
	st.blockAt = 0
	cfg2 := *cfg
	cfg2.read = new(atomic.Int64)
	g2 := &JobGraph{Name: "final-kill"}
	txnPipeline(g2, 1, &cfg2, st)
	job2, err := Execute(context.Background(), g2, Options{Checkpoint: cc, RestoreFrom: job.LatestCheckpoint()})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, job2)
	checkExactlyOnce(t, "after the restart", st, cfg)
	final := job2.LatestCheckpoint()
	if final == "" || final == job.LatestCheckpoint() {
		t.Fatalf("the restored job took no final checkpoint (latest %q)", final)
	}

	// Restore from the final checkpoint: the sources are finished.
	cfg3 := *cfg
	cfg3.read = new(atomic.Int64)
	g3 := &JobGraph{Name: "final-kill"}
	txnPipeline(g3, 1, &cfg3, st)
	job3, err := Execute(context.Background(), g3, Options{Checkpoint: cc, RestoreFrom: final})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, job3)
	if n := cfg3.read.Load(); n != 0 {
		t.Errorf("the job restored from the final checkpoint read %d rows, want 0", n)
	}
	checkExactlyOnce(t, "after restoring the final checkpoint", st, cfg)
}

// TestFinalCheckpointStatementSet runs two pipelines of different
// lengths in one job: the short one's sink is committed by a periodic
// checkpoint while the long one still reads, then the job ends with a
// final checkpoint.
func TestFinalCheckpointStatementSet(t *testing.T) {
	short, long := boundedSeq(2, 100, 0), boundedSeq(2, 3000, 2*time.Millisecond)
	sa, sb := newTxnStore(), newTxnStore()
	g := &JobGraph{Name: "final-set"}
	txnPipeline(g, 1, short, sa)
	txnPipeline(g, 3, long, sb)
	cc := &CheckpointConfig{Interval: 20 * time.Millisecond, Dir: t.TempDir()}
	job, err := Execute(context.Background(), g, Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the short pipeline's commit", 20*time.Second, func() bool {
		rows, _ := sa.count(short.splits)
		return rows == short.splits*short.rows
	})
	if n, all := long.read.Load(), int64(long.splits*long.rows); n >= all {
		t.Errorf("the short pipeline was committed only after the long one read all its %d rows", all)
	}
	waitDone(t, job)
	checkExactlyOnce(t, "short pipeline", sa, short)
	checkExactlyOnce(t, "long pipeline", sb, long)
}

// TestFinalCheckpointNotTaken checks that jobs without checkpoints (no
// CheckpointConfig, or a batch job) finish their sinks at the end of
// input as before.
func TestFinalCheckpointNotTaken(t *testing.T) {
	for _, tc := range []struct {
		name  string
		batch bool
		cc    *CheckpointConfig
	}{
		{"streaming without checkpoints", false, nil},
		{"batch with a checkpoint config", true, &CheckpointConfig{Interval: time.Hour}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := boundedSeq(2, 100, 0)
			st := newTxnStore()
			g := &JobGraph{Name: "final-none", Batch: tc.batch}
			txnPipeline(g, 1, cfg, st)
			job, err := Execute(context.Background(), g, Options{Checkpoint: tc.cc})
			if err != nil {
				t.Fatal(err)
			}
			waitDone(t, job)
			checkExactlyOnce(t, tc.name, st, cfg)
			if n := len(job.CheckpointStats()); n != 0 {
				t.Errorf("%d checkpoints taken, want none", n)
			}
		})
	}
}
