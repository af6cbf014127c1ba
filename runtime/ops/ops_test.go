package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

var schema = types.NewSchema(types.Field{Name: "word", Type: types.String}, types.Field{Name: "a", Type: types.Int})

// sliceCollector keeps what an operator emits.
type sliceCollector struct{ batches []*types.Batch }

func (c *sliceCollector) Emit(b *types.Batch) error { c.batches = append(c.batches, b); return nil }

func (c *sliceCollector) rows() []string {
	var out []string
	for _, b := range c.batches {
		for i := 0; i < b.Len(); i++ {
			out = append(out, fmt.Sprintf("%s%v", b.Kind(i), b.Row(i)))
		}
	}
	return out
}

func batchOf(kinds []types.RowKind, rows ...[]any) *types.Batch {
	bb := types.NewBatchBuilder(schema)
	for i, r := range rows {
		k := types.Insert
		if kinds != nil {
			k = kinds[i]
		}
		bb.Add(k, r)
	}
	return bb.Build()
}

func ints(from, to int) *types.Batch {
	var rows [][]any
	for i := from; i < to; i++ {
		rows = append(rows, []any{fmt.Sprintf("w%d", i%3), int32(i)})
	}
	return batchOf(nil, rows...)
}

func opCtx() *OpContext {
	return &OpContext{Ctx: context.Background(), Parallelism: 1, MaxParallelism: 128, Eval: expr.NewContext(nil), BatchSize: 4}
}

func mustBuild(t *testing.T, s Spec) Operator {
	t.Helper()
	op, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Open(opCtx()); err != nil {
		t.Fatal(err)
	}
	return op
}

func gtKernel(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
	a, lit := args[0].(*array.Int32), args[1].(*array.Int32)
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	for i := 0; i < rows; i++ {
		if a.IsNull(i) {
			b.AppendNull()
		} else {
			b.Append(a.Value(i) > lit.Value(i))
		}
	}
	return b.NewArray(), nil
}

var (
	colWord = &expr.ColumnRef{Index: 0, Name: "word", T: types.String}
	colA    = &expr.ColumnRef{Index: 1, Name: "a", T: types.Int}
	gt1     = &expr.Call{Name: ">", Args: []expr.Expr{colA, &expr.Literal{Value: int32(1), T: types.Int}}, T: types.Boolean, Kernel: gtKernel}
)

func TestBuildErrors(t *testing.T) {
	tests := []Spec{
		{Kind: "Nope"},
		{Kind: KindCalc, Config: &SortConfig{}},
		{Kind: KindCalc, Config: (*CalcConfig)(nil)},
		{Kind: KindSetOp},
		{Kind: KindCalc, Config: &CalcConfig{Filter: colA}},
		{Kind: KindValues, Config: &ValuesConfig{Schema: schema, Rows: [][]any{{"x"}}}},
		{Kind: KindLimit, Config: &LimitConfig{Offset: -1}},
		{Kind: KindSink, Config: &SinkConfig{Factory: &connector.Factory{Name: "src-only"}, Table: &connector.Table{}}},
	}
	for _, s := range tests {
		op, err := Build(s)
		var se *SpecError
		if !errors.As(err, &se) || op != nil {
			t.Errorf("Build(%s %T) = %v, %v; want a SpecError", s.Kind, s.Config, op, err)
		}
	}
}

func TestCalc(t *testing.T) {
	in := batchOf([]types.RowKind{types.Insert, types.UpdateBefore, types.UpdateAfter, types.Delete},
		[]any{"a", int32(1)}, []any{"b", int32(2)}, []any{"c", nil}, []any{"d", int32(4)})
	out := types.NewSchema(types.Field{Name: "a", Type: types.Int}, types.Field{Name: "k", Type: types.String})
	tests := []struct {
		name   string
		cfg    *CalcConfig
		want   []string
		String string
	}{
		{"filter and project", &CalcConfig{Filter: gt1, Projections: []expr.Expr{colA, &expr.Literal{Value: "k", T: types.String}}, Names: []string{"a", "k"}, InSchema: schema, OutSchema: out},
			[]string{"-U[2 k]", "-D[4 k]"}, "Calc(select=[a, 'k' AS k], where=[>(a, 1)])"},
		{"filter only", &CalcConfig{Filter: gt1, InSchema: schema},
			[]string{"-U[b 2]", "-D[d 4]"}, "Calc(select=[word, a], where=[>(a, 1)])"},
		{"project only", &CalcConfig{Projections: []expr.Expr{colWord}, Names: []string{"w"}, OutSchema: types.NewSchema(types.Field{Name: "w", Type: types.String})},
			[]string{"+I[a]", "-U[b]", "+U[c]", "-D[d]"}, "Calc(select=[word AS w])"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op := mustBuild(t, Spec{Kind: KindCalc, Config: tc.cfg})
			var c sliceCollector
			if err := op.ProcessBatch(0, in, &c); err != nil {
				t.Fatal(err)
			}
			if got := c.rows(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("rows = %v, want %v", got, tc.want)
			}
			for _, b := range c.batches {
				if tc.cfg.OutSchema != nil && b.Schema != tc.cfg.OutSchema {
					t.Error("output batch does not carry the output schema")
				}
				if err := b.Validate(); err != nil {
					t.Error(err)
				}
			}
			if got := op.String(); got != tc.String {
				t.Errorf("String = %s, want %s", got, tc.String)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	tests := []struct {
		offset, limit int64
		sizes         []int
		want          int
		first         int32
	}{
		{0, 3, []int{2, 2, 2}, 3, 0},
		{2, 3, []int{1, 1, 5}, 3, 2},
		{4, -1, []int{3, 3}, 2, 4},
		{10, 5, []int{3, 3}, 0, -1},
		{0, 0, []int{3}, 0, -1},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("offset %d fetch %d", tc.offset, tc.limit), func(t *testing.T) {
			op := mustBuild(t, Spec{Kind: KindLimit, Config: &LimitConfig{Offset: tc.offset, Limit: tc.limit}})
			var c sliceCollector
			n := 0
			for _, s := range tc.sizes {
				if err := op.ProcessBatch(0, ints(n, n+s), &c); err != nil {
					t.Fatal(err)
				}
				n += s
			}
			rows := c.rows()
			if len(rows) != tc.want {
				t.Fatalf("got %v, want %d rows", rows, tc.want)
			}
			if tc.want > 0 && c.batches[0].Row(0)[1] != tc.first {
				t.Errorf("first row %v, want a=%d", c.batches[0].Row(0), tc.first)
			}
			if done := op.(Finisher).Done(); done != (tc.limit >= 0 && int64(n) >= tc.offset+tc.limit) {
				t.Errorf("Done = %v", done)
			}
		})
	}
	op := mustBuild(t, Spec{Kind: KindLimit, Config: &LimitConfig{Limit: 1}})
	if err := op.ProcessBatch(0, batchOf([]types.RowKind{types.Delete}, []any{"x", int32(1)}), &sliceCollector{}); err == nil {
		t.Error("Limit should reject a changelog input")
	}
}

func TestSort(t *testing.T) {
	keys := []kernel.SortKey{{Col: 0, Desc: true}, {Col: 1}}
	tests := []struct {
		name          string
		offset, limit int64
		batches       int
		want          []string
		str           string
	}{
		{"full", 0, -1, 1, []string{"+I[w2 2]", "+I[w2 5]", "+I[w1 1]", "+I[w1 4]", "+I[w0 0]", "+I[w0 3]"}, "Sort(orderBy=[word DESC NULLS LAST, a ASC NULLS LAST])"},
		{"top n", 1, 2, 1, []string{"+I[w2 5]", "+I[w1 1]"}, "SortLimit(orderBy=[word DESC NULLS LAST, a ASC NULLS LAST], offset=[1], fetch=[2])"},
		// Many batches force the bounded top-N buffer to trim itself.
		{"top n trimmed", 0, 3, 2000, []string{"+I[w2 2]", "+I[w2 2]", "+I[w2 2]"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op := mustBuild(t, Spec{Kind: KindSort, Config: &SortConfig{Keys: keys, Offset: tc.offset, Limit: tc.limit, OutSchema: schema}})
			var c sliceCollector
			for i := 0; i < tc.batches; i++ {
				if err := op.ProcessBatch(0, ints(0, 6), &c); err != nil {
					t.Fatal(err)
				}
			}
			if s := op.(*Sort); tc.batches > 1 && s.rows > 2*3+1024 {
				t.Errorf("top-N buffer holds %d rows", s.rows)
			}
			if len(c.batches) != 0 {
				t.Fatal("Sort emitted before the end of input")
			}
			if err := op.EndInput(0, &c); err != nil {
				t.Fatal(err)
			}
			if got := c.rows(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for _, b := range c.batches {
				if b.Len() > 4 {
					t.Errorf("batch of %d rows exceeds the batch size", b.Len())
				}
			}
			if tc.str != "" && op.String() != tc.str {
				t.Errorf("String = %s, want %s", op.String(), tc.str)
			}
		})
	}
}

func TestValues(t *testing.T) {
	rows := [][]any{{"a", int32(1)}, {"it's", nil}, {nil, int32(3)}, {"d", int32(4)}, {"e", int32(5)}}
	op := mustBuild(t, Spec{Kind: KindValues, Config: &ValuesConfig{Schema: schema, Rows: rows}}).(SourceOperator)
	var sizes []int
	for {
		b, err := op.Next(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, b.Len())
	}
	if !reflect.DeepEqual(sizes, []int{4, 1}) {
		t.Errorf("batch sizes %v, want [4 1]", sizes)
	}
	want := "Values(tuples=[[{ 'a', 1 }, { 'it''s', null }, { null, 3 }, { 'd', 4 }, { 'e', 5 }]], values=[word, a])"
	if op.String() != want {
		t.Errorf("String = %s\nwant %s", op.String(), want)
	}
	// Only subtask 0 emits.
	other, _ := Build(Spec{Kind: KindValues, Config: &ValuesConfig{Schema: schema, Rows: rows}})
	ctx := opCtx()
	ctx.Subtask, ctx.Parallelism = 1, 2
	_ = other.Open(ctx)
	if _, err := other.(SourceOperator).Next(context.Background()); err != io.EOF {
		t.Errorf("subtask 1 should be empty, got %v", err)
	}
	// A value of the wrong Go type is an error, not a panic.
	bad := mustBuild(t, Spec{Kind: KindValues, Config: &ValuesConfig{Schema: schema, Rows: [][]any{{"a", "not an int"}}}}).(SourceOperator)
	if _, err := bad.Next(context.Background()); err == nil || !strings.Contains(err.Error(), "do not match schema") {
		t.Errorf("got %v, want a schema mismatch error", err)
	}
}

func TestCollectAndNames(t *testing.T) {
	ch := make(chan *types.Batch, 1)
	op := mustBuild(t, Spec{Kind: KindCollect, Config: &CollectConfig{Schema: schema, Out: ch}})
	if err := op.ProcessBatch(0, ints(0, 2), nil); err != nil || (<-ch).Len() != 2 {
		t.Fatal("Collect did not deliver", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	full := make(chan *types.Batch)
	blocked, _ := Build(Spec{Kind: KindCollect, Config: &CollectConfig{Out: full}})
	oc := opCtx()
	oc.Ctx = ctx
	_ = blocked.Open(oc)
	cancel()
	if err := blocked.ProcessBatch(0, ints(0, 1), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("blocked Collect returned %v after cancel", err)
	}
	table := &connector.Table{Name: "default_catalog.default_database.t", Schema: schema}
	f := &connector.Factory{Name: "x", NewSource: func(*connector.Table) (connector.Source, error) { return nil, nil },
		NewSink: func(*connector.Table) (connector.Sink, error) { return nil, nil }}
	names := map[Spec]string{
		{Kind: KindSource, Config: &SourceConfig{Factory: f, Table: table}}:  "TableSourceScan(table=[[default_catalog, default_database, t]], fields=[word, a])",
		{Kind: KindSink, Config: &SinkConfig{Factory: f, Table: table}}:      "Sink(table=[default_catalog.default_database.t], fields=[word, a])",
		{Kind: KindCollect, Config: &CollectConfig{Schema: schema, Out: ch}}: "Collect(fields=[word, a])",
		{Kind: KindLimit, Config: &LimitConfig{Offset: 3, Limit: -1}}:        "Limit(offset=[3], fetch=[unlimited])",
		{Kind: KindJoin}: "Join",
	}
	for s, want := range names {
		if got := s.String(); got != want {
			t.Errorf("String = %s, want %s", got, want)
		}
	}
}
