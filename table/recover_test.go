package table

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// boom is a UDF whose Bind panics, standing in for a planner bug.
var boom = &expr.ScalarFunction{
	Name: "boom",
	Bind: func([]expr.Arg) (types.DataType, expr.Kernel, error) {
		var xs []int
		return types.Int, nil, errors.New(string(rune(xs[3]))) // index out of range
	},
}

// TestPlannerPanicIsError checks that a panic while planning becomes an
// *InternalError naming the statement, for every entry point.
func TestPlannerPanicIsError(t *testing.T) {
	env := NewEnvironment(Settings{Batch: true, Parallelism: 1})
	if err := env.RegisterFunction("boom", boom); err != nil {
		t.Fatal(err)
	}
	const stmt = "SELECT BOOM(1)"
	check := func(name string, err error) {
		t.Helper()
		var ie *InternalError
		if !errors.As(err, &ie) {
			t.Fatalf("%s: got %T %v, want *InternalError", name, err, err)
		}
		if ie.Statement != stmt || !strings.Contains(err.Error(), stmt) || len(ie.Stack) == 0 {
			t.Errorf("%s: error %q (statement %q) does not name the statement or lacks the stack", name, err, ie.Statement)
		}
		var re interface{ RuntimeError() }
		if !errors.As(err, &re) {
			t.Errorf("%s: the runtime error is not unwrapped from %v", name, err)
		}
	}
	_, err := env.ExecuteSQL(context.Background(), stmt)
	check("ExecuteSQL", err)
	_, err = env.Explain(context.Background(), stmt)
	check("Explain", err)
	ran := 0
	err = env.ExecuteScript(context.Background(), stmt+"; SELECT 1;", func(s string, r *Result, err error) bool {
		if ran++; ran == 1 {
			check("ExecuteScript", err)
		} else if err != nil {
			t.Errorf("statement after the panic: %v", err)
		}
		return true
	})
	if err != nil || ran != 2 {
		t.Errorf("ExecuteScript: %v after %d statements, want nil after 2", err, ran)
	}
}
