package table

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// goTypes maps the Go types a plain-function UDF may take and return to
// SQL types; a pointer (*int64) marks a nullable argument or result.
var goTypes = map[reflect.Type]types.DataType{
	reflect.TypeFor[bool]():    types.Boolean,
	reflect.TypeFor[int8]():    types.TinyInt,
	reflect.TypeFor[int16]():   types.SmallInt,
	reflect.TypeFor[int32]():   types.Int,
	reflect.TypeFor[int64]():   types.BigInt,
	reflect.TypeFor[float32](): types.Float,
	reflect.TypeFor[float64](): types.Double,
	reflect.TypeFor[string]():  types.String,
	reflect.TypeFor[[]byte]():  types.Bytes,
}

// FuncError reports a Go function RegisterFunction cannot wrap.
type FuncError struct {
	Name, Msg string
}

func (e *FuncError) Error() string { return fmt.Sprintf("function %s: %s", e.Name, e.Msg) }

// wrapGoFunc turns a plain Go function such as func(int64, string) string
// into a scalar function. Arguments of non-pointer types make the result
// NULL when the SQL value is NULL (as Flink's primitive-typed eval
// methods); pointer arguments receive nil. A second result of type error
// fails the job. Each row is one reflective call: convenient, not fast;
// write an *expr.ScalarFunction with a column kernel for hot paths.
func wrapGoFunc(name string, fn any) (*expr.ScalarFunction, error) {
	v := reflect.ValueOf(fn)
	ft := v.Type()
	if ft.Kind() != reflect.Func || ft.IsVariadic() {
		return nil, &FuncError{name, fmt.Sprintf("want *expr.ScalarFunction, *expr.AggregateFunction, *expr.TableFunction or a Go func, got %T", fn)}
	}
	if ft.NumOut() < 1 || ft.NumOut() > 2 || ft.NumOut() == 2 && ft.Out(1) != reflect.TypeFor[error]() {
		return nil, &FuncError{name, "a Go function must return one value, optionally followed by an error"}
	}
	params := make([]types.DataType, ft.NumIn())
	ptr := make([]bool, ft.NumIn())
	for i := range params {
		t, p, ok := sqlTypeOf(ft.In(i))
		if !ok {
			return nil, &FuncError{name, fmt.Sprintf("argument %d has unsupported Go type %s", i+1, ft.In(i))}
		}
		params[i], ptr[i] = t, p
	}
	res, resPtr, ok := sqlTypeOf(ft.Out(0))
	if !ok {
		return nil, &FuncError{name, fmt.Sprintf("result has unsupported Go type %s", ft.Out(0))}
	}
	sig := make([]string, len(params))
	for i, p := range params {
		sig[i] = p.String()
	}
	upper := strings.ToUpper(name)
	expected := upper + "(" + strings.Join(sig, ", ") + ")"
	return &expr.ScalarFunction{
		Name:             name,
		Doc:              expr.Doc{Category: "User-defined", Syntax: expected, Description: "A Go function registered with RegisterFunction."},
		NonDeterministic: true, // user code: never constant-folded
		Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
			if len(args) != len(params) {
				return types.DataType{}, nil, typeError(upper, args, expected)
			}
			for i, a := range args {
				if !a.Type.EqualIgnoringNull(params[i]) && a.Type.Kind != types.KindNull &&
					!(a.Type.Kind.IsString() && params[i].Kind.IsString()) && !(a.Type.Kind.IsBinary() && params[i].Kind.IsBinary()) {
					return types.DataType{}, nil, typeError(upper, args, expected)
				}
			}
			return res, goKernel(v, ft, ptr, res, resPtr), nil
		},
	}, nil
}

func typeError(name string, args []expr.Arg, expected string) error {
	got := make([]types.DataType, len(args))
	for i, a := range args {
		got[i] = a.Type
	}
	return &expr.TypeError{Func: name, Got: got, Expected: expected}
}

func sqlTypeOf(t reflect.Type) (types.DataType, bool, bool) {
	if t.Kind() == reflect.Pointer {
		st, ok := goTypes[t.Elem()]
		return st, true, ok
	}
	st, ok := goTypes[t]
	return st, false, ok
}

// goKernel calls the function once per row.
func goKernel(fn reflect.Value, ft reflect.Type, ptr []bool, res types.DataType, resPtr bool) expr.Kernel {
	return func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		bld := types.NewBuilder(res)
		bld.Reserve(rows)
		in := make([]reflect.Value, len(args))
	row:
		for r := 0; r < rows; r++ {
			for i, a := range args {
				val := types.Value(a, r)
				switch {
				case val == nil && ptr[i]:
					in[i] = reflect.Zero(ft.In(i))
				case val == nil:
					bld.AppendNull()
					continue row
				case ptr[i]:
					p := reflect.New(ft.In(i).Elem())
					p.Elem().Set(reflect.ValueOf(val).Convert(ft.In(i).Elem()))
					in[i] = p
				default:
					in[i] = reflect.ValueOf(val).Convert(ft.In(i))
				}
			}
			out := fn.Call(in)
			if len(out) == 2 && !out[1].IsNil() {
				return nil, out[1].Interface().(error)
			}
			o := out[0]
			if resPtr {
				if o.IsNil() {
					bld.AppendNull()
					continue
				}
				o = o.Elem()
			}
			types.Append(bld, o.Interface())
		}
		return bld.NewArray(), nil
	}
}
