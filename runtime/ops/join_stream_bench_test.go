package ops

import (
	"math/rand/v2"
	"testing"

	"github.com/spry-engine/spry/types"
)

// BenchmarkStreamJoin feeds a streaming inner join Nexmark q20's shape:
// per 1,000 rows, 80 "auction" rows with new BIGINT keys on the left and
// 920 "bid" rows on the right whose keys mostly hit a recent auction, so
// both sides' state grows and most right rows emit one match. It reports
// input rows/s; with -benchmem, allocations.
func BenchmarkStreamJoin(b *testing.B) {
	ls := types.NewSchema(types.Field{Name: "k", Type: types.BigInt}, types.Field{Name: "v", Type: types.BigInt})
	rs := types.NewSchema(types.Field{Name: "k2", Type: types.BigInt}, types.Field{Name: "w", Type: types.BigInt})
	const rounds = 500
	r := rand.New(rand.NewPCG(5, 6))
	var left, right []*types.Batch
	next := 0
	for n := 0; n < rounds; n++ {
		lo := next
		left = append(left, int64Batches(ls, 80, func(int) int64 { next++; return int64(next) })...)
		right = append(right, int64Batches(rs, 920, func(int) int64 { return int64(max(1, lo-200+r.IntN(280))) })...)
	}
	for _, jt := range []JoinType{JoinInner, JoinLeft} {
		b.Run(jt.String(), func(b *testing.B) {
			cfg := &JoinConfig{Type: jt, LeftKeys: []int{0}, RightKeys: []int{0}, LeftSchema: ls, RightSchema: rs,
				OutSchema: concatSchemas(ls, rs), Streaming: true}
			c := &countCollector{}
			b.ReportAllocs()
			for b.Loop() {
				op := newStreamJoin(cfg)
				ctx := opCtx()
				ctx.BatchSize = 8192
				if err := op.Open(ctx); err != nil {
					b.Fatal(err)
				}
				for i := range left {
					if err := op.ProcessBatch(0, left[i], c); err != nil {
						b.Fatal(err)
					}
					if err := op.ProcessBatch(1, right[i], c); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(rounds*1000)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
