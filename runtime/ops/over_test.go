package ops

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

var overIn = types.NewSchema(
	types.Field{Name: "k", Type: types.String},
	types.Field{Name: "ts", Type: types.DataType{Kind: types.KindTimestamp, Prec: 3}},
	types.Field{Name: "v", Type: types.BigInt},
)

// overRow is one input row: key, rowtime in seconds, value.
type overRow struct {
	k  string
	ts int64
	v  int64
}

func overBatch(rows ...overRow) *types.Batch {
	bb := types.NewBatchBuilder(overIn)
	for _, r := range rows {
		bb.Add(types.Insert, []any{r.k, r.ts * 1_000_000, r.v})
	}
	return bb.Build()
}

// overFrame is a frame as the tests name it.
type overFrame struct {
	rows       bool
	start, end OverBound
}

var (
	unboundedPre = OverBound{Unbounded: true}
	currentRow   = OverBound{Current: true}
)

func preceding(n int64) OverBound { return OverBound{Offset: n} }
func following(n int64) OverBound { return OverBound{Offset: n, Following: true} }

// overGeneric makes newOver hide the function names, so the operator
// takes the accumulator path instead of the sliding one.
var overGeneric bool

// overBatchSize is the operator's output batch size in tests: small, so
// outputs span batches.
var overBatchSize = 3

// newOver builds an OVER operator computing SUM(v), COUNT(*), MIN(v),
// MAX(v) partitioned by k and ordered by ts.
func newOver(t testing.TB, f overFrame, streaming bool, rowtime int, m *metrics.Group) Operator {
	t.Helper()
	var calls []OverCall
	for _, fn := range []string{"SUM", "COUNT", "MIN", "MAX"} {
		args := []int{2}
		bargs := []expr.Arg{{Type: types.BigInt}}
		if fn == "COUNT" {
			args, bargs = nil, nil
		}
		rt, fac, err := expr.Builtins.Aggregate(fn).Bind(bargs, false)
		if err != nil {
			t.Fatal(err)
		}
		call := OverCall{Name: fn, Func: fn, Factory: fac, Args: args, Type: rt}
		if overGeneric {
			call.Func = ""
		}
		calls = append(calls, call)
	}
	out := &types.Schema{Fields: append([]types.Field(nil), overIn.Fields...)}
	for i, c := range calls {
		out.Fields = append(out.Fields, types.Field{Name: fmt.Sprintf("w0$o%d", i), Type: c.Type})
	}
	cfg := &OverConfig{PartitionKeys: []int{0}, OrderKeys: []kernel.SortKey{{Col: 1, NullsFirst: true}},
		Rows: f.rows, Start: f.start, End: f.end, Calls: calls, Streaming: streaming, RowtimeCol: rowtime,
		InSchema: overIn, OutSchema: out}
	op, err := Build(Spec{Kind: KindOverAgg, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Open(&OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil), BatchSize: overBatchSize, Metrics: m, MaxParallelism: 128}); err != nil {
		t.Fatal(err)
	}
	return op
}

// overLines prints emitted rows as "k ts v | sum count min max".
type overLines struct{ rows []string }

func (c *overLines) Emit(b *types.Batch) error {
	if err := b.Validate(); err != nil {
		return err
	}
	for i := 0; i < b.Len(); i++ {
		r := b.Row(i)
		c.rows = append(c.rows, fmt.Sprintf("%v %v %v | %v %v %v %v", r[0], r[1].(int64)/1_000_000, r[2], r[3], r[4], r[5], r[6]))
	}
	return nil
}

// naiveOver computes the expected lines for rows processed in (ts,
// arrival) order per key, frames by definition.
func naiveOver(rows []overRow, f overFrame) []string {
	byKey := map[string][]overRow{}
	var keys []string
	for _, r := range rows {
		if _, ok := byKey[r.k]; !ok {
			keys = append(keys, r.k)
		}
		byKey[r.k] = append(byKey[r.k], r)
	}
	var out []string
	for _, k := range keys {
		p := byKey[k]
		sort.SliceStable(p, func(i, j int) bool { return p[i].ts < p[j].ts })
		for i, r := range p {
			var sum, cnt, mn, mx int64
			for j, q := range p {
				if !inFrame(p, i, j, f) {
					continue
				}
				if cnt == 0 || q.v < mn {
					mn = q.v
				}
				if cnt == 0 || q.v > mx {
					mx = q.v
				}
				sum += q.v
				cnt++
			}
			if cnt == 0 {
				out = append(out, fmt.Sprintf("%s %d %d | <nil> 0 <nil> <nil>", r.k, r.ts, r.v))
				continue
			}
			out = append(out, fmt.Sprintf("%s %d %d | %d %d %d %d", r.k, r.ts, r.v, sum, cnt, mn, mx))
		}
	}
	return out
}

func inFrame(p []overRow, i, j int, f overFrame) bool {
	pos := func(b OverBound, isStart bool) (int64, bool) { // position in rows or ts units
		switch {
		case b.Unbounded:
			if isStart {
				return -1 << 62, true
			}
			return 1 << 62, true
		case b.Current && f.rows:
			return int64(i), true
		case b.Current:
			return p[i].ts, true
		case f.rows && b.Following:
			return int64(i) + b.Offset, true
		case f.rows:
			return int64(i) - b.Offset, true
		case b.Following:
			return p[i].ts + b.Offset/1_000_000, true
		}
		return p[i].ts - b.Offset/1_000_000, true
	}
	lo, _ := pos(f.start, true)
	hi, _ := pos(f.end, false)
	x := int64(j)
	if !f.rows {
		x = p[j].ts
	}
	return x >= lo && x <= hi
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

var overFrames = map[string]overFrame{
	"rows unbounded":      {rows: true, start: unboundedPre, end: currentRow},
	"range unbounded":     {start: unboundedPre, end: currentRow},
	"rows 2 preceding":    {rows: true, start: preceding(2), end: currentRow},
	"rows 10 preceding":   {rows: true, start: preceding(10), end: currentRow},
	"range 3s preceding":  {start: preceding(3_000_000), end: currentRow},
	"rows 1 pre 2 fol":    {rows: true, start: preceding(1), end: following(2)},
	"range 2s pre 1s fol": {start: preceding(2_000_000), end: following(1_000_000)},
	"rows current only":   {rows: true, start: currentRow, end: currentRow},
	"rows whole":          {rows: true, start: unboundedPre, end: OverBound{Unbounded: true, Following: true}},
	"rows 3 pre 1 pre":    {rows: true, start: preceding(3), end: preceding(1)},
}

func randomOverRows(r *rand.Rand, n int) []overRow {
	rows := make([]overRow, n)
	for i := range rows {
		rows[i] = overRow{k: fmt.Sprintf("k%d", r.Intn(4)), ts: int64(i/3) + int64(r.Intn(3)), v: int64(r.Intn(100) - 20)}
	}
	return rows
}

// TestOverBatchMatchesNaive checks batch-mode frames against their
// definition on random rows.
func TestOverBatchMatchesNaive(t *testing.T) {
	bothPaths(t, testOverBatchMatchesNaive)
}

func testOverBatchMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	rows := randomOverRows(r, 200)
	for name, f := range overFrames {
		t.Run(name, func(t *testing.T) {
			op := newOver(t, f, false, -1, nil)
			c := &overLines{}
			for lo := 0; lo < len(rows); lo += 37 {
				if err := op.ProcessBatch(0, overBatch(rows[lo:min(lo+37, len(rows))]...), c); err != nil {
					t.Fatal(err)
				}
			}
			if err := op.EndInput(0, c); err != nil {
				t.Fatal(err)
			}
			if got, want := sorted(c.rows), sorted(naiveOver(rows, f)); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestOverRowtimeOutOfOrder feeds rows out of order within a watermark
// delay and checks each frame kind streaming gives the batch result.
func TestOverRowtimeOutOfOrder(t *testing.T) {
	bothPaths(t, testOverRowtimeOutOfOrder)
}

func testOverRowtimeOutOfOrder(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	rows := randomOverRows(r, 300)
	for name, f := range overFrames {
		if f.end != currentRow || f.start.Following {
			continue // streaming frames end at the current row
		}
		t.Run(name, func(t *testing.T) {
			op := newOver(t, f, true, 1, nil)
			c := &overLines{}
			for lo := 0; lo < len(rows); lo += 20 {
				part := rows[lo:min(lo+20, len(rows))]
				if err := op.ProcessBatch(0, overBatch(part...), c); err != nil {
					t.Fatal(err)
				}
				// Rows are at most 3 s out of order.
				if err := op.ProcessWatermark((part[len(part)-1].ts-4)*1_000_000, c); err != nil {
					t.Fatal(err)
				}
			}
			if err := op.ProcessWatermark(1<<62, c); err != nil {
				t.Fatal(err)
			}
			if got, want := sorted(c.rows), sorted(naiveOver(rows, f)); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestOverLateRows checks rows at or before the processed watermark are
// dropped and counted, and rows wait for the watermark.
func TestOverLateRows(t *testing.T) {
	reg := metrics.NewRegistry()
	g := reg.Group("over", 0)
	op := newOver(t, overFrame{rows: true, start: preceding(1), end: currentRow}, true, 1, g)
	c := &overLines{}
	step := func(wm int64, rows ...overRow) []string {
		c.rows = nil
		if len(rows) > 0 {
			if err := op.ProcessBatch(0, overBatch(rows...), c); err != nil {
				t.Fatal(err)
			}
		}
		if err := op.ProcessWatermark(wm*1_000_000, c); err != nil {
			t.Fatal(err)
		}
		return c.rows
	}
	if got := step(1, overRow{"a", 3, 10}, overRow{"a", 1, 5}); strings.Join(got, ";") != "a 1 5 | 5 1 5 5" {
		t.Fatalf("step 1: %v", got)
	}
	// ts 1 is late now (watermark 1 processed); ts 2 is not.
	if got := step(3, overRow{"a", 1, 100}, overRow{"a", 2, 7}); strings.Join(got, ";") != "a 2 7 | 12 2 5 7;a 3 10 | 17 2 7 10" {
		t.Fatalf("step 2: %v", got)
	}
	if n := g.Counter(metrics.LateRecordsDropped).Value(); n != 1 {
		t.Fatalf("late rows counted %d, want 1", n)
	}
}

// TestOverProctime processes rows on arrival, in arrival order.
func TestOverProctime(t *testing.T) {
	op := newOver(t, overFrame{rows: true, start: preceding(1), end: currentRow}, true, -1, nil)
	c := &overLines{}
	for _, b := range []*types.Batch{overBatch(overRow{"a", 5, 1}, overRow{"b", 1, 2}), overBatch(overRow{"a", 0, 3})} {
		if err := op.ProcessBatch(0, b, c); err != nil {
			t.Fatal(err)
		}
	}
	want := "a 5 1 | 1 1 1 1;b 1 2 | 2 1 2 2;a 0 3 | 4 2 1 3"
	if got := strings.Join(c.rows, ";"); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// TestOverSnapshotRestore stops a rowtime run in the middle (with rows
// still waiting for the watermark), restores its snapshot into a fresh
// operator and checks the combined output equals an uninterrupted run.
func TestOverSnapshotRestore(t *testing.T) {
	bothPaths(t, testOverSnapshotRestore)
}

func testOverSnapshotRestore(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	rows := randomOverRows(r, 240)
	for _, name := range []string{"rows unbounded", "range unbounded", "rows 2 preceding", "range 3s preceding"} {
		f := overFrames[name]
		t.Run(name, func(t *testing.T) {
			op := newOver(t, f, true, 1, nil)
			c := &overLines{}
			feed := func(op Operator, part []overRow) {
				if err := op.ProcessBatch(0, overBatch(part...), c); err != nil {
					t.Fatal(err)
				}
				if err := op.ProcessWatermark((part[len(part)-1].ts-4)*1_000_000, c); err != nil {
					t.Fatal(err)
				}
			}
			for lo := 0; lo < 120; lo += 20 {
				feed(op, rows[lo:lo+20])
			}
			var snap bytes.Buffer
			if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
				t.Fatal(err)
			}
			op2 := newOver(t, f, true, 1, nil)
			if err := op2.(Snapshotter).RestoreState(&snap); err != nil {
				t.Fatal(err)
			}
			for lo := 120; lo < len(rows); lo += 20 {
				feed(op2, rows[lo:lo+20])
			}
			if err := op2.ProcessWatermark(1<<62, c); err != nil {
				t.Fatal(err)
			}
			if got, want := sorted(c.rows), sorted(naiveOver(rows, f)); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// BenchmarkOverRows10Preceding measures a streaming SUM/COUNT/MIN/MAX over
// ROWS BETWEEN 10 PRECEDING AND CURRENT ROW on 1M rows in 1K partitions.
func BenchmarkOverRows10Preceding(b *testing.B) {
	const total, per = 1 << 20, 4096
	var batches []*types.Batch
	for lo := 0; lo < total; lo += per {
		bb := types.NewBatchBuilder(overIn)
		for i := lo; i < lo+per; i++ {
			bb.Add(types.Insert, []any{fmt.Sprintf("k%d", i%1000), int64(i) * 1000, int64(i % 97)})
		}
		batches = append(batches, bb.Build())
	}
	overBatchSize = per
	defer func() { overBatchSize = 3 }()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		op := newOver(b, overFrame{rows: true, start: preceding(10), end: currentRow}, true, 1, nil)
		for i, bt := range batches {
			if err := op.ProcessBatch(0, bt, discard{}); err != nil {
				b.Fatal(err)
			}
			if err := op.ProcessWatermark(int64((i+1)*per)*1000-1, discard{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// bothPaths runs a test with the sliding path and with accumulators.
func bothPaths(t *testing.T, f func(t *testing.T)) {
	for _, generic := range []bool{false, true} {
		t.Run(fmt.Sprintf("generic=%v", generic), func(t *testing.T) {
			overGeneric = generic
			defer func() { overGeneric = false }()
			f(t)
		})
	}
}

// TestOverStateTTL checks a partition idle for longer than the TTL
// starts afresh, for unbounded (running values) and bounded (retained
// rows) frames.
func TestOverStateTTL(t *testing.T) {
	for _, f := range []overFrame{overFrames["rows unbounded"], overFrames["rows 2 preceding"]} {
		var now int64 = 1_000_000
		cfgOp := newOver(t, f, true, -1, nil).(*overAgg)
		cfg := *cfgOp.cfg
		cfg.TTL = 10 * time.Second
		cfgOp.cfg = &cfg
		cfgOp.opCtx.Now = func() int64 { return now }
		c := &overLines{}
		feed := func(r overRow) {
			if err := cfgOp.ProcessBatch(0, overBatch(r), c); err != nil {
				t.Fatal(err)
			}
		}
		feed(overRow{"a", 1, 5})
		feed(overRow{"b", 1, 1})
		now += 6_000_000
		feed(overRow{"b", 2, 1}) // b stays fresh
		now += 6_000_000
		if err := cfgOp.OnProcessingTime(now, c); err != nil {
			t.Fatal(err)
		}
		feed(overRow{"a", 3, 7})
		feed(overRow{"b", 3, 1})
		want := "a 1 5 | 5 1 5 5;b 1 1 | 1 1 1 1;b 2 1 | 2 2 1 1;a 3 7 | 7 1 7 7;b 3 1 | 3 3 1 1"
		if got := strings.Join(c.rows, ";"); got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	}
}
