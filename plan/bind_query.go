package plan

import (
	"fmt"
	"strconv"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// orderSpec is a query's ORDER BY / OFFSET / FETCH, applied by the block
// that can resolve its expressions.
type orderSpec struct {
	items  []*sql.OrderItem
	offset int64
	fetch  int64 // -1: none
}

func (o *orderSpec) empty() bool { return len(o.items) == 0 && o.offset == 0 && o.fetch < 0 }

// query binds a full query expression. outer is the enclosing scope for
// correlated subqueries (nil at top level).
func (b *Binder) query(q *sql.Query, outer *scope) (*rel, error) {
	if len(q.With) > 0 {
		m := map[string]*rel{}
		b.ctes = append(b.ctes, m)
		defer func() { b.ctes = b.ctes[:len(b.ctes)-1] }()
		for _, c := range q.With {
			r, err := b.query(c.Query, nil)
			if err != nil {
				return nil, err
			}
			if r, err = renameColumns(r, c.Columns, c.Pos); err != nil {
				return nil, err
			}
			m[c.Name.Name] = r
		}
	}
	ord := &orderSpec{items: q.OrderBy, fetch: -1}
	var err error
	if q.Limit != nil {
		if ord.fetch, err = constInt(q.Limit, "LIMIT"); err != nil {
			return nil, err
		}
	}
	if q.Offset != nil {
		if ord.offset, err = constInt(q.Offset, "OFFSET"); err != nil {
			return nil, err
		}
	}
	if sel, ok := q.Body.(*sql.Select); ok {
		return b.selectBlock(sel, ord, outer)
	}
	r, err := b.body(q.Body, outer)
	if err != nil || ord.empty() {
		return r, err
	}
	// Outside a SELECT block ORDER BY sees only the output columns.
	keys := make([]SortKey, len(ord.items))
	for i, it := range ord.items {
		idx := -1
		switch e := it.Expr.(type) {
		case *sql.Identifier:
			if len(e.Parts) == 1 {
				idx, err = r.find("", e.Parts[0], e.Pos)
				if err != nil {
					return nil, err
				}
			}
		case *sql.NumberLit:
			idx, err = ordinal(e, len(r.cols))
			if err != nil {
				return nil, err
			}
		}
		if idx < 0 {
			x, err := b.expr(it.Expr, &scope{rel: r, noAgg: "ORDER BY"})
			if err != nil {
				return nil, err
			}
			c, ok := x.(*expr.ColumnRef)
			if !ok {
				return nil, errorf(it.Pos, ErrUnsupported, "ORDER BY of a set operation or VALUES must name an output column")
			}
			idx = c.Index
		}
		keys[i] = sortKey(idx, it)
	}
	return &rel{node: &Sort{Input: r.node, Keys: keys, Offset: ord.offset, Fetch: ord.fetch}, cols: r.cols}, nil
}

func sortKey(idx int, it *sql.OrderItem) SortKey {
	k := SortKey{Index: idx, Desc: it.Desc, NullsFirst: !it.Desc}
	switch it.Nulls {
	case sql.NullsFirst:
		k.NullsFirst = true
	case sql.NullsLast:
		k.NullsFirst = false
	}
	return k
}

func ordinal(n *sql.NumberLit, cols int) (int, error) {
	v, err := strconv.Atoi(n.Text)
	if err != nil || n.Kind != sql.IntegerNumber || v < 1 || v > cols {
		return -1, errorf(n.Pos, ErrOther, "Ordinal out of range")
	}
	return v - 1, nil
}

func constInt(e sql.Expr, what string) (int64, error) {
	n, ok := e.(*sql.NumberLit)
	if !ok || n.Kind != sql.IntegerNumber {
		return 0, errorf(e.Position(), ErrOther, "%s must be a non-negative integer literal", what)
	}
	v, err := strconv.ParseInt(n.Text, 10, 64)
	if err != nil || v < 0 {
		return 0, errorf(e.Position(), ErrOther, "%s must be a non-negative integer literal", what)
	}
	return v, nil
}

func (b *Binder) body(qb sql.QueryBody, outer *scope) (*rel, error) {
	switch qb := qb.(type) {
	case *sql.Select:
		return b.selectBlock(qb, &orderSpec{fetch: -1}, outer)
	case *sql.Query:
		return b.query(qb, outer)
	case *sql.SetOp:
		return b.setOp(qb, outer)
	case *sql.Values:
		return b.values(qb)
	}
	return nil, errorf(qb.Position(), ErrUnsupported, "unsupported query %T", qb)
}

// renameColumns applies a column alias list `t(a, b)`.
func renameColumns(r *rel, names []*sql.Ident, pos sql.Pos) (*rel, error) {
	if len(names) == 0 {
		return r, nil
	}
	if len(names) != len(r.cols) {
		return nil, errorf(pos, ErrOther, "List of column aliases must have same degree as table; table has %d columns %v, whereas alias list has %d columns",
			len(r.cols), r.names(""), len(names))
	}
	exprs := make([]expr.Expr, len(r.cols))
	out := &types.Schema{}
	cols := make([]column, len(r.cols))
	for i := range r.cols {
		exprs[i] = r.ref(i)
		out.Fields = append(out.Fields, types.Field{Name: names[i].Name, Type: r.cols[i].typ})
		cols[i] = column{table: r.cols[i].table, name: names[i].Name, typ: r.cols[i].typ}
	}
	return &rel{node: &Project{Input: r.node, Exprs: exprs, Out: out}, cols: cols}, nil
}

// requalify returns r with every column answering to table t.
func requalify(r *rel, t string) *rel {
	cols := make([]column, len(r.cols))
	for i, c := range r.cols {
		cols[i] = column{table: t, name: c.name, typ: c.typ}
	}
	return &rel{node: r.node, cols: cols}
}

// values binds VALUES rows: columns EXPR$0, EXPR$1, ... typed by the
// common type of each column.
func (b *Binder) values(v *sql.Values) (*rel, error) {
	rows := make([][]expr.Expr, len(v.Rows))
	for i, row := range v.Rows {
		if len(row) != len(v.Rows[0]) {
			return nil, errorf(v.Pos, ErrOther, "Values must have the same number of columns in each row")
		}
		r, err := b.exprs(row, nil)
		if err != nil {
			return nil, err
		}
		rows[i] = r
	}
	n := len(v.Rows[0])
	out := &types.Schema{}
	for c := 0; c < n; c++ {
		col := make([]expr.Expr, len(rows))
		for i := range rows {
			col[i] = rows[i][c]
		}
		col, t, ok, err := coerceAll(col)
		if err != nil || !ok {
			return nil, errorf(v.Pos, ErrType, "Values passed to VALUES column %d must have compatible types", c+1)
		}
		for i := range rows {
			rows[i][c] = col[i]
		}
		out.Fields = append(out.Fields, types.Field{Name: fmt.Sprintf("EXPR$%d", c), Type: t})
	}
	return relOf(&Values{Out: out, Rows: rows}, ""), nil
}

// setOp binds UNION / INTERSECT / EXCEPT: both sides are converted to the
// columns' common types; UNION (distinct) becomes an aggregate over
// UNION ALL.
func (b *Binder) setOp(s *sql.SetOp, outer *scope) (*rel, error) {
	l, err := b.body(s.Left, outer)
	if err != nil {
		return nil, err
	}
	r, err := b.body(s.Right, outer)
	if err != nil {
		return nil, err
	}
	if len(l.cols) != len(r.cols) {
		return nil, errorf(s.Pos, ErrOther, "Column count mismatch in %s", s.Op)
	}
	ts := make([]types.DataType, len(l.cols))
	for i := range l.cols {
		t, ok := commonType(l.cols[i].typ, r.cols[i].typ)
		if !ok {
			return nil, errorf(s.Pos, ErrType, "Type mismatch in column %d of %s: %s and %s", i+1, s.Op,
				l.cols[i].typ.WithNullable(true), r.cols[i].typ.WithNullable(true))
		}
		ts[i] = t
	}
	ln, err := castRel(l, ts)
	if err != nil {
		return nil, err
	}
	rn, err := castRel(r, ts)
	if err != nil {
		return nil, err
	}
	kind := map[sql.SetOpKind]SetOpKind{sql.Union: SetUnion, sql.Intersect: SetIntersect, sql.Except: SetMinus}[s.Op]
	var n Node = &SetOp{Kind: kind, Ins: []Node{ln, rn}, All: s.All}
	if kind == SetUnion && !s.All {
		n.(*SetOp).All = true
		n = distinct(n)
	}
	return relOf(n, ""), nil
}

// distinct removes duplicate rows: an aggregate grouping on every column.
func distinct(n Node) Node {
	keys := make([]int, n.Schema().Len())
	for i := range keys {
		keys[i] = i
	}
	return &Aggregate{Input: n, GroupKeys: keys}
}

// castRel projects r's columns to types ts (keeping names) when any differs.
func castRel(r *rel, ts []types.DataType) (Node, error) {
	same := true
	exprs := make([]expr.Expr, len(r.cols))
	out := &types.Schema{}
	for i, c := range r.cols {
		e, err := coerce(r.ref(i), ts[i])
		if err != nil {
			return nil, err
		}
		if e != expr.Expr(nil) && !c.typ.EqualIgnoringNull(ts[i]) {
			same = false
		}
		exprs[i] = e
		out.Fields = append(out.Fields, types.Field{Name: c.name, Type: e.Type()})
	}
	if same {
		return r.node, nil
	}
	return &Project{Input: r.node, Exprs: exprs, Out: out}, nil
}
