package ops

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// winSchema is a window TVF's output: a key, a value and the window end.
var winSchema = types.NewSchema(
	types.Field{Name: "k", Type: types.String},
	types.Field{Name: "v", Type: types.Int},
	types.Field{Name: "window_end", Type: types.Timestamp(3).NotNullable()},
)

func winBatch(rows ...[]any) *types.Batch {
	bb := types.NewBatchBuilder(winSchema)
	for _, r := range rows {
		bb.Add(types.Insert, r)
	}
	return bb.Build()
}

// timedStep feeds a batch (if any) and then a watermark (if not
// MinInt64) and expects the output of both.
type timedStep struct {
	rows      [][]any
	watermark int64
	want      []string
}

func runTimed(t *testing.T, build func() Operator, schemaOf func(...[]any) *types.Batch, steps []timedStep, restoreAt int) *metrics.Registry {
	t.Helper()
	reg := metrics.NewRegistry()
	open := func() Operator {
		op := build()
		ctx := opCtx()
		ctx.Metrics = reg.Group("op", 0)
		if err := op.Open(ctx); err != nil {
			t.Fatal(err)
		}
		return op
	}
	op := open()
	for n, s := range steps {
		c := &sliceCollector{}
		if len(s.rows) > 0 {
			if err := op.ProcessBatch(0, schemaOf(s.rows...), c); err != nil {
				t.Fatalf("step %d: %v", n, err)
			}
		}
		if s.watermark != math.MinInt64 {
			if err := op.ProcessWatermark(s.watermark, c); err != nil {
				t.Fatalf("step %d: %v", n, err)
			}
		}
		if got := c.rows(); !slices.Equal(got, s.want) {
			t.Fatalf("step %d (restore at %d):\n got %q\nwant %q", n, restoreAt, got, s.want)
		}
		if n == restoreAt {
			var snap bytes.Buffer
			if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
				t.Fatal(err)
			}
			op = open()
			if err := op.(Snapshotter).RestoreState(&snap); err != nil {
				t.Fatal(err)
			}
		}
	}
	return reg
}

func TestWindowRank(t *testing.T) {
	const s = int64(1e6)
	r := func(k string, v int32, end int64) []any { return []any{k, v, end * s} }
	none := int64(math.MinInt64)
	steps := []timedStep{
		{rows: [][]any{r("a", 1, 10), r("b", 5, 10), r("a", 7, 20)}, watermark: none},
		{rows: [][]any{r("a", 3, 10)}, watermark: 9*s - 1, want: nil},
		// The watermark reaches window 10's max timestamp (end - 1 ms).
		{watermark: 10*s - 1000, want: []string{"+I[b 5 10000000 1]", "+I[a 3 10000000 2]"}},
		// Late for window 10: dropped and counted.
		{rows: [][]any{r("z", 99, 10), r("c", 2, 20)}, watermark: none},
		{watermark: math.MaxInt64, want: []string{"+I[a 7 20000000 1]", "+I[c 2 20000000 2]"}},
	}
	cfg := &RankConfig{InSchema: winSchema, PartitionKeys: []int{2}, OrderKeys: []kernel.SortKey{{Col: 1, Desc: true}},
		RankStart: 1, RankEnd: 2, OutputRankNumber: true, RankName: "rn", Window: true, WindowEnd: 2}
	for restore := -1; restore < len(steps)-1; restore++ {
		reg := runTimed(t, func() Operator {
			op, err := Build(Spec{Kind: KindRank, Config: cfg})
			if err != nil {
				t.Fatal(err)
			}
			return op
		}, winBatch, steps, restore)
		if got := reg.Total(metrics.LateRecordsDropped); got != 1 {
			t.Errorf("restore at %d: %d late rows counted, want 1", restore, got)
		}
	}
}

func TestTemporalSort(t *testing.T) {
	const s = int64(1e6)
	none := int64(math.MinInt64)
	r := func(k string, sec int64, v int32) []any { return []any{k, sec * s, v} }
	cfg := &TemporalSortConfig{InSchema: dedupSchema, TimeCol: 1, Keys: []kernel.SortKey{{Col: 1}, {Col: 2, Desc: true}}}
	steps := []timedStep{
		{rows: [][]any{r("a", 5, 1), r("b", 2, 2), r("c", 2, 3)}, watermark: none},
		{watermark: 2 * s, want: []string{"+I[c 2000000 3]", "+I[b 2000000 2]"}},
		{rows: [][]any{r("late", 1, 9), r("d", 4, 4)}, watermark: 4 * s, want: []string{"+I[d 4000000 4]"}},
		{watermark: math.MaxInt64, want: []string{"+I[a 5000000 1]"}},
	}
	for restore := -1; restore < len(steps)-1; restore++ {
		reg := runTimed(t, func() Operator {
			o, err := NewTemporalSort(cfg)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}, dedupBatch, steps, restore)
		if got := reg.Total(metrics.LateRecordsDropped); restore < 2 && got != 1 {
			t.Errorf("restore at %d: %d late rows counted, want 1", restore, got)
		}
	}
}
