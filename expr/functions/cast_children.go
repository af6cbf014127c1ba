package functions

import "github.com/spry-engine/spry/expr"

// Children returns the CAST's input, so generic walks (expr.ColumnsUsed,
// an operator's column pruning) see through it.
func (c *Cast) Children() []expr.Expr { return []expr.Expr{c.Input} }

// WithChildren returns a copy of the CAST over a new input.
func (c *Cast) WithChildren(kids []expr.Expr) expr.Expr {
	n := *c
	n.Input = kids[0]
	return &n
}
