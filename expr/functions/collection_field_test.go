package functions

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/types"
)

// TestFieldWithParentNulls checks the zero-copy row.field against the
// expected values for each field type, with NULL rows, NULL fields and a
// sliced ROW column (offsets of parent and child differ from 0).
func TestFieldWithParentNulls(t *testing.T) {
	inner := types.RowOf(types.Field{Name: "z", Type: types.Int})
	rt := types.RowOf(
		types.Field{Name: "i", Type: types.BigInt},
		types.Field{Name: "s", Type: types.String},
		types.Field{Name: "b", Type: types.Boolean},
		types.Field{Name: "r", Type: inner},
		types.Field{Name: "l", Type: types.ArrayOf(types.Int)},
	)
	rows := []any{
		[]any{int64(1), "a", true, []any{int32(1)}, []any{int32(1)}},
		nil,
		[]any{nil, nil, nil, nil, nil},
		[]any{int64(4), "dd", false, []any{nil}, []any{}},
		nil,
		[]any{int64(6), "", true, []any{int32(6)}, []any{int32(6), nil}},
	}
	bld := types.NewBuilder(rt)
	for _, v := range rows {
		types.Append(bld, v)
	}
	full := bld.NewArray()
	for _, from := range []int{0, 1, 3} {
		s := array.NewSlice(full, int64(from), int64(len(rows))).(*array.Struct)
		for pos := range rt.Fields {
			t.Run(fmt.Sprintf("from%d/%s", from, rt.Fields[pos].Name), func(t *testing.T) {
				got, ok := fieldWithParentNulls(s.Field(pos), s)
				if !ok {
					t.Fatal("not handled")
				}
				nulls := 0
				for i := 0; i < s.Len(); i++ {
					var want any
					if r := rows[from+i]; r != nil {
						want = r.([]any)[pos]
					}
					if want == nil {
						nulls++
					}
					g := types.Value(got, i)
					if fmt.Sprint(g) != fmt.Sprint(want) && !(want == nil && got.IsNull(i)) {
						t.Fatalf("row %d: got %v, want %v", i, g, want)
					}
					if got.IsNull(i) != (want == nil) {
						t.Fatalf("row %d: IsNull = %v, want %v", i, got.IsNull(i), want == nil)
					}
				}
				if got.NullN() != nulls {
					t.Fatalf("NullN = %d, want %d", got.NullN(), nulls)
				}
			})
		}
	}
}
