package plan

import (
	"fmt"
	"maps"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// from binds one FROM item.
func (b *Binder) from(te sql.TableExpr, outer *scope) (*rel, error) {
	switch t := te.(type) {
	case *sql.TableRef:
		return b.tableRef(t)
	case *sql.SubqueryRef:
		if t.Lateral {
			return nil, errorf(t.Pos, ErrUnsupported, "LATERAL subqueries are not supported yet")
		}
		r, err := b.query(t.Query, outer)
		if err != nil {
			return nil, err
		}
		return aliasRel(r, t.Alias, "")
	case *sql.Join:
		return b.join(t, outer)
	case *sql.TableFunctionRef:
		if t.Lateral {
			return nil, errorf(t.Pos, ErrOther, "LATERAL TABLE must follow a table it is joined with")
		}
		if isWindowTVF(t.Call) {
			return b.windowTVF(t, outer)
		}
		return nil, errorf(t.Pos, ErrUnsupported, "table function %s in FROM is not supported yet", t.Call.Name[len(t.Call.Name)-1])
	case *sql.Unnest:
		return nil, errorf(t.Pos, ErrUnsupported, "UNNEST must follow a table it is joined with")
	}
	return nil, errorf(te.Position(), ErrUnsupported, "unsupported FROM item %T", te)
}

// aliasRel applies `AS t(cols)`; without an alias the columns answer to
// def.
func aliasRel(r *rel, a *sql.TableAlias, def string) (*rel, error) {
	if a == nil {
		return requalify(r, def), nil
	}
	r, err := renameColumns(r, a.Columns, a.Pos)
	if err != nil {
		return nil, err
	}
	return requalify(r, a.Name.Name), nil
}

// tableRef binds a named table, view or WITH entry.
func (b *Binder) tableRef(t *sql.TableRef) (*rel, error) {
	if t.SystemTime != nil {
		return nil, errorf(t.Pos, ErrUnsupported, "FOR SYSTEM_TIME AS OF (temporal joins) is not supported yet")
	}
	if len(t.Name.Parts) == 1 {
		for i := len(b.ctes) - 1; i >= 0; i-- {
			if r, ok := b.ctes[i][t.Name.Parts[0]]; ok {
				return aliasRel(r, t.Alias, t.Name.Parts[0])
			}
		}
	}
	obj, err := b.Catalog.Lookup(t.Name.Parts)
	if err != nil {
		return nil, catalogErr(err, t.Name.Pos)
	}
	var r *rel
	if obj.View != nil {
		if r, err = b.view(obj, t.Name.Pos); err != nil {
			return nil, err
		}
	} else {
		opts := maps.Clone(obj.Table.Options)
		for _, h := range t.Hints {
			if h.Name == "OPTIONS" {
				for _, o := range h.Options {
					opts[o.Key] = o.Value
				}
			}
		}
		if r, err = b.scanTable(obj.Path, obj.Table, opts); err != nil {
			return nil, err
		}
	}
	return aliasRel(r, t.Alias, obj.Path.Object)
}

func catalogErr(err error, pos sql.Pos) error {
	if ce, ok := err.(*catalog.Error); ok {
		kind := ErrOther
		if ce.Kind == catalog.ErrNotFound {
			kind = ErrNotFound
		}
		return &Error{Pos: pos, Kind: kind, Msg: ce.Msg, Hint: didYouMean(ce.Suggestion)}
	}
	return &Error{Pos: pos, Msg: err.Error()}
}

// scanTable plans a table read: the scan of its physical and metadata
// columns, a projection computing computed columns in declared order, and
// the watermark assigner of its WATERMARK clause.
func (b *Binder) scanTable(path catalog.ObjectPath, t *catalog.Table, opts map[string]string) (*rel, error) {
	scan := &Scan{Path: path, Table: t, Options: opts}
	var n Node = scan
	src := t.SourceSchema()
	hasComputed := false
	for _, c := range t.Columns {
		hasComputed = hasComputed || c.Kind == catalog.Computed
	}
	if hasComputed {
		p := &Project{Input: scan, Out: &types.Schema{}}
		for _, c := range t.Columns {
			var e expr.Expr
			if c.Kind == catalog.Computed {
				if c.Bound == nil {
					return nil, errorf(sql.Pos{}, ErrOther, "computed column %s of %s is not bound", c.Name, path)
				}
				e = c.Bound
			} else {
				i := src.Index(c.Name)
				e = &expr.ColumnRef{Index: i, Name: c.Name, T: src.Fields[i].Type}
			}
			p.Exprs = append(p.Exprs, e)
			p.Out.Fields = append(p.Out.Fields, types.Field{Name: c.Name, Type: e.Type()})
		}
		n = p
	}
	if w := t.Watermark; w != nil && w.Bound != nil {
		idx := n.Schema().Index(w.Column)
		if idx >= 0 {
			n = &WatermarkAssigner{Input: n, RowtimeIndex: idx, Expr: w.Bound}
		}
	}
	return relOf(n, path.Object), nil
}

// view binds a view's stored query afresh.
func (b *Binder) view(obj *catalog.Object, pos sql.Pos) (*rel, error) {
	if b.views[obj.Path] {
		return nil, errorf(pos, ErrOther, "view %s refers to itself", obj.Path)
	}
	b.views[obj.Path] = true
	defer delete(b.views, obj.Path)
	st, err := sql.ParseOne(obj.View.Query)
	if err != nil {
		return nil, errorf(pos, ErrOther, "cannot parse view %s: %v", obj.Path, err)
	}
	qs, ok := st.(*sql.QueryStmt)
	if !ok {
		return nil, errorf(pos, ErrOther, "view %s does not hold a query", obj.Path)
	}
	saved := b.ctes
	b.ctes = nil
	r, err := b.query(qs.Query, nil)
	b.ctes = saved
	if err != nil {
		return nil, fmt.Errorf("in view %s: %w", obj.Path, err)
	}
	if len(obj.View.Columns) == len(r.cols) {
		names := make([]*sql.Ident, len(r.cols))
		rename := false
		for i, c := range obj.View.Columns {
			names[i] = &sql.Ident{Name: c.Name}
			rename = rename || c.Name != r.cols[i].name
		}
		if rename {
			return renameColumns(r, names, pos)
		}
	}
	return r, nil
}

// join binds JOIN, comma joins and lateral table functions.
func (b *Binder) join(j *sql.Join, outer *scope) (*rel, error) {
	l, err := b.from(j.Left, outer)
	if err != nil {
		return nil, err
	}
	switch rt := j.Right.(type) {
	case *sql.TableFunctionRef:
		return b.lateralTable(l, rt, j)
	case *sql.Unnest:
		return b.unnest(l, rt, j)
	case *sql.TableRef:
		if rt.SystemTime != nil { // temporal and lookup joins: bind_temporal.go
			return b.temporalJoin(l, rt, j, outer)
		}
	}
	r, err := b.from(j.Right, outer)
	if err != nil {
		return nil, err
	}
	cols := append(append([]column(nil), l.cols...), r.cols...)
	typ := map[sql.JoinKind]JoinType{sql.JoinInner: JoinInner, sql.JoinLeft: JoinLeft, sql.JoinRight: JoinRight,
		sql.JoinFull: JoinFull, sql.JoinCross: JoinInner}[j.Kind]
	node := &Join{Left: l.node, Right: r.node, Type: typ}
	if b.ttl != nil {
		node.LeftTTL, node.RightTTL = b.ttl.forInput(j.Left), b.ttl.forInput(j.Right)
	}
	joined := &rel{node: node, cols: cols}
	fixNullable(joined)
	using := j.Using
	if j.Natural {
		for _, c := range l.cols {
			if i, _ := r.find("", c.name, j.Pos); i >= 0 && !c.usingDup {
				using = append(using, &sql.Ident{Pos: j.Pos, Name: c.name})
			}
		}
	}
	switch {
	case len(using) > 0:
		var conds []expr.Expr
		for _, u := range using {
			li, err := l.find("", u.Name, u.Pos)
			if err != nil {
				return nil, err
			}
			ri, err := r.find("", u.Name, u.Pos)
			if err != nil {
				return nil, err
			}
			if li < 0 || ri < 0 {
				return nil, errorf(u.Pos, ErrNotFound, "Column '%s' not found in %s table", u.Name, map[bool]string{true: "left", false: "right"}[li < 0])
			}
			c, err := b.compare("=", u.Pos, l.ref(li), ShiftColumns(r.ref(ri), len(l.cols)))
			if err != nil {
				return nil, err
			}
			conds = append(conds, c)
			joined.cols[len(l.cols)+ri].usingDup = true
		}
		if node.Condition, err = b.and(conds); err != nil {
			return nil, err
		}
	case j.On != nil:
		sc := &scope{rel: &rel{node: node, cols: cols}, outer: outer, noAgg: "ON"}
		c, err := b.expr(j.On, sc)
		if err != nil {
			return nil, err
		}
		if sc.rel.node != Node(node) {
			return nil, errorf(j.On.Position(), ErrUnsupported, "subqueries in ON are not supported yet")
		}
		if k := c.Type().Kind; k != types.KindBoolean {
			return nil, errorf(j.On.Position(), ErrType, "JOIN ON condition must be BOOLEAN, got %s", c.Type())
		}
		node.Condition = c
		fixNullable(joined) // interval and window joins keep time attributes
	case j.Kind != sql.JoinCross && !j.Comma:
		return nil, errorf(j.Pos, ErrOther, "INNER, LEFT, RIGHT or FULL join requires a condition (NATURAL keyword or ON or USING clause)")
	}
	return joined, nil
}

// fixNullable refreshes the column types of a join from its schema (outer
// joins make a side nullable).
func fixNullable(r *rel) {
	s := r.node.Schema()
	for i := range r.cols {
		r.cols[i].typ = s.Fields[i].Type
	}
}

// lateralTable binds `left, LATERAL TABLE(f(args)) [AS t(cols)]` and
// `left [LEFT] JOIN LATERAL TABLE(...) ON TRUE` into a Correlate.
func (b *Binder) lateralTable(l *rel, t *sql.TableFunctionRef, j *sql.Join) (*rel, error) {
	if !t.Lateral {
		return nil, errorf(t.Pos, ErrUnsupported, "table function %s must be used with LATERAL TABLE", t.Call.Name[len(t.Call.Name)-1])
	}
	f := b.lookupTable(t.Call.Name)
	sc := &scope{rel: l, noAgg: "LATERAL TABLE"}
	args, err := b.exprs(t.Call.Args, sc)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, b.noFunction(t.Call.Name, args, t.Call.Pos)
	}
	fields, kernel, err := f.Bind(bindArgs(args))
	if err != nil {
		return nil, &Error{Pos: t.Call.Pos, Kind: ErrType, Msg: err.Error()}
	}
	left, err := lateralJoinKind(j)
	if err != nil {
		return nil, err
	}
	c := &Correlate{Input: l.node, Func: f, Kernel: kernel, Args: args, Fields: append([]types.Field(nil), fields...), Left: left}
	return b.correlateRel(l, c, t.Alias, t.Call.Name[len(t.Call.Name)-1])
}

func lateralJoinKind(j *sql.Join) (bool, error) {
	switch j.Kind {
	case sql.JoinInner, sql.JoinCross, sql.JoinLeft:
	default:
		return false, errorf(j.Pos, ErrUnsupported, "%s with a table function is not supported; use JOIN or LEFT JOIN ... ON TRUE", j.Kind)
	}
	if j.On != nil {
		if bl, ok := j.On.(*sql.BoolLit); !ok || !bl.Value {
			return false, errorf(j.On.Position(), ErrUnsupported, "a join with a table function must be ON TRUE")
		}
	}
	return j.Kind == sql.JoinLeft, nil
}

func (b *Binder) correlateRel(l *rel, c *Correlate, alias *sql.TableAlias, def string) (*rel, error) {
	table := def
	if alias != nil {
		table = alias.Name.Name
		if len(alias.Columns) > 0 {
			if len(alias.Columns) != len(c.Fields) {
				return nil, errorf(alias.Pos, ErrOther, "List of column aliases must have same degree as table; table has %d columns, whereas alias list has %d columns",
					len(c.Fields), len(alias.Columns))
			}
			for i, a := range alias.Columns {
				c.Fields[i].Name = a.Name
			}
		}
	}
	cols := append([]column(nil), l.cols...)
	out := c.Schema()
	for i := range c.Fields {
		cols = append(cols, column{table: table, name: c.Fields[i].Name, typ: out.Fields[len(l.cols)+i].Type})
	}
	return &rel{node: c, cols: cols}, nil
}

// unnest binds `left CROSS JOIN UNNEST(arr) [WITH ORDINALITY] AS t(cols)`.
func (b *Binder) unnest(l *rel, u *sql.Unnest, j *sql.Join) (*rel, error) {
	if len(u.Args) != 1 {
		return nil, errorf(u.Pos, ErrUnsupported, "UNNEST of more than one collection is not supported yet")
	}
	arg, err := b.expr(u.Args[0], &scope{rel: l, noAgg: "UNNEST"})
	if err != nil {
		return nil, err
	}
	t := arg.Type()
	var fields []types.Field
	switch t.Kind {
	case types.KindArray, types.KindMultiset:
		if t.Elem.Kind == types.KindRow {
			fields = append(fields, t.Elem.Fields...)
		} else {
			fields = []types.Field{{Name: "f0", Type: *t.Elem}}
		}
	case types.KindMap:
		fields = []types.Field{{Name: "f0", Type: *t.Elem}, {Name: "f1", Type: *t.Value}}
	default:
		return nil, errorf(u.Pos, ErrType, "UNNEST argument must be an ARRAY, MAP or MULTISET, got %s", t)
	}
	if u.WithOrdinality {
		fields = append(fields, types.Field{Name: "ORDINALITY", Type: types.Int.NotNullable()})
	}
	left, err := lateralJoinKind(j)
	if err != nil {
		return nil, err
	}
	c := &Correlate{Input: l.node, Args: []expr.Expr{arg}, Fields: fields, Left: left, Unnest: true, WithOrdinality: u.WithOrdinality}
	return b.correlateRel(l, c, u.Alias, "")
}
