package plan

import (
	"fmt"
	"maps"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// BindInsert binds INSERT INTO|OVERWRITE t [(cols)] query: the query's
// columns are matched to the sink's writable columns by position (or by
// the column list; unlisted columns get NULL) and implicitly cast to the
// sink types, as Flink does.
func (b *Binder) BindInsert(ins *sql.Insert) (*Sink, error) {
	obj, err := b.Catalog.Lookup(ins.Table.Parts)
	if err != nil {
		return nil, catalogErr(err, ins.Table.Pos)
	}
	if obj.Table == nil {
		return nil, errorf(ins.Table.Pos, ErrOther, "INSERT into view %s is not allowed", obj.Path)
	}
	t := obj.Table
	src, err := b.query(ins.Source, nil)
	if err != nil {
		return nil, err
	}
	sink := t.SinkSchema()
	static := map[string]string{}
	for _, p := range ins.Partition {
		v, err := b.expr(p.Value, nil)
		if err != nil {
			return nil, err
		}
		l, ok := v.(*expr.Literal)
		if !ok {
			return nil, errorf(p.Pos, ErrOther, "partition value of %s must be a literal", p.Name.Name)
		}
		static[p.Name.Name] = types.Format(l.Value, l.T, b.Config.Loc, "null")
	}
	// target[i] is the source column feeding sink column i, or -1 (NULL),
	// or -2 (a static partition value).
	target := make([]int, sink.Len())
	for i := range target {
		target[i] = -1
	}
	switch {
	case len(ins.Columns) > 0:
		if len(ins.Columns) != len(src.cols) {
			return nil, b.columnMismatch(obj.Path.String(), src, sink, ins.Pos)
		}
		for si, c := range ins.Columns {
			i := sink.Index(c.Name)
			if i < 0 {
				return nil, &Error{Pos: c.Pos, Kind: ErrNotFound, Msg: fmt.Sprintf("Unknown target column '%s'", c.Name)}
			}
			target[i] = si
		}
	default:
		si := 0
		for i, f := range sink.Fields {
			if _, ok := static[f.Name]; ok {
				target[i] = -2
				continue
			}
			if si >= len(src.cols) {
				return nil, b.columnMismatch(obj.Path.String(), src, sink, ins.Pos)
			}
			target[i] = si
			si++
		}
		if si != len(src.cols) {
			return nil, b.columnMismatch(obj.Path.String(), src, sink, ins.Pos)
		}
	}
	exprs := make([]expr.Expr, sink.Len())
	for i, f := range sink.Fields {
		switch si := target[i]; {
		case si == -2:
			v, err := functions.NewCast(stringLiteral(static[f.Name]), f.Type, false)
			if err != nil {
				return nil, errorf(ins.Pos, ErrType, "partition value '%s' does not fit column %s %s", static[f.Name], f.Name, f.Type)
			}
			exprs[i] = v
		case si < 0:
			if f.Type.NotNull {
				return nil, errorf(ins.Pos, ErrType, "Column '%s' has no default value and does not allow NULLs", f.Name)
			}
			exprs[i] = &expr.Literal{T: f.Type}
		default:
			e, err := sinkCast(src.ref(si), f)
			if err != nil {
				return nil, &Error{Pos: ins.Source.Pos, Kind: ErrType, Msg: fmt.Sprintf(
					"Incompatible types for sink column '%s' at position %d. The source column has type '%s', while the target column has type '%s'.",
					f.Name, i, src.cols[si].typ, f.Type)}
			}
			exprs[i] = e
		}
	}
	proj := &Project{Input: src.node, Exprs: exprs, Out: &types.Schema{}}
	trivial := len(exprs) == len(src.cols)
	for i, e := range exprs {
		proj.Out.Fields = append(proj.Out.Fields, types.Field{Name: sink.Fields[i].Name, Type: e.Type()})
		if c, ok := e.(*expr.ColumnRef); !ok || c.Index != i || src.cols[i].name != sink.Fields[i].Name {
			trivial = false
		}
	}
	var in Node = proj
	if trivial {
		in = src.node
	}
	opts := maps.Clone(t.Options)
	for _, h := range ins.Hints {
		if h.Name == "OPTIONS" {
			for _, o := range h.Options {
				opts[o.Key] = o.Value
			}
		}
	}
	return &Sink{Input: in, Path: obj.Path, Table: t, Options: opts, Overwrite: ins.Overwrite, StaticPartitions: static}, nil
}

// sinkCast converts a query column to a sink column's type: equal types
// pass, implicit conversions (widening numbers, any character string to
// any character string, ...) get a CAST, anything else is an error.
func sinkCast(e expr.Expr, f types.Field) (expr.Expr, error) {
	from, to := e.Type(), f.Type
	if from.EqualIgnoringNull(to) {
		return e, nil
	}
	ok := from.Kind == types.KindNull || functions.CanCastImplicitly(from.WithoutTimeAttr(), to) ||
		(from.Kind.IsString() && to.Kind.IsString()) || (from.Kind.IsBinary() && to.Kind.IsBinary()) ||
		(from.Kind.IsTimestamp() && to.Kind.IsTimestamp())
	if !ok {
		return nil, fmt.Errorf("cannot cast %s to %s", from, to)
	}
	return coerce(e, to)
}

func (b *Binder) columnMismatch(table string, src *rel, sink *types.Schema, pos sql.Pos) error {
	q := make([]string, len(src.cols))
	for i, c := range src.cols {
		q[i] = fmt.Sprintf("%s %s", types.QuoteIdent(c.name), c.typ)
	}
	s := make([]string, sink.Len())
	for i, f := range sink.Fields {
		s[i] = fmt.Sprintf("%s %s", types.QuoteIdent(f.Name), f.Type)
	}
	return &Error{Pos: pos, Kind: ErrType, Msg: fmt.Sprintf(
		"Column types of query result and sink for '%s' do not match.\nCause: Different number of columns.\n\nQuery schema: [%s]\nSink schema:  [%s]",
		table, strings.Join(q, ", "), strings.Join(s, ", "))}
}
