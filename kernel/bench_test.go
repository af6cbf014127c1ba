package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

const benchRows = 8192

func benchColumns() (ints, strs arrow.Array) {
	r := rand.New(rand.NewPCG(1, 2))
	ib := array.NewInt64Builder(memory.DefaultAllocator)
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	for i := 0; i < benchRows; i++ {
		ib.Append(r.Int64N(1000))
		sb.Append(fmt.Sprintf("word-%d", r.IntN(1000)))
	}
	return ib.NewArray(), sb.NewArray()
}

func BenchmarkTake(b *testing.B) {
	ints, strs := benchColumns()
	idx := make([]int32, benchRows/2)
	for i := range idx {
		idx[i] = int32(i * 2)
	}
	for _, c := range []struct {
		name string
		a    arrow.Array
	}{{"int64", ints}, {"string", strs}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(idx)))
			for b.Loop() {
				Take(c.a, idx)
			}
		})
	}
}

func BenchmarkFilter(b *testing.B) {
	ints, strs := benchColumns()
	schema := types.NewSchema(types.Field{Name: "a", Type: types.BigInt}, types.Field{Name: "s", Type: types.String})
	batch := types.NewBatch(schema, []arrow.Array{ints, strs}, nil, benchRows)
	mb := array.NewBooleanBuilder(memory.DefaultAllocator)
	for i := 0; i < benchRows; i++ {
		mb.Append(i%3 == 0)
	}
	mask := mb.NewBooleanArray()
	b.SetBytes(benchRows)
	for b.Loop() {
		Filter(batch, mask)
	}
}

func BenchmarkHashColumns(b *testing.B) {
	ints, strs := benchColumns()
	out := make([]uint64, benchRows)
	b.Run("int64", func(b *testing.B) {
		b.SetBytes(benchRows)
		for b.Loop() {
			HashColumns([]arrow.Array{ints}, benchRows, out)
		}
	})
	b.Run("string+int64", func(b *testing.B) {
		b.SetBytes(benchRows)
		for b.Loop() {
			HashColumns([]arrow.Array{strs, ints}, benchRows, out)
		}
	})
}

func BenchmarkSortIndices(b *testing.B) {
	ints, strs := benchColumns()
	cols := []arrow.Array{ints, strs}
	b.Run("int64", func(b *testing.B) {
		b.SetBytes(benchRows)
		for b.Loop() {
			SortIndices(cols, []SortKey{{Col: 0}}, benchRows)
		}
	})
	b.Run("int64,string", func(b *testing.B) {
		b.SetBytes(benchRows)
		for b.Loop() {
			SortIndices(cols, []SortKey{{Col: 0, Desc: true}, {Col: 1}}, benchRows)
		}
	})
}

func BenchmarkAppendKey(b *testing.B) {
	ints, strs := benchColumns()
	cols := []arrow.Array{strs, ints}
	m := map[string]uint32{}
	var buf []byte
	b.SetBytes(benchRows)
	for b.Loop() {
		for i := 0; i < benchRows; i++ {
			buf = AppendKey(buf[:0], cols, i)
			if _, ok := m[string(buf)]; !ok {
				m[string(buf)] = uint32(len(m))
			}
		}
	}
}
