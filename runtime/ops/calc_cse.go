package ops

import (
	"strconv"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
)

// Common subexpressions of a Calc's filter and projections.
//
// A Calc's filter is evaluated on every input row; a deterministic
// subexpression of it that a projection computes again (Nexmark q21
// extracts the channel id with REGEXP_EXTRACT in the WHERE and again in
// the SELECT) can be computed once, before the filter, and read back as a
// column by both: it gives the same values, and it raises no error the
// filter would not already raise. Subexpressions under a CASE of the
// filter are not evaluated on every row, so they are left alone.

// sharedSubexprs returns the keys (exprKey) of the deterministic calls and
// casts that filter evaluates on every row and some projection also holds.
func sharedSubexprs(filter expr.Expr, projs []expr.Expr) map[string]bool {
	if filter == nil {
		return nil
	}
	inFilter := map[string]bool{}
	var collect func(e expr.Expr)
	collect = func(e expr.Expr) {
		switch e := e.(type) {
		case *expr.Call:
			if !deterministic(e) {
				return
			}
			if k, ok := exprKey(e); ok && !isFieldAccess(e) {
				inFilter[k] = true
			}
			for _, a := range e.Args {
				collect(a)
			}
		case *functions.Cast:
			if k, ok := exprKey(e); ok {
				inFilter[k] = true
			}
			collect(e.Input)
		}
	}
	collect(filter)
	if len(inFilter) == 0 {
		return nil
	}
	shared := map[string]bool{}
	var find func(e expr.Expr)
	find = func(e expr.Expr) {
		if k, ok := exprKey(e); ok && inFilter[k] {
			shared[k] = true
			return
		}
		if p, ok := e.(expr.Parent); ok {
			for _, c := range p.Children() {
				find(c)
			}
		} else if c, ok := e.(*expr.Call); ok {
			for _, a := range c.Args {
				find(a)
			}
		}
	}
	for _, p := range projs {
		find(p)
	}
	return shared
}

// deterministic reports whether c is a built-in function that gives the
// same result for the same arguments.
func deterministic(c *expr.Call) bool {
	f := expr.Builtins.Scalar(c.Name)
	return f != nil && !f.NonDeterministic
}

// exprKey identifies an expression by structure (columns by position);
// ok is false for nodes it cannot describe, which are then never shared.
func exprKey(e expr.Expr) (string, bool) {
	var sb strings.Builder
	ok := writeKey(&sb, e)
	return sb.String(), ok
}

func writeKey(sb *strings.Builder, e expr.Expr) bool {
	switch e := e.(type) {
	case *expr.ColumnRef:
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(e.Index))
	case *expr.Literal:
		sb.WriteString(e.String())
		sb.WriteByte(':')
		sb.WriteString(e.T.String())
	case *expr.Call:
		sb.WriteString(e.Name)
		sb.WriteByte('(')
		for i, a := range e.Args {
			if i > 0 {
				sb.WriteByte(',')
			}
			if !writeKey(sb, a) {
				return false
			}
		}
		sb.WriteByte(')')
	case *functions.Cast:
		sb.WriteString("CAST(")
		if !writeKey(sb, e.Input) {
			return false
		}
		sb.WriteString(" AS ")
		sb.WriteString(e.To.String())
		if e.Try {
			sb.WriteString(" TRY")
		}
		sb.WriteByte(')')
	default:
		return false
	}
	return true
}
