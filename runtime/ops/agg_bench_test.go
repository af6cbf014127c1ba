package ops

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// benchWords builds 1M rows of aggIn with ~10K distinct words in batches of
// 8192 rows.
func benchWords() []*types.Batch { return benchWordsDist(false) }

// benchWordsDist draws the words uniformly or, when skewed, by Zipf's law
// (the most frequent word is about 10% of the rows, as in the word-count
// benchmark).
func benchWordsDist(skewed bool) []*types.Batch {
	zipf := rand.NewZipf(rand.New(rand.NewSource(42)), 1.0001, 1, 9999)
	const rows, distinct, size = 1 << 20, 10000, 8192
	var out []*types.Batch
	x := uint64(42)
	for lo := 0; lo < rows; lo += size {
		sb := array.NewStringBuilder(memory.DefaultAllocator)
		nb := array.NewInt64Builder(memory.DefaultAllocator)
		fb := array.NewBooleanBuilder(memory.DefaultAllocator)
		for i := 0; i < size; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			w := x % distinct
			if skewed {
				w = zipf.Uint64()
			}
			sb.Append(fmt.Sprintf("word-%d", w))
			nb.Append(int64(x % 100))
			fb.Append(x%2 == 0)
		}
		out = append(out, types.NewBatch(aggIn, []arrow.Array{sb.NewArray(), nb.NewArray(), fb.NewArray()}, nil, size))
	}
	return out
}

type discard struct{}

func (discard) Emit(*types.Batch) error { return nil }

func benchAgg(b *testing.B, cfg func() *AggConfig) { benchAggOn(b, benchWords(), cfg) }

func benchAggOn(b *testing.B, in []*types.Batch, cfg func() *AggConfig) {
	b.ReportAllocs()
	rows := 0
	for _, x := range in {
		rows += x.Len()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op := newAgg(b, cfg())
		for _, x := range in {
			if err := op.ProcessBatch(0, x, discard{}); err != nil {
				b.Fatal(err)
			}
		}
		if err := op.EndInput(0, discard{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkHashAggBatch: COUNT(*) GROUP BY a string key, batch mode.
func BenchmarkHashAggBatch(b *testing.B) {
	benchAgg(b, func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1)}}
	})
}

// BenchmarkHashAggStreamMiniBatch: the same in streaming mini-batch mode.
func BenchmarkHashAggStreamMiniBatch(b *testing.B) {
	benchAgg(b, func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1)}, Streaming: true, MiniBatch: true}
	})
}

// BenchmarkHashAggStreamPerRow: streaming with Flink's per-row changelog.
func BenchmarkHashAggStreamPerRow(b *testing.B) {
	benchAgg(b, func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1)}, Streaming: true}
	})
}

// BenchmarkHashAggStreamPerRowSkewed: per-row changelog over Zipf-skewed
// words, where one group has hundreds of rows in each batch.
func BenchmarkHashAggStreamPerRowSkewed(b *testing.B) {
	benchAggOn(b, benchWordsDist(true), func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1)}, Streaming: true}
	})
}

// BenchmarkHashAggStreamMiniBatchSkewed: mini-batch over Zipf-skewed words.
func BenchmarkHashAggStreamMiniBatchSkewed(b *testing.B) {
	benchAggOn(b, benchWordsDist(true), func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1)}, Streaming: true, MiniBatch: true}
	})
}

// BenchmarkHashAggBatchSum: SUM and COUNT(*) GROUP BY a string key.
func BenchmarkHashAggBatchSum(b *testing.B) {
	benchAgg(b, func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1), aggCallOf(b, "SUM", []int{1}, false, -1)}}
	})
}

// BenchmarkHashAggStreamLocal: the local phase of two-phase streaming
// aggregation over skewed words, which emits and clears every batch.
func BenchmarkHashAggStreamLocal(b *testing.B) {
	benchAggOn(b, benchWordsDist(true), func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1)}, Streaming: true, MiniBatch: true, Phase: AggLocal}
	})
}

// BenchmarkHashAggStreamPerRowSkewedSum: per-row changelog of COUNT, SUM
// and MAX over skewed words (arguments gathered per round).
func BenchmarkHashAggStreamPerRowSkewedSum(b *testing.B) {
	benchAggOn(b, benchWordsDist(true), func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1),
			aggCallOf(b, "SUM", []int{1}, false, -1), aggCallOf(b, "MAX", []int{1}, false, -1)}, Streaming: true}
	})
}

// BenchmarkHashAggBatchDistinct: COUNT(*) GROUP BY a string key whose
// every value is new (1M groups), the hash table's insert path.
func BenchmarkHashAggBatchDistinct(b *testing.B) {
	var in []*types.Batch
	for lo := 0; lo < 1<<20; lo += 8192 {
		sb := array.NewStringBuilder(memory.DefaultAllocator)
		nb := array.NewInt64Builder(memory.DefaultAllocator)
		fb := array.NewBooleanBuilder(memory.DefaultAllocator)
		for i := lo; i < lo+8192; i++ {
			sb.Append(fmt.Sprintf("user-%09d", i))
			nb.Append(int64(i))
			fb.Append(true)
		}
		in = append(in, types.NewBatch(aggIn, []arrow.Array{sb.NewArray(), nb.NewArray(), fb.NewArray()}, nil, 8192))
	}
	benchAggOn(b, in, func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(b, "COUNT", nil, false, -1)}}
	})
}
