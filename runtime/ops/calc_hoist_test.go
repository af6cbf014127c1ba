package ops

import (
	"reflect"
	"testing"

	"github.com/spry-engine/spry/expr"
	_ "github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/types"
)

// bindCall binds a built-in scalar function over args, as the binder does.
func bindCall(t *testing.T, name string, args ...expr.Expr) expr.Expr {
	t.Helper()
	f := expr.Builtins.Scalar(name)
	if f == nil {
		t.Fatalf("no function %s", name)
	}
	as := make([]expr.Arg, len(args))
	for i, a := range args {
		as[i] = expr.Arg{Type: a.Type()}
		if l, ok := a.(*expr.Literal); ok {
			as[i].IsConst, as[i].Const = true, l.Value
		}
	}
	rt, k, err := f.Bind(as)
	if err != nil {
		t.Fatal(err)
	}
	return &expr.Call{Name: name, Args: args, T: rt, Kernel: k}
}

// TestCalcHoist checks a Calc whose filter and projections read fields of
// a sparse ROW column (hoisted field accesses, a filter that gathers only
// the columns the projections read, a CASE over hoisted fields) against
// the rows it must produce.
func TestCalcHoist(t *testing.T) {
	rt := types.RowOf(types.Field{Name: "x", Type: types.BigInt}, types.Field{Name: "s", Type: types.String})
	in := types.NewSchema(types.Field{Name: "kind", Type: types.Int}, types.Field{Name: "r", Type: rt},
		types.Field{Name: "other", Type: rt}, types.Field{Name: "t", Type: types.BigInt})
	bb := types.NewBatchBuilder(in)
	bb.Add(types.Insert, []any{int32(1), []any{int64(10), "a"}, nil, int64(100)})
	bb.Add(types.Insert, []any{int32(2), nil, []any{int64(-1), "z"}, int64(200)})
	bb.Add(types.UpdateBefore, []any{int32(1), []any{nil, "c"}, nil, int64(300)})
	bb.Add(types.Insert, []any{int32(0), nil, nil, nil})
	bb.Add(types.Delete, []any{int32(1), []any{int64(40), nil}, nil, int64(400)})
	b := bb.Build()

	kind := &expr.ColumnRef{Index: 0, Name: "kind", T: types.Int}
	r := &expr.ColumnRef{Index: 1, Name: "r", T: rt}
	other := &expr.ColumnRef{Index: 2, Name: "other", T: rt}
	tcol := &expr.ColumnRef{Index: 3, Name: "t", T: types.BigInt}
	str := func(s string) expr.Expr { return &expr.Literal{Value: s, T: types.String.NotNullable()} }
	num := func(v int32) expr.Expr { return &expr.Literal{Value: v, T: types.Int.NotNullable()} }
	rx := bindCall(t, "FIELD", r, str("x"))
	rs := bindCall(t, "FIELD", r, str("s"))
	ox := bindCall(t, "FIELD", other, str("x"))
	caseX := &expr.Case{Whens: []expr.Expr{bindCall(t, "=", kind, num(1))}, Thens: []expr.Expr{rx}, Else: ox, T: types.BigInt}

	tests := []struct {
		name   string
		filter expr.Expr
		projs  []expr.Expr
		want   []string
	}{
		{"fields after filter", bindCall(t, "=", kind, num(1)), []expr.Expr{rx, rs, tcol},
			[]string{"+I[10 a 100]", "-U[<nil> c 300]", "-D[40 <nil> 400]"}},
		{"filter on a field", bindCall(t, ">", rx, &expr.Literal{Value: int64(15), T: types.BigInt.NotNullable()}), []expr.Expr{rs, kind},
			[]string{"-D[<nil> 1]"}},
		{"case over fields, no filter", nil, []expr.Expr{caseX},
			[]string{"+I[10]", "+I[-1]", "-U[<nil>]", "+I[<nil>]", "-D[40]"}},
		{"whole row kept", bindCall(t, "<>", kind, num(1)), []expr.Expr{r, other, ox},
			[]string{"+I[<nil> [-1 z] -1]", "+I[<nil> <nil> <nil>]"}},
		{"nothing passes", bindCall(t, "=", kind, num(9)), []expr.Expr{rx}, nil},
		// UPPER(r.s) is computed once for the filter and the CASE.
		{"shared with the filter", bindCall(t, "IS_NOT_NULL", bindCall(t, "UPPER", rs)),
			[]expr.Expr{&expr.Case{Whens: []expr.Expr{bindCall(t, "=", kind, num(2))}, Thens: []expr.Expr{str("two")},
				Else: bindCall(t, "UPPER", rs), T: types.String}, bindCall(t, "CHAR_LENGTH", bindCall(t, "UPPER", rs))},
			[]string{"+I[A 1]", "-U[C 1]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields := make([]types.Field, len(tc.projs))
			for i, p := range tc.projs {
				fields[i] = types.Field{Name: p.String(), Type: p.Type()}
			}
			cfg := &CalcConfig{Filter: tc.filter, Projections: tc.projs, InSchema: in, OutSchema: types.NewSchema(fields...)}
			op := mustBuild(t, Spec{Kind: KindCalc, Config: cfg})
			if tc.name == "shared with the filter" {
				if err := op.ProcessBatch(0, b, &sliceCollector{}); err != nil {
					t.Fatal(err)
				}
				if h := op.(*Calc).hoist; len(h.fields) != 2 {
					t.Fatalf("hoisted %d columns, want r.s and UPPER(r.s)", len(h.fields))
				}
			}
			var c sliceCollector
			for round := 0; round < 2; round++ { // the plan is reused
				c.batches = nil
				if err := op.ProcessBatch(0, b, &c); err != nil {
					t.Fatal(err)
				}
				if got := c.rows(); !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("rows = %q, want %q", got, tc.want)
				}
				for _, ob := range c.batches {
					if err := ob.Validate(); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}
