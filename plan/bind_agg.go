package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// aggCtx collects, while the expressions above a GROUP BY are bound, the
// group keys and aggregate calls they use. The plan it builds is Calcite's:
// Project(keys, call arguments) → [Expand for grouping sets] → Aggregate.
type aggCtx struct {
	in     *scope
	keys   []expr.Expr // group key expressions over the input
	keyIdx map[string]int
	sets   [][]int // grouping sets as key indexes; nil for a plain GROUP BY
	pre    []expr.Expr
	preIdx map[string]int
	calls  []AggCall
	callAt map[string]int
	// nameHint names the next aggregate call (the select alias of an item
	// that is just that call).
	nameHint string
	// scalars are uncorrelated scalar subqueries used above the GROUP BY,
	// joined onto the aggregate's output (see aggScalar).
	scalars []Node
	// win is the legacy group window of GROUP BY TUMBLE/HOP/SESSION(...)
	// (bind_groupwin.go), or nil.
	win *groupWin
}

// aggregateBlock binds a SELECT with GROUP BY, HAVING or aggregate calls.
func (b *Binder) aggregateBlock(s *sql.Select, items []selectItem, ord *orderSpec, in *scope) (*rel, error) {
	a := &aggCtx{in: in, keyIdx: map[string]int{}, preIdx: map[string]int{}, callAt: map[string]int{}}
	if err := b.groupBy(s.GroupBy, a); err != nil {
		return nil, err
	}
	sc := &scope{rel: in.rel, outer: in.outer, agg: a}
	exprs := make([]expr.Expr, len(items))
	for i, it := range items {
		a.nameHint = ""
		if fc, ok := it.e.(*sql.FuncCall); ok && b.lookupAgg(fc.Name) != nil {
			a.nameHint = it.name
		}
		x, err := b.expr(it.e, sc)
		if err != nil {
			return nil, err
		}
		exprs[i] = x
	}
	a.nameHint = ""
	var having expr.Expr
	if s.Having != nil {
		x, err := b.expr(s.Having, sc)
		if err != nil {
			return nil, err
		}
		if k := x.Type().Kind; k != types.KindBoolean && k != types.KindNull {
			return nil, errorf(s.Having.Position(), ErrType, "HAVING clause must be a condition, got %s", x.Type())
		}
		having = x
	}
	// ORDER BY may add calls, so the aggregate is built lazily: finish
	// binds ORDER BY through sc, then we build below it.
	hold := &lazyAgg{b: b, a: a, having: having}
	r, err := b.finish(sc, hold, items, exprs, s.Distinct, ord)
	if err != nil {
		return nil, err
	}
	return relOf(hold.replace(r.node), ""), nil
}

// lazyAgg stands in for the aggregate while the select list and ORDER BY
// are bound; replace swaps in the real plan once every call is known.
type lazyAgg struct {
	b      *Binder
	a      *aggCtx
	having expr.Expr
	built  Node
	width  int // columns of the aggregate, before joined scalar subqueries
}

func (l *lazyAgg) Schema() *types.Schema  { return l.node().Schema() }
func (l *lazyAgg) Inputs() []Node         { return nil }
func (l *lazyAgg) WithInputs([]Node) Node { return l }
func (l *lazyAgg) String() string         { return "LazyAggregate" }

func (l *lazyAgg) node() Node {
	if l.built == nil {
		l.built = l.a.build()
		l.width = len(l.built.Schema().Fields)
		for _, s := range l.a.scalars {
			l.built = &Join{Left: l.built, Right: s, Type: JoinLeft}
		}
		if l.having != nil {
			l.built = &Filter{Input: l.built, Cond: l.resolve(l.having)}
		}
	}
	return l.built
}

// resolve turns references to scalar subqueries into columns of the joins
// above the aggregate.
func (l *lazyAgg) resolve(e expr.Expr) expr.Expr {
	if len(l.a.scalars) == 0 && l.a.win == nil {
		return e
	}
	return RewriteExpr(e, func(x expr.Expr) expr.Expr {
		if s, ok := x.(*aggScalarRef); ok {
			return &expr.ColumnRef{Index: l.width + s.K, Name: "$SCALAR_QUERY", T: s.T}
		}
		if w, ok := x.(*winPropRef); ok {
			return l.a.resolveWinProp(w)
		}
		return nil
	})
}

// replace rebuilds the tree above the placeholder over the real aggregate.
func (l *lazyAgg) replace(n Node) Node {
	return replacePlaceholder(n, l, l.node, l.resolve)
}

// groupBy binds the GROUP BY list into keys and grouping sets.
func (b *Binder) groupBy(items []sql.Expr, a *aggCtx) error {
	items, err := b.extractGroupWindow(items, a)
	if err != nil {
		return err
	}
	sets := [][]sql.Expr{{}}
	plain := true
	for _, it := range items {
		var alts [][]sql.Expr
		switch g := it.(type) {
		case *sql.GroupingSets, *sql.Rollup, *sql.Cube, *sql.GroupingSet:
			plain = false
			var err error
			if alts, err = groupingAlternatives(g); err != nil {
				return err
			}
		default:
			alts = [][]sql.Expr{{it}}
		}
		var next [][]sql.Expr
		for _, s := range sets {
			for _, alt := range alts {
				next = append(next, append(append([]sql.Expr(nil), s...), alt...))
			}
		}
		sets = next
	}
	keySc := &scope{rel: a.in.rel, outer: a.in.outer, noAgg: "GROUP BY", noSubquery: true}
	var idxSets [][]int
	for _, s := range sets {
		var idx []int
		for _, e := range s {
			x, err := b.expr(e, keySc)
			if err != nil {
				return err
			}
			k := exprKey(x)
			i, ok := a.keyIdx[k]
			if !ok {
				i = len(a.keys)
				a.keyIdx[k] = i
				a.keys = append(a.keys, x)
			}
			if !containsInt(idx, i) {
				idx = append(idx, i)
			}
		}
		sort.Ints(idx)
		idxSets = append(idxSets, idx)
	}
	if !plain && !(len(idxSets) == 1 && len(idxSets[0]) == len(a.keys)) {
		a.sets = idxSets
	}
	for _, k := range a.keys {
		a.addPre(k)
	}
	if a.win != nil {
		a.win.pre = a.addPre(a.win.time)
	}
	return nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// groupingAlternatives lists the grouping sets one GROUP BY element stands for.
func groupingAlternatives(e sql.Expr) ([][]sql.Expr, error) {
	switch g := e.(type) {
	case *sql.GroupingSet:
		return [][]sql.Expr{g.Exprs}, nil
	case *sql.GroupingSets:
		var out [][]sql.Expr
		for _, s := range g.Sets {
			alts, err := groupingAlternatives(s)
			if err != nil {
				return nil, err
			}
			out = append(out, alts...)
		}
		return out, nil
	case *sql.Rollup:
		parts := unitParts(g.Exprs)
		var out [][]sql.Expr
		for n := len(parts); n >= 0; n-- {
			var s []sql.Expr
			for _, p := range parts[:n] {
				s = append(s, p...)
			}
			out = append(out, s)
		}
		return out, nil
	case *sql.Cube:
		parts := unitParts(g.Exprs)
		var out [][]sql.Expr
		for mask := (1 << len(parts)) - 1; mask >= 0; mask-- {
			var s []sql.Expr
			for i, p := range parts {
				if mask&(1<<(len(parts)-1-i)) != 0 {
					s = append(s, p...)
				}
			}
			out = append(out, s)
		}
		return out, nil
	}
	return [][]sql.Expr{{e}}, nil
}

// unitParts splits ROLLUP/CUBE elements into units: an expression, or a
// parenthesised group treated as one.
func unitParts(es []sql.Expr) [][]sql.Expr {
	out := make([][]sql.Expr, len(es))
	for i, e := range es {
		if g, ok := e.(*sql.GroupingSet); ok {
			out[i] = g.Exprs
		} else {
			out[i] = []sql.Expr{e}
		}
	}
	return out
}

func (a *aggCtx) addPre(e expr.Expr) int {
	k := exprKey(e)
	if i, ok := a.preIdx[k]; ok {
		return i
	}
	a.pre = append(a.pre, e)
	a.preIdx[k] = len(a.pre) - 1
	return len(a.pre) - 1
}

// keyType is key i's type as the aggregate outputs it: nullable when some
// grouping set leaves it out.
func (a *aggCtx) keyType(i int) types.DataType {
	t := a.keys[i].Type()
	for _, s := range a.sets {
		if !containsInt(s, i) {
			return t.WithNullable(true)
		}
	}
	return t
}

func (a *aggCtx) callOffset() int {
	if a.sets != nil {
		return len(a.keys) + 1
	}
	return len(a.keys)
}

// aggExpr binds e above the GROUP BY: aggregate calls become references
// to the aggregate's outputs, expressions equal to a group key references
// to the key, and anything else is built from those.
func (b *Binder) aggExpr(e sql.Expr, sc *scope) (expr.Expr, error) {
	a := sc.agg
	if x, ok, err := b.groupWindowProperty(e, a); ok {
		return x, err
	}
	if fc, ok := e.(*sql.FuncCall); ok && fc.Over == nil && len(fc.Name) == 1 &&
		(strings.EqualFold(fc.Name[0], "GROUPING") || strings.EqualFold(fc.Name[0], "GROUPING_ID")) {
		return b.grouping(fc, a)
	}
	if fc, ok := e.(*sql.FuncCall); ok && fc.Over == nil {
		if f := b.lookupAgg(fc.Name); f != nil && !(len(fc.Name) == 1 && b.lookupScalar(fc.Name) != nil && !fc.Star) {
			return b.addAggCall(fc, f, a)
		}
	}
	trial := &scope{rel: a.in.rel, outer: a.in.outer, noAgg: "GROUP BY", noSubquery: true}
	if x, err := b.plainExpr(e, trial); err == nil {
		if i, ok := a.keyIdx[exprKey(x)]; ok {
			return &expr.ColumnRef{Index: i, Name: keyName(a.keys[i], i), T: groupKeyTimeAttr(keyName(a.keys[i], i), a.keyType(i))}, nil
		}
		if len(InputRefs(x)) == 0 && !hasCorrRef(x) {
			return x, nil
		}
	}
	switch e := e.(type) {
	case *sql.Identifier:
		if _, _, err := a.in.rel.resolve(e); err != nil {
			return nil, err
		}
		return nil, errorf(e.Pos, ErrGrouping, "Expression '%s' is not being grouped", strings.Join(e.Parts, "."))
	case *sql.SubqueryExpr:
		return b.aggScalar(e, sc)
	}
	return b.plainExpr(e, sc)
}

func keyName(e expr.Expr, i int) string {
	if c, ok := e.(*expr.ColumnRef); ok {
		return c.Name
	}
	return fmt.Sprintf("$f%d", i)
}

func hasCorrRef(e expr.Expr) bool {
	if _, ok := e.(*corrRef); ok {
		return true
	}
	for _, c := range Children(e) {
		if hasCorrRef(c) {
			return true
		}
	}
	return false
}

// addAggCall binds an aggregate call's arguments and filter over the
// aggregate's input and returns a reference to its result column.
func (b *Binder) addAggCall(fc *sql.FuncCall, f *expr.AggregateFunction, a *aggCtx) (expr.Expr, error) {
	argSc := &scope{rel: a.in.rel, outer: a.in.outer, noAgg: "aggregate function arguments", noSubquery: true}
	var args []int
	var bargs []expr.Arg
	if !fc.Star {
		for _, ae := range fc.Args {
			x, err := b.expr(ae, argSc)
			if err != nil {
				return nil, err
			}
			args = append(args, a.addPre(x))
			bargs = append(bargs, expr.Arg{Type: x.Type()})
			if l, ok := x.(*expr.Literal); ok {
				bargs[len(bargs)-1].IsConst, bargs[len(bargs)-1].Const = true, l.Value
			}
		}
	}
	filter := -1
	if fc.Filter != nil {
		x, err := b.expr(fc.Filter, argSc)
		if err != nil {
			return nil, err
		}
		if x.Type().Kind != types.KindBoolean {
			return nil, errorf(fc.Filter.Position(), ErrType, "FILTER expression must be of type BOOLEAN, got %s", x.Type())
		}
		filter = a.addPre(x)
	}
	t, fac, err := f.Bind(bargs, fc.Distinct)
	if err != nil {
		return nil, &Error{Pos: fc.Pos, Kind: ErrType, Msg: err.Error()}
	}
	call := AggCall{Func: f, Factory: fac, Args: args, Filter: filter, Distinct: fc.Distinct, Type: t}
	key := call.String()
	i, ok := a.callAt[key]
	if !ok {
		i = len(a.calls)
		call.Name = a.nameHint
		if call.Name == "" || a.nameTaken(call.Name) {
			call.Name = fmt.Sprintf("$f%d", a.callOffset()+i)
		}
		a.calls = append(a.calls, call)
		a.callAt[key] = i
	}
	c := a.calls[i]
	return &expr.ColumnRef{Index: a.callOffset() + i, Name: c.Name, T: c.Type}, nil
}

func (a *aggCtx) nameTaken(n string) bool {
	for _, c := range a.calls {
		if c.Name == n {
			return true
		}
	}
	return false
}

// build makes Project(keys, args) → [Expand] → Aggregate.
func (a *aggCtx) build() Node {
	k := len(a.keys)
	pre := &Project{Input: a.in.rel.node, Exprs: a.pre, Out: &types.Schema{}}
	for i, e := range a.pre {
		name := fmt.Sprintf("$f%d", i)
		if c, ok := e.(*expr.ColumnRef); ok {
			name = c.Name
		}
		pre.Out.Fields = append(pre.Out.Fields, types.Field{Name: name, Type: e.Type()})
	}
	pre.Out.Fields = fieldsUnique(pre.Out.Fields)
	var in Node = pre
	shift := func(i int) int { return i }
	keys := make([]int, k)
	for i := range keys {
		keys[i] = i
	}
	if a.sets != nil {
		in = a.expand(pre)
		keys = append(keys, k)
		shift = func(i int) int {
			if i >= k {
				return i + 1
			}
			return i
		}
	}
	calls := make([]AggCall, len(a.calls))
	for i, c := range a.calls {
		c.Args = append([]int(nil), c.Args...)
		for j := range c.Args {
			c.Args[j] = shift(c.Args[j])
		}
		if c.Filter >= 0 {
			c.Filter = shift(c.Filter)
		}
		calls[i] = c
	}
	if a.win != nil {
		return a.buildGroupWindow(in, keys, calls)
	}
	return &Aggregate{Input: in, GroupKeys: keys, Calls: calls}
}

// expand builds the Expand for grouping sets: per set, keys outside it
// become NULL and $e holds the set's id, a bit mask of the keys left out
// (Flink's expand id).
func (a *aggCtx) expand(pre *Project) *Expand {
	k := len(a.keys)
	in := pre.Out
	out := &types.Schema{}
	for i := 0; i < k; i++ {
		out.Fields = append(out.Fields, types.Field{Name: in.Fields[i].Name, Type: a.keyType(i)})
	}
	out.Fields = append(out.Fields, types.Field{Name: "$e", Type: types.BigInt.NotNullable()})
	out.Fields = append(out.Fields, in.Fields[k:]...)
	var projects [][]expr.Expr
	for _, s := range a.sets {
		row := make([]expr.Expr, 0, len(out.Fields))
		var id int64
		for i := 0; i < k; i++ {
			if containsInt(s, i) {
				row = append(row, &expr.ColumnRef{Index: i, Name: in.Fields[i].Name, T: out.Fields[i].Type})
			} else {
				row = append(row, &expr.Literal{T: out.Fields[i].Type})
				id |= 1 << (k - 1 - i)
			}
		}
		row = append(row, lit(id, types.BigInt))
		for i := k; i < len(in.Fields); i++ {
			row = append(row, &expr.ColumnRef{Index: i, Name: in.Fields[i].Name, T: in.Fields[i].Type})
		}
		projects = append(projects, row)
	}
	return &Expand{Input: pre, Projects: projects, ExpandID: k, Out: out}
}

func fieldsUnique(fs []types.Field) []types.Field {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	names = uniqueNames(names)
	for i := range fs {
		fs[i].Name = names[i]
	}
	return fs
}

// grouping binds GROUPING(k1, ...) / GROUPING_ID(k1, ...): a bit per
// argument, set when the row's grouping set leaves that key out. Without
// grouping sets it is 0; with them it is a CASE over the expand id $e.
func (b *Binder) grouping(fc *sql.FuncCall, a *aggCtx) (expr.Expr, error) {
	if len(fc.Args) == 0 {
		return nil, errorf(fc.Pos, ErrOther, "GROUPING requires at least one argument")
	}
	keySc := &scope{rel: a.in.rel, outer: a.in.outer, noAgg: "GROUPING", noSubquery: true}
	idx := make([]int, len(fc.Args))
	for i, arg := range fc.Args {
		x, err := b.expr(arg, keySc)
		if err != nil {
			return nil, err
		}
		k, ok := a.keyIdx[exprKey(x)]
		if !ok {
			return nil, errorf(arg.Position(), ErrGrouping, "Argument to GROUPING operator must be a grouped expression")
		}
		idx[i] = k
	}
	if a.sets == nil {
		return lit(int64(0), types.BigInt), nil
	}
	eRef := &expr.ColumnRef{Index: len(a.keys), Name: "$e", T: types.BigInt.NotNullable()}
	var args []expr.Expr
	for _, set := range a.sets {
		var id, g int64
		for i := range a.keys {
			if !containsInt(set, i) {
				id |= 1 << (len(a.keys) - 1 - i)
			}
		}
		for j, k := range idx {
			if !containsInt(set, k) {
				g |= 1 << (len(idx) - 1 - j)
			}
		}
		cond, err := b.compare("=", fc.Pos, eRef, lit(id, types.BigInt))
		if err != nil {
			return nil, err
		}
		args = append(args, cond, lit(g, types.BigInt))
	}
	args = append(args, lit(int64(0), types.BigInt))
	return b.call("CASE", fc.Pos, args...)
}
