package functions

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

const btRows = 8192

// btBench binds fn over args (column arrays, with constants repeated) and
// times its kernel over btRows rows.
func btBench(b *testing.B, fn string, bargs []expr.Arg, arrs []arrow.Array) {
	b.Helper()
	_, k, err := expr.Builtins.Scalar(fn).Bind(bargs)
	if err != nil {
		b.Fatal(err)
	}
	ctx := expr.NewContext(nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := k(ctx, arrs, btRows)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
}

// benchStrings returns btRows short words, every 100th NULL.
func benchStrings() arrow.Array {
	bld := array.NewStringBuilder(memory.DefaultAllocator)
	for i := 0; i < btRows; i++ {
		if i%100 == 0 {
			bld.AppendNull()
			continue
		}
		bld.Append(fmt.Sprintf("user-%d-xyzabc-event-%d", i, i*7))
	}
	return bld.NewArray()
}

func btConst(t types.DataType, v any) (expr.Arg, arrow.Array) {
	return expr.Arg{Type: t, IsConst: true, Const: v}, expr.Repeat(v, t, btRows)
}

func BenchmarkUpper(b *testing.B) {
	btBench(b, "UPPER", []expr.Arg{{Type: types.String}}, []arrow.Array{benchStrings()})
}

func BenchmarkLikeContains(b *testing.B) {
	pa, p := btConst(types.String, "%abc%")
	btBench(b, "LIKE", []expr.Arg{{Type: types.String}, pa}, []arrow.Array{benchStrings(), p})
}

func BenchmarkSubstring(b *testing.B) {
	sa, s := btConst(types.Int, int32(3))
	la, l := btConst(types.Int, int32(8))
	btBench(b, "SUBSTRING", []expr.Arg{{Type: types.String}, sa, la}, []arrow.Array{benchStrings(), s, l})
}
