package expr_test

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// failingOn returns a kernel-backed call over column 0 that fails if any
// row it sees is zero, like 10 / x.
func failingOn(zero int64) expr.Expr {
	return &expr.Call{Name: "div", Args: []expr.Expr{&expr.ColumnRef{Index: 0, T: types.BigInt}}, T: types.BigInt,
		Kernel: func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
			in := args[0].(*array.Int64)
			b := array.NewInt64Builder(memory.DefaultAllocator)
			for i := 0; i < rows; i++ {
				if in.Value(i) == zero {
					return nil, errors.New("/ by zero")
				}
				b.Append(10 / in.Value(i))
			}
			return b.NewArray(), nil
		}}
}

func cmp(name string, op func(a, b int64) bool, v int64) expr.Expr {
	return &expr.Call{Name: name, Args: []expr.Expr{&expr.ColumnRef{Index: 0, T: types.BigInt}}, T: types.Boolean,
		Kernel: func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
			in := args[0].(*array.Int64)
			b := array.NewBooleanBuilder(memory.DefaultAllocator)
			for i := 0; i < rows; i++ {
				b.Append(op(in.Value(i), v))
			}
			return b.NewArray(), nil
		}}
}

func TestCaseIsLazy(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "x", Type: types.BigInt})
	bb := types.NewBatchBuilder(s)
	for _, v := range []int64{0, 2, 5, 0, -1} {
		bb.Add(types.Insert, []any{v})
	}
	b := bb.Build()
	c := &expr.Case{
		Whens: []expr.Expr{cmp("<>0", func(a, b int64) bool { return a != b }, 0), cmp(">0", func(a, b int64) bool { return a > b }, -5)},
		Thens: []expr.Expr{failingOn(0), &expr.Literal{Value: int64(-1), T: types.BigInt}},
		Else:  &expr.Literal{T: types.BigInt},
		T:     types.BigInt,
	}
	got, err := c.Eval(expr.NewContext(nil), b)
	if err != nil {
		t.Fatalf("CASE evaluated a branch on rows it does not select: %v", err)
	}
	want := []int64{-1, 5, 2, -1, -10}
	for i, w := range want {
		if v := got.(*array.Int64).Value(i); v != w {
			t.Errorf("row %d = %d, want %d", i, v, w)
		}
	}
	// Single-branch batches take the fast path and return the branch as is.
	one := b.Slice(1, 3)
	if got, err = c.Eval(expr.NewContext(nil), one); err != nil || got.Len() != 2 {
		t.Fatalf("fast path: %v %v", got, err)
	}
}
