package plan

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/types"
)

// ConstantFolding evaluates deterministic calls and casts whose arguments
// are all literals (running the kernel on a one-row batch) and replaces
// them by literals; a Filter whose condition folds to TRUE disappears, one
// that folds to FALSE or NULL becomes empty Values. Calls that fail at
// evaluation (1 / 0) are left for the runtime to report.
type ConstantFolding struct{}

// Name returns the rule's name.
func (ConstantFolding) Name() string { return "ConstantFolding" }

// Apply folds every expression of the plan.
func (ConstantFolding) Apply(root Node, cfg Config) (Node, bool, error) {
	ctx := expr.NewContext(cfg.Loc)
	fold := func(e expr.Expr) (expr.Expr, bool) {
		changed := false
		out := RewriteExpr(e, func(x expr.Expr) expr.Expr {
			if l := foldOne(x, ctx, cfg.Functions); l != nil {
				changed = true
				return l
			}
			return nil
		})
		return out, changed
	}
	foldAll := func(es []expr.Expr) ([]expr.Expr, bool) {
		var out []expr.Expr
		for i, e := range es {
			f, ch := fold(e)
			if ch && out == nil {
				out = append([]expr.Expr(nil), es...)
			}
			if out != nil {
				out[i] = f
			}
		}
		if out == nil {
			return es, false
		}
		return out, true
	}
	return transformUp(root, func(n Node) (Node, bool, error) {
		switch n := n.(type) {
		case *Project:
			if ex, ch := foldAll(n.Exprs); ch {
				c := *n
				c.Exprs = ex
				return &c, true, nil
			}
		case *Filter:
			cond, ch := fold(n.Cond)
			if l, ok := cond.(*expr.Literal); ok {
				if v, _ := l.Value.(bool); v {
					return n.Input, true, nil
				}
				return &Values{Out: n.Schema()}, true, nil
			}
			if ch {
				return &Filter{Input: n.Input, Cond: cond}, true, nil
			}
		case *Join:
			if n.Condition == nil {
				break
			}
			cond, ch := fold(n.Condition)
			if l, ok := cond.(*expr.Literal); ok {
				if v, _ := l.Value.(bool); v {
					c := *n
					c.Condition = nil
					return &c, true, nil
				}
			}
			if ch {
				c := *n
				c.Condition = cond
				return &c, true, nil
			}
		case *Values:
			changed := false
			rows := make([][]expr.Expr, len(n.Rows))
			for i, r := range n.Rows {
				var ch bool
				rows[i], ch = foldAll(r)
				changed = changed || ch
			}
			if changed {
				return &Values{Out: n.Out, Rows: rows}, true, nil
			}
		case *Correlate:
			if args, ch := foldAll(n.Args); ch {
				c := *n
				c.Args = args
				return &c, true, nil
			}
		}
		return n, false, nil
	})
}

// foldOne evaluates x when it is a foldable call or cast over literals.
func foldOne(x expr.Expr, ctx *expr.Context, reg *expr.Registry) *expr.Literal {
	switch c := x.(type) {
	case *expr.Call:
		if f := reg.Scalar(c.Name); f == nil || f.NonDeterministic {
			return nil
		}
	case *functions.Cast:
	default:
		return nil
	}
	for _, a := range Children(x) {
		if _, ok := a.(*expr.Literal); !ok {
			return nil
		}
	}
	arr, err := x.Eval(ctx, types.NewBatch(&types.Schema{}, nil, nil, 1))
	if err != nil || arr == nil || arr.Len() != 1 {
		return nil
	}
	return &expr.Literal{Value: types.Value(arr, 0), T: x.Type()}
}
