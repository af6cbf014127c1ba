package ops

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/spry-engine/spry/expr"
	_ "github.com/spry-engine/spry/expr/aggregate"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// aggCollector records emitted rows as Flink prints them: +I[a, 1].
type aggCollector struct{ rows []string }

func (c *aggCollector) Emit(b *types.Batch) error {
	if err := b.Validate(); err != nil {
		return err
	}
	for i := 0; i < b.Len(); i++ {
		vals := b.Row(i)
		parts := make([]string, len(vals))
		for j, v := range vals {
			parts[j] = types.Format(v, b.Schema.Fields[j].Type, nil, "null")
		}
		c.rows = append(c.rows, b.Kind(i).String()+"["+strings.Join(parts, ", ")+"]")
	}
	return nil
}

func (c *aggCollector) take() []string { r := c.rows; c.rows = nil; return r }

var aggIn = types.NewSchema(
	types.Field{Name: "word", Type: types.String},
	types.Field{Name: "n", Type: types.BigInt},
	types.Field{Name: "flag", Type: types.Boolean},
)

// aggRows builds a batch of aggIn; a row may start with a types.RowKind.
func aggRows(rows ...[]any) *types.Batch {
	bb := types.NewBatchBuilder(aggIn)
	for _, r := range rows {
		k := types.Insert
		if rk, ok := r[0].(types.RowKind); ok {
			k, r = rk, r[1:]
		}
		for len(r) < 3 {
			r = append(r, nil)
		}
		bb.Add(k, r)
	}
	return bb.Build()
}

func aggCallOf(t testing.TB, fn string, args []int, distinct bool, filter int) AggCall {
	t.Helper()
	f := expr.Builtins.Aggregate(fn)
	bargs := make([]expr.Arg, len(args))
	names := make([]string, len(args))
	for i, a := range args {
		bargs[i] = expr.Arg{Type: aggIn.Fields[a].Type}
		names[i] = aggIn.Fields[a].Name
	}
	rt, fac, err := f.Bind(bargs, distinct)
	if err != nil {
		t.Fatal(err)
	}
	name := fn + "(" + strings.Join(names, ", ") + ")"
	if len(args) == 0 {
		name = fn + "(*)"
	}
	return AggCall{Name: name, Factory: fac, Args: args, Filter: filter, Distinct: distinct, Type: rt}
}

func newAgg(t testing.TB, cfg *AggConfig) Operator {
	t.Helper()
	if cfg.InSchema == nil {
		cfg.InSchema = aggIn
	}
	op, err := NewHashAgg(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Open(&OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil)}); err != nil {
		t.Fatal(err)
	}
	return op
}

func run(t testing.TB, op Operator, batches ...*types.Batch) []string {
	t.Helper()
	c := &aggCollector{}
	for _, b := range batches {
		if err := op.ProcessBatch(0, b, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := op.EndInput(0, c); err != nil {
		t.Fatal(err)
	}
	return c.rows
}

func TestWordCountChangelog(t *testing.T) {
	out := types.NewSchema(types.Field{Name: "word", Type: types.String}, types.Field{Name: "EXPR$1", Type: types.BigInt.NotNullable()})
	cfg := &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(t, "COUNT", nil, false, -1)}, Streaming: true, OutSchema: out}
	op := newAgg(t, cfg)
	if got, want := op.String(), "GroupAggregate(groupBy=[word], select=[word, COUNT(*) AS EXPR$1])"; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	got := run(t, op, aggRows([]any{"Apache Flink"}, []any{"cool"}, []any{"enjoyment"}, []any{"Apache Flink"}))
	want := []string{"+I[Apache Flink, 1]", "+I[cool, 1]", "+I[enjoyment, 1]", "-U[Apache Flink, 1]", "+U[Apache Flink, 2]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestStreamingChangelog(t *testing.T) {
	sum := func() []AggCall { return []AggCall{aggCallOf(t, "SUM", []int{1}, false, -1)} }
	cases := []struct {
		name      string
		keys      []int
		calls     []AggCall
		miniBatch bool
		batches   []*types.Batch
		want      []string
	}{
		{name: "retractions", keys: []int{0}, calls: sum(),
			batches: []*types.Batch{aggRows([]any{"a", int64(1)}, []any{"a", int64(2)}, []any{types.Delete, "a", int64(1)}, []any{types.UpdateBefore, "a", int64(2)})},
			want:    []string{"+I[a, 1]", "-U[a, 1]", "+U[a, 3]", "-U[a, 3]", "+U[a, 2]", "-D[a, 2]"}},
		{name: "group comes back", keys: []int{0}, calls: sum(),
			batches: []*types.Batch{aggRows([]any{"a", int64(1)}, []any{types.Delete, "a", int64(1)}, []any{"a", int64(5)}), aggRows([]any{"a", int64(1)})},
			want:    []string{"+I[a, 1]", "-D[a, 1]", "+I[a, 5]", "-U[a, 5]", "+U[a, 6]"}},
		{name: "unchanged emits nothing", keys: []int{0}, calls: []AggCall{aggCallOf(t, "MAX", []int{1}, false, -1)},
			batches: []*types.Batch{aggRows([]any{"a", int64(5)}, []any{"a", int64(3)}, []any{types.Delete, "a", int64(3)}, []any{types.Delete, "a", int64(5)})},
			want:    []string{"+I[a, 5]", "-D[a, 5]"}},
		{name: "retraction of unknown group ignored", keys: []int{0}, calls: sum(),
			batches: []*types.Batch{aggRows([]any{types.Delete, "x", int64(1)}, []any{"b", int64(2)})},
			want:    []string{"+I[b, 2]"}},
		{name: "global without keys", calls: sum(),
			batches: []*types.Batch{aggRows([]any{"a", int64(1)}, []any{"b", int64(2)}), aggRows([]any{"c", int64(3)})},
			want:    []string{"+I[1]", "-U[1]", "+U[3]", "-U[3]", "+U[6]"}},
		{name: "null key", keys: []int{0}, calls: sum(),
			batches: []*types.Batch{aggRows([]any{nil, int64(1)}, []any{nil, int64(2)})},
			want:    []string{"+I[null, 1]", "-U[null, 1]", "+U[null, 3]"}},
		{name: "mini-batch", keys: []int{0}, calls: []AggCall{aggCallOf(t, "COUNT", nil, false, -1)}, miniBatch: true,
			batches: []*types.Batch{aggRows([]any{"Apache Flink"}, []any{"cool"}, []any{"Apache Flink"}), aggRows([]any{"cool"}, []any{types.Delete, "Apache Flink"}, []any{types.Delete, "Apache Flink"})},
			want:    []string{"+I[Apache Flink, 2]", "+I[cool, 1]", "-U[cool, 1]", "+U[cool, 2]", "-D[Apache Flink, 2]"}},
		{name: "mini-batch drops leading retractions", keys: []int{0}, calls: sum(), miniBatch: true,
			batches: []*types.Batch{aggRows([]any{types.Delete, "a", int64(7)}, []any{"a", int64(1)}, []any{"a", int64(1)})},
			want:    []string{"+I[a, 2]"}},
		{name: "filter and distinct", keys: []int{0}, calls: []AggCall{aggCallOf(t, "COUNT", nil, false, 2), aggCallOf(t, "COUNT", []int{1}, true, -1)},
			batches: []*types.Batch{aggRows([]any{"a", int64(1), true}, []any{"a", int64(1), false}, []any{"a", int64(2), nil})},
			want:    []string{"+I[a, 1, 1]", "-U[a, 1, 1]", "+U[a, 1, 2]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			op := newAgg(t, &AggConfig{Keys: c.keys, Calls: c.calls, Streaming: true, MiniBatch: c.miniBatch})
			if got := run(t, op, c.batches...); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %v\nwant %v", got, c.want)
			}
		})
	}
}

func TestBatchAggregation(t *testing.T) {
	calls := func() []AggCall {
		return []AggCall{aggCallOf(t, "COUNT", nil, false, -1), aggCallOf(t, "SUM", []int{1}, false, -1),
			aggCallOf(t, "MAX", []int{0}, false, -1), aggCallOf(t, "COUNT", []int{1}, false, 2)}
	}
	in := aggRows([]any{"a", int64(1), true}, []any{"b", int64(2), false}, []any{"a", int64(3), true}, []any{"a", nil, nil})
	op := newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls()})
	got := run(t, op, in)
	sort.Strings(got)
	want := []string{"+I[a, 3, 4, a, 2]", "+I[b, 1, 2, b, 0]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if s := op.String(); !strings.HasPrefix(s, "HashAggregate(isMerge=[false], groupBy=[word], select=[word, COUNT(*) AS EXPR$0") {
		t.Errorf("String() = %s", s)
	}
	// No keys, no input: one row.
	op = newAgg(t, &AggConfig{Calls: calls()})
	if got := run(t, op); !reflect.DeepEqual(got, []string{"+I[0, null, null, 0]"}) {
		t.Errorf("empty input: %v", got)
	}
	// With keys, no input: nothing.
	op = newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls()})
	if got := run(t, op); len(got) != 0 {
		t.Errorf("empty grouped input: %v", got)
	}
}

// applyChangelog folds a changelog into the final set of rows.
func applyChangelog(rows []string) []string {
	m := map[string]int{}
	for _, r := range rows {
		if strings.HasPrefix(r, "+") {
			m[r[2:]]++
		} else {
			m[r[2:]]--
		}
	}
	var out []string
	for r, n := range m {
		for ; n > 0; n-- {
			out = append(out, "+I"+r)
		}
	}
	sort.Strings(out)
	return out
}

func wordBatches(n, words, per int) []*types.Batch {
	var out []*types.Batch
	var rows [][]any
	for i := 0; i < n; i++ {
		var r []any
		if i%7 == 3 && i > 10 {
			// retract an earlier row
			j := i - 5
			r = []any{types.Delete, fmt.Sprintf("w%d", (j*j)%words), int64(j % 11), j%3 == 0}
		} else {
			r = []any{fmt.Sprintf("w%d", (i*i)%words), int64(i % 11), i%3 == 0}
		}
		rows = append(rows, r)
		if len(rows) == per {
			out = append(out, aggRows(rows...))
			rows = nil
		}
	}
	if len(rows) > 0 {
		out = append(out, aggRows(rows...))
	}
	return out
}

func TestStreamingModesAgree(t *testing.T) {
	calls := func() []AggCall {
		return []AggCall{aggCallOf(t, "COUNT", nil, false, -1), aggCallOf(t, "SUM", []int{1}, false, -1),
			aggCallOf(t, "MIN", []int{1}, false, -1), aggCallOf(t, "COUNT", []int{1}, true, 2)}
	}
	in := wordBatches(500, 13, 64)
	perRow := applyChangelog(run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true}), in...))
	mini := applyChangelog(run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true, MiniBatch: true}), in...))
	if !reflect.DeepEqual(perRow, mini) {
		t.Errorf("per-row %v\nmini-batch %v", perRow, mini)
	}
	// Two-phase streaming: local then global.
	local := newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true, Phase: AggLocal})
	lc := &aggCollector{}
	var localOut []*types.Batch
	toGlobal := collectorFunc(func(b *types.Batch) error { localOut = append(localOut, b); return lc.Emit(b) })
	for _, b := range in {
		if err := local.ProcessBatch(0, b, toGlobal); err != nil {
			t.Fatal(err)
		}
	}
	if err := local.EndInput(0, toGlobal); err != nil { // the local phase emits its last bundle
		t.Fatal(err)
	}
	lcfg := local.(*hashAgg).cfg
	global := newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true, Phase: AggGlobal, InSchema: lcfg.OutputSchema()})
	if got := applyChangelog(run(t, global, localOut...)); !reflect.DeepEqual(got, perRow) {
		t.Errorf("local+global %v\nwant %v", got, perRow)
	}
}

type collectorFunc func(*types.Batch) error

func (f collectorFunc) Emit(b *types.Batch) error { return f(b) }

func TestBatchLocalGlobalEqualsFull(t *testing.T) {
	calls := func() []AggCall {
		return []AggCall{aggCallOf(t, "COUNT", nil, false, -1), aggCallOf(t, "AVG", []int{1}, false, -1),
			aggCallOf(t, "MAX", []int{1}, false, 2), aggCallOf(t, "COUNT", []int{1}, true, -1), aggCallOf(t, "LISTAGG", []int{0}, false, 2)}
	}
	var in []*types.Batch
	for _, b := range wordBatches(300, 7, 50) {
		kinds := b.Kinds
		if kinds == nil {
			in = append(in, b)
			continue
		}
		var keep []int32
		for i, k := range kinds {
			if k == types.Insert {
				keep = append(keep, int32(i))
			}
		}
		nb := types.NewBatch(b.Schema, b.Cols, nil, b.Len())
		in = append(in, kernel.TakeBatch(nb, keep))
	}
	full := run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls()}), in...)
	sort.Strings(full)
	var partial []*types.Batch
	lcfg := &AggConfig{Keys: []int{0}, Calls: calls(), Phase: AggLocal, InSchema: aggIn}
	for _, half := range [][]*types.Batch{in[:3], in[3:]} {
		local := newAgg(t, lcfg)
		for _, b := range half {
			if err := local.ProcessBatch(0, b, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := local.EndInput(0, collectorFunc(func(b *types.Batch) error { partial = append(partial, b); return nil })); err != nil {
			t.Fatal(err)
		}
	}
	global := newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Phase: AggGlobal, InSchema: lcfg.OutputSchema()})
	got := run(t, global, partial...)
	sort.Strings(got)
	if !reflect.DeepEqual(got, full) {
		t.Errorf("local+global %v\nfull %v", got, full)
	}
	if s := global.String(); !strings.HasPrefix(s, "HashAggregate(isMerge=[true], groupBy=[word], select=[word, Final_COUNT(*) AS EXPR$0") {
		t.Errorf("String() = %s", s)
	}
	// Batch results equal the final state of the streaming changelog.
	stream := applyChangelog(run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true}), in...))
	if !reflect.DeepEqual(stream, full) {
		t.Errorf("streaming %v\nbatch %v", stream, full)
	}
}

func TestAggSnapshotRestore(t *testing.T) {
	calls := func() []AggCall {
		return []AggCall{aggCallOf(t, "COUNT", nil, false, -1), aggCallOf(t, "SUM", []int{1}, false, -1),
			aggCallOf(t, "MAX", []int{1}, false, -1), aggCallOf(t, "COUNT", []int{1}, true, -1),
			aggCallOf(t, "FIRST_VALUE", []int{1}, false, -1), aggCallOf(t, "COLLECT", []int{1}, false, 2)}
	}
	in := wordBatches(400, 11, 40)
	for _, mini := range []bool{false, true} {
		cfg := func() *AggConfig { return &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true, MiniBatch: mini} }
		whole := run(t, newAgg(t, cfg()), in...)
		first := newAgg(t, cfg())
		head := run(t, first, in[:5]...)
		var snap bytes.Buffer
		if err := first.(Snapshotter).SnapshotState(&snap); err != nil {
			t.Fatal(err)
		}
		restored := newAgg(t, cfg())
		if err := restored.(Snapshotter).RestoreState(&snap); err != nil {
			t.Fatal(err)
		}
		tail := run(t, restored, in[5:]...)
		if got := append(head, tail...); !reflect.DeepEqual(got, whole) {
			t.Errorf("mini=%v: restored run differs:\n%v\nwant\n%v", mini, got, whole)
		}
	}
	// Batch mode too.
	cfg := func() *AggConfig { return &AggConfig{Keys: []int{0}, Calls: calls()[:4]} }
	var ins []*types.Batch
	for _, b := range wordBatches(200, 5, 40) {
		ins = append(ins, types.NewBatch(b.Schema, b.Cols, nil, b.Len()))
	}
	whole := run(t, newAgg(t, cfg()), ins...)
	first := newAgg(t, cfg())
	for _, b := range ins[:2] {
		_ = first.ProcessBatch(0, b, nil)
	}
	var snap bytes.Buffer
	if err := first.(Snapshotter).SnapshotState(&snap); err != nil {
		t.Fatal(err)
	}
	restored := newAgg(t, cfg())
	if err := restored.(Snapshotter).RestoreState(&snap); err != nil {
		t.Fatal(err)
	}
	got := run(t, restored, ins[2:]...)
	sort.Strings(got)
	sort.Strings(whole)
	if !reflect.DeepEqual(got, whole) {
		t.Errorf("batch restore %v\nwant %v", got, whole)
	}
}

func TestAggConfigErrors(t *testing.T) {
	for _, cfg := range []*AggConfig{
		nil,
		{Keys: []int{9}, InSchema: aggIn},
		{Calls: []AggCall{{Name: "X"}}, InSchema: aggIn},
	} {
		if _, err := NewHashAgg(cfg); err == nil {
			t.Errorf("NewHashAgg(%+v) = nil error", cfg)
		}
	}
}
