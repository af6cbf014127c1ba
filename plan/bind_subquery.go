package plan

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// Subqueries are rewritten into joins:
//
//   - x [NOT] IN (SELECT y ...) and [NOT] EXISTS (SELECT ...) conjuncts of
//     WHERE become semi (anti) joins. A correlated subquery is supported
//     when it is a plain SELECT ... FROM ... WHERE (no GROUP BY, DISTINCT,
//     ORDER BY or LIMIT) whose WHERE conjuncts that read outer columns
//     become join conditions.
//   - x NOT IN (subquery) keeps SQL's NULL semantics: the anti join's
//     condition is x = y OR x IS NULL OR y IS NULL, so a NULL on either
//     side rejects the row whenever the subquery returns rows (that makes
//     it a non-equi join when either side is nullable).
//   - (a, b) [NOT] IN (SELECT x, y ...) compares column by column.
//   - Scalar subqueries are in bind_scalar.go.

// subqueryConjunct handles one WHERE conjunct when it is an IN/EXISTS
// subquery, joining it onto sc.rel; it reports whether it did.
func (b *Binder) subqueryConjunct(c sql.Expr, sc *scope) (bool, error) {
	anti := false
	if u, ok := c.(*sql.UnaryExpr); ok && u.Op == "NOT" {
		if _, ok := u.X.(*sql.ExistsExpr); ok {
			anti, c = true, u.X
		}
	}
	switch e := c.(type) {
	case *sql.ExistsExpr:
		return true, b.semiJoin(sc, e.Query, nil, anti, e.Pos)
	case *sql.InExpr:
		if e.Query != nil {
			return true, b.semiJoin(sc, e.Query, e.X, e.Not, e.Pos)
		}
	}
	return false, nil
}

func (b *Binder) semiJoin(sc *scope, q *sql.Query, lhs sql.Expr, anti bool, pos sql.Pos) error {
	// The IN operand: one expression, or a row (a, b) compared column by
	// column with a subquery of as many columns.
	var xs []expr.Expr
	if lhs != nil {
		parts := []sql.Expr{lhs}
		if row, ok := lhs.(*sql.RowCtor); ok && len(row.Elems) > 1 {
			parts = row.Elems
		}
		lsc := &scope{rel: sc.rel, outer: sc.outer, noAgg: "WHERE"}
		for _, p := range parts {
			x, err := b.expr(p, lsc)
			if err != nil {
				return err
			}
			xs = append(xs, x)
		}
		sc.rel = lsc.rel
	}
	left := len(sc.rel.cols)
	var refs []int
	inner := &scope{rel: sc.rel, corr: &refs}
	r, err := b.query(q, inner)
	var conds []expr.Expr
	items := 0
	if err == nil {
		items = len(r.cols)
		if len(refs) > 0 {
			r, conds, items, err = b.correlated(q, sc, pos)
		}
	}
	if err != nil {
		return err
	}
	if xs != nil {
		if items != len(xs) {
			if len(xs) == 1 {
				return errorf(pos, ErrOther, "Subquery in IN must return exactly one column, got %d", items)
			}
			return errorf(pos, ErrOther, "Subquery in IN must return %d columns to match the row, got %d", len(xs), items)
		}
		eqs := make([]expr.Expr, len(xs))
		for i, x := range xs {
			eq, err := b.inEquality(x, ShiftColumns(r.ref(i), left), anti, pos)
			if err != nil {
				return err
			}
			eqs[i] = eq
		}
		conds = append(eqs, conds...)
	}
	cond, err := b.and(conds)
	if err != nil {
		return err
	}
	typ := JoinSemi
	if anti {
		typ = JoinAnti
	}
	sc.rel = &rel{node: &Join{Left: sc.rel.node, Right: r.node, Type: typ, Condition: cond}, cols: sc.rel.cols}
	return nil
}

// inEquality is the join condition matching x with the subquery column y.
// For NOT IN it is x = y OR x IS NULL OR y IS NULL: a row is kept only when
// no subquery row compares TRUE or UNKNOWN with it (for a row operand,
// column by column: one FALSE column clears the subquery row).
func (b *Binder) inEquality(x, y expr.Expr, anti bool, pos sql.Pos) (expr.Expr, error) {
	eq, err := b.compare("=", pos, x, y)
	if err != nil || !anti || !(x.Type().Nullable() || y.Type().Nullable()) {
		return eq, err
	}
	xn, err := b.call("IS_NULL", pos, x)
	if err != nil {
		return nil, err
	}
	yn, err := b.call("IS_NULL", pos, y)
	if err != nil {
		return nil, err
	}
	if eq, err = b.call("OR", pos, eq, xn); err != nil {
		return nil, err
	}
	return b.call("OR", pos, eq, yn)
}

// correlated binds a correlated IN/EXISTS subquery: the right side is the
// subquery's FROM filtered by its uncorrelated conjuncts; the correlated
// conjuncts become join conditions over outer ++ inner columns.
func (b *Binder) correlated(q *sql.Query, sc *scope, pos sql.Pos) (*rel, []expr.Expr, int, error) {
	sel, ok := q.Body.(*sql.Select)
	if !ok || len(q.With) > 0 || len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil || sel.From == nil ||
		len(sel.GroupBy) > 0 || sel.Having != nil || sel.Distinct {
		return nil, nil, 0, errorf(pos, ErrUnsupported, "correlated subqueries are supported only as SELECT ... FROM ... WHERE without GROUP BY, DISTINCT, ORDER BY or LIMIT")
	}
	in, err := b.from(sel.From, nil)
	if err != nil {
		return nil, nil, 0, err
	}
	left := len(sc.rel.cols)
	var local, corr []expr.Expr
	if sel.Where != nil {
		for _, c := range sqlConjuncts(sel.Where) {
			var refs []int
			x, err := b.expr(c, &scope{rel: in, outer: &scope{rel: sc.rel, corr: &refs}, noAgg: "WHERE"})
			if err != nil {
				return nil, nil, 0, err
			}
			if len(refs) == 0 {
				local = append(local, x)
				continue
			}
			corr = append(corr, decorrelate(x, left))
		}
	}
	if len(local) > 0 {
		cond, err := b.and(local)
		if err != nil {
			return nil, nil, 0, err
		}
		in = &rel{node: &Filter{Input: in.node, Cond: cond}, cols: in.cols}
	}
	// The IN item is bound over the inner FROM and projected.
	items, err := b.expandItems(sel.Items, in)
	if err != nil {
		return nil, nil, 0, err
	}
	exprs := make([]expr.Expr, len(items))
	out := &types.Schema{}
	for i, it := range items {
		if exprs[i], err = b.expr(it.e, &scope{rel: in}); err != nil {
			return nil, nil, 0, err
		}
		out.Fields = append(out.Fields, types.Field{Name: it.name, Type: exprs[i].Type()})
	}
	// Correlated conditions read inner FROM columns; keep them after the
	// projected items so both can be referenced.
	k := len(exprs)
	for i := range in.cols {
		exprs = append(exprs, in.ref(i))
		out.Fields = append(out.Fields, types.Field{Name: in.cols[i].name, Type: in.cols[i].typ})
	}
	out.Fields = fieldsUnique(out.Fields)
	for i, c := range corr {
		corr[i] = RemapColumns(c, func(j int) int {
			if j >= left {
				return j + k
			}
			return j
		})
	}
	proj := &Project{Input: in.node, Exprs: exprs, Out: out}
	return relOf(proj, ""), corr, k, nil
}

// decorrelate turns a condition over the inner FROM (ColumnRefs) and the
// outer query (corrRefs) into one over outer ++ inner columns.
func decorrelate(e expr.Expr, left int) expr.Expr {
	shifted := ShiftColumns(e, left)
	return RewriteExpr(shifted, func(x expr.Expr) expr.Expr {
		if c, ok := x.(*corrRef); ok {
			return &expr.ColumnRef{Index: c.Index, T: c.T}
		}
		return nil
	})
}
