package plan

import (
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// The SQL/JSON query functions carry their ON EMPTY / ON ERROR clauses to
// the registered functions as trailing constant arguments (see
// expr/functions/json.go for the conventions):
//
//	JSON_VALUE(json, path, onEmpty, emptyDefault, onError, errorDefault)
//	JSON_QUERY(json, path, wrapper, onEmpty, onError)
//	JSON_EXISTS(json, path, onError)
//
// so one function call keeps Flink's behaviour whatever plan rewrites do.

// bindJSONValue binds JSON_VALUE(x, path [RETURNING t] [b ON EMPTY] [b ON ERROR]).
func (b *Binder) bindJSONValue(e *sql.JSONValueExpr, sc *scope) (expr.Expr, error) {
	args, err := b.exprs([]sql.Expr{e.X, e.Path}, sc)
	if err != nil {
		return nil, err
	}
	if e.OnEmpty != nil || e.OnError != nil {
		for _, bh := range []*sql.JSONBehavior{e.OnEmpty, e.OnError} {
			kind, def, err := b.jsonValueBehavior(bh, sc)
			if err != nil {
				return nil, err
			}
			args = append(args, stringLiteral(kind), def)
		}
	}
	v, err := b.call("JSON_VALUE", e.Pos, args...)
	if err != nil || e.Returning == nil {
		return v, err
	}
	t, err := ConvertType(e.Returning)
	if err != nil {
		return nil, err
	}
	return b.cast(v, t, false, e.Pos)
}

// jsonValueBehavior returns the kind of a JSON_VALUE behaviour (NULL when
// not written) and its DEFAULT value as a STRING expression (a NULL
// literal for the other kinds), since JSON_VALUE computes in STRING and
// RETURNING converts afterwards.
func (b *Binder) jsonValueBehavior(bh *sql.JSONBehavior, sc *scope) (string, expr.Expr, error) {
	none := &expr.Literal{T: types.String.WithNullable(true)}
	if bh == nil {
		return "NULL", none, nil
	}
	switch bh.Kind {
	case "NULL", "ERROR":
		return bh.Kind, none, nil
	case "DEFAULT":
		d, err := b.expr(bh.Default, sc)
		if err != nil {
			return "", nil, err
		}
		if !d.Type().Kind.IsString() {
			if d, err = b.cast(d, types.String, false, bh.Pos); err != nil {
				return "", nil, err
			}
		}
		return "DEFAULT", d, nil
	}
	return "", nil, errorf(bh.Pos, ErrUnsupported, "Illegal behavior '%s' in JSON_VALUE; expected NULL, ERROR or DEFAULT", bh.Kind)
}

// bindJSONQuery binds JSON_QUERY(x, path [wrapper] [b ON EMPTY] [b ON ERROR]).
func (b *Binder) bindJSONQuery(e *sql.JSONQueryExpr, sc *scope) (expr.Expr, error) {
	args, err := b.exprs([]sql.Expr{e.X, e.Path}, sc)
	if err != nil {
		return nil, err
	}
	wrapper := "WITHOUT"
	if e.Wrapper != "" {
		wrapper = strings.Fields(strings.TrimPrefix(e.Wrapper, "WITH "))[0]
	}
	args = append(args, stringLiteral(wrapper))
	if e.OnEmpty != nil || e.OnError != nil {
		for _, bh := range []*sql.JSONBehavior{e.OnEmpty, e.OnError} {
			kind := "NULL"
			if bh != nil {
				kind = bh.Kind
			}
			switch kind {
			case "NULL", "ERROR", "EMPTY ARRAY", "EMPTY OBJECT":
			default:
				return nil, errorf(bh.Pos, ErrUnsupported, "Illegal behavior '%s' in JSON_QUERY; expected NULL, ERROR, EMPTY ARRAY or EMPTY OBJECT", kind)
			}
			args = append(args, stringLiteral(kind))
		}
	}
	return b.call("JSON_QUERY", e.Pos, args...)
}

// bindJSONExists binds JSON_EXISTS(x, path [b ON ERROR]).
func (b *Binder) bindJSONExists(e *sql.JSONExistsExpr, sc *scope) (expr.Expr, error) {
	args, err := b.exprs([]sql.Expr{e.X, e.Path}, sc)
	if err != nil {
		return nil, err
	}
	if bh := e.OnError; bh != nil {
		switch bh.Kind {
		case "TRUE", "FALSE", "UNKNOWN", "ERROR":
		default:
			return nil, errorf(bh.Pos, ErrUnsupported, "Illegal behavior '%s' in JSON_EXISTS; expected TRUE, FALSE, UNKNOWN or ERROR", bh.Kind)
		}
		args = append(args, stringLiteral(bh.Kind))
	}
	return b.call("JSON_EXISTS", e.Pos, args...)
}
