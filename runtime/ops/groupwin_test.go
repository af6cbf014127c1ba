package ops

import (
	"bytes"
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

var gwIn = types.NewSchema(
	types.Field{Name: "k", Type: types.String},
	types.Field{Name: "v", Type: types.BigInt},
	types.Field{Name: "ts", Type: types.DataType{Kind: types.KindTimestamp, Prec: 3, TimeAttr: types.TimeAttrRowtime}},
)

// gwStep is one step of a group window script: rows (k, v, ts in seconds),
// a watermark (seconds), a processing-time tick (seconds) or the end of
// input, and the rows expected right after it.
type gwStep struct {
	rows [][]any
	wm   int64
	tick int64
	end  bool
	want []string
}

func gwRows(rows ...[]any) gwStep { return gwStep{rows: rows} }

func gwBatch(rows [][]any) *types.Batch {
	bb := types.NewBatchBuilder(gwIn)
	for _, r := range rows {
		bb.Add(types.Insert, []any{r[0], int64(r[1].(int)), int64(r[2].(int)) * 1_000_000})
	}
	return bb.Build()
}

// gwConfig builds a config over gwIn: keys on k, SUM(v) and COUNT(*), all
// four window properties but proctime (start, end, rowtime).
func gwConfig(t *testing.T, kind GroupWindowKind, size, slide int64) *GroupWindowConfig {
	t.Helper()
	sum := gwCall(t, "SUM", []int{1})
	cnt := gwCall(t, "COUNT", nil)
	cfg := &GroupWindowConfig{Keys: []int{0}, Calls: []AggCall{sum, cnt}, Kind: kind, TimeCol: 2,
		Size: size * 1_000_000, Slide: slide * 1_000_000, Gap: size * 1_000_000,
		Props: []GroupWindowProp{GroupWinStart, GroupWinEnd, GroupWinRowtime}, Streaming: true, InSchema: gwIn}
	ts := types.DataType{Kind: types.KindTimestamp, Prec: 3}.NotNullable()
	rt := ts
	rt.TimeAttr = types.TimeAttrRowtime
	cfg.OutSchema = types.NewSchema(gwIn.Fields[0], types.Field{Name: "s", Type: sum.Type}, types.Field{Name: "c", Type: cnt.Type},
		types.Field{Name: "w$start", Type: ts}, types.Field{Name: "w$end", Type: ts}, types.Field{Name: "w$rowtime", Type: rt})
	return cfg
}

func gwCall(t *testing.T, fn string, args []int) AggCall {
	t.Helper()
	bargs := make([]expr.Arg, len(args))
	for i, a := range args {
		bargs[i] = expr.Arg{Type: gwIn.Fields[a].Type}
	}
	rt, fac, err := expr.Builtins.Aggregate(fn).Bind(bargs, false)
	if err != nil {
		t.Fatal(err)
	}
	return AggCall{Name: fn, Factory: fac, Args: args, Filter: -1, Type: rt}
}

// gwClock is a hand-driven processing-time clock.
type gwClock struct{ now int64 }

func openGW(t *testing.T, cfg *GroupWindowConfig, clock *gwClock, m *metrics.Group) *groupWindow {
	t.Helper()
	op, err := NewGroupWindow(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &OpContext{Ctx: context.Background(), Parallelism: 1, MaxParallelism: 128, Eval: expr.NewContext(nil),
		Metrics: m, Now: func() int64 { return clock.now }}
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	return op.(*groupWindow)
}

// short trims the 1970-01-01 date off printed timestamps.
func short(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.ReplaceAll(r, "1970-01-01 ", "")
	}
	return out
}

func runGW(t *testing.T, op *groupWindow, clock *gwClock, steps []gwStep) {
	t.Helper()
	c := &aggCollector{}
	for i, s := range steps {
		var err error
		switch {
		case s.rows != nil:
			err = op.ProcessBatch(0, gwBatch(s.rows), c)
		case s.end:
			if err = op.ProcessWatermark(1<<63-1, c); err == nil {
				err = op.EndInput(0, c)
			}
		case s.tick != 0:
			clock.now = s.tick * 1_000_000
			err = op.OnProcessingTime(clock.now, c)
		default:
			err = op.ProcessWatermark(s.wm*1_000_000, c)
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got := short(c.take())
		if len(got) == 0 && len(s.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, s.want) {
			t.Fatalf("step %d:\n got %q\nwant %q", i, got, s.want)
		}
	}
}

func TestGroupWindowTumbleOutOfOrderAndLate(t *testing.T) {
	m := metrics.NewRegistry().Group("gw", 0)
	clock := &gwClock{}
	op := openGW(t, gwConfig(t, GroupWinTumble, 10, 0), clock, m)
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 1}, []any{"b", 2, 12}, []any{"a", 3, 5}),
		{wm: 9}, // end - 1 ms not reached yet
		gwRows([]any{"a", 4, 9}),
		{wm: 10, want: []string{"+I[a, 8, 3, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		gwRows([]any{"a", 100, 2}, []any{"b", 5, 19}), // a@2 is late: dropped
		{end: true, want: []string{"+I[b, 7, 2, 00:00:10.000, 00:00:20.000, 00:00:19.999]"}},
	})
	if got := m.Counter(metrics.LateRecordsDropped).Value(); got != 1 {
		t.Fatalf("late rows dropped = %d, want 1", got)
	}
}

func TestGroupWindowHop(t *testing.T) {
	clock := &gwClock{}
	op := openGW(t, gwConfig(t, GroupWinHop, 10, 5), clock, nil)
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 13}, []any{"a", 2, 17}),
		{wm: 15, want: []string{"+I[a, 1, 1, 00:00:05.000, 00:00:15.000, 00:00:14.999]"}},
		{wm: 20, want: []string{"+I[a, 3, 2, 00:00:10.000, 00:00:20.000, 00:00:19.999]"}},
		{end: true, want: []string{"+I[a, 2, 1, 00:00:15.000, 00:00:25.000, 00:00:24.999]"}},
	})
}

func TestGroupWindowSessionMerge(t *testing.T) {
	clock := &gwClock{}
	op := openGW(t, gwConfig(t, GroupWinSession, 5, 0), clock, nil)
	runGW(t, op, clock, []gwStep{
		// a: sessions [0,5) and [8,13) ...
		gwRows([]any{"a", 1, 0}, []any{"a", 2, 8}, []any{"b", 7, 1}),
		// ... bridged by a row at 4 ([4,9) touches both)
		gwRows([]any{"a", 3, 4}),
		{wm: 6, want: []string{"+I[b, 7, 1, 00:00:01.000, 00:00:06.000, 00:00:05.999]"}},
		{wm: 20, want: []string{"+I[a, 6, 3, 00:00:00.000, 00:00:13.000, 00:00:12.999]"}},
	})
}

func TestGroupWindowSessionMergeInOneBatch(t *testing.T) {
	clock := &gwClock{}
	op := openGW(t, gwConfig(t, GroupWinSession, 5, 0), clock, nil)
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 0}, []any{"a", 2, 20}, []any{"a", 4, 10}, []any{"a", 8, 15}, []any{"a", 16, 5}),
		{end: true, want: []string{"+I[a, 31, 5, 00:00:00.000, 00:00:25.000, 00:00:24.999]"}},
	})
}

func TestGroupWindowEarlyFire(t *testing.T) {
	clock := &gwClock{now: 1_000_000}
	cfg := gwConfig(t, GroupWinTumble, 10, 0)
	cfg.EarlyFire, cfg.EarlyDelay = true, 2_000_000
	op := openGW(t, cfg, clock, nil)
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 1}),
		{tick: 2},
		{tick: 3, want: []string{"+I[a, 1, 1, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		gwRows([]any{"a", 2, 2}),
		{tick: 4}, // the next early firing is 2 s after the row
		{tick: 5, want: []string{
			"-U[a, 1, 1, 00:00:00.000, 00:00:10.000, 00:00:09.999]",
			"+U[a, 3, 2, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		{tick: 9}, // nothing changed: nothing fires
		gwRows([]any{"a", 4, 3}),
		{wm: 10, want: []string{
			"-U[a, 3, 2, 00:00:00.000, 00:00:10.000, 00:00:09.999]",
			"+U[a, 7, 3, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		{tick: 20}, // the pending early timer died with the window
	})
}

func TestGroupWindowAllowLateness(t *testing.T) {
	m := metrics.NewRegistry().Group("gw", 0)
	clock := &gwClock{}
	cfg := gwConfig(t, GroupWinTumble, 10, 0)
	cfg.AllowLateness = 5_000_000
	op := openGW(t, cfg, clock, m)
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 1}),
		{wm: 12, want: []string{"+I[a, 1, 1, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		// late within lateness: fires at once with a retraction
		{rows: [][]any{{"a", 2, 3}}, want: []string{
			"-U[a, 1, 1, 00:00:00.000, 00:00:10.000, 00:00:09.999]",
			"+U[a, 3, 2, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		{wm: 15},
		gwRows([]any{"a", 4, 4}), // beyond lateness (9.999 + 5 <= 15): dropped
	})
	if got := m.Counter(metrics.LateRecordsDropped).Value(); got != 1 {
		t.Fatalf("late rows dropped = %d, want 1", got)
	}
}

func TestGroupWindowProctime(t *testing.T) {
	clock := &gwClock{now: 1_000_000}
	cfg := gwConfig(t, GroupWinTumble, 10, 0)
	cfg.Proctime = true
	op := openGW(t, cfg, clock, nil)
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 500}, []any{"a", 2, 0}),
		{tick: 9},
		gwRows([]any{"a", 4, 0}),
		{tick: 10, want: []string{"+I[a, 7, 3, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		gwRows([]any{"b", 1, 0}),
		{end: true, want: []string{"+I[b, 1, 1, 00:00:10.000, 00:00:20.000, 00:00:19.999]"}},
	})
}

func TestGroupWindowBatch(t *testing.T) {
	clock := &gwClock{}
	cfg := gwConfig(t, GroupWinTumble, 10, 0)
	cfg.Streaming = false
	op := openGW(t, cfg, clock, nil)
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 11}, []any{"a", 2, 1}, []any{"b", 3, 2}),
		gwRows([]any{"a", 4, 5}),
		{end: true, want: []string{
			"+I[a, 6, 2, 00:00:00.000, 00:00:10.000, 00:00:09.999]",
			"+I[b, 3, 1, 00:00:00.000, 00:00:10.000, 00:00:09.999]",
			"+I[a, 1, 1, 00:00:10.000, 00:00:20.000, 00:00:19.999]"}},
	})
}

// TestGroupWindowSnapshotRestore checks that a run snapshotted in the
// middle and restored into a fresh operator emits what an uninterrupted
// run emits, for every window kind and with retractions.
func TestGroupWindowSnapshotRestore(t *testing.T) {
	first := [][]any{{"a", 1, 1}, {"b", 2, 4}, {"a", 3, 12}, {"c", 4, 13}}
	second := [][]any{{"a", 5, 3}, {"b", 6, 15}, {"a", 7, 14}}
	for _, tc := range []struct {
		name      string
		kind      GroupWindowKind
		size, sl  int64
		lateness  int64
		watermark int64
	}{
		{"tumble", GroupWinTumble, 10, 0, 0, 5},
		{"hop", GroupWinHop, 10, 5, 0, 5},
		{"session", GroupWinSession, 3, 0, 0, 5},
		{"tumble_lateness", GroupWinTumble, 10, 0, 20, 11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mk := func() *groupWindow {
				cfg := gwConfig(t, tc.kind, tc.size, tc.sl)
				cfg.AllowLateness = tc.lateness * 1_000_000
				return openGW(t, cfg, &gwClock{}, nil)
			}
			feed := func(op *groupWindow, c *aggCollector, rows [][]any, wm int64, end bool) {
				if err := op.ProcessBatch(0, gwBatch(rows), c); err != nil {
					t.Fatal(err)
				}
				if err := op.ProcessWatermark(wm*1_000_000, c); err != nil {
					t.Fatal(err)
				}
				if end {
					if err := op.ProcessWatermark(1<<63-1, c); err != nil {
						t.Fatal(err)
					}
					if err := op.EndInput(0, c); err != nil {
						t.Fatal(err)
					}
				}
			}
			whole := &aggCollector{}
			op := mk()
			feed(op, whole, first, tc.watermark, false)
			feed(op, whole, second, tc.watermark+1, true)

			part := &aggCollector{}
			op1 := mk()
			feed(op1, part, first, tc.watermark, false)
			var buf bytes.Buffer
			if err := op1.SnapshotState(&buf); err != nil {
				t.Fatal(err)
			}
			op2 := mk()
			if err := op2.RestoreState(&buf); err != nil {
				t.Fatal(err)
			}
			op2.wm = op1.wm // the runtime replays the watermark
			feed(op2, part, second, tc.watermark+1, true)
			sort.Strings(part.rows) // windows firing together come in any order
			sort.Strings(whole.rows)
			if !reflect.DeepEqual(part.rows, whole.rows) {
				t.Fatalf("restored run:\n%q\nuninterrupted run:\n%q", part.rows, whole.rows)
			}
		})
	}
}

// TestGroupWindowTimeZone aligns a day window of a TIMESTAMP_LTZ time
// attribute on the session time zone's midnight (Asia/Shanghai, UTC+8):
// the window's bounds are wall-clock times and it fires at the instant
// its local end is reached.
func TestGroupWindowTimeZone(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip(err)
	}
	clock := &gwClock{}
	cfg := gwConfig(t, GroupWinTumble, 86400, 0)
	cfg.Loc = loc
	op := openGW(t, cfg, clock, nil)
	// 1970-01-01 17:00 UTC is 1970-01-02 01:00 in Shanghai.
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 17 * 3600}, []any{"a", 2, 15 * 3600}),
		// 1970-01-02 00:00 Shanghai is 1970-01-01 16:00 UTC.
		{wm: 16*3600 - 1},
		{wm: 16 * 3600, want: []string{"+I[a, 2, 1, 00:00:00.000, 1970-01-02 00:00:00.000, 15:59:59.999]"}},
		{end: true, want: []string{"+I[a, 1, 1, 1970-01-02 00:00:00.000, 1970-01-03 00:00:00.000, 1970-01-02 15:59:59.999]"}},
	})
}

// TestGroupWindowLateFire batches the updates late rows cause into one
// firing per late-fire delay of processing time.
func TestGroupWindowLateFire(t *testing.T) {
	clock := &gwClock{now: 1_000_000}
	cfg := gwConfig(t, GroupWinTumble, 10, 0)
	cfg.AllowLateness, cfg.LateFire, cfg.LateDelay = 60_000_000, true, 5_000_000
	op := openGW(t, cfg, clock, nil)
	runGW(t, op, clock, []gwStep{
		gwRows([]any{"a", 1, 1}),
		{wm: 10, want: []string{"+I[a, 1, 1, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		gwRows([]any{"a", 2, 2}),
		gwRows([]any{"a", 4, 3}),
		{tick: 5},
		{tick: 6, want: []string{
			"-U[a, 1, 1, 00:00:00.000, 00:00:10.000, 00:00:09.999]",
			"+U[a, 7, 3, 00:00:00.000, 00:00:10.000, 00:00:09.999]"}},
		{wm: 70}, // 9.999 + 60 s: the window's state is gone
		gwRows([]any{"a", 8, 4}),
		{tick: 20},
	})
}
