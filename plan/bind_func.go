package plan

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// coercingFunctions take arguments of one common type (Flink converts
// them before the call).
var coercingFunctions = map[string]bool{
	"COALESCE": true, "NULLIF": true, "GREATEST": true, "LEAST": true, "IFNULL": true,
}

// lookupScalar resolves a scalar function in Flink's order: temporary
// system functions, built-ins, then catalog functions.
func (b *Binder) lookupScalar(parts []string) *expr.ScalarFunction {
	if f := b.userFunc(parts); f != nil && f.Scalar != nil && (f.System || len(parts) > 1) {
		return f.Scalar
	}
	if len(parts) == 1 {
		if f := b.Functions.Scalar(parts[0]); f != nil {
			return f
		}
	}
	if f := b.userFunc(parts); f != nil {
		return f.Scalar
	}
	return nil
}

func (b *Binder) lookupAgg(parts []string) *expr.AggregateFunction {
	if f := b.userFunc(parts); f != nil && f.Aggregate != nil && (f.System || len(parts) > 1) {
		return f.Aggregate
	}
	if len(parts) == 1 {
		if f := b.Functions.Aggregate(parts[0]); f != nil {
			return f
		}
	}
	if f := b.userFunc(parts); f != nil {
		return f.Aggregate
	}
	return nil
}

func (b *Binder) lookupTable(parts []string) *expr.TableFunction {
	if f := b.userFunc(parts); f != nil && f.Table != nil {
		return f.Table
	}
	if len(parts) == 1 {
		return b.Functions.Table(parts[0])
	}
	return nil
}

func (b *Binder) userFunc(parts []string) *catalog.Function {
	if b.Catalog == nil {
		return nil
	}
	f, _ := b.Catalog.LookupFunction(parts)
	return f
}

// call binds a call of the scalar function registered under name.
func (b *Binder) call(name string, pos sql.Pos, args ...expr.Expr) (expr.Expr, error) {
	f := b.Functions.Scalar(name)
	if f == nil {
		return nil, b.noFunction([]string{name}, args, pos)
	}
	return b.bindScalar(f, pos, args)
}

// bindScalar binds f over args. When f rejects the argument types and
// they have a common type, it retries with the arguments converted to it
// (Flink's implicit coercion for mixed numeric arithmetic and the like).
func (b *Binder) bindScalar(f *expr.ScalarFunction, pos sql.Pos, args []expr.Expr) (expr.Expr, error) {
	if coercingFunctions[f.Name] && len(args) > 1 {
		if cargs, _, ok, err := coerceAll(args); err == nil && ok {
			args = cargs
		}
	}
	t, k, err := f.Bind(bindArgs(args))
	if err != nil {
		var te *expr.TypeError
		if errors.As(err, &te) && len(args) > 1 {
			if cargs, _, ok, cerr := coerceAll(args); cerr == nil && ok && !sameTypes(cargs, args) {
				if t2, k2, err2 := f.Bind(bindArgs(cargs)); err2 == nil {
					return &expr.Call{Name: f.Name, Args: cargs, T: callTimeAttr(f.Name, t2), Kernel: k2}, nil
				}
			}
		}
		return nil, &Error{Pos: pos, Kind: ErrType, Msg: err.Error()}
	}
	return &expr.Call{Name: f.Name, Args: args, T: callTimeAttr(f.Name, t), Kernel: k}, nil
}

func sameTypes(a, b []expr.Expr) bool {
	for i := range a {
		if !a[i].Type().Equal(b[i].Type()) {
			return false
		}
	}
	return true
}

// bindArgs describes arguments to a function's Bind; literals pass their
// value so the function can specialise.
func bindArgs(args []expr.Expr) []expr.Arg {
	out := make([]expr.Arg, len(args))
	for i, a := range args {
		out[i].Type = a.Type()
		// A nested JSON constructor's text is embedded, not quoted.
		if c, ok := a.(*expr.Call); ok && functions.IsJSONProducer(c.Name) {
			out[i].JSON = true
		}
		if l, ok := a.(*expr.Literal); ok {
			out[i].IsConst, out[i].Const = true, l.Value
		}
	}
	return out
}

// noFunction is Flink's "No match found for function signature" error
// with the closest known function name as a hint.
func (b *Binder) noFunction(parts []string, args []expr.Expr, pos sql.Pos) error {
	fam := make([]string, len(args))
	for i, a := range args {
		fam[i] = "<" + family(a.Type()) + ">"
	}
	name := strings.Join(parts, ".")
	cands := b.Functions.Names()
	if b.Catalog != nil {
		cands = append(cands, b.Catalog.ListFunctions()...)
	}
	hint := catalog.Closest(strings.ToUpper(parts[len(parts)-1]), cands)
	return &Error{Pos: pos, Kind: ErrNotFound,
		Msg:  fmt.Sprintf("No match found for function signature %s(%s)", name, strings.Join(fam, ", ")),
		Hint: didYouMean(hint)}
}

// family names a type's family as Calcite's signatures do.
func family(t types.DataType) string {
	k := t.Kind
	switch {
	case k.IsNumeric():
		return "NUMERIC"
	case k.IsString():
		return "CHARACTER"
	case k.IsBinary():
		return "BINARY"
	case k == types.KindBoolean:
		return "BOOLEAN"
	case k == types.KindDate:
		return "DATE"
	case k == types.KindTime:
		return "TIME"
	case k.IsTimestamp():
		return "TIMESTAMP"
	case k == types.KindIntervalDayTime:
		return "INTERVAL_DAY_TIME"
	case k == types.KindIntervalYearMonth:
		return "INTERVAL_YEAR_MONTH"
	case k == types.KindNull:
		return "NULL"
	}
	return k.String()
}

// funcCall binds a function call: a scalar function, or an aggregate
// (which outside an aggregation context asks the SELECT binder to switch
// to aggregate mode).
func (b *Binder) funcCall(e *sql.FuncCall, sc *scope) (expr.Expr, error) {
	if e.Over != nil {
		return b.overCall(e, sc)
	}
	if c, ok, err := b.pythonCall(e, sc); ok {
		return c, err
	}
	if b.lookupAgg(e.Name) != nil && !(len(e.Name) == 1 && b.lookupScalar(e.Name) != nil && !e.Star) {
		if sc != nil && sc.noAgg != "" {
			return nil, errorf(e.Pos, ErrGrouping, "Aggregate function %s is not allowed in %s", strings.ToUpper(strings.Join(e.Name, ".")), sc.noAgg)
		}
		return nil, errNeedAgg
	}
	if e.Star || e.Distinct || e.Filter != nil {
		return nil, errorf(e.Pos, ErrOther, "%s is not an aggregate function", strings.Join(e.Name, "."))
	}
	args, err := b.exprs(e.Args, sc)
	if err != nil {
		return nil, err
	}
	f := b.lookupScalar(e.Name)
	if f == nil {
		return nil, b.noFunction(e.Name, args, e.Pos)
	}
	return b.bindScalar(f, e.Pos, args)
}

// specialExpr binds the syntax forms that map onto registered functions
// with fixed argument conventions.
func (b *Binder) specialExpr(e sql.Expr, sc *scope) (expr.Expr, error) {
	switch e := e.(type) {
	case *sql.IsJSON:
		x, err := b.expr(e.X, sc)
		if err != nil {
			return nil, err
		}
		args := []expr.Expr{x}
		if e.Kind != "" {
			args = append(args, stringLiteral(e.Kind))
		}
		out, err := b.call("IS_JSON", e.Pos, args...)
		if err != nil || !e.Not {
			return out, err
		}
		return b.call("NOT", e.Pos, out)
	case *sql.ExtractExpr:
		x, err := b.expr(e.X, sc)
		if err != nil {
			return nil, err
		}
		return b.call("EXTRACT", e.Pos, stringLiteral(string(e.Unit)), x)
	case *sql.FloorCeilExpr:
		x, err := b.expr(e.X, sc)
		if err != nil {
			return nil, err
		}
		name := "FLOOR"
		if e.Ceil {
			name = "CEIL"
		}
		return b.call(name, e.Pos, x, stringLiteral(string(e.Unit)))
	case *sql.TrimExpr:
		x, err := b.expr(e.X, sc)
		if err != nil {
			return nil, err
		}
		var chars expr.Expr = stringLiteral(" ")
		if e.Chars != nil {
			if chars, err = b.expr(e.Chars, sc); err != nil {
				return nil, err
			}
		}
		name := map[string]string{"": "TRIM", "BOTH": "TRIM", "LEADING": "LTRIM", "TRAILING": "RTRIM"}[e.Mode]
		return b.call(name, e.Pos, x, chars)
	case *sql.PositionExpr:
		args, err := b.exprs([]sql.Expr{e.Sub, e.X}, sc)
		if err != nil {
			return nil, err
		}
		return b.call("POSITION", e.Pos, args...)
	case *sql.OverlayExpr:
		parts := []sql.Expr{e.X, e.Placing, e.From}
		if e.For != nil {
			parts = append(parts, e.For)
		}
		args, err := b.exprs(parts, sc)
		if err != nil {
			return nil, err
		}
		return b.call("OVERLAY", e.Pos, args...)
	case *sql.JSONValueExpr:
		return b.bindJSONValue(e, sc)
	case *sql.JSONQueryExpr:
		return b.bindJSONQuery(e, sc)
	case *sql.JSONExistsExpr:
		return b.bindJSONExists(e, sc)
	case *sql.JSONObjectExpr:
		onNull := e.OnNull
		if onNull == "" {
			onNull = "NULL"
		}
		args := []expr.Expr{stringLiteral(onNull)}
		for _, kv := range e.Entries {
			kvs, err := b.exprs([]sql.Expr{kv.Key, kv.Value}, sc)
			if err != nil {
				return nil, err
			}
			args = append(args, kvs...)
		}
		return b.call("JSON_OBJECT", e.Pos, args...)
	case *sql.JSONArrayExpr:
		onNull := e.OnNull
		if onNull == "" {
			onNull = "ABSENT"
		}
		vals, err := b.exprs(e.Elems, sc)
		if err != nil {
			return nil, err
		}
		return b.call("JSON_ARRAY", e.Pos, append([]expr.Expr{stringLiteral(onNull)}, vals...)...)
	case *sql.ArrayCtor:
		return b.ctor("ARRAY", e.Pos, e.Elems, sc)
	case *sql.MapCtor:
		return b.ctor("MAP", e.Pos, e.Elems, sc)
	case *sql.RowCtor:
		return b.ctor("ROW", e.Pos, e.Elems, sc)
	case *sql.IndexExpr:
		args, err := b.exprs([]sql.Expr{e.X, e.Index}, sc)
		if err != nil {
			return nil, err
		}
		return b.call("ITEM", e.Pos, args...)
	case *sql.FieldExpr:
		x, err := b.expr(e.X, sc)
		if err != nil {
			return nil, err
		}
		return b.call("FIELD", e.Pos, x, stringLiteral(e.Field))
	}
	return nil, errorf(e.Position(), ErrUnsupported, "%T is not supported in this position", e)
}

func (b *Binder) ctor(name string, pos sql.Pos, elems []sql.Expr, sc *scope) (expr.Expr, error) {
	args, err := b.exprs(elems, sc)
	if err != nil {
		return nil, err
	}
	return b.call(name, pos, args...)
}
