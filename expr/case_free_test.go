package expr_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// TestCaseFreeValues covers CASE branches whose values are columns or
// constants (evaluated on the whole batch and chosen row by row), mixed
// with computed values (evaluated on their rows only), with NULLs.
func TestCaseFreeValues(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "x", Type: types.BigInt}, types.Field{Name: "a", Type: types.String},
		types.Field{Name: "b", Type: types.String}, types.Field{Name: "y", Type: types.BigInt})
	bb := types.NewBatchBuilder(s)
	for _, r := range [][]any{
		{int64(0), "a0", "b0", int64(10)},
		{int64(2), nil, "b1", nil},
		{int64(-3), "a2", nil, int64(12)},
		{int64(0), "a3", "b3", int64(13)},
		{int64(7), "a4", "b4", int64(14)},
	} {
		bb.Add(types.Insert, r)
	}
	b := bb.Build()
	colA := &expr.ColumnRef{Index: 1, T: types.String}
	colB := &expr.ColumnRef{Index: 2, T: types.String}
	colY := &expr.ColumnRef{Index: 3, T: types.BigInt}
	gt0 := cmp(">0", func(a, b int64) bool { return a > b }, 0)
	lt0 := cmp("<0", func(a, b int64) bool { return a < b }, 0)
	str := func(v any) expr.Expr { return &expr.Literal{Value: v, T: types.String} }
	tests := []struct {
		name string
		c    *expr.Case
		want []any
	}{
		{"columns and constant", &expr.Case{Whens: []expr.Expr{gt0, lt0}, Thens: []expr.Expr{colA, colB}, Else: str("zero"), T: types.String},
			[]any{"zero", nil, nil, "zero", "a4"}},
		{"NULL else", &expr.Case{Whens: []expr.Expr{gt0}, Thens: []expr.Expr{colB}, Else: str(nil), T: types.String},
			[]any{nil, "b1", nil, nil, "b4"}},
		// 10 / x fails on x = 0, so it must see only the rows it serves.
		{"computed then, free else", &expr.Case{Whens: []expr.Expr{cmp("<>0", func(a, b int64) bool { return a != b }, 0)},
			Thens: []expr.Expr{failingOn(0)}, Else: colY, T: types.BigInt},
			[]any{int64(10), int64(5), int64(-3), int64(13), int64(1)}},
		{"every row one branch", &expr.Case{Whens: []expr.Expr{cmp("<100", func(a, b int64) bool { return a < b }, 100)},
			Thens: []expr.Expr{colY}, Else: &expr.Literal{T: types.BigInt}, T: types.BigInt},
			[]any{int64(10), nil, int64(12), int64(13), int64(14)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.c.Eval(expr.NewContext(nil), b)
			if err != nil {
				t.Fatal(err)
			}
			vals := make([]any, got.Len())
			for i := range vals {
				vals[i] = types.Value(got, i)
			}
			if !reflect.DeepEqual(fmt.Sprint(vals), fmt.Sprint(tc.want)) {
				t.Fatalf("CASE = %v, want %v", vals, tc.want)
			}
			for i, w := range tc.want {
				if got.IsNull(i) != (w == nil) {
					t.Fatalf("row %d: IsNull = %v", i, got.IsNull(i))
				}
			}
		})
	}
}
