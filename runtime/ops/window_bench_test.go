package ops

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// benchWinBatches makes n rows of winIn in batches of 8192: 1000 keys,
// one row per ms of event time, so a 10 s tumbling window holds 10,000 rows.
func benchWinBatches(n int) []*types.Batch {
	var out []*types.Batch
	for lo := 0; lo < n; lo += 8192 {
		hi := min(lo+8192, n)
		kb := array.NewStringBuilder(memory.DefaultAllocator)
		vb := array.NewInt64Builder(memory.DefaultAllocator)
		tb := array.NewTimestampBuilder(memory.DefaultAllocator, &arrow.TimestampType{Unit: arrow.Microsecond})
		for i := lo; i < hi; i++ {
			kb.Append(fmt.Sprintf("key-%d", i%1000))
			vb.Append(int64(i))
			tb.Append(arrow.Timestamp(int64(i) * 1000))
		}
		out = append(out, types.NewBatch(winIn, []arrow.Array{kb.NewArray(), vb.NewArray(), tb.NewArray()}, nil, hi-lo))
	}
	return out
}

// BenchmarkWindowAggTumble: GROUP BY k, TUMBLE(10 s) with COUNT(*) and
// SUM(v) over 1M rows, a watermark after every batch.
func BenchmarkWindowAggTumble(b *testing.B) {
	const rows = 1 << 20
	batches := benchWinBatches(rows)
	w := WindowAssigner{Kind: WindowTumble, TimeCol: 2, Size: 10_000_000}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		runWinBench(b, winConfig(b, w, []int{0}), batches)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

type winCountCollector struct{ rows int }

func (c *winCountCollector) Emit(b *types.Batch) error { c.rows += b.Len(); return nil }

// BenchmarkWindowAggHop: Nexmark q5's shape, GROUP BY k, HOP(10 s, 2 s)
// with COUNT(*) and SUM(v) over 1M rows: each row is in five windows.
func BenchmarkWindowAggHop(b *testing.B) {
	const rows = 1 << 20
	batches := benchWinBatches(rows)
	w := WindowAssigner{Kind: WindowHop, TimeCol: 2, Size: 10_000_000, Slide: 2_000_000}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		runWinBench(b, winConfig(b, w, []int{0}), batches)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func runWinBench(b *testing.B, cfg *WindowAggConfig, batches []*types.Batch) {
	op, err := NewWindowAgg(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := op.Open(&OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil)}); err != nil {
		b.Fatal(err)
	}
	c := &winCountCollector{}
	for _, bt := range batches {
		if err := op.ProcessBatch(0, bt, c); err != nil {
			b.Fatal(err)
		}
		last := bt.Cols[2].(*array.Timestamp).Value(bt.Len() - 1)
		if err := op.ProcessWatermark(int64(last), c); err != nil {
			b.Fatal(err)
		}
	}
	if err := op.EndInput(0, c); err != nil {
		b.Fatal(err)
	}
}
