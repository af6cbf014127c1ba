package plan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// overCtx collects, while a select list is bound, the OVER calls it
// makes. The plan it builds is Calcite's: [Project(input, extra keys and
// arguments)] → Over, with the select list projected over the Over.
type overCtx struct {
	in      *rel
	windows map[string]*sql.NamedWindow
	// extra are expressions (call arguments, partition or order keys)
	// that are not plain input columns; they are projected after the
	// input columns, below the Over.
	extra    []expr.Expr
	extraIdx map[string]int
	groups   []OverGroup
	groupAt  map[string]int
	callAt   map[string]overRef
}

// overRef stands for the result of call C of window group G until the
// Over node is built and the group's column offset is known.
type overRef struct {
	G, C int
	T    types.DataType
}

func (r *overRef) Type() types.DataType { return r.T }
func (r *overRef) Eval(*expr.Context, *types.Batch) (arrow.Array, error) {
	return nil, fmt.Errorf("over call w%d$o%d evaluated before its window was built", r.G, r.C)
}
func (r *overRef) String() string { return fmt.Sprintf("w%d$o%d", r.G, r.C) }

// hasOver reports whether some select item calls a function OVER a window.
func hasOver(items []selectItem) bool {
	found := false
	for _, it := range items {
		sql.Inspect(it.e, func(n sql.Node) bool {
			if fc, ok := n.(*sql.FuncCall); ok && fc.Over != nil {
				found = true
			}
			if _, ok := n.(*sql.SubqueryExpr); ok {
				return false
			}
			return !found
		})
	}
	return found
}

// overBlock binds a SELECT (without GROUP BY) whose select list has OVER
// calls: the items are bound with the calls as placeholders, then the
// Over node is built below the projection.
func (b *Binder) overBlock(s *sql.Select, items []selectItem, ord *orderSpec, in *scope) (*rel, error) {
	o := &overCtx{in: in.rel, windows: map[string]*sql.NamedWindow{}, extraIdx: map[string]int{},
		groupAt: map[string]int{}, callAt: map[string]overRef{}}
	for _, w := range s.Windows {
		if _, dup := o.windows[w.Name.Name]; dup {
			return nil, errorf(w.Pos, ErrOther, "Duplicate window names not allowed")
		}
		o.windows[w.Name.Name] = w
	}
	sc := &scope{rel: in.rel, outer: in.outer, over: o}
	exprs := make([]expr.Expr, len(items))
	for i, it := range items {
		x, err := b.expr(it.e, sc)
		if err != nil {
			if err == errNeedAgg {
				return nil, errorf(it.pos, ErrUnsupported, "mixing OVER windows and aggregate functions without GROUP BY is not supported yet")
			}
			return nil, err
		}
		exprs[i] = x
	}
	hold := &lazyOver{o: o}
	r, err := b.finish(sc, hold, items, exprs, s.Distinct, ord)
	if err != nil {
		return nil, err
	}
	return relOf(hold.replace(r.node), ""), nil
}

// overCall binds fn(args) OVER window into a placeholder for its result
// column; the call joins the window group of equal partition, order and
// frame.
func (b *Binder) overCall(fc *sql.FuncCall, sc *scope) (expr.Expr, error) {
	if sc == nil || sc.over == nil {
		if sc != nil && sc.noAgg != "" {
			return nil, errorf(fc.Pos, ErrGrouping, "Windowed aggregate expression is illegal in %s clause", sc.noAgg)
		}
		return nil, errorf(fc.Pos, ErrUnsupported, "OVER windows are not supported here yet (only in the select list of a query without GROUP BY)")
	}
	o := sc.over
	spec, err := o.resolveWindow(fc.Over)
	if err != nil {
		return nil, err
	}
	argSc := &scope{rel: o.in, outer: sc.outer, noAgg: "window function arguments", noSubquery: true}
	g := OverGroup{}
	for _, p := range spec.PartitionBy {
		x, err := b.expr(p, argSc)
		if err != nil {
			return nil, err
		}
		g.PartitionKeys = append(g.PartitionKeys, o.column(x))
	}
	var orderTypes []types.DataType
	for _, it := range spec.OrderBy {
		x, err := b.expr(it.Expr, argSc)
		if err != nil {
			return nil, err
		}
		g.OrderKeys = append(g.OrderKeys, sortKey(o.column(x), it))
		orderTypes = append(orderTypes, x.Type())
	}
	call, err := b.overFunc(fc, o, argSc)
	if err != nil {
		return nil, err
	}
	if call.Rank != RankNone {
		if len(spec.OrderBy) == 0 {
			return nil, errorf(fc.Pos, ErrOther, "Over Agg: The window rank function requires order by clause with non-constant fields. please re-check the over window statement.")
		}
		if spec.Frame != nil {
			return nil, errorf(spec.Frame.Pos, ErrOther, "ROW/RANGE not allowed with RANK, DENSE_RANK or ROW_NUMBER functions")
		}
		g.Frame = OverFrame{Unit: FrameRows, Start: FrameBound{Unbounded: true}, End: FrameBound{Current: true}}
	} else if g.Frame, err = b.overFrame(spec, orderTypes); err != nil {
		return nil, err
	}
	return o.add(g, call), nil
}

// overFunc binds the function of an OVER call: a ranking function or an
// aggregate whose arguments become columns of the Over's input.
func (b *Binder) overFunc(fc *sql.FuncCall, o *overCtx, argSc *scope) (OverCall, error) {
	name := strings.ToUpper(strings.Join(fc.Name, "."))
	rank := map[string]RankKind{"ROW_NUMBER": RankRowNumber, "RANK": RankRank, "DENSE_RANK": RankDenseRank}
	if k, ok := rank[name]; ok && len(fc.Name) == 1 {
		if len(fc.Args) > 0 || fc.Star || fc.Distinct {
			return OverCall{}, errorf(fc.Pos, ErrType, "Invalid number of arguments to function '%s'. Was expecting 0 arguments", name)
		}
		return OverCall{Rank: k, Type: types.BigInt.NotNullable()}, nil
	}
	f := b.lookupAgg(fc.Name)
	if f == nil {
		if b.lookupScalar(fc.Name) != nil {
			return OverCall{}, errorf(fc.Pos, ErrOther, "OVER must be applied to aggregate function")
		}
		return OverCall{}, errorf(fc.Pos, ErrNotFound, "No match found for function signature %s", name)
	}
	if fc.Filter != nil {
		return OverCall{}, errorf(fc.Filter.Position(), ErrUnsupported, "FILTER in an OVER aggregation is not supported yet")
	}
	var args []int
	var bargs []expr.Arg
	if !fc.Star {
		for _, ae := range fc.Args {
			x, err := b.expr(ae, argSc)
			if err != nil {
				return OverCall{}, err
			}
			args = append(args, o.column(x))
			a := expr.Arg{Type: x.Type()}
			if l, ok := x.(*expr.Literal); ok {
				a.IsConst, a.Const = true, l.Value
			}
			bargs = append(bargs, a)
		}
	}
	t, fac, err := f.Bind(bargs, fc.Distinct)
	if err != nil {
		return OverCall{}, &Error{Pos: fc.Pos, Kind: ErrType, Msg: err.Error()}
	}
	return OverCall{Agg: &AggCall{Func: f, Factory: fac, Args: args, Filter: -1, Distinct: fc.Distinct, Type: t}, Type: t}, nil
}

// column returns the Over input column holding x: an input column as is,
// anything else projected after the input columns.
func (o *overCtx) column(x expr.Expr) int {
	if c, ok := x.(*expr.ColumnRef); ok {
		return c.Index
	}
	k := exprKey(x)
	if i, ok := o.extraIdx[k]; ok {
		return len(o.in.cols) + i
	}
	o.extra = append(o.extra, x)
	o.extraIdx[k] = len(o.extra) - 1
	return len(o.in.cols) + len(o.extra) - 1
}

// add puts call into the group equal to g (a new group if none) and
// returns the placeholder of its result. Equal calls share one column.
func (o *overCtx) add(g OverGroup, call OverCall) expr.Expr {
	gk := fmt.Sprintf("%v|%v|%+v", g.PartitionKeys, g.OrderKeys, g.Frame)
	gi, ok := o.groupAt[gk]
	if !ok {
		gi = len(o.groups)
		o.groupAt[gk] = gi
		o.groups = append(o.groups, g)
	}
	ck := fmt.Sprintf("%d|%d", gi, call.Rank)
	if call.Agg != nil {
		ck += "|" + call.Agg.String()
	}
	if r, ok := o.callAt[ck]; ok {
		return &overRef{G: r.G, C: r.C, T: r.T}
	}
	grp := &o.groups[gi]
	call.Name = fmt.Sprintf("w%d$o%d", gi, len(grp.Calls))
	grp.Calls = append(grp.Calls, call)
	r := overRef{G: gi, C: len(grp.Calls) - 1, T: call.Type}
	o.callAt[ck] = r
	return &overRef{G: r.G, C: r.C, T: r.T}
}

// resolveWindow expands references to named windows: OVER w, and
// OVER (w ...) refining w with what w leaves out.
func (o *overCtx) resolveWindow(spec *sql.WindowSpec) (*sql.WindowSpec, error) {
	for depth := 0; spec.Ref != nil; depth++ {
		nw, ok := o.windows[spec.Ref.Name]
		if !ok {
			return nil, errorf(spec.Ref.Pos, ErrNotFound, "Window '%s' not found", spec.Ref.Name)
		}
		if depth > len(o.windows) {
			return nil, errorf(spec.Pos, ErrOther, "Window '%s' refers to itself", spec.Ref.Name)
		}
		base := nw.Spec
		if !spec.Paren {
			spec = base
			continue
		}
		if len(spec.PartitionBy) > 0 {
			return nil, errorf(spec.Pos, ErrOther, "PARTITION BY not allowed with existing window reference")
		}
		if len(spec.OrderBy) > 0 && len(base.OrderBy) > 0 {
			return nil, errorf(spec.Pos, ErrOther, "ORDER BY not allowed in both base and referenced windows")
		}
		if base.Frame != nil {
			return nil, errorf(spec.Pos, ErrOther, "Referenced window cannot have framing declarations")
		}
		merged := *base
		if len(spec.OrderBy) > 0 {
			merged.OrderBy = spec.OrderBy
		}
		merged.Frame = spec.Frame
		spec = &merged
	}
	return spec, nil
}
