package pyfn

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Call is a bound call of a Python scalar function. Go operators cannot
// evaluate it (Eval fails); the optimizer moves it into a PythonCalc, whose
// worker evaluates nested Python calls (f(g(x))) in one round trip.
type Call struct {
	Fn   *Function
	Args []expr.Expr
	T    types.DataType
}

var _ expr.Expr = (*Call)(nil)

// Type returns the declared result type.
func (c *Call) Type() types.DataType { return c.T }

// Eval fails: Python calls run in a worker process.
func (c *Call) Eval(*expr.Context, *types.Batch) (arrow.Array, error) {
	return nil, &NotPlannedError{c.Fn.Name}
}

// String prints the call as Flink's EXPLAIN does: name(arg, ...).
func (c *Call) String() string {
	var sb strings.Builder
	sb.WriteString(c.Fn.Name)
	sb.WriteByte('(')
	for i, a := range c.Args {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(a.String())
	}
	sb.WriteByte(')')
	return sb.String()
}

// Children returns the arguments (plan.ExprNode), so plan rewrites see
// through the call.
func (c *Call) Children() []expr.Expr { return c.Args }

// WithChildren returns a copy of c over other arguments.
func (c *Call) WithChildren(kids []expr.Expr) expr.Expr {
	d := *c
	d.Args = kids
	return &d
}
