package format

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

func TestIntAppender(t *testing.T) {
	tests := []struct {
		kind types.Kind
		bits int
	}{
		{types.KindTinyInt, 8},
		{types.KindSmallInt, 16},
		{types.KindInt, 32},
		{types.KindBigInt, 64},
		{types.KindIntervalYearMonth, 32},
		{types.KindIntervalDayTime, 64},
	}
	for _, tt := range tests {
		if got := IntBits(tt.kind); got != tt.bits {
			t.Errorf("IntBits(%s) = %d, want %d", tt.kind, got, tt.bits)
		}
		dt := types.DataType{Kind: tt.kind}
		if tt.kind == types.KindIntervalDayTime {
			dt.Prec = 3
		}
		b := array.NewBuilder(memory.DefaultAllocator, types.ArrowType(dt))
		app, err := IntAppender(b)
		if err != nil {
			t.Fatalf("IntAppender(%s): %v", tt.kind, err)
		}
		app(-7)
		a := b.NewArray()
		if a.Len() != 1 || a.IsNull(0) {
			t.Errorf("%s: appended %v", tt.kind, a)
		}
		a.Release()
	}
	if _, err := IntAppender(array.NewStringBuilder(memory.DefaultAllocator)); err == nil {
		t.Error("IntAppender(string builder): want an error")
	}
}
