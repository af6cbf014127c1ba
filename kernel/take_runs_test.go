package kernel

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// runIndexes selects, in every block of 50 rows, the last 46: the shape
// of Nexmark's bid filter, whose selections are long runs.
func runIndexes(n int) []int32 {
	var idx []int32
	for i := 0; i < n; i++ {
		if i%50 >= 4 {
			idx = append(idx, int32(i))
		}
	}
	return idx
}

// TestTakeRuns compares Take with a row-by-row gather for selections made
// of runs, single rows, repeats and reversals, on sliced inputs with NULLs.
func TestTakeRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 300
	var ints, strs []any
	for i := 0; i < n; i++ {
		if r.IntN(7) == 0 {
			ints, strs = append(ints, nil), append(strs, nil)
			continue
		}
		ints = append(ints, r.Int64N(1000))
		strs = append(strs, strings.Repeat("x", r.IntN(20))+string(rune('a'+i%26)))
	}
	rnd := make([]int32, 200)
	for i := range rnd {
		rnd[i] = int32(r.IntN(n - 10))
	}
	rev := make([]int32, 100)
	for i := range rev {
		rev[i] = int32(200 - i)
	}
	selections := map[string][]int32{
		"runs":    runIndexes(n - 10),
		"random":  rnd,
		"reverse": rev,
		"repeat":  {5, 5, 5, 6, 7, 7, 8},
		"one run": {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		"empty":   {},
	}
	for _, col := range []struct {
		name string
		t    types.DataType
		vals []any
	}{{"bigint", types.BigInt, ints}, {"varchar", types.String, strs}} {
		a := array.NewSlice(column(col.t, col.vals...), 10, n)
		for name, idx := range selections {
			t.Run(col.name+"/"+name, func(t *testing.T) {
				got := Take(a, idx)
				want := make([]any, len(idx))
				for i, j := range idx {
					want[i] = col.vals[10+int(j)]
				}
				if g, w := values(got), want; !reflect.DeepEqual(normalize(g), normalize(w)) {
					t.Fatalf("Take = %v, want %v", g, w)
				}
				if got.NullN() != countNil(want) {
					t.Fatalf("NullN = %d, want %d", got.NullN(), countNil(want))
				}
			})
		}
	}
}

func BenchmarkTakeRuns(b *testing.B) {
	ib := array.NewInt64Builder(memory.DefaultAllocator)
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	for i := 0; i < benchRows; i++ {
		ib.Append(int64(i))
		sb.Append(strings.Repeat("e", 80+i%40))
	}
	idx := runIndexes(benchRows)
	for _, c := range []struct {
		name string
		a    arrow.Array
	}{{"int64", ib.NewArray()}, {"string100", sb.NewArray()}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(idx)))
			for b.Loop() {
				Take(c.a, idx)
			}
		})
	}
}
