package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// Flink has no SQL for table aggregates; Spry's SQL form of the Table
// API's group_by(k).flat_aggregate(f(v)) is a select list holding the
// table aggregate call next to group keys:
//
//	SELECT k, top2(v) FROM t GROUP BY k
//
// The call stands for all the columns of the rows it emits (like a `*`),
// so the query's columns are k and top2's fields; without GROUP BY the
// aggregation is global. The Python API renders flat_aggregate this way.

// tableAggCall returns the select item that calls a table aggregate
// function, or -1; more than one is an error.
func (b *Binder) tableAggCall(items []selectItem) (int, *pyfn.Function, error) {
	at, fn := -1, (*pyfn.Function)(nil)
	for i, it := range items {
		fc, ok := it.e.(*sql.FuncCall)
		if !ok || fc.Over != nil {
			continue
		}
		f := pyfn.Of(b.lookupAgg(fc.Name))
		if f == nil || f.Kind != pyfn.TableAggregate {
			continue
		}
		if at >= 0 {
			return -1, nil, errorf(fc.Pos, ErrUnsupported, "Only one table aggregate function is allowed in a select list, found %s and %s", fn.Name, f.Name)
		}
		at, fn = i, f
	}
	return at, fn, nil
}

// tableAggregateBlock binds a SELECT whose list calls a table aggregate
// function (see above): Project(keys, args) → TableAggregate → Project of
// the select list. ok is false when no item calls one.
func (b *Binder) tableAggregateBlock(s *sql.Select, items []selectItem, ord *orderSpec, sc *scope) (_ *rel, ok bool, _ error) {
	at, fn, err := b.tableAggCall(items)
	if err != nil || at < 0 {
		return nil, err != nil, err
	}
	fc := items[at].e.(*sql.FuncCall)
	switch {
	case fc.Star || fc.Distinct || fc.Filter != nil || len(fc.WithinGroup) > 0:
		return nil, true, errorf(fc.Pos, ErrUnsupported, "Table aggregate function %s takes neither *, DISTINCT, FILTER nor WITHIN GROUP", fn.Name)
	case s.Having != nil:
		return nil, true, errorf(s.Having.Position(), ErrUnsupported, "HAVING is not supported with table aggregate function %s", fn.Name)
	}
	keySc := &scope{rel: sc.rel, outer: sc.outer, noAgg: "GROUP BY", noSubquery: true}
	var pre []expr.Expr
	keyAt := map[string]int{}
	for _, g := range s.GroupBy {
		switch g.(type) {
		case *sql.GroupingSets, *sql.Rollup, *sql.Cube, *sql.GroupingSet:
			return nil, true, errorf(g.Position(), ErrUnsupported, "Grouping sets are not supported with table aggregate function %s", fn.Name)
		}
		if gc, isCall := g.(*sql.FuncCall); isCall && len(gc.Name) == 1 && isGroupWindowName(gc.Name[0]) {
			return nil, true, errorf(g.Position(), ErrUnsupported, "Group windows are not supported with Python table aggregate function %s", fn.Name)
		}
		x, err := b.expr(g, keySc)
		if err != nil {
			return nil, true, err
		}
		if _, dup := keyAt[exprKey(x)]; !dup {
			keyAt[exprKey(x)] = len(pre)
			pre = append(pre, x)
		}
	}
	nk := len(pre)
	argSc := &scope{rel: sc.rel, outer: sc.outer, noAgg: "a table aggregate function argument", noSubquery: true}
	args := make([]int, len(fc.Args))
	for i, a := range fc.Args {
		x, err := b.expr(a, argSc)
		if err != nil {
			return nil, true, err
		}
		args[i] = len(pre)
		pre = append(pre, x)
	}
	if err := fn.CheckArgs(bindArgs(pre[nk:])); err != nil {
		return nil, true, &Error{Pos: fc.Pos, Kind: ErrType, Msg: err.Error()}
	}
	proj := &Project{Input: sc.rel.node, Exprs: pre, Out: &types.Schema{}}
	for i, e := range pre {
		name := fmt.Sprintf("$f%d", i)
		if c, isCol := e.(*expr.ColumnRef); isCol {
			name = c.Name
		}
		proj.Out.Fields = append(proj.Out.Fields, types.Field{Name: name, Type: e.Type()})
	}
	proj.Out.Fields = fieldsUnique(proj.Out.Fields)
	keys := make([]int, nk)
	keyNames := make([]string, nk)
	for i := range keys {
		keys[i], keyNames[i] = i, proj.Out.Fields[i].Name
	}
	var input Node = proj
	if identityProject(proj) {
		input = proj.Input // as Flink's AST, no projection of the input as it is
	}
	ta := &TableAggregate{Input: input, GroupKeys: keys, Fn: fn, Args: args, Fields: tableAggFieldNames(keyNames, fn.Result)}
	out := ta.Schema()
	var sel []selectItem
	var exprs []expr.Expr
	ref := func(i int) expr.Expr {
		return &expr.ColumnRef{Index: i, Name: out.Fields[i].Name, T: out.Fields[i].Type}
	}
	for i, it := range items {
		if i == at {
			if it.name != fmt.Sprintf("EXPR$%d", i) && len(ta.Fields) != 1 {
				return nil, true, errorf(it.pos, ErrUnsupported, "Table aggregate function %s emits %d columns; a single alias cannot name them (rename them in an enclosing query)", fn.Name, len(ta.Fields))
			}
			for j, f := range ta.Fields {
				name := f.Name
				if len(ta.Fields) == 1 && it.name != fmt.Sprintf("EXPR$%d", i) {
					name = it.name
				}
				sel = append(sel, selectItem{e: &sql.Identifier{Pos: it.pos, Parts: []string{f.Name}}, name: name, pos: it.pos})
				exprs = append(exprs, ref(nk+j))
			}
			continue
		}
		x, err := b.expr(it.e, keySc)
		if err != nil {
			return nil, true, err
		}
		k, grouped := keyAt[exprKey(x)]
		if !grouped {
			return nil, true, errorf(it.pos, ErrGrouping, "Expression '%s' is not being grouped", sqlText(it))
		}
		sel = append(sel, it)
		exprs = append(exprs, ref(k))
	}
	r, err := b.finish(&scope{rel: relOf(ta, ""), outer: sc.outer}, ta, sel, exprs, s.Distinct, ord)
	return r, true, err
}

// identityProject reports whether p outputs its input's columns as they are.
func identityProject(p *Project) bool {
	in := p.Input.Schema()
	if len(p.Exprs) != in.Len() {
		return false
	}
	for i, e := range p.Exprs {
		c, ok := e.(*expr.ColumnRef)
		if !ok || c.Index != i || p.Out.Fields[i].Name != in.Fields[i].Name {
			return false
		}
	}
	return true
}

// isGroupWindowName reports a legacy group window function name.
func isGroupWindowName(name string) bool {
	switch strings.ToUpper(name) {
	case "TUMBLE", "HOP", "SESSION", "CUMULATE":
		return true
	}
	return false
}

// sqlText names a select item in an error: its column name, else its alias.
func sqlText(it selectItem) string {
	if id, isID := it.e.(*sql.Identifier); isID {
		return strings.Join(id.Parts, ".")
	}
	return it.name
}
