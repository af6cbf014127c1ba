package plan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// Scalar subqueries become LEFT joins, as Calcite decorrelates them:
//
//   - An uncorrelated one is joined (without condition) as one row: the
//     subquery wrapped in a SINGLE_VALUE aggregate, which fails when it
//     returns more than one row.
//   - A correlated one, (SELECT f(...) FROM t WHERE local AND t.k = outer.c),
//     is rewritten to SELECT t.k, f(...) FROM t WHERE local GROUP BY t.k
//     (with SINGLE_VALUE around a non-aggregate item) and joined on
//     outer.c = t.k; a group that does not exist gives NULL, and COUNT's
//     empty value 0 is restored with COALESCE. Only equality correlation
//     in the WHERE clause of a plain SELECT is supported.
//   - Above a GROUP BY (select list, HAVING) an uncorrelated one is
//     joined onto the aggregate's output (aggScalar).

// scalarSubquery joins a scalar subquery onto sc.rel and returns a
// reference to its value.
func (b *Binder) scalarSubquery(e *sql.SubqueryExpr, sc *scope) (expr.Expr, error) {
	if sc == nil || sc.rel == nil || sc.noSubquery || sc.agg != nil {
		return nil, errorf(e.Pos, ErrUnsupported, "scalar subqueries are not supported here")
	}
	var refs []int
	r, err := b.query(e.Query, &scope{rel: sc.rel, corr: &refs})
	if err != nil {
		return nil, err
	}
	if len(refs) > 0 {
		return b.correlatedScalar(e, sc)
	}
	right, t, err := b.singleRow(r, e.Pos)
	if err != nil {
		return nil, err
	}
	n := &Join{Left: sc.rel.node, Right: right, Type: JoinLeft}
	cols := append(append([]column(nil), sc.rel.cols...), column{name: "$SCALAR_QUERY", typ: t, usingDup: true})
	sc.rel = &rel{node: n, cols: cols}
	return &expr.ColumnRef{Index: len(cols) - 1, Name: "$SCALAR_QUERY", T: t}, nil
}

// singleRow wraps a one-column subquery in SINGLE_VALUE and returns the
// node and its (nullable) value type.
func (b *Binder) singleRow(r *rel, pos sql.Pos) (Node, types.DataType, error) {
	if len(r.cols) != 1 {
		return nil, types.Null, errorf(pos, ErrOther, "Scalar subquery must return exactly one column, got %d", len(r.cols))
	}
	right := r.node
	t := r.cols[0].typ.WithNullable(true)
	if f := b.Functions.Aggregate("SINGLE_VALUE"); f != nil {
		rt, fac, err := f.Bind([]expr.Arg{{Type: r.cols[0].typ}}, false)
		if err == nil {
			right = &Aggregate{Input: right, Calls: []AggCall{{Func: f, Factory: fac, Args: []int{0}, Filter: -1, Type: rt, Name: "$f0"}}}
			t = rt.WithNullable(true)
		}
	}
	return right, t, nil
}

// correlatedScalar decorrelates a scalar subquery whose WHERE conjuncts
// compare inner expressions with outer ones by equality.
func (b *Binder) correlatedScalar(e *sql.SubqueryExpr, sc *scope) (expr.Expr, error) {
	q := e.Query
	sel, ok := q.Body.(*sql.Select)
	if !ok || len(q.With) > 0 || len(q.OrderBy) > 0 || q.Limit != nil || q.Offset != nil || sel.From == nil ||
		len(sel.GroupBy) > 0 || sel.Having != nil || sel.Distinct || len(sel.Items) != 1 {
		return nil, errorf(e.Pos, ErrUnsupported, "correlated scalar subqueries are supported only as SELECT item FROM ... WHERE without GROUP BY, DISTINCT, ORDER BY or LIMIT")
	}
	in, err := b.from(sel.From, nil)
	if err != nil {
		return nil, err
	}
	var local, innerKeys []sql.Expr
	var outerKeys []expr.Expr
	if sel.Where != nil {
		for _, c := range sqlConjuncts(sel.Where) {
			var refs []int
			if _, err := b.expr(c, &scope{rel: in, outer: &scope{rel: sc.rel, corr: &refs}, noAgg: "WHERE"}); err != nil {
				return nil, err
			}
			if len(refs) == 0 {
				local = append(local, c)
				continue
			}
			ik, ok, err := b.correlationKey(c, in, sc)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, errorf(c.Position(), ErrUnsupported, "correlated scalar subqueries support only equality correlation (inner expression = outer expression)")
			}
			innerKeys = append(innerKeys, ik.inner)
			outerKeys = append(outerKeys, ik.outer)
		}
	}
	item := sel.Items[0].Expr
	if _, isStar := item.(*sql.Star); isStar {
		return nil, errorf(e.Pos, ErrUnsupported, "correlated scalar subqueries must select one expression")
	}
	countOnly := false
	switch {
	case b.isCountCall(item):
		countOnly = true
	case b.hasAggCall(item, true):
		return nil, errorf(e.Pos, ErrUnsupported, "COUNT inside an expression in a correlated scalar subquery is not supported; select COUNT(...) alone")
	case !b.hasAggCall(item, false):
		item = &sql.FuncCall{Pos: item.Position(), Name: []string{"SINGLE_VALUE"}, Args: []sql.Expr{item}}
	}
	items := make([]*sql.SelectItem, 0, len(innerKeys)+1)
	for i, k := range innerKeys {
		items = append(items, &sql.SelectItem{Pos: k.Position(), Expr: k, Alias: &sql.Ident{Name: fmt.Sprintf("$k%d", i)}})
	}
	items = append(items, &sql.SelectItem{Pos: item.Position(), Expr: item, Alias: &sql.Ident{Name: "$v"}})
	grouped := &sql.Select{Pos: sel.Pos, Hints: sel.Hints, Items: items, From: sel.From, Where: sqlAnd(local), GroupBy: innerKeys}
	r, err := b.query(&sql.Query{Pos: q.Pos, Body: grouped}, nil)
	if err != nil {
		return nil, err
	}
	left := len(sc.rel.cols)
	conds := make([]expr.Expr, len(outerKeys))
	for i, ok := range outerKeys {
		if conds[i], err = b.compare("=", e.Pos, ok, ShiftColumns(r.ref(i), left)); err != nil {
			return nil, err
		}
	}
	cond, err := b.and(conds)
	if err != nil {
		return nil, err
	}
	cols := append([]column(nil), sc.rel.cols...)
	for _, c := range r.cols {
		cols = append(cols, column{name: "$SCALAR_QUERY", typ: c.typ.WithNullable(true), usingDup: true})
	}
	sc.rel = &rel{node: &Join{Left: sc.rel.node, Right: r.node, Type: JoinLeft, Condition: cond}, cols: cols}
	vi := len(cols) - 1
	var v expr.Expr = &expr.ColumnRef{Index: vi, Name: "$SCALAR_QUERY", T: cols[vi].typ}
	if countOnly {
		// A missing group counted nothing.
		zero := &expr.Literal{T: r.cols[len(r.cols)-1].typ.NotNullable(), Value: int64(0)}
		return b.call("COALESCE", e.Pos, v, zero)
	}
	return v, nil
}

type corrKey struct {
	inner sql.Expr  // over the subquery's FROM
	outer expr.Expr // over the enclosing query's relation
}

// correlationKey splits `a = b` where one side reads only the subquery's
// FROM and the other only the enclosing query.
func (b *Binder) correlationKey(c sql.Expr, in *rel, sc *scope) (corrKey, bool, error) {
	be, ok := c.(*sql.BinaryExpr)
	if !ok || be.Op != "=" {
		return corrKey{}, false, nil
	}
	side := func(x sql.Expr) (bound expr.Expr, outer bool, err error) {
		var refs []int
		bound, err = b.expr(x, &scope{rel: in, outer: &scope{rel: sc.rel, corr: &refs}, noAgg: "WHERE", noSubquery: true})
		if err != nil {
			return nil, false, err
		}
		if len(refs) == 0 {
			return bound, false, nil
		}
		if len(InputRefs(bound)) > 0 {
			return nil, false, nil // mixes inner and outer columns
		}
		return RewriteExpr(bound, func(x expr.Expr) expr.Expr {
			if c, ok := x.(*corrRef); ok {
				return &expr.ColumnRef{Index: c.Index, T: c.T}
			}
			return nil
		}), true, nil
	}
	l, lOuter, err := side(be.Left)
	if err != nil || l == nil {
		return corrKey{}, false, err
	}
	r, rOuter, err := side(be.Right)
	if err != nil || r == nil || lOuter == rOuter {
		return corrKey{}, false, err
	}
	if lOuter {
		return corrKey{inner: be.Right, outer: l}, true, nil
	}
	return corrKey{inner: be.Left, outer: r}, true, nil
}

// isCountCall reports whether e is a plain COUNT(...) call.
func (b *Binder) isCountCall(e sql.Expr) bool {
	fc, ok := e.(*sql.FuncCall)
	return ok && fc.Over == nil && len(fc.Name) == 1 && strings.EqualFold(fc.Name[0], "COUNT")
}

// hasAggCall reports whether e calls an aggregate function (only COUNT
// when countOnly is set), outside nested subqueries.
func (b *Binder) hasAggCall(e sql.Expr, countOnly bool) bool {
	found := false
	sql.Inspect(e, func(n sql.Node) bool {
		switch x := n.(type) {
		case *sql.SubqueryExpr, *sql.ExistsExpr:
			return false
		case *sql.FuncCall:
			if x.Over == nil && b.lookupAgg(x.Name) != nil && (!countOnly || b.isCountCall(x)) {
				found = true
			}
		}
		return !found
	})
	return found
}

// sqlAnd joins conjuncts back into one condition (nil for none).
func sqlAnd(cs []sql.Expr) sql.Expr {
	if len(cs) == 0 {
		return nil
	}
	out := cs[0]
	for _, c := range cs[1:] {
		out = &sql.BinaryExpr{Pos: c.Position(), Op: "AND", Left: out, Right: c}
	}
	return out
}

// aggScalar binds an uncorrelated scalar subquery above a GROUP BY: it is
// joined onto the aggregate's output once every call is known, so it is
// referenced by a placeholder until lazyAgg resolves it.
func (b *Binder) aggScalar(e *sql.SubqueryExpr, sc *scope) (expr.Expr, error) {
	a := sc.agg
	if sc.noSubquery {
		return nil, errorf(e.Pos, ErrUnsupported, "scalar subqueries are not supported here")
	}
	var refs []int
	r, err := b.query(e.Query, &scope{rel: a.in.rel, corr: &refs})
	if err != nil {
		return nil, err
	}
	if len(refs) > 0 {
		return nil, errorf(e.Pos, ErrUnsupported, "correlated scalar subqueries are not supported together with GROUP BY yet")
	}
	right, t, err := b.singleRow(r, e.Pos)
	if err != nil {
		return nil, err
	}
	a.scalars = append(a.scalars, right)
	return &aggScalarRef{K: len(a.scalars) - 1, T: t}, nil
}

// aggScalarRef stands for the value of the K-th scalar subquery joined
// above an aggregate until the aggregate is built.
type aggScalarRef struct {
	K int
	T types.DataType
}

func (s *aggScalarRef) Type() types.DataType { return s.T }
func (s *aggScalarRef) Eval(*expr.Context, *types.Batch) (arrow.Array, error) {
	return nil, fmt.Errorf("scalar subquery $%d evaluated before its join was built", s.K)
}
func (s *aggScalarRef) String() string { return fmt.Sprintf("$SCALAR_QUERY%d", s.K) }
