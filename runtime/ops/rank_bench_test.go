package ops

import (
	"fmt"
	"testing"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// BenchmarkTopN measures the append-only Top-10 per key over 10,000 keys
// (Nexmark q19's shape).
func BenchmarkTopN(b *testing.B) {
	var batches []*types.Batch
	for n := 0; n < 64; n++ {
		bb := types.NewBatchBuilder(schema)
		for i := 0; i < 4096; i++ {
			x := n*4096 + i
			bb.Add(types.Insert, []any{fmt.Sprintf("k%d", x*7919%10000), int32(x * 2654435761 % 100000)})
		}
		batches = append(batches, bb.Build())
	}
	cfg := &RankConfig{InSchema: schema, PartitionKeys: []int{0}, OrderKeys: []kernel.SortKey{{Col: 1, Desc: true}},
		RankStart: 1, RankEnd: 10, OutputRankNumber: true}
	b.ReportAllocs()
	for b.Loop() {
		op, _ := NewRank(cfg)
		_ = op.Open(opCtx())
		for _, bt := range batches {
			if err := op.ProcessBatch(0, bt, &discardCollector{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(64*4096*b.N)/b.Elapsed().Seconds(), "rows/s")
}
