package plan

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/types"
)

// commonType is the type every one of ts converts to implicitly
// (functions.CommonType, Flink's LogicalTypeMerging), ignoring time
// attribute markers.
func commonType(ts ...types.DataType) (types.DataType, bool) {
	clean := make([]types.DataType, len(ts))
	for i, t := range ts {
		clean[i] = t.WithoutTimeAttr()
	}
	return functions.CommonType(clean...)
}

// coerce converts e to type t (nullability aside): NULL literals are
// retyped, other expressions get a CAST.
func coerce(e expr.Expr, t types.DataType) (expr.Expr, error) {
	et := e.Type()
	if et.EqualIgnoringNull(t) {
		return e, nil
	}
	if l, ok := e.(*expr.Literal); ok && l.Value == nil {
		return &expr.Literal{T: t.WithNullable(true)}, nil
	}
	return functions.NewCast(e, t.WithNullable(et.Nullable()), false)
}

// coerceAll converts every expression to the common type of all of them;
// ok is false when they have none.
func coerceAll(es []expr.Expr) ([]expr.Expr, types.DataType, bool, error) {
	ts := make([]types.DataType, len(es))
	for i, e := range es {
		ts[i] = e.Type()
	}
	t, ok := commonType(ts...)
	if !ok {
		return es, t, false, nil
	}
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		c, err := coerce(e, t)
		if err != nil {
			return es, t, false, err
		}
		out[i] = c
	}
	return out, t, true, nil
}
