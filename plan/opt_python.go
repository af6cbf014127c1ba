package plan

import (
	"fmt"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/types"
)

// PythonCalcSplit moves Python function calls out of projections and
// filters into PythonCalc nodes, as Flink's PythonCalcSplitRule does:
//
//	Project(exprs with Python calls)
//	→ Project(the rest) over PythonCalc(calls) over Project(Go arguments)
//
// Go expressions used as arguments of Python calls are computed below the
// PythonCalc, Go expressions over Python results above it; nested Python
// calls stay together so one worker round trip evaluates them. Correlates
// over a Python table function become PythonCorrelate.
type PythonCalcSplit struct{}

// Name returns the rule's name.
func (PythonCalcSplit) Name() string { return "PythonCalcSplit" }

// Apply splits every node holding Python calls.
func (PythonCalcSplit) Apply(root Node, cfg Config) (Node, bool, error) {
	return transformUp(root, func(n Node) (Node, bool, error) {
		switch n := n.(type) {
		case *Project:
			if !anyPython(n.Exprs...) {
				return n, false, nil
			}
			exprs, calc := splitPython(n.Input, n.Exprs, n.Out)
			return &Project{Input: calc, Exprs: exprs, Out: n.Out}, true, nil
		case *Filter:
			if !anyPython(n.Cond) {
				return n, false, nil
			}
			return splitFilter(n), true, nil
		case *Join:
			return pythonJoin(n, cfg)
		case *Correlate:
			return pythonCorrelate(n)
		}
		return n, false, nil
	})
}

// splitFilter evaluates the Python calls of f's condition in a
// PythonCalc that forwards every input column; the filter reads its
// columns and a projection above restores the input's columns.
func splitFilter(f *Filter) Node {
	in := f.Input.Schema()
	all := make([]expr.Expr, 0, in.Len()+1)
	for i, fl := range in.Fields {
		all = append(all, &expr.ColumnRef{Index: i, Name: fl.Name, T: fl.Type})
	}
	all = append(all, f.Cond)
	out := &types.Schema{Fields: append(append([]types.Field(nil), in.Fields...), types.Field{Name: "$cond", Type: f.Cond.Type()})}
	exprs, calc := splitPython(f.Input, all, out)
	return &Project{Input: &Filter{Input: calc, Cond: exprs[in.Len()]}, Exprs: exprs[:in.Len()], Out: in}
}

// pythonJoin moves the conjuncts of an inner join's condition that call
// Python functions into a filter above the join (Flink's
// SplitPythonConditionFromJoinRule), split like any filter.
func pythonJoin(j *Join, cfg Config) (Node, bool, error) {
	if !anyPython(j.Condition) {
		return j, false, nil
	}
	if j.Type != JoinInner {
		return j, false, fmt.Errorf("Python functions are only supported in the condition of an INNER join, not a %s join", j.Type)
	}
	var py, rest []expr.Expr
	for _, c := range Conjuncts(j.Condition) {
		if anyPython(c) {
			py = append(py, c)
		} else {
			rest = append(rest, c)
		}
	}
	reg := cfg.Functions
	if reg == nil {
		reg = expr.Builtins
	}
	pyCond, err := andOf(py, reg)
	if err != nil {
		return j, false, err
	}
	nj := *j
	nj.Condition = nil
	if len(rest) > 0 {
		if nj.Condition, err = andOf(rest, reg); err != nil {
			return j, false, err
		}
	}
	return splitFilter(&Filter{Input: &nj, Cond: pyCond}), true, nil
}

func anyPython(es ...expr.Expr) bool {
	for _, e := range es {
		if e == nil {
			continue
		}
		if _, ok := e.(*pyfn.Call); ok {
			return true
		}
		if anyPython(Children(e)...) {
			return true
		}
	}
	return false
}

// pyResult stands for the k-th Python call's result while the split
// rewrites expressions; it never leaves splitPython.
type pyResult struct {
	k int
	t types.DataType
}

func (r *pyResult) Type() types.DataType { return r.t }
func (r *pyResult) Eval(*expr.Context, *types.Batch) (arrow.Array, error) {
	return nil, fmt.Errorf("internal: unplaced Python result %d", r.k)
}
func (r *pyResult) String() string { return fmt.Sprintf("$py%d", r.k) }

// splitPython returns exprs rewritten over a new PythonCalc (built over
// input, with a Project computing Go arguments below it when needed).
func splitPython(input Node, exprs []expr.Expr, out *types.Schema) ([]expr.Expr, Node) {
	in := input.Schema()
	n := in.Len()
	var calls []*pyfn.Call
	var extra []expr.Expr
	// argOf turns a Go argument into a column: itself when it is a column
	// reference, else a new column of the Project below.
	argOf := func(a expr.Expr) expr.Expr {
		if c, ok := a.(*expr.ColumnRef); ok {
			return c
		}
		for j, e := range extra {
			if e.String() == a.String() {
				return &expr.ColumnRef{Index: n + j, Name: fmt.Sprintf("$f%d", n+j), T: a.Type()}
			}
		}
		extra = append(extra, a)
		return &expr.ColumnRef{Index: n + len(extra) - 1, Name: fmt.Sprintf("$f%d", n+len(extra)-1), T: a.Type()}
	}
	var pyArgs func(c *pyfn.Call) *pyfn.Call
	pyArgs = func(c *pyfn.Call) *pyfn.Call {
		args := make([]expr.Expr, len(c.Args))
		for i, a := range c.Args {
			if pc, ok := a.(*pyfn.Call); ok {
				args[i] = pyArgs(pc)
			} else {
				args[i] = argOf(a)
			}
		}
		d := *c
		d.Args = args
		return &d
	}
	outer := make([]expr.Expr, len(exprs))
	names := make([]string, 0)
	for i, e := range exprs {
		outer[i] = RewriteExprTopDown(e, func(x expr.Expr) expr.Expr {
			c, ok := x.(*pyfn.Call)
			if !ok {
				return nil
			}
			calls = append(calls, pyArgs(c))
			name := fmt.Sprintf("f%d", len(calls)-1)
			if e == x && i < len(out.Fields) {
				name = out.Fields[i].Name
			}
			names = append(names, name)
			return &pyResult{k: len(calls) - 1, t: c.T}
		})
	}
	// Columns the PythonCalc must receive: forwarded ones and arguments.
	fwdSet := map[int]bool{}
	for _, e := range outer {
		for _, r := range InputRefs(e) {
			fwdSet[r] = true
		}
	}
	need := map[int]bool{}
	for r := range fwdSet {
		need[r] = true
	}
	for _, c := range calls {
		for _, r := range InputRefs(c) {
			if r < n {
				need[r] = true
			}
		}
	}
	needed := sortedKeys(need)
	pos := map[int]int{}
	var below Node = input
	if len(extra) > 0 || len(needed) != n {
		bexprs := make([]expr.Expr, 0, len(needed)+len(extra))
		bout := &types.Schema{}
		for _, i := range needed {
			pos[i] = len(bexprs)
			f := in.Fields[i]
			bexprs = append(bexprs, &expr.ColumnRef{Index: i, Name: f.Name, T: f.Type})
			bout.Fields = append(bout.Fields, f)
		}
		for j, e := range extra {
			pos[n+j] = len(bexprs)
			bexprs = append(bexprs, e)
			bout.Fields = append(bout.Fields, types.Field{Name: fmt.Sprintf("f%d", len(bexprs)-1), Type: e.Type()})
		}
		below = &Project{Input: input, Exprs: bexprs, Out: pyUniqueNames(bout)}
	} else {
		for i := 0; i < n; i++ {
			pos[i] = i
		}
	}
	bs := below.Schema()
	for k, c := range calls {
		calls[k] = RemapColumns(c, func(i int) int { return pos[i] }).(*pyfn.Call)
	}
	fwd := sortedKeys(fwdSet)
	calc := &PythonCalc{Input: below, Out: &types.Schema{}}
	at := map[int]int{}
	for j, i := range fwd {
		at[i] = j
		calc.Forward = append(calc.Forward, pos[i])
		calc.Out.Fields = append(calc.Out.Fields, bs.Fields[pos[i]])
	}
	calc.Calls = calls
	for k, c := range calls {
		calc.Out.Fields = append(calc.Out.Fields, types.Field{Name: names[k], Type: c.T})
	}
	calc.Out = pyUniqueNames(calc.Out)
	for i, e := range outer {
		outer[i] = RewriteExpr(RemapColumns(e, func(i int) int { return at[i] }), func(x expr.Expr) expr.Expr {
			if r, ok := x.(*pyResult); ok {
				return &expr.ColumnRef{Index: len(fwd) + r.k, Name: calc.Out.Fields[len(fwd)+r.k].Name, T: r.t}
			}
			return nil
		})
	}
	return outer, calc
}

// RewriteExprTopDown replaces the outermost nodes for which f returns an
// expression, without descending into what it replaced.
func RewriteExprTopDown(e expr.Expr, f func(expr.Expr) expr.Expr) expr.Expr {
	if e == nil {
		return nil
	}
	if r := f(e); r != nil {
		return r
	}
	kids := Children(e)
	var nk []expr.Expr
	for i, a := range kids {
		na := RewriteExprTopDown(a, f)
		if na != a && nk == nil {
			nk = append([]expr.Expr(nil), kids...)
		}
		if nk != nil {
			nk[i] = na
		}
	}
	if nk != nil {
		return withChildren(e, nk)
	}
	return e
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// pyUniqueNames suffixes repeated column names (f0, f0 → f0, f0_0), since a
// PythonCalc's results are addressed by name in EXPLAIN.
func pyUniqueNames(s *types.Schema) *types.Schema {
	seen := map[string]bool{}
	for i, f := range s.Fields {
		name := f.Name
		for k := 0; seen[name]; k++ {
			name = fmt.Sprintf("%s_%d", f.Name, k)
		}
		seen[name] = true
		s.Fields[i].Name = name
	}
	return s
}

// pythonCorrelate turns a Correlate over a Python table function into a
// PythonCorrelate, computing non-column arguments in a Project below.
func pythonCorrelate(c *Correlate) (Node, bool, error) {
	pf := pyfn.Of(c.Func)
	if pf == nil {
		return c, false, nil
	}
	if anyPython(c.Args...) {
		return c, false, fmt.Errorf("a Python call as an argument of Python table function %s is not supported", pf.Name)
	}
	in := c.Input.Schema()
	n := in.Len()
	var input = c.Input
	var extra []expr.Expr
	args := make([]*expr.ColumnRef, len(c.Args))
	for i, a := range c.Args {
		if r, ok := a.(*expr.ColumnRef); ok {
			args[i] = r
			continue
		}
		extra = append(extra, a)
		args[i] = &expr.ColumnRef{Index: n + len(extra) - 1, Name: fmt.Sprintf("f%d", n+len(extra)-1), T: a.Type()}
	}
	if len(extra) == 0 {
		return &PythonCorrelate{Input: input, Fn: pf, Args: args, Fields: c.Fields, Left: c.Left}, true, nil
	}
	// Arguments computed below; the Project above drops them again.
	bexprs := make([]expr.Expr, 0, n+len(extra))
	bout := &types.Schema{}
	for i, f := range in.Fields {
		bexprs = append(bexprs, &expr.ColumnRef{Index: i, Name: f.Name, T: f.Type})
		bout.Fields = append(bout.Fields, f)
	}
	for j, e := range extra {
		bexprs = append(bexprs, e)
		bout.Fields = append(bout.Fields, types.Field{Name: fmt.Sprintf("f%d", n+j), Type: e.Type()})
	}
	below := &Project{Input: input, Exprs: bexprs, Out: pyUniqueNames(bout)}
	pc := &PythonCorrelate{Input: below, Fn: pf, Args: args, Fields: c.Fields, Left: c.Left}
	want := c.Schema()
	pcs := pc.Schema()
	top := make([]expr.Expr, 0, want.Len())
	for i := 0; i < n; i++ {
		top = append(top, &expr.ColumnRef{Index: i, Name: pcs.Fields[i].Name, T: pcs.Fields[i].Type})
	}
	for j := range c.Fields {
		k := n + len(extra) + j
		top = append(top, &expr.ColumnRef{Index: k, Name: pcs.Fields[k].Name, T: pcs.Fields[k].Type})
	}
	return &Project{Input: pc, Exprs: top, Out: want}, true, nil
}
