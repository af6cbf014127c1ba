package ops

import (
	"fmt"
	"testing"

	"github.com/spry-engine/spry/types"
)

// BenchmarkGroupWindowTumble folds batches of 4096 rows over 1000 keys
// into 10 s tumbling windows, with a watermark after every batch.
func BenchmarkGroupWindowTumble(b *testing.B) {
	t := &testing.T{}
	cfg := gwConfig(t, GroupWinTumble, 10, 0)
	op := openGW(t, cfg, &gwClock{}, nil)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%d", i)
	}
	const rows = 4096
	var batches []*types.Batch
	ts := int64(0)
	for n := 0; n < 64; n++ {
		bb := types.NewBatchBuilder(gwIn)
		for i := 0; i < rows; i++ {
			ts += 1000 // 1 ms apart
			bb.Add(types.Insert, []any{keys[(n*rows+i)%len(keys)], int64(i), ts})
		}
		batches = append(batches, bb.Build())
	}
	c := &gwCountCollector{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bt := batches[i%len(batches)]
		if i%len(batches) == 0 && i > 0 {
			if err := op.ProcessWatermark(1<<63-1, c); err != nil {
				b.Fatal(err)
			}
			op = openGW(t, cfg, &gwClock{}, nil)
		}
		if err := op.ProcessBatch(0, bt, c); err != nil {
			b.Fatal(err)
		}
		if err := op.ProcessWatermark(int64(i%len(batches)+1)*rows*1000-1_000_000, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
}

type gwCountCollector struct{ n int }

func (c *gwCountCollector) Emit(b *types.Batch) error { c.n += b.Len(); return nil }
