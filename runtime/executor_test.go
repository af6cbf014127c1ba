package runtime

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// kindTest marks a test-only operator; its Config is a constructor.
const kindTest ops.Kind = "Test"

func TestMain(m *testing.M) {
	buildOp = func(s ops.Spec) (ops.Operator, error) {
		if s.Kind == kindTest {
			return s.Config.(func() ops.Operator)(), nil
		}
		return ops.Build(s)
	}
	os.Exit(m.Run())
}

func testSpec(f func() ops.Operator) ops.Spec { return ops.Spec{Kind: kindTest, Config: f} }

// probe is a pass-through operator that records what reaches it.
type probe struct {
	ops.BaseOperator
	name     string
	mu       *sync.Mutex
	log      *[]string
	panicAt  int // panic on this batch number (1-based), 0 never
	failWith error
	batches  int
}

func (p *probe) ProcessBatch(in int, b *types.Batch, out ops.Collector) error {
	p.batches++
	if p.panicAt == p.batches {
		var m map[string]int
		m["boom"]++ // a real bug: nil map write
	}
	if p.failWith != nil {
		return p.failWith
	}
	return out.Emit(b)
}

func (p *probe) ProcessWatermark(ts int64, _ ops.Collector) error {
	p.record(fmt.Sprintf("wm %d", ts))
	return nil
}

func (p *probe) EndInput(in int, _ ops.Collector) error {
	p.record(fmt.Sprintf("end %d", in))
	return nil
}

func (p *probe) record(s string) {
	if p.log != nil {
		p.mu.Lock()
		*p.log = append(*p.log, s)
		p.mu.Unlock()
	}
}

func (p *probe) String() string { return "Probe(" + p.name + ")" }

// wmGen emits, after each batch, a watermark of the batch's max a (as ms).
type wmGen struct{ ops.BaseOperator }

func (wmGen) ProcessBatch(_ int, b *types.Batch, out ops.Collector) error {
	if err := out.Emit(b); err != nil {
		return err
	}
	m := int64(math.MinInt64)
	for i := 0; i < b.Len(); i++ {
		m = max(m, int64(types.Value(b.Cols[1], i).(int32)))
	}
	return out.(ops.WatermarkCollector).EmitWatermark(m)
}
func (wmGen) GeneratesWatermarks() bool { return true }
func (wmGen) String() string            { return "WatermarkAssigner(a)" }

var outSchema = types.NewSchema(types.Field{Name: "word", Type: types.String}, types.Field{Name: "x", Type: types.Int})

// wantCalc is the expected result of calcSpec over wordRows(n).
func wantCalc(n int) []string {
	var out []string
	for _, r := range wordRows(n) {
		if a := r[1].(int32); a > 0 {
			out = append(out, fmt.Sprintf("+I[%s %d]", r[0], a+1))
		}
	}
	return sortedCopy(out)
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestValuesCalcCollect(t *testing.T) {
	tests := []struct {
		name      string
		par       int
		batchSize int
		edge      Partitioning
	}{
		{"chained p1", 1, 0, Forward},
		{"rebalance p4", 4, 3, Rebalance},
		{"hash p4", 4, 5, Hash},
		{"broadcast p1", 1, 2, Broadcast},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const n = 200
			c := newCollector(1, 0)
			g := &JobGraph{Name: tc.name, Batch: true, Vertices: []*Vertex{
				{ID: 1, Name: "values", Parallelism: 1, Chain: []ops.Spec{valuesSpec(wordRows(n))}},
				{ID: 2, Name: "calc", Parallelism: tc.par, Chain: []ops.Spec{calcSpec()}},
				{ID: 3, Name: "collect", Parallelism: 1, Chain: []ops.Spec{c.spec(outSchema)}},
			}, Edges: []*Edge{
				{From: 1, To: 2, Partition: tc.edge, Keys: []int{0}},
				{From: 2, To: 3, Partition: Global},
			}}
			if tc.edge == Forward {
				g.Vertices[0].Chain = append(g.Vertices[0].Chain, calcSpec(), c.spec(outSchema))
				g.Vertices, g.Edges = g.Vertices[:1], nil
			}
			if err := run(t, g, Options{BatchSize: tc.batchSize}); err != nil {
				t.Fatal(err)
			}
			if got, want := c.sorted(t), wantCalc(n); !reflect.DeepEqual(got, want) {
				t.Fatalf("got %d rows %v\nwant %d rows %v", len(got), got, len(want), want)
			}
		})
	}
}

// keyProbe records which subtask (told apart by its own expr.Context copy)
// saw each word.
type keyProbe struct {
	ops.BaseOperator
	ctx  *expr.Context
	seen *sync.Map // word -> *expr.Context
	bad  *atomic.Int64
}

func (k *keyProbe) Open(c *ops.OpContext) error { k.ctx = c.Eval; return nil }
func (k *keyProbe) ProcessBatch(_ int, b *types.Batch, out ops.Collector) error {
	for i := 0; i < b.Len(); i++ {
		w := types.Value(b.Cols[0], i).(string)
		if prev, loaded := k.seen.LoadOrStore(w, k.ctx); loaded && prev != k.ctx {
			k.bad.Add(1)
		}
	}
	return out.Emit(b)
}
func (k *keyProbe) String() string { return "KeyProbe" }

func TestHashExchangeRoutesKeysToOneSubtask(t *testing.T) {
	var seen sync.Map
	var bad atomic.Int64
	c := newCollector(4, 0)
	g := &JobGraph{Vertices: []*Vertex{
		{ID: 1, Parallelism: 3, Chain: []ops.Spec{genSpec(wordBatch(50), 20)}},
		{ID: 2, Parallelism: 4, Chain: []ops.Spec{testSpec(func() ops.Operator { return &keyProbe{seen: &seen, bad: &bad} })}},
		{ID: 3, Parallelism: 1, Chain: []ops.Spec{c.spec(wordSchema)}},
	}, Edges: []*Edge{
		{From: 1, To: 2, Partition: Hash, Keys: []int{0}},
		{From: 2, To: 3, Partition: Global},
	}}
	if err := run(t, g, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := len(c.sorted(t)); got != 3*20*50 {
		t.Fatalf("got %d rows, want %d", got, 3*20*50)
	}
	if bad.Load() != 0 {
		t.Fatalf("%d rows reached a second subtask for their key", bad.Load())
	}
	contexts := map[*expr.Context]bool{}
	seen.Range(func(_, v any) bool { contexts[v.(*expr.Context)] = true; return true })
	if len(contexts) < 2 {
		t.Errorf("7 keys all went to %d subtask(s)", len(contexts))
	}
}

func TestOperatorErrors(t *testing.T) {
	tests := []struct {
		name      string
		op        func() ops.Operator
		wantMsg   string
		wantPanic bool
	}{
		{"panic", func() ops.Operator { return &probe{name: "p", panicAt: 2} }, "operator Probe(p) (subtask ", true},
		{"error", func() ops.Operator { return &probe{name: "e", failWith: errors.New("division by zero")} }, "failed: division by zero", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCollector(0, 0)
			g := &JobGraph{Vertices: []*Vertex{
				{ID: 1, Parallelism: 2, Chain: []ops.Spec{genSpec(wordBatch(10), -1), calcSpec()}},
				{ID: 2, Parallelism: 4, Chain: []ops.Spec{testSpec(tc.op), c.spec(outSchema)}},
			}, Edges: []*Edge{{From: 1, To: 2, Partition: Rebalance}}}
			err := run(t, g, Options{})
			var oe *OperatorError
			if !errors.As(err, &oe) {
				t.Fatalf("got %v, want an OperatorError", err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) || !strings.Contains(err.Error(), "/4)") {
				t.Fatalf("error %q should contain %q and the subtask", err, tc.wantMsg)
			}
			var pe *PanicError
			if errors.As(err, &pe) != tc.wantPanic {
				t.Fatalf("panic error = %v, want %v", pe, tc.wantPanic)
			}
			c.sorted(t) // the collect channel is closed on failure too
		})
	}
}

func TestCalcErrorNamesCalc(t *testing.T) {
	spec := calcSpec()
	cfg := spec.Config.(*ops.CalcConfig)
	cfg.Projections[1] = &expr.Call{Name: "/", Args: []expr.Expr{colA, colA}, T: types.Int,
		Kernel: func(*expr.Context, []arrow.Array, int) (arrow.Array, error) {
			return nil, errors.New("division by zero")
		}}
	c := newCollector(0, 0)
	g := &JobGraph{Vertices: []*Vertex{{ID: 1, Parallelism: 1, Chain: []ops.Spec{valuesSpec(wordRows(10)), spec, c.spec(outSchema)}}}}
	err := run(t, g, Options{})
	want := "operator Calc(select=[word, /(a, a) AS x], where=[>(a, 0)]) (subtask 1/1) failed: division by zero"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}

func TestCancel(t *testing.T) {
	c := newCollector(0, time.Millisecond)
	g := &JobGraph{Vertices: []*Vertex{
		{ID: 1, Parallelism: 2, Chain: []ops.Spec{genSpec(wordBatch(100), -1)}},
		{ID: 2, Parallelism: 1, Chain: []ops.Spec{c.spec(wordSchema)}},
	}, Edges: []*Edge{{From: 1, To: 2, Partition: Global}}}
	job, err := Execute(context.Background(), g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	job.Cancel()
	if err := job.Wait(); !errors.Is(err, ErrCanceled) {
		t.Fatalf("Wait = %v, want ErrCanceled", err)
	}
	c.sorted(t)

	// Cancelling the parent context stops the job too.
	ctx, cancel := context.WithCancel(context.Background())
	c = newCollector(0, 0)
	g.Vertices[1].Chain[0] = c.spec(wordSchema)
	job, err = Execute(ctx, g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := job.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
}

func TestBackPressureSlowSink(t *testing.T) {
	var rows, finished atomic.Int64
	sink := &connector.Factory{Name: "slow", NewSink: func(*connector.Table) (connector.Sink, error) {
		return &countingSink{rows: &rows, finished: &finished, delay: 200 * time.Microsecond}, nil
	}}
	g := &JobGraph{Batch: true, Vertices: []*Vertex{
		{ID: 1, Parallelism: 4, Chain: []ops.Spec{genSpec(wordBatch(64), 200)}},
		{ID: 2, Parallelism: 3, Chain: []ops.Spec{calcSpec()}},
		{ID: 3, Parallelism: 2, Chain: []ops.Spec{{Kind: ops.KindSink, Config: &ops.SinkConfig{Factory: sink,
			Table: &connector.Table{Name: "default_catalog.default_database.out", Schema: outSchema}}}}},
	}, Edges: []*Edge{
		{From: 1, To: 2, Partition: Hash, Keys: []int{0, 1}},
		{From: 2, To: 3, Partition: Rebalance},
	}}
	if err := run(t, g, Options{ChannelCapacity: 1}); err != nil {
		t.Fatal(err)
	}
	if want := int64(4 * 200 * len(wantCalc(64))); rows.Load() != want {
		t.Fatalf("sink got %d rows, want %d", rows.Load(), want)
	}
	if finished.Load() != 2 {
		t.Fatalf("Finish called %d times, want once per sink subtask", finished.Load())
	}
}

func TestLimitStopsUnboundedSource(t *testing.T) {
	c := newCollector(16, 0)
	g := &JobGraph{Vertices: []*Vertex{
		{ID: 1, Parallelism: 2, Chain: []ops.Spec{genSpec(wordBatch(7), -1), {Kind: ops.KindLimit, Config: &ops.LimitConfig{Limit: 10}}}},
		{ID: 2, Parallelism: 1, Chain: []ops.Spec{{Kind: ops.KindLimit, Config: &ops.LimitConfig{Offset: 2, Limit: 10}}, c.spec(wordSchema)}},
	}, Edges: []*Edge{{From: 1, To: 2, Partition: Global}}}
	if err := run(t, g, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := c.sorted(t); len(got) != 10 {
		t.Fatalf("got %d rows, want 10: %v", len(got), got)
	}
}

func TestSortUnionAndGlobal(t *testing.T) {
	c := newCollector(16, 0)
	keys := []kernel.SortKey{{Col: 1, Desc: true}}
	sortSpec := func(limit int64) ops.Spec {
		return ops.Spec{Kind: ops.KindSort, Config: &ops.SortConfig{Keys: keys, Limit: limit, Offset: 1, OutSchema: wordSchema}}
	}
	g := &JobGraph{Batch: true, Vertices: []*Vertex{
		{ID: 1, Parallelism: 1, Chain: []ops.Spec{valuesSpec(wordRows(30))}},
		{ID: 2, Parallelism: 3, Chain: []ops.Spec{genSpec(wordBatch(5), 4)}},
		{ID: 3, Parallelism: 1, Chain: []ops.Spec{sortSpec(4)}},
		{ID: 4, Parallelism: 1, Chain: []ops.Spec{c.spec(wordSchema)}},
	}, Edges: []*Edge{
		{From: 1, To: 3, Partition: Global},
		{From: 2, To: 3, Partition: Global},
		{From: 3, To: 4, Partition: Forward},
	}}
	if err := run(t, g, Options{BatchSize: 2}); err != nil {
		t.Fatal(err)
	}
	// The largest a are 24, 23, 22, 21, 20 (from VALUES); OFFSET 1 skips 24.
	c.sorted(t)
	got := c.rows
	want := []string{"+I[w0 23]", "+I[w6 22]", "+I[w5 21]", "+I[w4 20]"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestWatermarksAndEndInput(t *testing.T) {
	var mu sync.Mutex
	var log []string
	c := newCollector(16, 0)
	g := &JobGraph{Vertices: []*Vertex{
		{ID: 1, Parallelism: 2, Chain: []ops.Spec{genSpec(wordBatch(10), 3), testSpec(func() ops.Operator { return wmGen{} })}},
		{ID: 2, Parallelism: 1, Chain: []ops.Spec{testSpec(func() ops.Operator { return &probe{name: "w", mu: &mu, log: &log} }), c.spec(wordSchema)}},
	}, Edges: []*Edge{{From: 1, To: 2, Partition: Rebalance}}}
	if err := run(t, g, Options{}); err != nil {
		t.Fatal(err)
	}
	// Both sources emit watermark 4 (max a) three times; the combined
	// watermark advances once both have, then to +inf at the end, before
	// end of input.
	want := []string{"wm 4", fmt.Sprintf("wm %d", int64(math.MaxInt64)), "end 0"}
	if !reflect.DeepEqual(log, want) {
		t.Fatalf("got %v, want %v", log, want)
	}
	if len(c.sorted(t)) != 60 {
		t.Fatal("rows lost")
	}
}

func TestGlobalAndBroadcastToParallelVertex(t *testing.T) {
	tests := []struct {
		part     Partitioning
		wantRows int
	}{{Global, 5}, {Broadcast, 15}}
	for _, tc := range tests {
		t.Run(tc.part.String(), func(t *testing.T) {
			var mu sync.Mutex
			var log []string
			c := newCollector(16, 0)
			g := &JobGraph{Vertices: []*Vertex{
				{ID: 1, Parallelism: 1, Chain: []ops.Spec{valuesSpec(wordRows(5))}},
				{ID: 2, Parallelism: 3, Chain: []ops.Spec{testSpec(func() ops.Operator { return &probe{mu: &mu, log: &log} })}},
				{ID: 3, Parallelism: 1, Chain: []ops.Spec{c.spec(wordSchema)}},
			}, Edges: []*Edge{{From: 1, To: 2, Partition: tc.part}, {From: 2, To: 3, Partition: Global}}}
			if err := run(t, g, Options{}); err != nil {
				t.Fatal(err)
			}
			ends := 0
			for _, l := range log {
				if l == "end 0" {
					ends++
				}
			}
			// Subtasks no channel reaches still see their input end.
			if rows := len(c.sorted(t)); ends != 3 || rows != tc.wantRows {
				t.Fatalf("ends %d (want 3), rows %d (want %d)", ends, rows, tc.wantRows)
			}
		})
	}
}

func TestInvalidGraphs(t *testing.T) {
	v := func(id, p int, specs ...ops.Spec) *Vertex { return &Vertex{ID: id, Parallelism: p, Chain: specs} }
	calc := calcSpec()
	tests := []struct {
		name string
		g    *JobGraph
	}{
		{"empty", &JobGraph{}},
		{"no chain", &JobGraph{Vertices: []*Vertex{v(1, 1)}}},
		{"duplicate id", &JobGraph{Vertices: []*Vertex{v(1, 1, valuesSpec(nil)), v(1, 1, valuesSpec(nil))}}},
		{"no input", &JobGraph{Vertices: []*Vertex{v(1, 1, calc)}}},
		{"forward parallelism", &JobGraph{Vertices: []*Vertex{v(1, 1, valuesSpec(nil)), v(2, 2, calc)}, Edges: []*Edge{{From: 1, To: 2}}}},
		{"unknown vertex", &JobGraph{Vertices: []*Vertex{v(1, 1, valuesSpec(nil))}, Edges: []*Edge{{From: 1, To: 9}}}},
		{"edge into source", &JobGraph{Vertices: []*Vertex{v(1, 1, valuesSpec(nil)), v(2, 1, valuesSpec(nil))}, Edges: []*Edge{{From: 1, To: 2}}}},
		{"bad config", &JobGraph{Vertices: []*Vertex{v(1, 1, ops.Spec{Kind: ops.KindValues, Config: &ops.CalcConfig{}})}}},
		{"source not first", &JobGraph{Vertices: []*Vertex{v(1, 1, valuesSpec(nil), valuesSpec(nil))}}},
		{"hash key out of range", &JobGraph{Vertices: []*Vertex{v(1, 1, valuesSpec(nil)), v(2, 2, calc)}, Edges: []*Edge{{From: 1, To: 2, Partition: Hash, Keys: []int{5}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Execute(context.Background(), tc.g, Options{})
			var ge *GraphError
			if !errors.As(err, &ge) {
				t.Fatalf("got %v, want a GraphError", err)
			}
		})
	}
}

func TestGraphString(t *testing.T) {
	c := newCollector(1, 0)
	g := &JobGraph{Name: "q", Batch: true, Vertices: []*Vertex{
		{ID: 1, Name: "Source: gen", Parallelism: 2, Chain: []ops.Spec{genSpec(wordBatch(1), 1), calcSpec()}},
		{ID: 2, Name: "Sort", Parallelism: 1, Chain: []ops.Spec{
			{Kind: ops.KindSort, Config: &ops.SortConfig{Keys: []kernel.SortKey{{Col: 1, NullsFirst: true}}, Limit: -1, OutSchema: outSchema}},
			{Kind: ops.KindLimit, Config: &ops.LimitConfig{Limit: 5}},
			c.spec(outSchema)}},
	}, Edges: []*Edge{{From: 1, To: 2, Partition: Hash, Keys: []int{0}}}}
	want := `Job: q (batch)
Vertex 1: Source: gen (parallelism=2)
  TableSourceScan(table=[[default_catalog, default_database, gen]], fields=[word, a])
  Calc(select=[word, +(a, 1) AS x], where=[>(a, 0)])
Vertex 2: Sort (parallelism=1)
  Sort(orderBy=[x ASC NULLS FIRST])
  Limit(offset=[0], fetch=[5])
  Collect(fields=[word, x])
Edges:
  1 -> 2: HASH[word]
`
	if got := g.String(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
