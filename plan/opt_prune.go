package plan

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// ProjectionPruning removes the columns no consumer reads: scans read
// only the needed columns (Scan.ProjectedColumns), projections drop unused
// expressions, and joins, filters, sorts, watermark assigners and
// correlates pass narrower rows. The root's columns are all kept.
type ProjectionPruning struct{}

// Name returns the rule's name.
func (ProjectionPruning) Name() string { return "ProjectionPruning" }

// Apply prunes the whole plan.
func (ProjectionPruning) Apply(root Node, _ Config) (Node, bool, error) {
	out, m := prune(root, allNeeded(root.Schema().Len()))
	if !isIdentityMap(m) {
		// Cannot happen: a node asked for all its columns keeps them.
		return root, false, nil
	}
	return out, Explain(out) != Explain(root), nil
}

func allNeeded(n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = true
	}
	return out
}

func isIdentityMap(m []int) bool {
	for i, v := range m {
		if v != i {
			return false
		}
	}
	return true
}

func identityMap(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

// keepOne marks the first column when need marks none, so that a node
// whose output appends to its input's columns never gets an empty input.
func keepOne(need []bool) {
	for _, use := range need {
		if use {
			return
		}
	}
	if len(need) > 0 {
		need[0] = true
	}
}

func markRefs(need []bool, es ...expr.Expr) {
	for _, e := range es {
		if e == nil {
			continue
		}
		for _, r := range InputRefs(e) {
			need[r] = true
		}
	}
}

func remap(e expr.Expr, m []int) expr.Expr {
	if e == nil {
		return nil
	}
	return RemapColumns(e, func(i int) int { return m[i] })
}

// prune returns n rewritten to output only (at least) the columns marked
// in need, and the position of each old column in the new output (-1 when
// dropped). Asked for every column, it keeps the output unchanged.
func prune(n Node, need []bool) (Node, []int) {
	switch n := n.(type) {
	case *Scan:
		need = append([]bool(nil), need...)
		markRefs(need, n.PushedFilters...)
		base := n.ProjectedColumns
		if base == nil {
			base = identityMap(len(need))
		}
		var cols []int
		m := make([]int, len(need))
		for i, use := range need {
			m[i] = -1
			if use {
				m[i] = len(cols)
				cols = append(cols, base[i])
			}
		}
		if len(cols) == 0 && len(base) > 0 {
			// A source must produce some column to carry the row count.
			cols, m[0] = []int{base[0]}, 0
		}
		if len(cols) == len(base) && n.ProjectedColumns == nil {
			return n, m
		}
		s := *n
		s.ProjectedColumns = cols
		s.PushedFilters = nil
		for _, f := range n.PushedFilters {
			s.PushedFilters = append(s.PushedFilters, remap(f, m))
		}
		return &s, m
	case *Project:
		m := make([]int, len(n.Exprs))
		var kept []int
		for i := range n.Exprs {
			m[i] = -1
			if need[i] {
				m[i] = len(kept)
				kept = append(kept, i)
			}
		}
		cn := make([]bool, n.Input.Schema().Len())
		for _, i := range kept {
			markRefs(cn, n.Exprs[i])
		}
		child, cm := prune(n.Input, cn)
		p := &Project{Input: child, Out: &types.Schema{}}
		for _, i := range kept {
			p.Exprs = append(p.Exprs, remap(n.Exprs[i], cm))
			p.Out.Fields = append(p.Out.Fields, n.Out.Fields[i])
		}
		return p, m
	case *Filter:
		cn := append([]bool(nil), need...)
		markRefs(cn, n.Cond)
		child, cm := prune(n.Input, cn)
		return &Filter{Input: child, Cond: remap(n.Cond, cm)}, cm
	case *Sort:
		cn := append([]bool(nil), need...)
		for _, k := range n.Keys {
			cn[k.Index] = true
		}
		child, cm := prune(n.Input, cn)
		s := *n
		s.Input = child
		s.Keys = append([]SortKey(nil), n.Keys...)
		for i := range s.Keys {
			s.Keys[i].Index = cm[s.Keys[i].Index]
		}
		return &s, cm
	case *WatermarkAssigner:
		cn := append([]bool(nil), need...)
		cn[n.RowtimeIndex] = true
		markRefs(cn, n.Expr)
		child, cm := prune(n.Input, cn)
		return &WatermarkAssigner{Input: child, RowtimeIndex: cm[n.RowtimeIndex], Expr: remap(n.Expr, cm)}, cm
	case *Join:
		lc := n.Left.Schema().Len()
		rc := n.Right.Schema().Len()
		all := make([]bool, lc+rc)
		copy(all, need)
		markRefs(all, n.Condition)
		// A join concatenates its inputs' columns, so neither may shrink
		// to an empty projection: that is planned by passing the wider
		// input through, which would shift every column after it.
		keepOne(all[:lc])
		keepOne(all[lc:])
		left, lm := prune(n.Left, all[:lc])
		right, rm := prune(n.Right, all[lc:])
		newLeft := left.Schema().Len()
		jm := make([]int, lc+rc)
		for i, v := range lm {
			jm[i] = v
		}
		for i, v := range rm {
			jm[lc+i] = -1
			if v >= 0 {
				jm[lc+i] = newLeft + v
			}
		}
		j := *n
		j.Left, j.Right, j.Condition = left, right, remap(n.Condition, jm)
		if n.Type == JoinSemi || n.Type == JoinAnti {
			return &j, lm
		}
		return &j, jm
	case *Correlate:
		ic := n.Input.Schema().Len()
		cn := make([]bool, ic)
		copy(cn, need[:ic])
		markRefs(cn, n.Args...)
		keepOne(cn) // the function's columns follow the input's, as in a join
		child, cm := prune(n.Input, cn)
		c := *n
		c.Input = child
		c.Args = make([]expr.Expr, len(n.Args))
		for i, a := range n.Args {
			c.Args[i] = remap(a, cm)
		}
		nc := child.Schema().Len()
		m := append([]int(nil), cm...)
		for i := range n.Fields {
			m = append(m, nc+i)
		}
		return &c, m
	case *Aggregate:
		cn := make([]bool, n.Input.Schema().Len())
		for _, k := range n.GroupKeys {
			cn[k] = true
		}
		for _, c := range n.Calls {
			for _, a := range c.Args {
				cn[a] = true
			}
			if c.Filter >= 0 {
				cn[c.Filter] = true
			}
		}
		if _, ok := n.Input.(*Expand); ok {
			cn = allNeeded(len(cn))
		}
		child, cm := prune(n.Input, cn)
		a := *n
		a.Input = child
		a.GroupKeys = make([]int, len(n.GroupKeys))
		for i, k := range n.GroupKeys {
			a.GroupKeys[i] = cm[k]
		}
		a.Calls = make([]AggCall, len(n.Calls))
		for i, c := range n.Calls {
			c.Args = append([]int(nil), c.Args...)
			for j := range c.Args {
				c.Args[j] = cm[c.Args[j]]
			}
			if c.Filter >= 0 {
				c.Filter = cm[c.Filter]
			}
			a.Calls[i] = c
		}
		return &a, identityMap(len(need))
	}
	// Any other node needs all its input columns.
	in := n.Inputs()
	if len(in) == 0 {
		return n, identityMap(len(need))
	}
	out := make([]Node, len(in))
	for i, c := range in {
		out[i], _ = prune(c, allNeeded(c.Schema().Len()))
	}
	return n.WithInputs(out), identityMap(len(need))
}
