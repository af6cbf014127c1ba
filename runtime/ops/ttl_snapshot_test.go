package ops

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// ttlStep moves the clock to at (ms) and feeds b to input in.
type ttlStep struct {
	at int64
	in int
	b  *types.Batch
}

// ttlCase builds an operator with a state TTL (0: none) on a clock, and
// gives its input.
type ttlCase struct {
	name  string
	build func(t *testing.T, ttl time.Duration, now func() int64) Operator
	steps []ttlStep
}

func ttlOpen(t *testing.T, s Spec, now func() int64) Operator {
	t.Helper()
	op, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	ctx := opCtx()
	ctx.Now = now
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	return op
}

func ttlCases(t *testing.T) []ttlCase {
	word := func(ws ...string) *types.Batch {
		rows := make([][]any, len(ws))
		for i, w := range ws {
			rows[i] = []any{w}
		}
		return aggRows(rows...)
	}
	// Groups a and b come back within, at and after the TTL, with steps
	// on both sides of the sweep points (every 2.5 s): a touched at 0.5 s
	// lives at 10.6 s (judged at 10 s) but not at 13 s.
	aggSteps := []ttlStep{
		{500, 0, word("a", "b")}, {6000, 0, word("b")}, {10000, 0, word("z")}, {10600, 0, word("a")},
		{16200, 0, word("b")}, {21000, 0, word("z")}, {23000, 0, word("a", "b")}, {40000, 0, word("a")},
	}
	ld := func(k int, v string) *types.Batch { return jBatch(jLeft, "", row(k, v)) }
	rd := func(k int, v string) *types.Batch { return jBatch(jRight, "", row(k, v)) }
	x := func(v int32) *types.Batch { return batchOf(nil, []any{"x", v}) }
	dd := func(k string, v int32) *types.Batch { return dedupBatch([]any{k, int64(0), v}) }
	ov := func(k string, v int64) *types.Batch { return overBatch(overRow{k, 0, v}) }
	return []ttlCase{
		{"group aggregate", func(t *testing.T, ttl time.Duration, now func() int64) Operator {
			op, err := NewHashAgg(&AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(t, "COUNT", nil, false, -1)},
				Streaming: true, InSchema: aggIn, TTL: ttl})
			if err != nil {
				t.Fatal(err)
			}
			if err := op.Open(&OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil), Now: now}); err != nil {
				t.Fatal(err)
			}
			return op
		}, aggSteps},
		{"regular join", func(t *testing.T, ttl time.Duration, now func() int64) Operator {
			cfg := streamCfg(JoinInner, false)
			cfg.LeftTTL, cfg.RightTTL = ttl, ttl
			return ttlOpen(t, Spec{Kind: KindJoin, Config: cfg}, now)
		}, []ttlStep{
			{500, 1, rd(1, "r1")}, {6000, 0, ld(1, "l1")}, {10000, 0, ld(2, "l2")}, {10600, 0, ld(1, "l1b")},
			{14000, 1, rd(2, "r2")}, {17000, 1, rd(1, "r1b")}, {30000, 0, ld(1, "l1c")},
		}},
		{"top-n", func(t *testing.T, ttl time.Duration, now func() int64) Operator {
			cfg := topCfg(AppendFastStrategy, RowNumber, 1, false)
			cfg.TTL = ttl
			return ttlOpen(t, Spec{Kind: KindRank, Config: cfg}, now)
		}, []ttlStep{{500, 0, x(5)}, {9000, 0, x(3)}, {12000, 0, x(4)}, {23000, 0, x(2)}, {24000, 0, x(9)}, {35000, 0, x(1)}}},
		{"deduplicate", func(t *testing.T, ttl time.Duration, now func() int64) Operator {
			cfg := &DedupConfig{InSchema: dedupSchema, Keys: []int{0}, TTL: ttl}
			return ttlOpen(t, Spec{Kind: KindDedup, Config: cfg}, now)
		}, []ttlStep{{500, 0, dd("a", 1)}, {3000, 0, dd("b", 2)}, {9000, 0, dd("a", 3)}, {14000, 0, dd("b", 4)}, {19500, 0, dd("a", 5)}, {25000, 0, dd("a", 6)}}},
		{"over", func(t *testing.T, ttl time.Duration, now func() int64) Operator {
			op := newOver(t, overFrames["rows unbounded"], true, -1, nil).(*overAgg)
			cfg := *op.cfg
			cfg.TTL = ttl
			op.cfg = &cfg
			op.opCtx.Now = now
			return op
		}, []ttlStep{{500, 0, ov("a", 1)}, {3000, 0, ov("b", 2)}, {9000, 0, ov("a", 3)}, {14000, 0, ov("b", 4)}, {19500, 0, ov("a", 5)}, {25000, 0, ov("a", 6)}}},
	}
}

// runTTL feeds the steps, each after the processing-time timers a tick
// would fire, snapshotting after step restoreAt (>= 0) and going on with
// a fresh operator restored from it once the clock has moved to the next
// step. strip rewrites the snapshot as an operator without TTL writes it
// (no access times). It returns each step's output.
func runTTL(t *testing.T, c ttlCase, ttl time.Duration, restoreAt int, strip bool) []string {
	t.Helper()
	var now int64
	clock := func() int64 { return now }
	op := c.build(t, ttl, clock)
	var out []string
	for n, s := range c.steps {
		now = s.at * 1000
		if p, ok := op.(ProcessingTimeOperator); ok {
			if err := p.OnProcessingTime(now, &sliceCollector{}); err != nil {
				t.Fatal(err)
			}
		}
		col := &sliceCollector{}
		if err := op.ProcessBatch(s.in, s.b, col); err != nil {
			t.Fatalf("step %d: %v", n, err)
		}
		out = append(out, fmt.Sprintf("%d: %v", s.at, col.rows()))
		if n != restoreAt {
			continue
		}
		var snap bytes.Buffer
		if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
			t.Fatal(err)
		}
		if strip {
			// The snapshot of an operator without TTL: no access times.
			old := c.build(t, 0, clock)
			if err := old.(Snapshotter).RestoreState(bytes.NewReader(snap.Bytes())); err != nil {
				t.Fatal(err)
			}
			snap.Reset()
			if err := old.(Snapshotter).SnapshotState(&snap); err != nil {
				t.Fatal(err)
			}
		}
		now = c.steps[n+1].at * 1000
		op = c.build(t, ttl, clock)
		if err := op.(Snapshotter).RestoreState(&snap); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestTTLSurvivesRestore checks that state restored from a snapshot
// expires at the same processing time as state that was never restored,
// whenever the snapshot is taken and however late the restore happens.
func TestTTLSurvivesRestore(t *testing.T) {
	for _, c := range ttlCases(t) {
		t.Run(c.name, func(t *testing.T) {
			want := runTTL(t, c, 10*time.Second, -1, false)
			if forever := runTTL(t, c, 0, -1, false); slices.Equal(want, forever) {
				t.Fatalf("the TTL changes nothing: %q", want)
			}
			for at := 0; at < len(c.steps)-1; at++ {
				if got := runTTL(t, c, 10*time.Second, at, false); !slices.Equal(got, want) {
					t.Errorf("restored after step %d:\ngot  %q\nwant %q", at, got, want)
				}
			}
		})
	}
}

// TestTTLRestoresSnapshotWithoutAccessTimes restores snapshots written
// without TTL (as by earlier engines): they restore, their entries
// counting as accessed at the restore.
func TestTTLRestoresSnapshotWithoutAccessTimes(t *testing.T) {
	for _, c := range ttlCases(t) {
		t.Run(c.name, func(t *testing.T) {
			// After the first step, restored entries are stamped with the
			// second step's time: the output is that of a run whose
			// first step's rows came at the second step's time.
			got := runTTL(t, c, 10*time.Second, 0, true)
			shifted := c
			shifted.steps = append([]ttlStep{{c.steps[1].at, c.steps[0].in, c.steps[0].b}}, c.steps[1:]...)
			want := runTTL(t, shifted, 10*time.Second, -1, false)
			want[0] = got[0]
			if !slices.Equal(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}
