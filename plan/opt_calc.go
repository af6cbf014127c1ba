package plan

import (
	"github.com/spry-engine/spry/expr"
)

// CalcMerge merges adjacent projections (substituting the lower one's
// expressions into the upper one) and adjacent filters (AND), so that a
// chain of them becomes one Calc in physical planning. Projections are
// not merged when that would duplicate a non-deterministic expression.
type CalcMerge struct{}

// Name returns the rule's name.
func (CalcMerge) Name() string { return "CalcMerge" }

// Apply merges every adjacent pair.
func (CalcMerge) Apply(root Node, cfg Config) (Node, bool, error) {
	return transformUp(root, func(n Node) (Node, bool, error) {
		switch n := n.(type) {
		case *Project:
			in, ok := n.Input.(*Project)
			if !ok {
				return n, false, nil
			}
			uses := map[int]int{}
			for _, e := range n.Exprs {
				for _, r := range refList(e) {
					uses[r]++
				}
			}
			for i, e := range in.Exprs {
				if uses[i] > 1 && !deterministic(e, cfg.Functions) {
					return n, false, nil
				}
			}
			exprs := make([]expr.Expr, len(n.Exprs))
			for i, e := range n.Exprs {
				exprs[i] = substitute(e, in.Exprs)
			}
			return &Project{Input: in.Input, Exprs: exprs, Out: n.Out}, true, nil
		case *Filter:
			in, ok := n.Input.(*Filter)
			if !ok {
				return n, false, nil
			}
			cond, err := andOf([]expr.Expr{in.Cond, n.Cond}, cfg.Functions)
			if err != nil {
				return n, false, err
			}
			return &Filter{Input: in.Input, Cond: cond}, true, nil
		}
		return n, false, nil
	})
}

// substitute replaces each column reference i in e by exprs[i].
func substitute(e expr.Expr, exprs []expr.Expr) expr.Expr {
	return RewriteExpr(e, func(x expr.Expr) expr.Expr {
		if c, ok := x.(*expr.ColumnRef); ok {
			return exprs[c.Index]
		}
		return nil
	})
}

// refList lists every column reference of e, repeats included.
func refList(e expr.Expr) []int {
	if c, ok := e.(*expr.ColumnRef); ok {
		return []int{c.Index}
	}
	var out []int
	for _, ch := range Children(e) {
		out = append(out, refList(ch)...)
	}
	return out
}

// RemoveTrivialProject drops projections that pass their input through
// unchanged. The root keeps a projection that renames columns, since the
// root's names are the query's result names.
type RemoveTrivialProject struct{}

// Name returns the rule's name.
func (RemoveTrivialProject) Name() string { return "RemoveTrivialProject" }

// Apply removes trivial projections.
func (RemoveTrivialProject) Apply(root Node, _ Config) (Node, bool, error) {
	out, changed, err := transformUp(root, func(n Node) (Node, bool, error) {
		in := n.Inputs()
		var repl []Node
		for i, c := range in {
			if p, ok := c.(*Project); ok && isIdentity(p, false) {
				if repl == nil {
					repl = append([]Node(nil), in...)
				}
				repl[i] = p.Input
			}
		}
		if repl == nil {
			return n, false, nil
		}
		return n.WithInputs(repl), true, nil
	})
	if err != nil {
		return root, false, err
	}
	if p, ok := out.(*Project); ok && isIdentity(p, true) {
		return p.Input, true, nil
	}
	return out, changed, nil
}

// isIdentity reports whether p outputs exactly its input's columns (with
// the same names too when names is set).
func isIdentity(p *Project, names bool) bool {
	in := p.Input.Schema()
	if len(p.Exprs) != in.Len() {
		return false
	}
	for i, e := range p.Exprs {
		c, ok := e.(*expr.ColumnRef)
		if !ok || c.Index != i || !p.Out.Fields[i].Type.Equal(in.Fields[i].Type) {
			return false
		}
		if names && p.Out.Fields[i].Name != in.Fields[i].Name {
			return false
		}
	}
	return true
}

// SortLimitMerge folds a LIMIT (a Sort without keys) into the Sort or
// LIMIT below it (looking through a projection), so ORDER BY ... LIMIT n
// becomes one top-N.
type SortLimitMerge struct{}

// Name returns the rule's name.
func (SortLimitMerge) Name() string { return "SortLimitMerge" }

// Apply merges limits into sorts.
func (SortLimitMerge) Apply(root Node, _ Config) (Node, bool, error) {
	return transformUp(root, func(n Node) (Node, bool, error) {
		outer, ok := n.(*Sort)
		if !ok || len(outer.Keys) > 0 {
			return n, false, nil
		}
		if p, ok := outer.Input.(*Project); ok {
			// A limit commutes with a row-wise projection; moving it
			// down lets it meet the sort below.
			if _, ok := p.Input.(*Sort); ok {
				l := *outer
				l.Input = p.Input
				inner, _, _ := SortLimitMerge{}.Apply(&l, Config{})
				return &Project{Input: inner, Exprs: p.Exprs, Out: p.Out}, true, nil
			}
		}
		inner, ok := outer.Input.(*Sort)
		if !ok {
			return n, false, nil
		}
		m := *inner
		m.Offset = inner.Offset + outer.Offset
		switch {
		case inner.Fetch < 0:
			m.Fetch = outer.Fetch
		case outer.Fetch < 0:
			m.Fetch = max(inner.Fetch-outer.Offset, 0)
		default:
			m.Fetch = min(outer.Fetch, max(inner.Fetch-outer.Offset, 0))
		}
		return &m, true, nil
	})
}

// AggPhaseStrategy applies table.optimizer.agg-phase-strategy: it marks
// each aggregate ONE_PHASE or TWO_PHASE for physical planning, which does
// the local/global split. TWO_PHASE needs every call to have mergeable
// state and no DISTINCT; AUTO chooses TWO_PHASE. A streaming aggregate is
// split only with mini-batch enabled, as in Flink, so without it every
// streaming aggregate is ONE_PHASE.
type AggPhaseStrategy struct{}

// Name returns the rule's name.
func (AggPhaseStrategy) Name() string { return "AggPhaseStrategy" }

// Apply marks every unmarked aggregate.
func (AggPhaseStrategy) Apply(root Node, cfg Config) (Node, bool, error) {
	return transformUp(root, func(n Node) (Node, bool, error) {
		a, ok := n.(*Aggregate)
		if !ok || a.Strategy != AggAuto {
			return n, false, nil
		}
		want := cfg.AggPhaseStrategy
		if want == AggAuto {
			want = AggTwoPhase
		}
		if want == AggTwoPhase && (!splittable(a) || cfg.Streaming && !cfg.MiniBatch) {
			want = AggOnePhase
		}
		c := *a
		c.Strategy = want
		return &c, true, nil
	})
}

// splittable reports whether a local/global split of a is possible.
func splittable(a *Aggregate) bool {
	for _, c := range a.Calls {
		if c.Distinct || c.Factory == nil {
			return false
		}
	}
	return true
}
