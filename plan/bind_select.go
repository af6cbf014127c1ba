package plan

import (
	"errors"
	"fmt"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// selectItem is one select-list entry after `*` expansion.
type selectItem struct {
	e    sql.Expr
	name string
	pos  sql.Pos
}

// selectBlock binds SELECT ... FROM ... WHERE ... GROUP BY ... HAVING,
// then the ORDER BY / OFFSET / FETCH of the enclosing query, which may
// refer to select aliases and to input columns not selected.
func (b *Binder) selectBlock(s *sql.Select, ord *orderSpec, outer *scope) (*rel, error) {
	hint, err := stateTTLHint(s.Hints)
	if err != nil {
		return nil, err
	}
	saved := b.ttl
	b.ttl = hint
	defer func() { b.ttl = saved }()
	r, err := b.selectBody(s, ord, outer)
	if err != nil || hint == nil {
		return r, err
	}
	if _, isJoin := s.From.(*sql.Join); !isJoin {
		hint.applyAggTTL(r.node, s.From)
	}
	return r, hint.unused()
}

// selectBody binds a SELECT block (see selectBlock).
func (b *Binder) selectBody(s *sql.Select, ord *orderSpec, outer *scope) (*rel, error) {
	if s.Qualify != nil {
		return nil, errorf(s.Qualify.Position(), ErrUnsupported, "QUALIFY is not supported yet")
	}
	var in *rel
	var err error
	if s.From == nil {
		in = relOf(&Values{Out: types.NewSchema(types.Field{Name: "ZERO", Type: types.Int.NotNullable()}),
			Rows: [][]expr.Expr{{lit(int32(0), types.Int)}}}, "")
		in.cols[0].usingDup = true // not part of `*`
	} else if in, err = b.from(s.From, outer); err != nil {
		return nil, err
	}
	sc := &scope{rel: in, outer: outer}
	if s.Where != nil {
		if err := b.where(s.Where, sc); err != nil {
			return nil, err
		}
	}
	items, err := b.expandItems(s.Items, sc.rel)
	if err != nil {
		return nil, err
	}
	if r, ok, err := b.tableAggregateBlock(s, items, ord, sc); ok {
		return r, err
	}
	if len(s.GroupBy) > 0 || s.Having != nil {
		return b.aggregateBlock(s, items, ord, sc)
	}
	if hasOver(items) {
		return b.overBlock(s, items, ord, sc)
	}
	exprs := make([]expr.Expr, len(items))
	for i, it := range items {
		if exprs[i], err = b.expr(it.e, sc); err != nil {
			if errors.Is(err, errNeedAgg) {
				return b.aggregateBlock(s, items, ord, sc)
			}
			return nil, err
		}
	}
	return b.finish(sc, nil, items, exprs, s.Distinct, ord)
}

// where adds the WHERE clause to sc.rel: IN/EXISTS subquery conjuncts
// become semi/anti joins, the rest one Filter.
func (b *Binder) where(w sql.Expr, sc *scope) error {
	var conds []expr.Expr
	for _, c := range sqlConjuncts(w) {
		done, err := b.subqueryConjunct(c, sc)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		wsc := &scope{rel: sc.rel, outer: sc.outer, noAgg: "WHERE"}
		x, err := b.expr(c, wsc)
		if err != nil {
			return err
		}
		sc.rel = wsc.rel // a scalar subquery may have joined onto it
		if k := x.Type().Kind; k != types.KindBoolean && k != types.KindNull {
			return errorf(c.Position(), ErrType, "WHERE clause must be a condition, got %s", x.Type())
		}
		conds = append(conds, x)
	}
	if len(conds) == 0 {
		return nil
	}
	cond, err := b.and(conds)
	if err != nil {
		return err
	}
	sc.rel = &rel{node: &Filter{Input: sc.rel.node, Cond: cond}, cols: sc.rel.cols}
	return nil
}

// and combines conditions with AND (nil for none).
func (b *Binder) and(conds []expr.Expr) (expr.Expr, error) {
	if len(conds) == 0 {
		return nil, nil
	}
	out := conds[0]
	for _, c := range conds[1:] {
		var err error
		if out, err = b.call("AND", sql.Pos{}, out, c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sqlConjuncts(e sql.Expr) []sql.Expr {
	if be, ok := e.(*sql.BinaryExpr); ok && be.Op == "AND" {
		return append(sqlConjuncts(be.Left), sqlConjuncts(be.Right)...)
	}
	return []sql.Expr{e}
}

// expandItems expands `*` and `t.*` and names every item: its alias, a
// column's own name, else EXPR$<position>.
func (b *Binder) expandItems(items []*sql.SelectItem, in *rel) ([]selectItem, error) {
	var out []selectItem
	for i, it := range items {
		if st, ok := it.Expr.(*sql.Star); ok {
			n := 0
			for _, c := range in.cols {
				if c.usingDup || (st.Qualifier != nil && c.table != st.Qualifier[len(st.Qualifier)-1]) {
					continue
				}
				parts := []string{c.name}
				if c.table != "" {
					parts = []string{c.table, c.name}
				}
				out = append(out, selectItem{e: &sql.Identifier{Pos: st.Pos, Parts: parts}, name: c.name, pos: st.Pos})
				n++
			}
			if n == 0 && st.Qualifier != nil {
				return nil, errorf(st.Pos, ErrNotFound, "Unknown identifier '%s'", st.Qualifier[len(st.Qualifier)-1])
			}
			continue
		}
		name := fmt.Sprintf("EXPR$%d", i)
		if it.Alias != nil {
			name = it.Alias.Name
		} else if id, ok := it.Expr.(*sql.Identifier); ok {
			name = id.Parts[len(id.Parts)-1]
		}
		out = append(out, selectItem{e: it.Expr, name: name, pos: it.Pos})
	}
	return out, nil
}

// finish projects the select items, applies DISTINCT and ORDER BY /
// OFFSET / FETCH. sc is the scope the items were bound in (for ORDER BY
// expressions not in the select list).
func (b *Binder) finish(sc *scope, in Node, items []selectItem, exprs []expr.Expr, dist bool, ord *orderSpec) (*rel, error) {
	if in == nil {
		in = sc.rel.node
	}
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.name
	}
	names = uniqueNames(names)
	visible := len(exprs)
	keys := make([]SortKey, len(ord.items))
	for i, it := range ord.items {
		idx, err := b.orderIndex(it, sc, names[:visible], exprs)
		if err != nil {
			return nil, err
		}
		if idx < 0 {
			if dist {
				return nil, errorf(it.Pos, ErrOther, "Expression in ORDER BY must be in the select list when SELECT DISTINCT is used")
			}
			x, err := b.expr(it.Expr, sc)
			if err != nil {
				return nil, err
			}
			exprs = append(exprs, x)
			names = append(names, fmt.Sprintf("EXPR$%d", len(names)))
			idx = len(exprs) - 1
		}
		keys[i] = sortKey(idx, it)
	}
	out := &types.Schema{}
	for i, e := range exprs {
		out.Fields = append(out.Fields, types.Field{Name: names[i], Type: e.Type()})
	}
	var n Node = &Project{Input: in, Exprs: exprs, Out: out}
	if dist {
		n = distinct(n)
	}
	if !ord.empty() {
		n = &Sort{Input: n, Keys: keys, Offset: ord.offset, Fetch: ord.fetch}
	}
	if len(exprs) > visible {
		n = trim(n, visible)
	}
	return relOf(n, ""), nil
}

// trim keeps the first k columns of n.
func trim(n Node, k int) Node {
	s := n.Schema()
	exprs := make([]expr.Expr, k)
	for i := 0; i < k; i++ {
		exprs[i] = &expr.ColumnRef{Index: i, Name: s.Fields[i].Name, T: s.Fields[i].Type}
	}
	return &Project{Input: n, Exprs: exprs, Out: types.NewSchema(s.Fields[:k]...)}
}

// orderIndex finds the select item an ORDER BY item names: an output
// alias, an ordinal, or an expression equal to a selected one; -1 when
// the item must be computed as a hidden column.
func (b *Binder) orderIndex(it *sql.OrderItem, sc *scope, names []string, exprs []expr.Expr) (int, error) {
	switch e := it.Expr.(type) {
	case *sql.Identifier:
		if len(e.Parts) == 1 {
			found := -1
			for i, n := range names {
				if n == e.Parts[0] {
					if found >= 0 {
						return -1, errorf(e.Pos, ErrAmbiguous, "Column '%s' is ambiguous", n)
					}
					found = i
				}
			}
			if found >= 0 {
				return found, nil
			}
		}
	case *sql.NumberLit:
		return ordinal(e, len(names))
	}
	x, err := b.expr(it.Expr, sc)
	if err != nil {
		return -1, err
	}
	key := exprKey(x)
	for i, e := range exprs[:len(names)] {
		if exprKey(e) == key {
			return i, nil
		}
	}
	return -1, nil
}

// exprKey identifies a bound expression structurally (used to match
// GROUP BY and ORDER BY expressions with selected ones).
func exprKey(e expr.Expr) string { return FormatExpr(e) + ":" + e.Type().String() }
