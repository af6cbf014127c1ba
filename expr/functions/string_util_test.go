package functions

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Test helpers for engineer B's families: bind a registered function with
// column or literal arguments, run its kernel and read the result back as
// Go values.

// btArg is one test argument: a column of values, or a literal (Const)
// that is repeated to the column length, as the binder's Literal does.
type btArg struct {
	T     types.DataType
	Const bool
	JSON  bool // the argument is JSON text (a nested JSON_OBJECT call)
	Vals  []any
}

func btCol(t types.DataType, vals ...any) btArg { return btArg{T: t, Vals: vals} }
func btLit(t types.DataType, v any) btArg       { return btArg{T: t, Const: true, Vals: []any{v}} }

// btCase is one evaluation: function fn over args must give want.
type btCase struct {
	fn   string
	args []btArg
	want []any
}

// btEval binds fn and evaluates it over rows rows in zone loc.
func btEval(loc *time.Location, fn string, args []btArg, rows int) (types.DataType, []any, error) {
	f := expr.Builtins.Scalar(fn)
	if f == nil {
		return types.Null, nil, fmt.Errorf("function %s not registered", fn)
	}
	bargs := make([]expr.Arg, len(args))
	arrs := make([]arrow.Array, len(args))
	for j, a := range args {
		bargs[j] = expr.Arg{Type: a.T, IsConst: a.Const, JSON: a.JSON}
		if a.Const {
			bargs[j].Const = btConv(a.Vals[0], a.T)
			arrs[j] = expr.Repeat(bargs[j].Const, a.T, rows)
			continue
		}
		b := types.NewBuilder(a.T)
		for _, v := range a.Vals {
			types.Append(b, btConv(v, a.T))
		}
		arrs[j] = b.NewArray()
	}
	t, k, err := f.Bind(bargs)
	if err != nil {
		return t, nil, err
	}
	ctx := expr.NewContext(loc)
	ctx.Now = time.Date(2024, 3, 5, 1, 2, 3, 456789000, time.UTC)
	out, err := k(ctx, arrs, rows)
	if err != nil {
		return t, nil, err
	}
	if out.Len() != rows {
		return t, nil, fmt.Errorf("%s returned %d rows, want %d", fn, out.Len(), rows)
	}
	if want := types.ArrowType(t); !arrow.TypeEqual(out.DataType(), want) {
		return t, nil, fmt.Errorf("%s returned arrow %s, its type %s needs %s", fn, out.DataType(), t, want)
	}
	vals := make([]any, rows)
	for i := range vals {
		vals[i] = types.Value(out, i)
	}
	return t, vals, nil
}

// btRun runs table cases in UTC.
func btRun(t *testing.T, cases []btCase) {
	t.Helper()
	btRunIn(t, time.UTC, cases)
}

// btRunIn runs table cases in zone loc.
func btRunIn(t *testing.T, loc *time.Location, cases []btCase) {
	t.Helper()
	for _, c := range cases {
		rows := len(c.want)
		_, got, err := btEval(loc, c.fn, c.args, rows)
		if err != nil {
			t.Errorf("%s%v: %v", c.fn, btShow(c.args), err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s%v = %#v, want %#v", c.fn, btShow(c.args), got, c.want)
		}
	}
}

func btShow(args []btArg) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if a.Const {
			out[i] = a.Vals[0]
		} else {
			out[i] = a.Vals
		}
	}
	return out
}

// btBindErr asserts that binding fn to args of types ts fails.
func btBindErr(t *testing.T, fn string, ts ...types.DataType) {
	t.Helper()
	args := make([]expr.Arg, len(ts))
	for i, ty := range ts {
		args[i] = expr.Arg{Type: ty}
	}
	if _, _, err := expr.Builtins.Scalar(fn).Bind(args); err == nil {
		t.Errorf("%s%v bound, want a type error", fn, ts)
	}
}

// btConv lets tests write plain Go ints for any integer-backed type.
func btConv(v any, t types.DataType) any {
	n, ok := v.(int)
	if !ok {
		return v
	}
	switch t.Kind {
	case types.KindTinyInt:
		return int8(n)
	case types.KindSmallInt:
		return int16(n)
	case types.KindInt, types.KindDate, types.KindTime, types.KindIntervalYearMonth:
		return int32(n)
	case types.KindFloat:
		return float32(n)
	case types.KindDouble:
		return float64(n)
	}
	return int64(n)
}

// TestSlicedInputs runs kernels over arrays with a non-zero offset, as
// operators produce when they slice batches.
func TestSlicedInputs(t *testing.T) {
	bind := func(fn string, ts ...types.DataType) expr.Kernel {
		args := make([]expr.Arg, len(ts))
		for i, ty := range ts {
			args[i] = expr.Arg{Type: ty}
		}
		_, k, err := expr.Builtins.Scalar(fn).Bind(args)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	build := func(ty types.DataType, vals ...any) arrow.Array {
		b := types.NewBuilder(ty)
		for _, v := range vals {
			types.Append(b, v)
		}
		full := b.NewArray()
		return array.NewSlice(full, 1, int64(full.Len()))
	}
	ctx := expr.NewContext(nil)
	check := func(fn string, out arrow.Array, err error, want ...any) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		got := make([]any, out.Len())
		for i := range got {
			got[i] = types.Value(out, i)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s over a slice = %#v, want %#v", fn, got, want)
		}
	}
	s := build(types.String, "skip", "ab", nil, "cd")
	out, err := bind("UPPER", types.String)(ctx, []arrow.Array{s}, 3)
	check("UPPER", out, err, "AB", nil, "CD")
	out, err = bind("CHAR_LENGTH", types.String)(ctx, []arrow.Array{s}, 3)
	check("CHAR_LENGTH", out, err, int32(2), nil, int32(2))
	arr := build(types.ArrayOf(types.Int), []any{int32(9)}, []any{int32(1), int32(2)}, nil, []any{int32(3)})
	out, err = bind("ARRAY_REVERSE", types.ArrayOf(types.Int))(ctx, []arrow.Array{arr}, 3)
	check("ARRAY_REVERSE", out, err, []any{int32(2), int32(1)}, nil, []any{int32(3)})
	out, err = bind("CARDINALITY", types.ArrayOf(types.Int))(ctx, []arrow.Array{arr}, 3)
	check("CARDINALITY", out, err, int32(2), nil, int32(1))
	m := build(types.MapOf(types.String, types.Int), []types.MapEntry{{Key: "z", Value: int32(0)}}, []types.MapEntry{{Key: "a", Value: int32(1)}}, nil)
	out, err = bind("MAP_KEYS", types.MapOf(types.String, types.Int))(ctx, []arrow.Array{m}, 2)
	check("MAP_KEYS", out, err, []any{"a"}, nil)
	row := build(types.RowOf(types.Field{Name: "a", Type: types.Int}), []any{int32(7)}, []any{int32(8)}, nil)
	rt := types.RowOf(types.Field{Name: "a", Type: types.Int})
	_, fk, err := expr.Builtins.Scalar("FIELD").Bind([]expr.Arg{{Type: rt}, {Type: types.String, IsConst: true, Const: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	out, err = fk(ctx, []arrow.Array{row, expr.Repeat("a", types.String, 2)}, 2)
	check("FIELD", out, err, int32(8), nil)
}
