package functions

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

func BenchmarkDateFormat(b *testing.B) {
	bld := array.NewTimestampBuilder(memory.DefaultAllocator, &arrow.TimestampType{Unit: arrow.Microsecond})
	for i := 0; i < btRows; i++ {
		bld.Append(arrow.Timestamp(btTS("2024-03-05 09:02:03") + int64(i)*1_234_567_891))
	}
	fa, f := btConst(types.String, "yyyy-MM-dd HH:mm:ss")
	btBench(b, "DATE_FORMAT", []expr.Arg{{Type: types.Timestamp(3)}, fa}, []arrow.Array{bld.NewArray(), f})
}
