package plan

import (
	"github.com/spry-engine/spry/expr"
)

// FilterPushDown moves filters towards the scans: below projections
// (substituting the projected expressions), into join inputs (both sides
// of an inner join, only the row-preserving side of an outer join; a
// conjunct reading both sides of an inner join becomes part of its
// condition, which turns a cross join plus an equality filter into an
// equi-join), below aggregates (conjuncts on group keys only) and into
// every input of a set operation. It never crosses a watermark assigner:
// Flink generates watermarks on the unfiltered stream.
type FilterPushDown struct{}

// Name returns the rule's name.
func (FilterPushDown) Name() string { return "FilterPushDown" }

// Apply pushes every filter as far down as it goes.
func (FilterPushDown) Apply(root Node, cfg Config) (Node, bool, error) {
	return transformUp(root, func(n Node) (Node, bool, error) {
		switch n := n.(type) {
		case *Filter:
			return pushFilter(n, cfg)
		case *Join:
			return pushJoinCondition(n, cfg)
		}
		return n, false, nil
	})
}

func pushFilter(f *Filter, cfg Config) (Node, bool, error) {
	reg := cfg.Functions
	switch in := f.Input.(type) {
	case *Project:
		for _, i := range InputRefs(f.Cond) {
			if !deterministic(in.Exprs[i], reg) {
				return f, false, nil
			}
		}
		cond := RewriteExpr(f.Cond, func(x expr.Expr) expr.Expr {
			if c, ok := x.(*expr.ColumnRef); ok {
				return in.Exprs[c.Index]
			}
			return nil
		})
		inner, _, err := pushFilter(&Filter{Input: in.Input, Cond: cond}, cfg)
		if err != nil {
			return f, false, err
		}
		return &Project{Input: inner, Exprs: in.Exprs, Out: in.Out}, true, nil
	case *Join:
		return pushIntoJoin(f, in, cfg)
	case *Aggregate:
		return pushBelowAggregate(f, in, cfg)
	case *SetOp:
		ins := make([]Node, len(in.Ins))
		for i, c := range in.Ins {
			ins[i] = &Filter{Input: c, Cond: f.Cond}
		}
		c := *in
		c.Ins = ins
		return &c, true, nil
	case *Filter:
		cond, err := andOf([]expr.Expr{in.Cond, f.Cond}, reg)
		if err != nil {
			return f, false, err
		}
		return &Filter{Input: in.Input, Cond: cond}, true, nil
	}
	return f, false, nil
}

// side classifies a conjunct over left ++ right columns: 0 left only, 1
// right only, 2 both, -1 neither (constant).
func side(e expr.Expr, leftCols int) int {
	refs := InputRefs(e)
	if len(refs) == 0 {
		return -1
	}
	l, r := false, false
	for _, i := range refs {
		if i < leftCols {
			l = true
		} else {
			r = true
		}
	}
	switch {
	case l && r:
		return 2
	case r:
		return 1
	}
	return 0
}

func pushIntoJoin(f *Filter, j *Join, cfg Config) (Node, bool, error) {
	reg := cfg.Functions
	lc := j.Left.Schema().Len()
	var left, right, join, keep []expr.Expr
	for _, c := range Conjuncts(f.Cond) {
		switch s := side(c, lc); {
		case s == 0 && (j.Type == JoinInner || j.Type == JoinLeft || j.Type == JoinSemi || j.Type == JoinAnti):
			left = append(left, c)
		case s == 1 && (j.Type == JoinInner || j.Type == JoinRight):
			right = append(right, ShiftColumns(c, -lc))
		case s == 2 && j.Type == JoinInner:
			join = append(join, c)
		default:
			keep = append(keep, c)
		}
	}
	if len(left)+len(right)+len(join) == 0 {
		return f, false, nil
	}
	nj := *j
	var err error
	if nj.Left, err = wrapFilter(j.Left, left, reg); err != nil {
		return f, false, err
	}
	if nj.Right, err = wrapFilter(j.Right, right, reg); err != nil {
		return f, false, err
	}
	if len(join) > 0 {
		conds := append(Conjuncts(j.Condition), join...)
		if nj.Condition, err = andOf(conds, reg); err != nil {
			return f, false, err
		}
	}
	out, err := wrapFilter(&nj, keep, reg)
	return out, err == nil, err
}

// pushJoinCondition moves conjuncts of a join condition that read one
// side only into that input, where that keeps the join's meaning: both
// sides of an inner join; the right (filtered) side of left, semi and
// anti joins; the left of right joins and of semi joins.
func pushJoinCondition(j *Join, cfg Config) (Node, bool, error) {
	if j.Condition == nil {
		return j, false, nil
	}
	reg := cfg.Functions
	lc := j.Left.Schema().Len()
	var left, right, keep []expr.Expr
	for _, c := range Conjuncts(j.Condition) {
		switch s := side(c, lc); {
		case s == 0 && (j.Type == JoinInner || j.Type == JoinRight || j.Type == JoinSemi):
			left = append(left, c)
		case s == 1 && (j.Type == JoinInner || j.Type == JoinLeft || j.Type == JoinSemi || j.Type == JoinAnti):
			right = append(right, ShiftColumns(c, -lc))
		default:
			keep = append(keep, c)
		}
	}
	if len(left)+len(right) == 0 {
		return j, false, nil
	}
	nj := *j
	var err error
	if nj.Left, err = wrapFilter(j.Left, left, reg); err != nil {
		return j, false, err
	}
	if nj.Right, err = wrapFilter(j.Right, right, reg); err != nil {
		return j, false, err
	}
	if nj.Condition, err = andOf(keep, reg); err != nil {
		return j, false, err
	}
	return &nj, true, nil
}

func wrapFilter(n Node, conds []expr.Expr, reg *expr.Registry) (Node, error) {
	if len(conds) == 0 {
		return n, nil
	}
	c, err := andOf(conds, reg)
	if err != nil {
		return nil, err
	}
	return &Filter{Input: n, Cond: c}, nil
}

// pushBelowAggregate moves conjuncts that read only group keys below a
// plain (no grouping sets) aggregate.
func pushBelowAggregate(f *Filter, a *Aggregate, cfg Config) (Node, bool, error) {
	if _, isExpand := a.Input.(*Expand); isExpand {
		return f, false, nil
	}
	k := len(a.GroupKeys)
	var down, keep []expr.Expr
	for _, c := range Conjuncts(f.Cond) {
		refs := InputRefs(c)
		onKeys := len(refs) > 0
		for _, r := range refs {
			onKeys = onKeys && r < k
		}
		if onKeys {
			down = append(down, RemapColumns(c, func(i int) int { return a.GroupKeys[i] }))
		} else {
			keep = append(keep, c)
		}
	}
	if len(down) == 0 {
		return f, false, nil
	}
	in, err := wrapFilter(a.Input, down, cfg.Functions)
	if err != nil {
		return f, false, err
	}
	na := *a
	na.Input = in
	out, err := wrapFilter(&na, keep, cfg.Functions)
	return out, err == nil, err
}

// ScanFilterPushDown hands the conjuncts of a filter directly above a
// scan to the connector when Config.CanPushFilter accepts them; the rest
// stay in the Filter.
type ScanFilterPushDown struct{}

// Name returns the rule's name.
func (ScanFilterPushDown) Name() string { return "ScanFilterPushDown" }

// Apply pushes accepted conjuncts into scans.
func (ScanFilterPushDown) Apply(root Node, cfg Config) (Node, bool, error) {
	if cfg.CanPushFilter == nil {
		return root, false, nil
	}
	return transformUp(root, func(n Node) (Node, bool, error) {
		f, ok := n.(*Filter)
		if !ok {
			return n, false, nil
		}
		s, ok := f.Input.(*Scan)
		if !ok {
			return n, false, nil
		}
		var pushed, keep []expr.Expr
		for _, c := range Conjuncts(f.Cond) {
			if deterministic(c, cfg.Functions) && cfg.CanPushFilter(s, c) {
				pushed = append(pushed, c)
			} else {
				keep = append(keep, c)
			}
		}
		if len(pushed) == 0 {
			return n, false, nil
		}
		ns := *s
		ns.PushedFilters = append(append([]expr.Expr(nil), s.PushedFilters...), pushed...)
		out, err := wrapFilter(&ns, keep, cfg.Functions)
		return out, err == nil, err
	})
}
