package nexmark

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

func TestCountChar(t *testing.T) {
	sb := array.NewStringBuilder(memory.DefaultAllocator)
	sb.AppendValues([]string{"abcabc", "", "ccc", "çaç"}, nil)
	sb.AppendNull()
	strs := sb.NewArray()
	cb := array.NewStringBuilder(memory.DefaultAllocator)
	cb.AppendValues([]string{"c", "c", "cd", "ç", "c"}, nil)
	chars := cb.NewArray()
	typ, kernel, err := CountChar.Bind([]expr.Arg{{Type: types.String}, {Type: types.String, IsConst: true, Const: "c"}})
	if err != nil || !typ.Equal(types.BigInt.NotNullable()) {
		t.Fatalf("bind: %v %v", typ, err)
	}
	out, err := kernel(nil, []arrow.Array{strs, chars}, 5)
	if err != nil {
		t.Fatal(err)
	}
	got := out.(*array.Int64).Int64Values()
	want := []int64{2, 0, 3, 2, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("count_char = %v, want %v", got, want)
		}
	}
	if _, _, err := CountChar.Bind([]expr.Arg{{Type: types.Int}, {Type: types.String}}); err == nil {
		t.Error("COUNT_CHAR(INT, STRING) bound")
	}
	if fn, ok := catalog.LookupGoFunction(CountCharClass); !ok || fn != CountChar {
		t.Error("count_char is not registered under nexmark's class name")
	}
}
