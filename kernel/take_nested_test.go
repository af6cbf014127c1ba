package kernel

import (
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/types"
)

// TestTakeNestedRow checks the typed ROW gather on a ROW of a ROW and an
// ARRAY, with NULLs at every level and a sliced input.
func TestTakeNestedRow(t *testing.T) {
	inner := types.RowOf(types.Field{Name: "a", Type: types.BigInt}, types.Field{Name: "s", Type: types.String})
	rt := types.RowOf(types.Field{Name: "r", Type: inner}, types.Field{Name: "l", Type: types.ArrayOf(types.Int)})
	vals := []any{
		[]any{[]any{int64(1), "x"}, []any{int32(1)}},
		nil,
		[]any{nil, nil},
		[]any{[]any{nil, "zz"}, []any{}},
		[]any{[]any{int64(5), nil}, []any{int32(2), nil}},
	}
	a := column(rt, vals...)
	cases := []struct {
		name string
		from int
		idx  []int32
	}{
		{"all", 0, []int32{4, 3, 2, 1, 0}},
		{"repeat", 0, []int32{1, 1, 4, 4}},
		{"empty", 0, []int32{}},
		{"slice", 2, []int32{2, 0, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := array.NewSlice(a, int64(tc.from), int64(len(vals)))
			got := Take(src, tc.idx)
			want := make([]any, len(tc.idx))
			for i, j := range tc.idx {
				want[i] = vals[tc.from+int(j)]
			}
			if g, w := normalize(values(got)), normalize(want); !reflect.DeepEqual(g, w) {
				t.Fatalf("Take = %v, want %v", g, w)
			}
			if got.NullN() != countNil(want) {
				t.Fatalf("NullN = %d, want %d", got.NullN(), countNil(want))
			}
		})
	}
}

func countNil(vs []any) int {
	n := 0
	for _, v := range vs {
		if v == nil {
			n++
		}
	}
	return n
}
