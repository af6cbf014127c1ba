package runtime

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// The test schema: (word STRING, a INT).
var wordSchema = types.NewSchema(types.Field{Name: "word", Type: types.String}, types.Field{Name: "a", Type: types.Int})

func wordRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("w%d", i%7), int32(i - 5)}
	}
	return rows
}

func valuesSpec(rows [][]any) ops.Spec {
	return ops.Spec{Kind: ops.KindValues, Config: &ops.ValuesConfig{Schema: wordSchema, Rows: rows}}
}

// Tiny local kernels standing in for the registered functions.

func gtZero(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
	a := args[0].(*array.Int32)
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	for i := 0; i < rows; i++ {
		if a.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(a.Value(i) > 0)
		}
	}
	return b.NewArray(), nil
}

func plus(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
	x, y := args[0].(*array.Int32), args[1].(*array.Int32)
	b := array.NewInt32Builder(memory.DefaultAllocator)
	for i := 0; i < rows; i++ {
		if x.IsNull(i) || y.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(x.Value(i) + y.Value(i))
		}
	}
	return b.NewArray(), nil
}

var (
	colWord = &expr.ColumnRef{Index: 0, Name: "word", T: types.String}
	colA    = &expr.ColumnRef{Index: 1, Name: "a", T: types.Int}
)

// calcSpec is Calc(select=[word, +(a, 1) AS x], where=[>(a, 0)]).
func calcSpec() ops.Spec {
	out := types.NewSchema(types.Field{Name: "word", Type: types.String}, types.Field{Name: "x", Type: types.Int})
	return ops.Spec{Kind: ops.KindCalc, Config: &ops.CalcConfig{
		Filter:      &expr.Call{Name: ">", Args: []expr.Expr{colA, &expr.Literal{Value: int32(0), T: types.Int}}, T: types.Boolean, Kernel: gtZero},
		Projections: []expr.Expr{colWord, &expr.Call{Name: "+", Args: []expr.Expr{colA, &expr.Literal{Value: int32(1), T: types.Int}}, T: types.Int, Kernel: plus}},
		Names:       []string{"word", "x"},
		InSchema:    wordSchema,
		OutSchema:   out,
	}}
}

// collector starts a Collect whose batches are gathered as printed rows.
type collector struct {
	ch   chan *types.Batch
	mu   sync.Mutex
	rows []string
	done chan struct{}
}

func newCollector(buffer int, delay time.Duration) *collector {
	c := &collector{ch: make(chan *types.Batch, buffer), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for b := range c.ch {
			if delay > 0 {
				time.Sleep(delay)
			}
			c.mu.Lock()
			for i := 0; i < b.Len(); i++ {
				c.rows = append(c.rows, fmt.Sprintf("%s%v", b.Kind(i), b.Row(i)))
			}
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *collector) spec(s *types.Schema) ops.Spec {
	return ops.Spec{Kind: ops.KindCollect, Config: &ops.CollectConfig{Schema: s, Out: c.ch}}
}

// sorted waits for the channel to close and returns the rows sorted.
func (c *collector) sorted(t *testing.T) []string {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatal("collect channel never closed")
	}
	out := slices.Clone(c.rows)
	slices.Sort(out)
	return out
}

func run(t *testing.T, g *JobGraph, opts Options) error {
	t.Helper()
	job, err := Execute(context.Background(), g, opts)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- job.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		job.Cancel()
		t.Fatal("job did not end (deadlock?)")
	}
	return nil
}

// genFactory is a source connector emitting copies of one batch: n times,
// or forever when n < 0.
func genFactory(batch *types.Batch, n int) *connector.Factory {
	return &connector.Factory{
		Name: "gen",
		NewSource: func(*connector.Table) (connector.Source, error) {
			return &genSource{batch: batch, left: n}, nil
		},
	}
}

type genSource struct {
	batch *types.Batch
	left  int
}

func (g *genSource) Open(context.Context, connector.Task) error { return nil }
func (g *genSource) Close() error                               { return nil }
func (g *genSource) Next(ctx context.Context) (*types.Batch, error) {
	if g.left == 0 {
		return nil, io.EOF
	}
	g.left--
	return g.batch, nil
}

func genSpec(batch *types.Batch, n int) ops.Spec {
	return ops.Spec{Kind: ops.KindSource, Config: &ops.SourceConfig{
		Factory: genFactory(batch, n),
		Table:   &connector.Table{Name: "default_catalog.default_database.gen", Schema: batch.Schema},
	}}
}

func wordBatch(n int) *types.Batch {
	bb := types.NewBatchBuilder(wordSchema)
	for _, r := range wordRows(n) {
		bb.Add(types.Insert, r)
	}
	return bb.Build()
}

// countingSink is a sink connector that counts rows slowly and records
// Finish calls.
type countingSink struct {
	rows, finished *atomic.Int64
	delay          time.Duration
}

func (s *countingSink) Open(context.Context, connector.Task) error { return nil }
func (s *countingSink) Close() error                               { return nil }
func (s *countingSink) Write(_ context.Context, b *types.Batch) error {
	time.Sleep(s.delay)
	s.rows.Add(int64(b.Len()))
	return nil
}
func (s *countingSink) Finish(context.Context) error { s.finished.Add(1); return nil }
