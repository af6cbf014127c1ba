package ops

import (
	"bytes"
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

const minute = int64(60_000_000) // µs

var winIn = types.NewSchema(
	types.Field{Name: "k", Type: types.String},
	types.Field{Name: "v", Type: types.BigInt},
	types.Field{Name: "ts", Type: types.DataType{Kind: types.KindTimestamp, Prec: 3, TimeAttr: types.TimeAttrRowtime}},
)

// winRows builds a batch of winIn from (k, v, minute) triples.
func winRows(rows ...[3]any) *types.Batch {
	bb := types.NewBatchBuilder(winIn)
	for _, r := range rows {
		bb.Add(types.Insert, []any{r[0], int64(r[1].(int)), int64(r[2].(int)) * minute})
	}
	return bb.Build()
}

func winCall(t testing.TB, fn string, args []int, distinct bool) AggCall {
	t.Helper()
	f := expr.Builtins.Aggregate(fn)
	bargs := make([]expr.Arg, len(args))
	for i, a := range args {
		bargs[i] = expr.Arg{Type: winIn.Fields[a].Type}
	}
	rt, fac, err := f.Bind(bargs, distinct)
	if err != nil {
		t.Fatal(err)
	}
	return AggCall{Name: fn, Factory: fac, Args: args, Filter: -1, Distinct: distinct, Type: rt}
}

// winConfig is GROUP BY k, window_start, window_end with COUNT(*), SUM(v).
func winConfig(t testing.TB, w WindowAssigner, keys []int) *WindowAggConfig {
	calls := []AggCall{winCall(t, "COUNT", nil, false), winCall(t, "SUM", []int{1}, false)}
	ts := types.DataType{Kind: types.KindTimestamp, Prec: 3, NotNull: true}
	var fs []types.Field
	for _, k := range keys {
		fs = append(fs, winIn.Fields[k])
	}
	for _, c := range calls {
		fs = append(fs, types.Field{Name: c.Name, Type: c.Type})
	}
	fs = append(fs, types.Field{Name: "window_start", Type: ts}, types.Field{Name: "window_end", Type: ts})
	return &WindowAggConfig{Window: w, Keys: keys, Calls: calls, Props: []int{PropWindowStart, PropWindowEnd},
		InSchema: winIn, OutSchema: types.NewSchema(fs...)}
}

type winStep struct {
	in   *types.Batch // rows, or nil
	wm   int64        // watermark in minutes when in is nil (-1: end of input)
	want []string     // emitted rows, sorted
}

func newWinOp(t testing.TB, cfg *WindowAggConfig, reg *metrics.Registry, batch bool) Operator {
	t.Helper()
	op, err := NewWindowAgg(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &OpContext{Ctx: context.Background(), Parallelism: 1, MaxParallelism: 128, Eval: expr.NewContext(nil), Batch: batch}
	if reg != nil {
		ctx.Metrics = reg.Group("win", 0)
	}
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	return op
}

func runSteps(t *testing.T, op Operator, steps []winStep) {
	t.Helper()
	for i, s := range steps {
		c := &aggCollector{}
		var err error
		switch {
		case s.in != nil:
			err = op.ProcessBatch(0, s.in, c)
		case s.wm < 0:
			err = op.EndInput(0, c)
		default:
			err = op.ProcessWatermark(s.wm*minute, c)
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got := c.take()
		sort.Strings(got)
		if len(got) == 0 && len(s.want) == 0 {
			continue
		}
		want := append([]string(nil), s.want...)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d:\n got %q\nwant %q", i, got, s.want)
		}
	}
}

func TestWindowAggregate(t *testing.T) {
	tests := []struct {
		name  string
		w     WindowAssigner
		keys  []int
		steps []winStep
		late  int64
	}{
		{
			name: "tumble out of order with a late row",
			w:    WindowAssigner{Kind: WindowTumble, TimeCol: 2, Size: 10 * minute},
			keys: []int{0},
			steps: []winStep{
				{in: winRows([3]any{"a", 1, 1}, [3]any{"b", 2, 12}, [3]any{"a", 3, 9})},
				{wm: 9}, // 10:00 - 1 ms not reached
				{in: winRows([3]any{"a", 4, 5})},
				{wm: 10, want: []string{"+I[a, 3, 8, 1970-01-01 00:00:00.000, 1970-01-01 00:10:00.000]"}},
				{in: winRows([3]any{"a", 100, 2}, [3]any{"b", 5, 19})}, // a@2 is late
				{wm: -1, want: []string{"+I[b, 2, 7, 1970-01-01 00:10:00.000, 1970-01-01 00:20:00.000]"}},
			},
			late: 1,
		},
		{
			name: "tumble with offset, no keys",
			w:    WindowAssigner{Kind: WindowTumble, TimeCol: 2, Size: 10 * minute, Offset: 3 * minute},
			steps: []winStep{
				{in: winRows([3]any{"a", 1, 2}, [3]any{"b", 2, 3}, [3]any{"a", 3, 12}, [3]any{"a", 4, 13})},
				{wm: -1, want: []string{
					"+I[1, 4, 1970-01-01 00:13:00.000, 1970-01-01 00:23:00.000]",
					"+I[2, 5, 1970-01-01 00:03:00.000, 1970-01-01 00:13:00.000]",
					"+I[1, 1, 1969-12-31 23:53:00.000, 1970-01-01 00:03:00.000]",
				}},
			},
		},
		{
			name: "hop",
			w:    WindowAssigner{Kind: WindowHop, TimeCol: 2, Size: 10 * minute, Slide: 5 * minute},
			keys: []int{0},
			steps: []winStep{
				{in: winRows([3]any{"a", 1, 1}, [3]any{"a", 2, 7})},
				{wm: 5, want: []string{"+I[a, 1, 1, 1969-12-31 23:55:00.000, 1970-01-01 00:05:00.000]"}},
				{in: winRows([3]any{"a", 50, 4})}, // its slice [0, 5) fired: late
				{wm: -1, want: []string{
					"+I[a, 1, 2, 1970-01-01 00:05:00.000, 1970-01-01 00:15:00.000]",
					"+I[a, 2, 3, 1970-01-01 00:00:00.000, 1970-01-01 00:10:00.000]",
				}},
			},
			late: 1,
		},
		{
			name: "cumulate",
			w:    WindowAssigner{Kind: WindowCumulate, TimeCol: 2, Size: 10 * minute, Slide: 5 * minute},
			keys: []int{0},
			steps: []winStep{
				{in: winRows([3]any{"a", 1, 1}, [3]any{"a", 2, 7}, [3]any{"a", 4, 11})},
				{wm: 5, want: []string{"+I[a, 1, 1, 1970-01-01 00:00:00.000, 1970-01-01 00:05:00.000]"}},
				{wm: 10, want: []string{"+I[a, 2, 3, 1970-01-01 00:00:00.000, 1970-01-01 00:10:00.000]"}},
				// One row in two windows and one late row: as many windows as rows.
				{in: winRows([3]any{"a", 7, 12}, [3]any{"a", 1000, 3})},
				{wm: -1, want: []string{"+I[a, 2, 11, 1970-01-01 00:10:00.000, 1970-01-01 00:15:00.000]", "+I[a, 2, 11, 1970-01-01 00:10:00.000, 1970-01-01 00:20:00.000]"}},
			},
			late: 1,
		},
		{
			// The time column holds window ends assigned upstream.
			name: "attached hop",
			w:    WindowAssigner{Kind: WindowHop, TimeCol: 2, Size: 10 * minute, Slide: 5 * minute, Attached: true},
			keys: []int{0},
			steps: []winStep{
				{in: winRows([3]any{"a", 1, 10}, [3]any{"a", 2, 15}, [3]any{"a", 3, 10})},
				{wm: 10, want: []string{"+I[a, 2, 4, 1970-01-01 00:00:00.000, 1970-01-01 00:10:00.000]"}},
				{in: winRows([3]any{"a", 9, 10})}, // its window fired: late
				{wm: -1, want: []string{"+I[a, 1, 2, 1970-01-01 00:05:00.000, 1970-01-01 00:15:00.000]"}},
			},
			late: 1,
		},
		{
			name: "session merging",
			w:    WindowAssigner{Kind: WindowSession, TimeCol: 2, Gap: 5 * minute},
			keys: []int{0},
			steps: []winStep{
				{in: winRows([3]any{"a", 1, 1}, [3]any{"a", 2, 12}, [3]any{"b", 3, 2})},
				{in: winRows([3]any{"a", 4, 6}, [3]any{"a", 8, 11})}, // bridges [1, 6) and [12, 17)
				{wm: 7, want: []string{"+I[b, 1, 3, 1970-01-01 00:02:00.000, 1970-01-01 00:07:00.000]"}},
				{in: winRows([3]any{"b", 9, 1})}, // late: its own session ended
				{wm: 17, want: []string{"+I[a, 4, 15, 1970-01-01 00:01:00.000, 1970-01-01 00:17:00.000]"}},
				{in: winRows([3]any{"a", 5, 30}, [3]any{"a", 6, 33})},
				{wm: -1, want: []string{"+I[a, 2, 11, 1970-01-01 00:30:00.000, 1970-01-01 00:38:00.000]"}},
			},
			late: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := metrics.NewRegistry()
			op := newWinOp(t, winConfig(t, tc.w, tc.keys), reg, false)
			runSteps(t, op, tc.steps)
			if got := reg.Group("win", 0).Counter(metrics.LateRecordsDropped).Value(); got != tc.late {
				t.Fatalf("late rows = %d, want %d", got, tc.late)
			}
		})
	}
}

// TestWindowAggregateDistinct is the PV/UV shape: COUNT(*) and
// COUNT(DISTINCT k) per window.
func TestWindowAggregateDistinct(t *testing.T) {
	cfg := winConfig(t, WindowAssigner{Kind: WindowTumble, TimeCol: 2, Size: 60 * minute}, nil)
	cfg.Calls[1] = winCall(t, "COUNT", []int{0}, true)
	cfg.OutSchema.Fields[1].Type = cfg.Calls[1].Type
	op := newWinOp(t, cfg, nil, false)
	runSteps(t, op, []winStep{
		{in: winRows([3]any{"u1", 0, 1}, [3]any{"u2", 0, 2}, [3]any{"u1", 0, 3}, [3]any{"u3", 0, 61})},
		{in: winRows([3]any{"u1", 0, 59}, [3]any{"u3", 0, 62})},
		{wm: -1, want: []string{
			"+I[2, 1, 1970-01-01 01:00:00.000, 1970-01-01 02:00:00.000]",
			"+I[4, 2, 1970-01-01 00:00:00.000, 1970-01-01 01:00:00.000]",
		}},
	})
}

// TestWindowAggregateBatchMode: no row is late in batch mode, everything
// fires at the end of input.
func TestWindowAggregateBatchMode(t *testing.T) {
	op := newWinOp(t, winConfig(t, WindowAssigner{Kind: WindowTumble, TimeCol: 2, Size: 10 * minute}, []int{0}), nil, true)
	runSteps(t, op, []winStep{
		{in: winRows([3]any{"a", 1, 15}, [3]any{"a", 2, 1})},
		{in: winRows([3]any{"a", 3, 2})},
		{wm: -1, want: []string{
			"+I[a, 1, 1, 1970-01-01 00:10:00.000, 1970-01-01 00:20:00.000]",
			"+I[a, 2, 5, 1970-01-01 00:00:00.000, 1970-01-01 00:10:00.000]",
		}},
	})
}

func TestWindowAggregateProctime(t *testing.T) {
	cfg := winConfig(t, WindowAssigner{Kind: WindowTumble, TimeCol: 2, Size: 10 * minute, Proctime: true}, []int{0})
	op, err := NewWindowAgg(cfg)
	if err != nil {
		t.Fatal(err)
	}
	now := 3 * minute
	ctx := &OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil), Now: func() int64 { return now }}
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	c := &aggCollector{}
	// The column's values are ignored: processing time is the clock's.
	if err := op.ProcessBatch(0, winRows([3]any{"a", 1, 100}, [3]any{"a", 2, 500}), c); err != nil {
		t.Fatal(err)
	}
	pt := op.(ProcessingTimeOperator)
	if err := pt.OnProcessingTime(9*minute, c); err != nil || len(c.rows) != 0 {
		t.Fatalf("fired early: %v %v", c.rows, err)
	}
	if err := pt.OnProcessingTime(10*minute, c); err != nil {
		t.Fatal(err)
	}
	want := []string{"+I[a, 2, 3, 1970-01-01 00:00:00.000, 1970-01-01 00:10:00.000]"}
	if !reflect.DeepEqual(c.rows, want) {
		t.Fatalf("got %q want %q", c.rows, want)
	}
}

// TestWindowAggregateRestore snapshots mid-stream (after a window fired),
// restores into a fresh operator and checks it finishes with the same
// output as an operator that ran through.
func TestWindowAggregateRestore(t *testing.T) {
	for _, w := range []WindowAssigner{
		{Kind: WindowTumble, TimeCol: 2, Size: 10 * minute},
		{Kind: WindowHop, TimeCol: 2, Size: 10 * minute, Slide: 5 * minute},
		{Kind: WindowCumulate, TimeCol: 2, Size: 10 * minute, Slide: 5 * minute},
		{Kind: WindowSession, TimeCol: 2, Gap: 5 * minute},
	} {
		t.Run(w.Kind.String(), func(t *testing.T) {
			first := winRows([3]any{"a", 1, 1}, [3]any{"b", 2, 3}, [3]any{"a", 3, 8}, [3]any{"b", 4, 12})
			second := winRows([3]any{"a", 4, 9}, [3]any{"b", 5, 21}, [3]any{"a", 6, 14})
			feed := func(op Operator, c Collector, b *types.Batch, wm int64) {
				if err := op.ProcessBatch(0, b, c); err != nil {
					t.Fatal(err)
				}
				if err := op.ProcessWatermark(wm*minute, c); err != nil {
					t.Fatal(err)
				}
			}
			ref := newWinOp(t, winConfig(t, w, []int{0}), nil, false)
			rc := &aggCollector{}
			feed(ref, rc, first, 5)
			rc.take()
			feed(ref, rc, second, 5)
			if err := ref.EndInput(0, rc); err != nil {
				t.Fatal(err)
			}
			want := rc.take()
			sort.Strings(want)

			op := newWinOp(t, winConfig(t, w, []int{0}), nil, false)
			feed(op, &aggCollector{}, first, 5)
			var buf bytes.Buffer
			if err := op.(Snapshotter).SnapshotState(&buf); err != nil {
				t.Fatal(err)
			}
			restored := newWinOp(t, winConfig(t, w, []int{0}), nil, false)
			if err := restored.(Snapshotter).RestoreState(&buf); err != nil {
				t.Fatal(err)
			}
			c := &aggCollector{}
			feed(restored, c, second, 5)
			if err := restored.EndInput(0, c); err != nil {
				t.Fatal(err)
			}
			got := c.take()
			sort.Strings(got)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after restore:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestWindowTVF(t *testing.T) {
	ts := types.DataType{Kind: types.KindTimestamp, Prec: 3, NotNull: true}
	out := types.NewSchema(append(append([]types.Field(nil), winIn.Fields...),
		types.Field{Name: "window_start", Type: ts}, types.Field{Name: "window_end", Type: ts},
		types.Field{Name: "window_time", Type: ts})...)
	op, err := NewWindowTVF(&WindowTVFConfig{Window: WindowAssigner{Kind: WindowHop, TimeCol: 2, Size: 10 * minute, Slide: 5 * minute},
		InSchema: winIn, OutSchema: out})
	if err != nil {
		t.Fatal(err)
	}
	got := run(t, op, winRows([3]any{"a", 1, 7}))
	want := []string{
		"+I[a, 1, 1970-01-01 00:07:00.000, 1970-01-01 00:00:00.000, 1970-01-01 00:10:00.000, 1970-01-01 00:09:59.999]",
		"+I[a, 1, 1970-01-01 00:07:00.000, 1970-01-01 00:05:00.000, 1970-01-01 00:15:00.000, 1970-01-01 00:14:59.999]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// pipe feeds what an operator emits into the next one.
type pipe struct {
	next Operator
}

func (p pipe) Emit(b *types.Batch) error { return p.next.ProcessBatch(0, b, &aggCollector{}) }

// TestWindowAggregateTwoPhase: a local phase piped into a global phase
// emits what one phase emits, late rows included.
func TestWindowAggregateTwoPhase(t *testing.T) {
	for _, w := range []WindowAssigner{
		{Kind: WindowTumble, TimeCol: 2, Size: 10 * minute},
		{Kind: WindowHop, TimeCol: 2, Size: 10 * minute, Slide: 5 * minute},
		{Kind: WindowCumulate, TimeCol: 2, Size: 10 * minute, Slide: 5 * minute},
	} {
		t.Run(w.Kind.String(), func(t *testing.T) {
			steps := []struct {
				in *types.Batch
				wm int64
			}{
				{winRows([3]any{"a", 1, 1}, [3]any{"b", 2, 3}, [3]any{"a", 3, 8}, [3]any{"a", 5, 2}), 5},
				{winRows([3]any{"a", 4, 9}, [3]any{"b", 100, 4}, [3]any{"a", 6, 14}), 12},
				{winRows([3]any{"b", 7, 13}, [3]any{"b", 8, 31}), 20},
			}
			full := newWinOp(t, winConfig(t, w, []int{0}), nil, false)
			lcfg := winConfig(t, w, []int{0})
			lcfg.Phase = AggLocal
			lcfg.OutSchema = WindowLocalSchema(lcfg)
			local := newWinOp(t, lcfg, nil, false)
			gcfg := winConfig(t, w, []int{0})
			gcfg.Phase, gcfg.Keys, gcfg.InSchema = AggGlobal, []int{0}, lcfg.OutSchema
			gcfg.Window.TimeCol = 1
			for i := range gcfg.Calls {
				gcfg.Calls[i].Args = nil
			}
			global := newWinOp(t, gcfg, nil, false)
			fc, gc := &aggCollector{}, &aggCollector{}
			for _, s := range steps {
				if err := full.ProcessBatch(0, s.in, fc); err != nil {
					t.Fatal(err)
				}
				if err := local.ProcessBatch(0, s.in, pipe{global}); err != nil {
					t.Fatal(err)
				}
				if err := full.ProcessWatermark(s.wm*minute, fc); err != nil {
					t.Fatal(err)
				}
				if err := global.ProcessWatermark(s.wm*minute, gc); err != nil {
					t.Fatal(err)
				}
			}
			if err := full.EndInput(0, fc); err != nil {
				t.Fatal(err)
			}
			if err := global.EndInput(0, gc); err != nil {
				t.Fatal(err)
			}
			want, got := fc.take(), gc.take()
			sort.Strings(want)
			sort.Strings(got)
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Fatalf("two phases:\n got %q\nwant %q", got, want)
			}
		})
	}
}
