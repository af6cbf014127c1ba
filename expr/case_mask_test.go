package expr

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// eqConst is a call named "=" (so the CASE may mask it) comparing column 0
// with v; NULL where the column is NULL.
func eqConst(v int64) Expr {
	return &Call{Name: "=", Args: []Expr{&ColumnRef{Index: 0, T: types.BigInt}}, T: types.Boolean,
		Kernel: func(_ *Context, args []arrow.Array, rows int) (arrow.Array, error) {
			in := args[0].(*array.Int64)
			b := array.NewBooleanBuilder(memory.DefaultAllocator)
			for i := 0; i < rows; i++ {
				if in.IsNull(i) {
					b.AppendNull()
				} else {
					b.Append(in.Value(i) == v)
				}
			}
			return b.NewArray(), nil
		}}
}

// plusOrFail adds 100 to column 1 and fails on any row whose column 0 is
// not want: it must only see the rows its branch selects.
func plusOrFail(want int64) Expr {
	return &Call{Name: "plus", Args: []Expr{&ColumnRef{Index: 0, T: types.BigInt}, &ColumnRef{Index: 1, T: types.BigInt}}, T: types.BigInt,
		Kernel: func(_ *Context, args []arrow.Array, rows int) (arrow.Array, error) {
			k, v := args[0].(*array.Int64), args[1].(*array.Int64)
			b := array.NewInt64Builder(memory.DefaultAllocator)
			for i := 0; i < rows; i++ {
				if k.IsNull(i) || k.Value(i) != want {
					return nil, errors.New("value evaluated on a row its branch does not select")
				}
				b.Append(v.Value(i) + 100)
			}
			return b.NewArray(), nil
		}}
}

func TestCaseMaskedMatchesNarrowing(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "k", Type: types.BigInt}, types.Field{Name: "v", Type: types.BigInt})
	r := rand.New(rand.NewPCG(3, 4))
	y := &ColumnRef{Index: 1, T: types.BigInt}
	cases := []struct {
		name  string
		thens []Expr
		els   Expr
	}{
		{"free values", []Expr{&Literal{Value: int64(-1), T: types.BigInt}, y}, &Literal{T: types.BigInt}},
		{"computed values", []Expr{plusOrFail(1), &Literal{Value: int64(7), T: types.BigInt}}, y},
		{"computed first", []Expr{plusOrFail(1), plusOrFail(2)}, &Literal{Value: int64(0), T: types.BigInt}},
	}
	for _, tc := range cases {
		for _, n := range []int{0, 1, 7, 300} {
			bb := types.NewBatchBuilder(s)
			for i := 0; i < n; i++ {
				var k any = int64(r.IntN(4))
				if r.IntN(5) == 0 {
					k = nil
				}
				bb.Add(types.Insert, []any{k, int64(i)})
			}
			b := bb.Build()
			mk := func() *Case {
				return &Case{Whens: []Expr{eqConst(1), eqConst(2)}, Thens: tc.thens, Else: tc.els, T: types.BigInt}
			}
			masked, narrowed := mk(), mk()
			narrowed.mask.Store(2)
			if !masked.masked() {
				t.Fatal("comparisons of a column were not masked")
			}
			got, err := masked.Eval(NewContext(nil), b)
			if err != nil {
				t.Fatalf("%s n=%d: %v", tc.name, n, err)
			}
			want, err := narrowed.Eval(NewContext(nil), b)
			if err != nil {
				t.Fatalf("%s n=%d narrowing: %v", tc.name, n, err)
			}
			if !array.Equal(got, want) {
				t.Fatalf("%s n=%d: masked %v, narrowing %v", tc.name, n, got, want)
			}
		}
	}
}

func TestSafeWhen(t *testing.T) {
	col := &ColumnRef{Index: 0, T: types.BigInt}
	for _, tc := range []struct {
		e    Expr
		safe bool
	}{
		{eqConst(1), true},
		{&Call{Name: "AND", Args: []Expr{eqConst(1), eqConst(2)}}, true},
		{&Call{Name: "=", Args: []Expr{&Call{Name: "/", Args: []Expr{col, col}}, col}}, false},
		{&Case{Whens: []Expr{eqConst(1)}, Thens: []Expr{col}, Else: col}, false},
	} {
		if got := safeWhen(tc.e); got != tc.safe {
			t.Errorf("safeWhen(%s) = %v, want %v", tc.e, got, tc.safe)
		}
	}
}
