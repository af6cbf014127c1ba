package ops

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spry-engine/spry/types"
)

// Time-join test schemas: (k INT, ts TIMESTAMP(3) *ROWTIME*, v STRING).
var (
	tsRowtime = types.DataType{Kind: types.KindTimestamp, Prec: 3, TimeAttr: types.TimeAttrRowtime}
	tLeft     = types.NewSchema(types.Field{Name: "k", Type: types.Int}, types.Field{Name: "ts", Type: tsRowtime}, types.Field{Name: "v", Type: types.String})
	tRight    = types.NewSchema(types.Field{Name: "k0", Type: types.Int}, types.Field{Name: "ts0", Type: tsRowtime}, types.Field{Name: "w", Type: types.String})
)

// timeStep is one step of a time-join test: rows into a side, or a
// watermark (input -1, wm in seconds), and the rows it must emit.
type timeStep struct {
	input int
	kinds string // row kinds as jBatch takes them; "" for all +I
	rows  [][]any
	wm    int64
	want  []string
}

// tr is a row (k, ts seconds, v).
func tr(k any, sec int64, v string) []any {
	if i, ok := k.(int); ok {
		k = int32(i)
	}
	return []any{k, sec * 1_000_000, v}
}

func tl(rows ...[]any) timeStep { return timeStep{input: 0, rows: rows} }
func tR(rows ...[]any) timeStep { return timeStep{input: 1, rows: rows} }

// tlk feeds left rows of the given kinds.
func tlk(kinds string, rows ...[]any) timeStep { return timeStep{input: 0, kinds: kinds, rows: rows} }

// tRk feeds right rows of the given kinds.
func tRk(kinds string, rows ...[]any) timeStep { return timeStep{input: 1, kinds: kinds, rows: rows} }
func twm(sec int64) timeStep                   { return timeStep{input: -1, wm: sec * 1_000_000} }
func tend() timeStep                           { return timeStep{input: -1, wm: math.MaxInt64} }

func (s timeStep) emits(want ...string) timeStep { s.want = want; return s }

// timeRows prints output rows as +I[k, sec, v, k0, sec, w] with
// timestamps in seconds.
func timeRows(t *testing.T, c *sliceCollector) []string {
	t.Helper()
	var out []string
	for _, b := range c.batches {
		if err := b.Validate(); err != nil {
			t.Fatalf("invalid output batch: %v", err)
		}
		for i := 0; i < b.Len(); i++ {
			vals := make([]string, len(b.Cols))
			for c, a := range b.Cols {
				v := types.Value(a, i)
				switch {
				case v == nil:
					vals[c] = "null"
				case b.Schema.Fields[c].Type.Kind == types.KindTimestamp:
					vals[c] = fmt.Sprint(v.(int64) / 1_000_000)
				default:
					vals[c] = fmt.Sprint(v)
				}
			}
			out = append(out, b.Kind(i).String()+"["+strings.Join(vals, ", ")+"]")
		}
	}
	return out
}

// wmCollector also records the watermarks an operator forwards.
type wmCollector struct {
	sliceCollector
	wms []int64
}

func (c *wmCollector) EmitWatermark(ts int64) error { c.wms = append(c.wms, ts); return nil }

// runTimeJoin feeds steps to a fresh operator of spec, checking each
// step's output; with restoreAt >= 0 the state is snapshotted after that
// step and the rest runs on a fresh operator restored from it.
func runTimeJoin(t *testing.T, spec Spec, left, right *types.Schema, steps []timeStep, restoreAt int) Operator {
	t.Helper()
	op := mustBuild(t, spec)
	for n, s := range steps {
		c := &wmCollector{}
		var err error
		switch s.input {
		case -1:
			err = op.ProcessWatermark(s.wm, c)
		case 0:
			err = op.ProcessBatch(0, jBatch(left, s.kinds, s.rows...), c)
		case 1:
			err = op.ProcessBatch(1, jBatch(right, s.kinds, s.rows...), c)
		}
		if err != nil {
			t.Fatalf("step %d: %v", n, err)
		}
		got := timeRows(t, &c.sliceCollector)
		slices.Sort(got)
		want := slices.Clone(s.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("step %d (restore at %d): got %q, want %q", n, restoreAt, got, want)
		}
		if n == restoreAt {
			var snap bytes.Buffer
			if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
				t.Fatal(err)
			}
			op = mustBuild(t, spec)
			if err := op.(Snapshotter).RestoreState(&snap); err != nil {
				t.Fatal(err)
			}
			// Operator time is not state: the next watermark restores it.
			if s.input == -1 {
				if err := op.ProcessWatermark(s.wm, &wmCollector{}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return op
}

// intervalCfg joins on k with right.ts - 2s <= left.ts <= right.ts + 1s.
func intervalCfg(jt JoinType) *IntervalJoinConfig {
	return &IntervalJoinConfig{
		Type: jt, LeftKeys: []int{0}, RightKeys: []int{0},
		LeftSchema: tLeft, RightSchema: tRight, OutSchema: concatSchemas(tLeft, tRight),
		RowTime: true, LeftTime: 1, RightTime: 1, LeftLower: -2_000_000, LeftUpper: 1_000_000,
	}
}

func TestIntervalJoin(t *testing.T) {
	tests := []struct {
		name  string
		jt    JoinType
		steps []timeStep
	}{
		{"inner", JoinInner, []timeStep{
			tl(tr(1, 10, "a"), tr(2, 10, "b")),
			tR(tr(1, 11, "x")).emits("+I[1, 10, a, 1, 11, x]"),
			tR(tr(1, 13, "y"), tr(1, 9, "z")).emits("+I[1, 10, a, 1, 9, z]"), // 13 is too far
			twm(12), // left rows <= 9 and right rows <= 10 expire
			tl(tr(1, 12, "c")).emits("+I[1, 12, c, 1, 11, x]", "+I[1, 12, c, 1, 13, y]"),
			// Out of order but not late: right rows 11 and 13 are kept.
			tl(tr(1, 11, "d")).emits("+I[1, 11, d, 1, 11, x]", "+I[1, 11, d, 1, 13, y]"),
			tend(),
		}},
		{"left outer padded on expiry", JoinLeft, []timeStep{
			tl(tr(1, 10, "a"), tr(2, 10, "b")),
			tR(tr(1, 11, "x")).emits("+I[1, 10, a, 1, 11, x]"),
			twm(11),
			twm(13).emits("+I[2, 10, b, null, null, null]"),
			tl(tr(3, 20, "c")),
			tend().emits("+I[3, 20, c, null, null, null]"),
		}},
		{"right outer", JoinRight, []timeStep{
			tR(tr(1, 10, "x"), tr(2, 10, "y")),
			tl(tr(1, 9, "a")).emits("+I[1, 9, a, 1, 10, x]"),
			twm(20).emits("+I[null, null, null, 2, 10, y]"),
		}},
		{"full outer", JoinFull, []timeStep{
			tR(tr(2, 10, "y")),
			tl(tr(1, 10, "a")),
			tend().emits("+I[1, 10, a, null, null, null]", "+I[null, null, null, 2, 10, y]"),
		}},
	}
	for _, tc := range tests {
		for restoreAt := -1; restoreAt < len(tc.steps); restoreAt++ {
			t.Run(fmt.Sprintf("%s/restore%d", tc.name, restoreAt), func(t *testing.T) {
				runTimeJoin(t, Spec{Kind: KindIntervalJoin, Config: intervalCfg(tc.jt)}, tLeft, tRight, tc.steps, restoreAt)
			})
		}
	}
}

func TestIntervalJoinLateRows(t *testing.T) {
	op := runTimeJoin(t, Spec{Kind: KindIntervalJoin, Config: intervalCfg(JoinInner)}, tLeft, tRight, []timeStep{
		tR(tr(1, 20, "x")),
		twm(20),
		// Left 5 needs right rows in [4, 7]: all of them are late now.
		tl(tr(1, 5, "late")),
		// Left 19 still joins the stored right row 20.
		tl(tr(1, 19, "ok")).emits("+I[1, 19, ok, 1, 20, x]"),
	}, -1)
	if n := op.(*intervalJoin).late.Value(); n != 1 {
		t.Fatalf("late rows counted: %d, want 1", n)
	}
}

func TestIntervalJoinWatermarkDelay(t *testing.T) {
	op := mustBuild(t, Spec{Kind: KindIntervalJoin, Config: intervalCfg(JoinInner)})
	c := &wmCollector{}
	for _, wm := range []int64{10_000_000, math.MaxInt64} {
		if err := op.ProcessWatermark(wm, c); err != nil {
			t.Fatal(err)
		}
	}
	if want := []int64{8_000_000, math.MaxInt64}; !slices.Equal(c.wms, want) {
		t.Fatalf("forwarded watermarks %v, want %v", c.wms, want)
	}
}

func TestIntervalJoinStateShrinks(t *testing.T) {
	op := mustBuild(t, Spec{Kind: KindIntervalJoin, Config: intervalCfg(JoinInner)})
	c := &wmCollector{}
	for s := int64(0); s < 100; s++ {
		if err := op.ProcessBatch(0, jBatch(tLeft, "", tr(int(s%7), s, "a")), c); err != nil {
			t.Fatal(err)
		}
		if err := op.ProcessBatch(1, jBatch(tRight, "", tr(int(s%7), s, "x")), c); err != nil {
			t.Fatal(err)
		}
		if err := op.ProcessWatermark(s*1_000_000, c); err != nil {
			t.Fatal(err)
		}
	}
	j := op.(*intervalJoin)
	if l, r := j.sides[0].live, j.sides[1].live; l > 3 || r > 3 {
		t.Fatalf("state not cleaned: %d left and %d right rows kept", l, r)
	}
	live := 0
	for _, ch := range j.sides[0].chunks {
		if ch != nil {
			live++
		}
	}
	if live > 3 {
		t.Fatalf("%d chunks still held", live)
	}
}

func TestIntervalJoinProcTime(t *testing.T) {
	cfg := intervalCfg(JoinLeft)
	cfg.RowTime = false
	op := mustBuild(t, Spec{Kind: KindIntervalJoin, Config: cfg})
	j := op.(*intervalJoin)
	now := int64(100_000_000)
	j.now = func() int64 { return now }
	c := &wmCollector{}
	// Rows take the clock as their time: both arrive at 100 s and join.
	if err := op.ProcessBatch(0, jBatch(tLeft, "", tr(1, 0, "a"), tr(2, 0, "b")), c); err != nil {
		t.Fatal(err)
	}
	if err := op.ProcessBatch(1, jBatch(tRight, "", tr(1, 0, "x")), c); err != nil {
		t.Fatal(err)
	}
	if got := timeRows(t, &c.sliceCollector); !slices.Equal(got, []string{"+I[1, 0, a, 1, 0, x]"}) {
		t.Fatalf("got %q", got)
	}
	// Three seconds later left rows of 100 s have expired (lower bound
	// -2 s): b goes out padded.
	c = &wmCollector{}
	now += 3_000_000
	if err := op.(ProcessingTimeOperator).OnProcessingTime(now, c); err != nil {
		t.Fatal(err)
	}
	if got := timeRows(t, &c.sliceCollector); !slices.Equal(got, []string{"+I[2, 0, b, null, null, null]"}) {
		t.Fatalf("after expiry got %q", got)
	}
}

func TestIntervalJoinWithoutKeys(t *testing.T) {
	cfg := intervalCfg(JoinInner)
	cfg.LeftKeys, cfg.RightKeys = nil, nil
	runTimeJoin(t, Spec{Kind: KindIntervalJoin, Config: cfg}, tLeft, tRight, []timeStep{
		tl(tr(1, 10, "a"), tr(2, 20, "b")),
		tR(tr(7, 11, "x")).emits("+I[1, 10, a, 7, 11, x]"),
		tend(),
	}, 0)
}
