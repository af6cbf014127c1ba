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

const benchRows = 8192

// benchKernel binds name over args and reports rows/s for one batch call.
func benchKernel(b *testing.B, name string, ts []types.DataType, cols []arrow.Array) {
	b.Helper()
	args := make([]expr.Arg, len(ts))
	for i, t := range ts {
		args[i] = expr.Arg{Type: t}
	}
	_, k, err := expr.Builtins.Scalar(name).Bind(args)
	if err != nil {
		b.Fatal(err)
	}
	ctx := testCtx()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := k(ctx, cols, benchRows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "rows/s")
}

func benchInt64s(seed int64) arrow.Array {
	bld := array.NewInt64Builder(memory.DefaultAllocator)
	for i := 0; i < benchRows; i++ {
		if i%17 == 0 {
			bld.AppendNull()
		} else {
			bld.Append(int64(i)*seed + 7)
		}
	}
	return bld.NewArray()
}

func BenchmarkAddInt64(b *testing.B) {
	benchKernel(b, "+", []types.DataType{types.BigInt, types.BigInt}, []arrow.Array{benchInt64s(3), benchInt64s(5)})
}

func BenchmarkEqualString(b *testing.B) {
	mk := func(mod int) arrow.Array {
		bld := array.NewStringBuilder(memory.DefaultAllocator)
		for i := 0; i < benchRows; i++ {
			bld.Append(fmt.Sprintf("customer-%06d", i%mod))
		}
		return bld.NewArray()
	}
	benchKernel(b, "=", []types.DataType{types.String, types.String}, []arrow.Array{mk(1000), mk(999)})
}

func BenchmarkCastIntToString(b *testing.B) {
	bld := array.NewInt32Builder(memory.DefaultAllocator)
	for i := 0; i < benchRows; i++ {
		bld.Append(int32(i*7919 - 1000000))
	}
	k, err := castKernel(types.Int, types.String, false)
	if err != nil {
		b.Fatal(err)
	}
	in := []arrow.Array{bld.NewArray()}
	ctx := testCtx()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := k(ctx, in, benchRows); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*benchRows/b.Elapsed().Seconds(), "rows/s")
}
