package plan

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// WindowAggregateRule turns a GROUP BY window_start, window_end [,
// window_time] [, keys] over a window TVF into a WindowAggregate, as
// Flink's window aggregation: the TVF is merged into the aggregation,
// which assigns rows to windows itself and emits final, insert-only rows
// when a window closes. It matches
//
//	Aggregate → Project → (Project | Filter)* → WindowTableFunction
//
// (the binder's shape) when the window columns are used only as bare
// group keys; anything else stays a regular aggregation over the TVF's
// output. A Project above the WindowAggregate restores the Aggregate's
// column order. It runs first, on the binder's plan.
type WindowAggregateRule struct{}

// Name returns the rule's name.
func (WindowAggregateRule) Name() string { return "WindowAggregateRule" }

// Apply rewrites every matching aggregate.
func (WindowAggregateRule) Apply(root Node, cfg Config) (Node, bool, error) {
	return transformUp(root, func(n Node) (Node, bool, error) {
		a, ok := n.(*Aggregate)
		if !ok {
			return n, false, nil
		}
		if out := windowAggregate(a, cfg); out != nil {
			return out, true, nil
		}
		return n, false, nil
	})
}

// windowAggregate returns the rewrite of a, or nil when a is not a window
// aggregation.
func windowAggregate(a *Aggregate, cfg Config) Node {
	top, ok := a.Input.(*Project)
	if !ok {
		return nil
	}
	// Express the top projection and every filter below it over the TVF's
	// output by substituting the projections in between.
	exprs := append([]expr.Expr(nil), top.Exprs...)
	var conds []expr.Expr
	var src windowSource
	for n := top.Input; src.base == nil; {
		switch x := n.(type) {
		case *Project:
			for i, e := range exprs {
				exprs[i] = substitute(e, x.Exprs)
			}
			for i, c := range conds {
				conds[i] = substitute(c, x.Exprs)
			}
			n = x.Input
		case *Filter:
			conds = append(conds, x.Cond)
			n = x.Input
		case *WindowTableFunction:
			src = tvfSource(x)
		case *WindowAggregate:
			if src = attachedSource(x); src.base == nil {
				return nil
			}
		default:
			return nil
		}
	}
	isWindowCol := func(e expr.Expr) (WindowProp, bool) {
		if c, ok := e.(*expr.ColumnRef); ok {
			p, ok := src.props[c.Index]
			return p, ok
		}
		return 0, false
	}
	readsWindow := func(e expr.Expr) bool {
		for _, r := range InputRefs(e) {
			if _, ok := src.props[r]; ok {
				return true
			}
		}
		return false
	}
	for _, c := range conds {
		if readsWindow(c) {
			return nil
		}
	}
	// Group keys: window columns become properties, the rest keys.
	isKey := map[int]bool{}
	propOf := map[int]WindowProp{}
	hasProp := map[WindowProp]bool{}
	for _, k := range a.GroupKeys {
		isKey[k] = true
		if p, ok := isWindowCol(exprs[k]); ok {
			propOf[k] = p
			hasProp[p] = true
		}
	}
	if !hasProp[PropWindowStart] || !hasProp[PropWindowEnd] {
		return nil
	}
	for i, e := range exprs {
		if _, ok := propOf[i]; ok {
			continue
		}
		if readsWindow(e) {
			return nil
		}
	}
	// The new input: filters over the TVF's input, then a projection of the
	// non-window columns of top and the time column.
	var in Node = src.base
	if len(conds) > 0 {
		cond, err := andOf(conds, cfg.Functions)
		if err != nil {
			return nil
		}
		in = &Filter{Input: in, Cond: cond}
	}
	inSchema := src.base.Schema()
	proj := &Project{Input: in, Out: &types.Schema{}}
	newCol := make([]int, len(exprs)) // top column → proj column, -1 for window columns
	for i, e := range exprs {
		if _, ok := propOf[i]; ok {
			newCol[i] = -1
			continue
		}
		newCol[i] = len(proj.Exprs)
		proj.Exprs = append(proj.Exprs, e)
		proj.Out.Fields = append(proj.Out.Fields, top.Out.Fields[i])
	}
	spec := src.window
	for _, c := range src.carry {
		if c == src.window.StartCol && spec.Attached {
			spec.StartCol = len(proj.Exprs)
		}
		if c == src.window.TimeCol {
			spec.TimeCol = len(proj.Exprs)
		}
		proj.Exprs = append(proj.Exprs, &expr.ColumnRef{Index: c, Name: inSchema.Fields[c].Name, T: inSchema.Fields[c].Type})
		proj.Out.Fields = append(proj.Out.Fields, inSchema.Fields[c])
	}
	spec.PartitionKeys = nil // sessions are per group key
	spec.PartitionNames = nil
	wa := &WindowAggregate{Input: proj, Window: spec}
	for _, k := range a.GroupKeys {
		if _, ok := propOf[k]; !ok {
			wa.GroupKeys = append(wa.GroupKeys, newCol[k])
		}
	}
	for _, c := range a.Calls {
		c.Args = remapInts(c.Args, newCol)
		if c.Filter >= 0 {
			c.Filter = newCol[c.Filter]
		}
		wa.Calls = append(wa.Calls, c)
	}
	for _, p := range []WindowProp{PropWindowStart, PropWindowEnd, PropWindowTime} {
		if hasProp[p] {
			wa.Props = append(wa.Props, p)
			wa.PropNames = append(wa.PropNames, p.String())
		}
	}
	// Restore the Aggregate's layout: keys in GROUP BY order, then calls.
	aggOut := a.Schema()
	waOut := wa.Schema()
	nk, nc := len(wa.GroupKeys), len(wa.Calls)
	out := &Project{Input: wa, Out: aggOut}
	key := 0
	for _, k := range a.GroupKeys {
		col := 0
		if p, ok := propOf[k]; ok {
			for j, q := range wa.Props {
				if q == p {
					col = nk + nc + j
				}
			}
		} else {
			col = key
			key++
		}
		out.Exprs = append(out.Exprs, &expr.ColumnRef{Index: col, Name: waOut.Fields[col].Name, T: waOut.Fields[col].Type})
	}
	for j := range wa.Calls {
		col := nk + j
		out.Exprs = append(out.Exprs, &expr.ColumnRef{Index: col, Name: waOut.Fields[col].Name, T: waOut.Fields[col].Type})
	}
	return out
}

func remapInts(xs []int, m []int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = m[x]
	}
	return out
}

// windowSource is what a window aggregation is recognised over: a window
// TVF (base is its input) or, window attached, a window aggregation whose
// window_start / window_end columns it groups by again (base is that
// aggregation, as Flink's WindowAttachedWindowingStrategy).
type windowSource struct {
	base   Node
	window WindowSpec // over base
	// props maps the columns of the node above base that are window
	// properties (as the expressions above see them) to the property.
	props map[int]WindowProp
	// carry are the columns of base the new aggregation reads besides
	// the projected expressions: the time column (window start and end
	// when attached).
	carry []int
}

func tvfSource(t *WindowTableFunction) windowSource {
	n := len(t.Input.Schema().Fields)
	return windowSource{base: t.Input, window: t.Window,
		props: map[int]WindowProp{n: PropWindowStart, n + 1: PropWindowEnd, n + 2: PropWindowTime},
		carry: []int{t.Window.TimeCol}}
}

// attachedSource recognises a window aggregation below: its window_start
// and window_end columns delimit the windows of the aggregation above.
// SESSION windows (whose bounds vary per key) are not attached.
func attachedSource(a *WindowAggregate) windowSource {
	if a.Window.Kind == WindowSession {
		return windowSource{}
	}
	base := len(a.GroupKeys) + len(a.Calls)
	src := windowSource{base: a, props: map[int]WindowProp{}}
	start, end := -1, -1
	for i, p := range a.Props {
		src.props[base+i] = p
		switch p {
		case PropWindowStart:
			start = base + i
		case PropWindowEnd:
			end = base + i
		}
	}
	if start < 0 || end < 0 {
		return windowSource{}
	}
	out := a.Schema()
	w := a.Window
	w.Attached, w.StartCol, w.StartName = true, start, out.Fields[start].Name
	w.TimeCol, w.TimeName = end, out.Fields[end].Name
	src.window = w
	src.carry = []int{start, end}
	return src
}
