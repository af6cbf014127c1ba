package functions

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Test helpers for engineer A's families: arguments are written as text
// and converted with CAST from STRING, results are compared as Flink-style
// text, so tables stay short.

// tcol is one argument: a type and its values (nil for NULL; strings are
// CAST to T unless T is a string type; other Go values are appended as is).
type tcol struct {
	T     types.DataType
	V     []any
	Const bool
}

func col(t types.DataType, v ...any) tcol { return tcol{T: t, V: v} }

func lit(t types.DataType, v any) tcol { return tcol{T: t, V: []any{v}, Const: true} }

func (c tcol) array(t *testing.T, rows int) arrow.Array {
	t.Helper()
	vals := c.V
	if c.Const {
		vals = make([]any, rows)
		for i := range vals {
			vals[i] = c.V[0]
		}
	}
	needCast := false
	for _, v := range vals {
		if _, ok := v.(string); ok && !c.T.Kind.IsString() {
			needCast = true
		}
	}
	if !needCast {
		b := types.NewBuilder(c.T)
		for _, v := range vals {
			types.Append(b, v)
		}
		return b.NewArray()
	}
	b := types.NewBuilder(types.String)
	for _, v := range vals {
		types.Append(b, v)
	}
	k, err := castKernel(types.String, c.T, false)
	if err != nil {
		t.Fatal(err)
	}
	a, err := k(testCtx(), []arrow.Array{b.NewArray()}, len(vals))
	if err != nil {
		t.Fatalf("building %s column: %v", c.T, err)
	}
	return a
}

func testCtx() *expr.Context {
	ctx := expr.NewContext(time.UTC)
	ctx.Now = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	return ctx
}

// evalFn binds a registered function and runs it, returning the result
// rendered as text ("NULL" for NULL) and the result type.
func evalFn(t *testing.T, ctx *expr.Context, name string, cols ...tcol) ([]string, types.DataType, error) {
	t.Helper()
	f := expr.Builtins.Scalar(name)
	if f == nil {
		t.Fatalf("function %s not registered", name)
	}
	rows := 1
	for _, c := range cols {
		if !c.Const {
			rows = len(c.V)
		}
	}
	args := make([]expr.Arg, len(cols))
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		args[i] = expr.Arg{Type: c.T, IsConst: c.Const}
		arrs[i] = c.array(t, rows)
		if c.Const {
			args[i].Const = types.Value(arrs[i], 0)
		}
	}
	rt, k, err := f.Bind(args)
	if err != nil {
		return nil, rt, err
	}
	out, err := k(ctx, arrs, rows)
	if err != nil {
		return nil, rt, err
	}
	if out.Len() != rows {
		t.Fatalf("%s returned %d rows, want %d", name, out.Len(), rows)
	}
	if want := types.ArrowType(rt); !arrow.TypeEqual(out.DataType(), want) {
		t.Fatalf("%s returned arrow %s, result type %s wants %s", name, out.DataType(), rt, want)
	}
	res := make([]string, rows)
	for i := range res {
		res[i] = types.Format(types.Value(out, i), rt, ctx.Loc, "NULL")
	}
	return res, rt, nil
}

// evalCase is one row of a table-driven evaluation test. want holds one
// text per row, or "ERR:substring" for an expected error; typ, when set,
// is the expected result type.
type evalCase struct {
	fn   string
	args []tcol
	want []string
	typ  string
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for i, c := range cases {
		name := fmt.Sprintf("%d_%s", i, c.fn)
		t.Run(name, func(t *testing.T) {
			got, rt, err := evalFn(t, testCtx(), c.fn, c.args...)
			if len(c.want) == 1 && strings.HasPrefix(c.want[0], "ERR:") {
				if err == nil || !strings.Contains(err.Error(), c.want[0][4:]) {
					t.Fatalf("want error containing %q, got %v (result %v)", c.want[0][4:], err, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if c.typ != "" && rt.String() != c.typ {
				t.Errorf("result type %s, want %s", rt, c.typ)
			}
		})
	}
}
