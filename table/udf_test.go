package table

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// twice is a Go UDF: INT → INT, doubling its argument a column at a time.
var twice = &expr.ScalarFunction{
	Name: "twice",
	Doc:  expr.Doc{Category: "Test", Syntax: "TWICE(int)", Description: "Doubles an INT."},
	Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 1 || args[0].Type.Kind != types.KindInt {
			got := make([]types.DataType, len(args))
			for i, a := range args {
				got[i] = a.Type
			}
			return types.DataType{}, nil, &expr.TypeError{Func: "TWICE", Got: got, Expected: "TWICE(INT)"}
		}
		return types.Int, func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
			a := in[0].(*array.Int32)
			b := array.NewInt32Builder(memory.DefaultAllocator)
			b.Resize(rows)
			for i := 0; i < rows; i++ {
				if a.IsNull(i) {
					b.UnsafeAppendBoolToBitmap(false)
				} else {
					b.UnsafeAppend(2 * a.Value(i))
				}
			}
			return b.NewArray(), nil
		}, nil
	},
}

func TestRegisterFunction(t *testing.T) {
	env := NewEnvironment(Settings{Batch: true, Parallelism: 2})
	if err := env.RegisterFunction("twice", twice); err != nil {
		t.Fatal(err)
	}
	got := collectRows(t, mustExec(t, env, "SELECT TWICE(a) FROM (VALUES (1), (21)) AS t(a)"))
	if strings.Join(got, " ") != "+I[2] +I[42]" {
		t.Errorf("got %q", got)
	}
	if err := env.RegisterFunction("bad", 42); err == nil {
		t.Error("registering a non-function should fail")
	}
	if _, err := env.ExecuteSQL(context.Background(), "SELECT twice('x')"); err == nil {
		t.Error("a type error should be reported")
	}
	fns := rowsText(t, mustExec(t, env, "SHOW USER FUNCTIONS"))
	if strings.Join(fns, " ") != "+I[twice]" {
		t.Errorf("SHOW USER FUNCTIONS = %q", fns)
	}
}

func TestRegisterGoFunc(t *testing.T) {
	env := NewEnvironment(Settings{Batch: true, Parallelism: 1})
	if err := env.RegisterFunction("shout", func(s string, n int32) string { return strings.Repeat(strings.ToUpper(s), int(n)) }); err != nil {
		t.Fatal(err)
	}
	if err := env.RegisterFunction("orzero", func(p *int64) *int64 {
		if p == nil {
			z := int64(0)
			return &z
		}
		return p
	}); err != nil {
		t.Fatal(err)
	}
	got := collectRows(t, mustExec(t, env, "SELECT shout(s, 2), orzero(v) FROM (VALUES ('ab', CAST(NULL AS BIGINT)), (CAST(NULL AS STRING), CAST(7 AS BIGINT))) AS t(s, v)"))
	if strings.Join(got, " ") != "+I[ABAB, 0] +I[null, 7]" {
		t.Errorf("got %q", got)
	}
	for _, bad := range []any{42, func() {}, func(x complex64) int32 { return 0 }} {
		if err := env.RegisterFunction("bad", bad); err == nil {
			t.Errorf("RegisterFunction(%T) should fail", bad)
		}
	}
}
