package kernel

import (
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// TestChoose picks rows from two columns of each type (one of them a
// slice, so offsets are honoured) and compares with the expected rows;
// types without a typed path must say so.
func TestChoose(t *testing.T) {
	noTyped := map[string]bool{"boolean": true, "array": true, "map": true, "row": true}
	choice := []int32{0, 1, 1, 0}
	for _, tc := range typeCases {
		t.Run(tc.name, func(t *testing.T) {
			a := column(tc.t, tc.vals...)
			rev := []any{tc.vals[3], tc.vals[2], tc.vals[1], tc.vals[0], tc.vals[0]}
			b := array.NewSlice(column(tc.t, append([]any{tc.vals[2]}, rev...)...), 1, 5)
			got, ok := Choose(choice, []arrow.Array{a, b})
			if noTyped[tc.name] {
				if ok {
					t.Fatal("Choose claims a typed path")
				}
				return
			}
			if !ok {
				t.Fatal("Choose has no typed path")
			}
			want := []any{tc.vals[0], rev[1], rev[2], tc.vals[3]}
			if g, w := normalize(values(got)), normalize(want); !reflect.DeepEqual(g, w) {
				t.Fatalf("Choose = %v, want %v", g, w)
			}
			if got.NullN() != countNil(want) {
				t.Fatalf("NullN = %d, want %d", got.NullN(), countNil(want))
			}
		})
	}
}
