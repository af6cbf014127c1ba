package ops

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// countCollector counts emitted rows without keeping them.
type countCollector struct{ rows int }

func (c *countCollector) Emit(b *types.Batch) error { c.rows += b.Len(); return nil }

// int64Batches makes rows of (k BIGINT, v BIGINT) in batches of 8192, with
// keys from key(i).
func int64Batches(s *types.Schema, rows int, key func(i int) int64) []*types.Batch {
	var out []*types.Batch
	for lo := 0; lo < rows; lo += 8192 {
		hi := min(rows, lo+8192)
		kb, vb := array.NewInt64Builder(memory.DefaultAllocator), array.NewInt64Builder(memory.DefaultAllocator)
		for i := lo; i < hi; i++ {
			kb.Append(key(i))
			vb.Append(int64(i))
		}
		out = append(out, types.NewBatch(s, []arrow.Array{kb.NewArray(), vb.NewArray()}, nil, hi-lo))
	}
	return out
}

// BenchmarkHashJoin joins 1M probe rows with 100K build rows on a BIGINT
// key; half of the probe rows find a match. It reports probe rows/s.
func BenchmarkHashJoin(b *testing.B) {
	ls := types.NewSchema(types.Field{Name: "k", Type: types.BigInt}, types.Field{Name: "v", Type: types.BigInt})
	rs := types.NewSchema(types.Field{Name: "k2", Type: types.BigInt}, types.Field{Name: "w", Type: types.BigInt})
	const probeRows, buildRows = 1_000_000, 100_000
	r := rand.New(rand.NewPCG(1, 2))
	left := int64Batches(ls, probeRows, func(int) int64 { return r.Int64N(2 * buildRows) })
	right := int64Batches(rs, buildRows, func(i int) int64 { return int64(i) })
	for _, jt := range []JoinType{JoinInner, JoinLeft, JoinSemi} {
		b.Run(jt.String(), func(b *testing.B) {
			out := concatSchemas(ls, rs)
			if jt == JoinSemi {
				out = ls
			}
			cfg := &JoinConfig{Type: jt, LeftKeys: []int{0}, RightKeys: []int{0}, LeftSchema: ls, RightSchema: rs, OutSchema: out}
			c := &countCollector{}
			for b.Loop() {
				op, err := NewJoin(cfg)
				if err != nil {
					b.Fatal(err)
				}
				ctx := opCtx()
				ctx.BatchSize = 8192
				if err := op.Open(ctx); err != nil {
					b.Fatal(err)
				}
				for _, rb := range right {
					if err := op.ProcessBatch(1, rb, c); err != nil {
						b.Fatal(err)
					}
				}
				if err := op.EndInput(1, c); err != nil {
					b.Fatal(err)
				}
				for _, lb := range left {
					if err := op.ProcessBatch(0, lb, c); err != nil {
						b.Fatal(err)
					}
				}
				if err := op.EndInput(0, c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(probeRows+buildRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
