package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	_ "github.com/spry-engine/spry/expr/aggregate"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// The checkpoint tests run a keyed aggregation over a deterministic
// source with read positions (seqSource) into a sink materializing the
// upsert view of the changelog (viewSink), so a run that fails, restores
// and continues must end with the view of a failure-free run.

var seqSchema = types.NewSchema(types.Field{Name: "k", Type: types.BigInt}, types.Field{Name: "v", Type: types.BigInt})

// seqConfig shapes the source: splits of rows rows each, batch rows per
// Next and a pause between batches; after its rows the source stays idle
// (unbounded) unless bounded.
type seqConfig struct {
	splits, rows, batch int
	pause               time.Duration
	bounded             bool
	read                *atomic.Int64 // rows read, over all subtasks
}

type seqSource struct {
	cfg  *seqConfig
	mine []int // splits of this subtask
	pos  map[int]int
	cur  int
}

var _ connector.CheckpointedSource = (*seqSource)(nil)

func (s *seqSource) Open(_ context.Context, t connector.Task) error {
	s.pos = map[int]int{}
	for sp := 0; sp < s.cfg.splits; sp++ {
		if sp%t.Parallelism == t.Subtask {
			s.mine = append(s.mine, sp)
			s.pos[sp] = 0
		}
	}
	return nil
}

func (s *seqSource) Close() error { return nil }

func (s *seqSource) Next(ctx context.Context) (*types.Batch, error) {
	for range s.mine {
		sp := s.mine[s.cur%len(s.mine)]
		s.cur++
		p := s.pos[sp]
		if p >= s.cfg.rows {
			continue
		}
		n := min(s.cfg.batch, s.cfg.rows-p)
		kb, vb := array.NewInt64Builder(memory.DefaultAllocator), array.NewInt64Builder(memory.DefaultAllocator)
		for i := p; i < p+n; i++ {
			kb.Append(int64((sp*s.cfg.rows + i) % 13))
			vb.Append(int64(i))
		}
		s.pos[sp] = p + n
		s.cfg.read.Add(int64(n))
		time.Sleep(s.cfg.pause)
		return types.NewBatch(seqSchema, []arrow.Array{kb.NewArray(), vb.NewArray()}, nil, n), nil
	}
	if s.cfg.bounded || len(s.mine) == 0 {
		return nil, io.EOF
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Millisecond):
	}
	return nil, nil
}

func (s *seqSource) SnapshotPosition() ([]connector.SplitPosition, error) {
	var out []connector.SplitPosition
	for _, sp := range s.mine {
		b, _ := json.Marshal(s.pos[sp])
		out = append(out, connector.SplitPosition{Split: fmt.Sprint(sp), Position: b})
	}
	return out, nil
}

func (s *seqSource) RestorePosition(ps []connector.SplitPosition) error {
	for _, p := range ps {
		var sp, pos int
		if _, err := fmt.Sscan(p.Split, &sp); err != nil {
			return err
		}
		if err := json.Unmarshal(p.Position, &pos); err != nil {
			return err
		}
		if _, ok := s.pos[sp]; ok {
			s.pos[sp] = pos
		}
	}
	return nil
}

// viewSink materializes an upsert view keyed by the first column.
type view struct {
	mu   sync.Mutex
	rows map[string]string
}

func newView() *view { return &view{rows: map[string]string{}} }

func (v *view) snapshot() map[string]string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return maps.Clone(v.rows)
}

type viewSink struct {
	v *view
	// preCommit, when set, makes the sink take part in checkpoints.
	preCommit time.Duration
}

func (s *viewSink) Open(context.Context, connector.Task) error { return nil }
func (s *viewSink) Close() error                               { return nil }
func (s *viewSink) Finish(context.Context) error               { return nil }
func (s *viewSink) Write(_ context.Context, b *types.Batch) error {
	s.v.mu.Lock()
	defer s.v.mu.Unlock()
	for i := 0; i < b.Len(); i++ {
		r := b.Row(i)
		k := fmt.Sprint(r[0])
		switch b.Kind(i) {
		case types.Insert, types.UpdateAfter:
			s.v.rows[k] = fmt.Sprint(r[1:])
		case types.Delete:
			delete(s.v.rows, k)
		}
	}
	return nil
}

// slowSink is a viewSink whose pre-commit is slow (timeout tests).
type slowSink struct{ viewSink }

func (s *slowSink) PreCommit(context.Context, int64) ([]byte, error) {
	time.Sleep(s.preCommit)
	return []byte("x"), nil
}
func (s *slowSink) Commit(context.Context, int64) error            { return nil }
func (s *slowSink) Restore(context.Context, int64, [][]byte) error { return nil }

// aggJob builds seq source (parallelism p) → HASH → GroupAggregate
// COUNT(*), SUM(v) by k (parallelism p) → GLOBAL → view sink.
func aggJob(t *testing.T, cfg *seqConfig, p int, v *view, slow time.Duration) *JobGraph {
	t.Helper()
	src := ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
		Factory: &connector.Factory{Name: "seq", NewSource: func(*connector.Table) (connector.Source, error) {
			return &seqSource{cfg: cfg}, nil
		}},
		Table: &connector.Table{Name: "default_catalog.default_database.seq", Schema: seqSchema},
	}}
	call := func(fn string, args []int) ops.AggCall {
		bargs := make([]expr.Arg, len(args))
		for i, a := range args {
			bargs[i] = expr.Arg{Type: seqSchema.Fields[a].Type}
		}
		rt, fac, err := expr.Builtins.Aggregate(fn).Bind(bargs, false)
		if err != nil {
			t.Fatal(err)
		}
		name := fn + "(*)"
		if len(args) > 0 {
			name = fn + "(v)"
		}
		return ops.AggCall{Name: name, Factory: fac, Args: args, Filter: -1, Type: rt}
	}
	aggCfg := &ops.AggConfig{Keys: []int{0}, Calls: []ops.AggCall{call("COUNT", nil), call("SUM", []int{1})},
		Streaming: true, InputInsertOnly: true, InSchema: seqSchema}
	out := aggCfg.OutputSchema()
	var sink connector.Sink = &viewSink{v: v}
	if slow > 0 {
		sink = &slowSink{viewSink{v: v, preCommit: slow}}
	}
	snk := ops.Spec{Kind: ops.KindSink, Config: &ops.SinkConfig{
		Factory: &connector.Factory{Name: "view", NewSink: func(*connector.Table) (connector.Sink, error) { return sink, nil }},
		Table:   &connector.Table{Name: "default_catalog.default_database.view", Schema: out},
	}}
	return &JobGraph{
		Name: "ckpt-test",
		Vertices: []*Vertex{
			{ID: 1, Name: "Source: seq", Parallelism: p, Chain: []ops.Spec{src}},
			{ID: 2, Name: "GroupAggregate", Parallelism: p, Chain: []ops.Spec{{Kind: ops.KindHashAgg, Config: aggCfg}}},
			{ID: 3, Name: "Sink: view", Parallelism: 1, Chain: []ops.Spec{snk}},
		},
		Edges: []*Edge{{From: 1, To: 2, Partition: Hash, Keys: []int{0}}, {From: 2, To: 3, Partition: Global}},
	}
}

// expectedView is the failure-free result of aggJob.
func expectedView(cfg *seqConfig) map[string]string {
	cnt, sum := map[int64]int64{}, map[int64]int64{}
	for sp := 0; sp < cfg.splits; sp++ {
		for i := 0; i < cfg.rows; i++ {
			k := int64((sp*cfg.rows + i) % 13)
			cnt[k]++
			sum[k] += int64(i)
		}
	}
	out := map[string]string{}
	for k := range cnt {
		out[fmt.Sprint(k)] = fmt.Sprint([]any{cnt[k], sum[k]})
	}
	return out
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitView waits until v shows want.
func waitView(t *testing.T, v *view, want map[string]string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := v.snapshot()
		if maps.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("view never reached the failure-free result:\n got %v\nwant %v", got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cancelAndWait cancels job and waits for it to end.
func cancelAndWait(t *testing.T, job *Job) {
	t.Helper()
	job.Cancel()
	select {
	case <-job.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("job did not end after Cancel")
	}
}
