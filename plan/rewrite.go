package plan

import (
	"sort"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
)

// RewriteExpr rebuilds e bottom-up, replacing each node for which f
// returns a non-nil expression. Unchanged subtrees are shared, not copied.
func RewriteExpr(e expr.Expr, f func(expr.Expr) expr.Expr) expr.Expr {
	if e == nil {
		return nil
	}
	kids := Children(e)
	var nk []expr.Expr
	for i, a := range kids {
		na := RewriteExpr(a, f)
		if na != a && nk == nil {
			nk = append([]expr.Expr(nil), kids...)
		}
		if nk != nil {
			nk[i] = na
		}
	}
	if nk != nil {
		e = withChildren(e, nk)
	}
	if r := f(e); r != nil {
		return r
	}
	return e
}

// ExprNode is implemented by expression types other than expr.Call that
// have sub-expressions, so plan rewrites can see through them.
type ExprNode interface {
	Children() []expr.Expr
	WithChildren([]expr.Expr) expr.Expr
}

// Children returns the direct sub-expressions of e.
func Children(e expr.Expr) []expr.Expr {
	switch e := e.(type) {
	case *expr.Call:
		return e.Args
	case *functions.Cast:
		return []expr.Expr{e.Input}
	case ExprNode:
		return e.Children()
	}
	return nil
}

func withChildren(e expr.Expr, kids []expr.Expr) expr.Expr {
	switch e := e.(type) {
	case *expr.Call:
		c := *e
		c.Args = kids
		return &c
	case *functions.Cast:
		c := *e
		c.Input = kids[0]
		return &c
	case ExprNode:
		return e.WithChildren(kids)
	}
	return e
}

// ShiftColumns returns e with every column index i replaced by i+delta.
func ShiftColumns(e expr.Expr, delta int) expr.Expr {
	if delta == 0 {
		return e
	}
	return RemapColumns(e, func(i int) int { return i + delta })
}

// RemapColumns returns e with every column index i replaced by m(i).
func RemapColumns(e expr.Expr, m func(int) int) expr.Expr {
	return RewriteExpr(e, func(x expr.Expr) expr.Expr {
		if c, ok := x.(*expr.ColumnRef); ok {
			nc := *c
			nc.Index = m(c.Index)
			return &nc
		}
		return nil
	})
}

// InputRefs returns the distinct column indexes e reads, sorted.
func InputRefs(e expr.Expr) []int {
	seen := map[int]bool{}
	walkRefs(e, seen)
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

func walkRefs(e expr.Expr, seen map[int]bool) {
	if c, ok := e.(*expr.ColumnRef); ok {
		seen[c.Index] = true
		return
	}
	for _, a := range Children(e) {
		walkRefs(a, seen)
	}
}

// Conjuncts splits a condition on AND into its parts.
func Conjuncts(e expr.Expr) []expr.Expr {
	if e == nil {
		return nil
	}
	if c, ok := e.(*expr.Call); ok && c.Name == "AND" {
		var out []expr.Expr
		for _, a := range c.Args {
			out = append(out, Conjuncts(a)...)
		}
		return out
	}
	return []expr.Expr{e}
}

// EquiKeys splits a join condition over left ++ right columns (left has
// leftCols columns) into equality key pairs (left column = right column,
// right indexes relative to the right input) and the remaining
// conjuncts, AND-ed (nil when none remain).
func EquiKeys(cond expr.Expr, leftCols int) (leftKeys, rightKeys []int, rest []expr.Expr) {
	for _, c := range Conjuncts(cond) {
		if call, ok := c.(*expr.Call); ok && (call.Name == "=" || call.Name == "IS_NOT_DISTINCT_FROM") && len(call.Args) == 2 {
			a, aok := call.Args[0].(*expr.ColumnRef)
			b, bok := call.Args[1].(*expr.ColumnRef)
			if aok && bok && call.Name == "=" {
				switch {
				case a.Index < leftCols && b.Index >= leftCols:
					leftKeys, rightKeys = append(leftKeys, a.Index), append(rightKeys, b.Index-leftCols)
					continue
				case b.Index < leftCols && a.Index >= leftCols:
					leftKeys, rightKeys = append(leftKeys, b.Index), append(rightKeys, a.Index-leftCols)
					continue
				}
			}
		}
		rest = append(rest, c)
	}
	return leftKeys, rightKeys, rest
}

// Walk calls f on n and every node below it, parents first; f returning
// false skips the node's inputs.
func Walk(n Node, f func(Node) bool) {
	if !f(n) {
		return
	}
	for _, c := range n.Inputs() {
		Walk(c, f)
	}
}

// replacePlaceholder rebuilds the tree n above placeholder (a node the
// binder stood in while the select list was still being bound) over
// real(), resolving the placeholder's references in the projections and
// filters on the way with resolve.
func replacePlaceholder(n, placeholder Node, real func() Node, resolve func(expr.Expr) expr.Expr) Node {
	if n == placeholder {
		return real()
	}
	in := n.Inputs()
	if len(in) == 0 {
		return n
	}
	out := make([]Node, len(in))
	for i, c := range in {
		out[i] = replacePlaceholder(c, placeholder, real, resolve)
	}
	n = n.WithInputs(out)
	switch x := n.(type) {
	case *Project:
		exprs := make([]expr.Expr, len(x.Exprs))
		for i, e := range x.Exprs {
			exprs[i] = resolve(e)
		}
		x.Exprs = exprs
	case *Filter:
		x.Cond = resolve(x.Cond)
	}
	return n
}
