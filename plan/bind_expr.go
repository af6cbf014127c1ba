package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// errNeedAgg is returned when an aggregate call is met outside an
// aggregation context; the SELECT binder then re-binds in aggregate mode.
var errNeedAgg = errors.New("aggregate call outside aggregation")

// expr binds a scalar expression against sc.
func (b *Binder) expr(e sql.Expr, sc *scope) (expr.Expr, error) {
	if sc != nil && sc.agg != nil {
		return b.aggExpr(e, sc)
	}
	return b.plainExpr(e, sc)
}

func (b *Binder) exprs(es []sql.Expr, sc *scope) ([]expr.Expr, error) {
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		x, err := b.expr(e, sc)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

func (b *Binder) plainExpr(e sql.Expr, sc *scope) (expr.Expr, error) {
	switch e := e.(type) {
	case *sql.Identifier:
		return b.identifier(e, sc)
	case *sql.Star:
		return nil, errorf(e.Pos, ErrOther, "'*' is not allowed here")
	case *sql.NumberLit:
		return numberLiteral(e, false)
	case *sql.StringLit:
		return stringLiteral(e.Value), nil
	case *sql.BinaryLit:
		return binaryLiteral(e)
	case *sql.BoolLit:
		return lit(e.Value, types.Boolean), nil
	case *sql.NullLit:
		if e.Unknown {
			return lit(nil, types.Boolean), nil
		}
		return lit(nil, types.Null), nil
	case *sql.DateTimeLit:
		return dateTimeLiteral(e, b.Config.Loc)
	case *sql.IntervalLit:
		return intervalLiteral(e)
	case *sql.UnaryExpr:
		return b.unary(e, sc)
	case *sql.BinaryExpr:
		return b.binary(e, sc)
	case *sql.IsExpr:
		x, err := b.expr(e.X, sc)
		if err != nil {
			return nil, err
		}
		name := "IS_" + e.What
		if e.What == "UNKNOWN" {
			name = "IS_NULL"
		}
		if e.Not {
			name = strings.Replace(name, "IS_", "IS_NOT_", 1)
		}
		return b.call(name, e.Pos, x)
	case *sql.IsDistinctFrom:
		args, err := b.exprs([]sql.Expr{e.Left, e.Right}, sc)
		if err != nil {
			return nil, err
		}
		name := "IS_DISTINCT_FROM"
		if e.Not {
			name = "IS_NOT_DISTINCT_FROM"
		}
		return b.compare(name, e.Pos, args[0], args[1])
	case *sql.BetweenExpr:
		return b.between(e, sc)
	case *sql.InExpr:
		if e.Query != nil {
			return nil, errorf(e.Pos, ErrUnsupported, "IN (subquery) is only supported as a conjunct of WHERE")
		}
		return b.inList(e, sc)
	case *sql.ExistsExpr:
		return nil, errorf(e.Pos, ErrUnsupported, "EXISTS is only supported as a conjunct of WHERE")
	case *sql.SubqueryExpr:
		return b.scalarSubquery(e, sc)
	case *sql.LikeExpr:
		return b.like(e, sc)
	case *sql.CaseExpr:
		return b.caseExpr(e, sc)
	case *sql.CastExpr:
		x, err := b.expr(e.X, sc)
		if err != nil {
			return nil, err
		}
		t, err := ConvertType(e.Type)
		if err != nil {
			return nil, err
		}
		return b.cast(x, t, e.Try, e.Pos)
	case *sql.FuncCall:
		return b.funcCall(e, sc)
	case *sql.TimeUnitExpr:
		return stringLiteral(string(e.Unit)), nil
	}
	return b.specialExpr(e, sc)
}

// cast binds CAST/TRY_CAST; casting NULL just types the NULL.
func (b *Binder) cast(x expr.Expr, t types.DataType, try bool, pos sql.Pos) (expr.Expr, error) {
	if l, ok := x.(*expr.Literal); ok && l.Value == nil {
		return &expr.Literal{T: t.WithNullable(true)}, nil
	}
	c, err := functions.NewCast(x, t, try)
	if err != nil {
		return nil, &Error{Pos: pos, Kind: ErrType, Msg: fmt.Sprintf("Cast function cannot convert value of type %s to type %s",
			x.Type().WithNullable(true), t.WithNullable(true))}
	}
	return c, nil
}

// identifier resolves a column (with nested field access) in sc, then in
// the enclosing scopes of a correlated subquery.
func (b *Binder) identifier(id *sql.Identifier, sc *scope) (expr.Expr, error) {
	if sc == nil || sc.rel == nil {
		return nil, &Error{Pos: id.Pos, Kind: ErrNotFound, Msg: fmt.Sprintf("Column '%s' not found in any table", strings.Join(id.Parts, "."))}
	}
	idx, rest, err := sc.rel.resolve(id)
	var base expr.Expr
	if err == nil {
		base = sc.rel.ref(idx)
	} else if sc.outer != nil && sc.outer.corr != nil {
		oidx, orest, oerr := sc.outer.rel.resolve(id)
		if oerr != nil {
			return nil, err
		}
		*sc.outer.corr = append(*sc.outer.corr, oidx)
		base, rest = &corrRef{Index: oidx, T: sc.outer.rel.cols[oidx].typ}, orest
	} else {
		return nil, err
	}
	for _, f := range rest {
		if base.Type().Kind != types.KindRow {
			return nil, errorf(id.Pos, ErrNotFound, "Column '%s' not found in any table", strings.Join(id.Parts, "."))
		}
		if base, err = b.call("FIELD", id.Pos, base, stringLiteral(f)); err != nil {
			return nil, err
		}
	}
	return base, nil
}

func (b *Binder) unary(e *sql.UnaryExpr, sc *scope) (expr.Expr, error) {
	if n, ok := e.X.(*sql.NumberLit); ok && e.Op == "-" {
		return numberLiteral(n, true)
	}
	x, err := b.expr(e.X, sc)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case "-":
		return b.call("NEGATE", e.Pos, x)
	case "NOT":
		return b.call("NOT", e.Pos, x)
	}
	return x, nil
}

func (b *Binder) binary(e *sql.BinaryExpr, sc *scope) (expr.Expr, error) {
	l, err := b.expr(e.Left, sc)
	if err != nil {
		return nil, err
	}
	r, err := b.expr(e.Right, sc)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case "=", "<>", "<", "<=", ">", ">=":
		return b.compare(e.Op, e.Pos, l, r)
	}
	return b.call(e.Op, e.Pos, l, r)
}

// compare binds a comparison, first converting both sides to their common
// type as Flink does; sides with none are an error naming both types.
func (b *Binder) compare(op string, pos sql.Pos, l, r expr.Expr) (expr.Expr, error) {
	args, _, ok, err := coerceAll([]expr.Expr{l, r})
	if err != nil {
		return nil, &Error{Pos: pos, Kind: ErrType, Msg: err.Error()}
	}
	if !ok {
		return nil, errorf(pos, ErrType, "Cannot apply '%s' to arguments of type '<%s> %s <%s>'. Supported form(s): '<COMPARABLE_TYPE> %s <COMPARABLE_TYPE>'",
			op, l.Type().WithNullable(true), op, r.Type().WithNullable(true), op)
	}
	return b.call(op, pos, args...)
}

func (b *Binder) between(e *sql.BetweenExpr, sc *scope) (expr.Expr, error) {
	xs, err := b.exprs([]sql.Expr{e.X, e.Low, e.High}, sc)
	if err != nil {
		return nil, err
	}
	rng := func(lo, hi expr.Expr) (expr.Expr, error) {
		if e.Not {
			a, err := b.compare("<", e.Pos, xs[0], lo)
			if err != nil {
				return nil, err
			}
			c, err := b.compare(">", e.Pos, xs[0], hi)
			if err != nil {
				return nil, err
			}
			return b.call("OR", e.Pos, a, c)
		}
		a, err := b.compare(">=", e.Pos, xs[0], lo)
		if err != nil {
			return nil, err
		}
		c, err := b.compare("<=", e.Pos, xs[0], hi)
		if err != nil {
			return nil, err
		}
		return b.call("AND", e.Pos, a, c)
	}
	out, err := rng(xs[1], xs[2])
	if err != nil || !e.Symmetric {
		return out, err
	}
	other, err := rng(xs[2], xs[1])
	if err != nil {
		return nil, err
	}
	if e.Not {
		return b.call("AND", e.Pos, out, other)
	}
	return b.call("OR", e.Pos, out, other)
}

func (b *Binder) inList(e *sql.InExpr, sc *scope) (expr.Expr, error) {
	xs, err := b.exprs(append([]sql.Expr{e.X}, e.List...), sc)
	if err != nil {
		return nil, err
	}
	args, _, ok, err := coerceAll(xs)
	if err != nil || !ok {
		return nil, errorf(e.Pos, ErrType, "Values passed to IN operator must have compatible types")
	}
	in, err := b.call("IN", e.Pos, args...)
	if err != nil || !e.Not {
		return in, err
	}
	return b.call("NOT", e.Pos, in)
}

func (b *Binder) like(e *sql.LikeExpr, sc *scope) (expr.Expr, error) {
	parts := []sql.Expr{e.X, e.Pattern}
	if e.Escape != nil {
		parts = append(parts, e.Escape)
	}
	args, err := b.exprs(parts, sc)
	if err != nil {
		return nil, err
	}
	name := "LIKE"
	if e.Similar {
		name = "SIMILAR"
	}
	out, err := b.call(name, e.Pos, args...)
	if err != nil || !e.Not {
		return out, err
	}
	return b.call("NOT", e.Pos, out)
}

// caseExpr binds CASE as the searched form CASE(c1, v1, ..., else) with
// the results converted to their common type.
func (b *Binder) caseExpr(e *sql.CaseExpr, sc *scope) (expr.Expr, error) {
	var operand expr.Expr
	var err error
	if e.Operand != nil {
		if operand, err = b.expr(e.Operand, sc); err != nil {
			return nil, err
		}
	}
	conds := make([]expr.Expr, len(e.Whens))
	vals := make([]expr.Expr, 0, len(e.Whens)+1)
	for i, w := range e.Whens {
		c, err := b.expr(w.Cond, sc)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if c, err = b.compare("=", w.Pos, operand, c); err != nil {
				return nil, err
			}
		}
		conds[i] = c
		v, err := b.expr(w.Result, sc)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	if e.Else != nil {
		v, err := b.expr(e.Else, sc)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	} else {
		vals = append(vals, lit(nil, types.Null))
	}
	vals, _, ok, err := coerceAll(vals)
	if err != nil || !ok {
		return nil, errorf(e.Pos, ErrType, "Illegal mixing of types in CASE or COALESCE statement")
	}
	for _, c := range conds {
		if k := c.Type().Kind; k != types.KindBoolean && k != types.KindNull {
			return nil, errorf(e.Pos, ErrType, "CASE condition must be BOOLEAN, but is %s", c.Type())
		}
	}
	// A Case node, not a call: branches must run only on the rows that
	// select them (CASE WHEN x <> 0 THEN 1 / x END).
	t := vals[0].Type().NotNullable()
	for _, v := range vals {
		if v.Type().Nullable() {
			t = t.WithNullable(true)
		}
	}
	return &expr.Case{Whens: conds, Thens: vals[:len(conds)], Else: vals[len(vals)-1], T: t.WithoutTimeAttr()}, nil
}
