package functions

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// JSON constructors: JSON_OBJECT, JSON_ARRAY and JSON_STRING render SQL
// values as compact JSON the way Flink (Jackson) does: numbers bare,
// strings quoted, nested JSON_OBJECT/JSON_ARRAY results embedded as is.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "JSON_OBJECT", Doc: docOf("JSON", "JSON_OBJECT([[KEY] key VALUE value]* [NULL | ABSENT ON NULL])",
			"Builds a JSON object string from key/value pairs; NULL values become null (NULL ON NULL, the default) or are left out (ABSENT ON NULL), and nested JSON_OBJECT/JSON_ARRAY values are embedded as JSON.",
			`JSON_OBJECT(KEY 'K1' VALUE 'V1', KEY 'K2' VALUE 1) → '{"K1":"V1","K2":1}'`, `JSON_OBJECT(KEY 'K' VALUE JSON_OBJECT(KEY 'A' VALUE 1)) → '{"K":{"A":1}}'`),
			Bind: bindJSONObject},
		&expr.ScalarFunction{Name: "JSON_ARRAY", Doc: docOf("JSON", "JSON_ARRAY([value]* [NULL | ABSENT ON NULL])",
			"Builds a JSON array string from the values; NULL values are left out (ABSENT ON NULL, the default) or become null (NULL ON NULL).",
			`JSON_ARRAY(1, 'two', NULL) → '[1,"two"]'`, `JSON_ARRAY(1, NULL NULL ON NULL) → '[1,null]'`), Bind: bindJSONArray},
		&expr.ScalarFunction{Name: "JSON_STRING", Doc: docOf("JSON", "JSON_STRING(value)",
			"Serializes a value into a JSON string; NULL for NULL.",
			"JSON_STRING(1) → '1'", `JSON_STRING('Hello') → '"Hello"'`, "JSON_STRING(ARRAY[1, 2]) → '[1,2]'"), Bind: bindJSONString},
	)
}

// jsonProducers are the calls whose results are JSON text.
var jsonProducers = map[string]bool{"JSON_OBJECT": true, "JSON_ARRAY": true}

// IsJSONProducer reports whether a call of the named function yields JSON
// text that JSON_OBJECT and JSON_ARRAY embed unquoted; the binder sets
// expr.Arg.JSON for arguments that are such calls.
func IsJSONProducer(name string) bool { return jsonProducers[strings.ToUpper(name)] }

// appendJSONString appends s as a JSON string literal, escaping only what
// JSON requires (non-ASCII stays as is, as Jackson writes it).
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// jsonWriter returns a function appending row i of a (never NULL) as JSON.
func jsonWriter(a arrow.Array, t types.DataType, raw bool, loc *time.Location) func(dst []byte, i int) []byte {
	switch a := a.(type) {
	case *array.Boolean:
		return func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64:
		n := intAt(a)
		return func(dst []byte, i int) []byte { return strconv.AppendInt(dst, n(i), 10) }
	case *array.Float32:
		return func(dst []byte, i int) []byte { return append(dst, types.FormatJavaDouble(float64(a.Value(i)), 32)...) }
	case *array.Float64:
		return func(dst []byte, i int) []byte { return append(dst, types.FormatJavaDouble(a.Value(i), 64)...) }
	case *array.Decimal128:
		return func(dst []byte, i int) []byte { return append(dst, types.FormatDecimal(a.Value(i), t.Scale)...) }
	case *array.String:
		if raw {
			return func(dst []byte, i int) []byte { return append(dst, a.Value(i)...) }
		}
		return func(dst []byte, i int) []byte { return appendJSONString(dst, a.Value(i)) }
	case *array.Binary:
		return func(dst []byte, i int) []byte {
			dst = append(dst, '"')
			return append(base64.StdEncoding.AppendEncode(dst, a.Value(i)), '"')
		}
	}
	// Temporal and nested values take the slow, boxed path.
	return func(dst []byte, i int) []byte { return appendJSONAny(dst, types.Value(a, i), t, loc) }
}

// appendJSONAny renders a Go value of type t (see types.Value) as JSON.
func appendJSONAny(dst []byte, v any, t types.DataType, loc *time.Location) []byte {
	if v == nil {
		return append(dst, "null"...)
	}
	switch t.Kind {
	case types.KindBoolean:
		return strconv.AppendBool(dst, v.(bool))
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt:
		return fmt.Append(dst, v)
	case types.KindFloat:
		return append(dst, types.FormatJavaDouble(float64(v.(float32)), 32)...)
	case types.KindDouble:
		return append(dst, types.FormatJavaDouble(v.(float64), 64)...)
	case types.KindDecimal:
		return append(dst, types.FormatDecimal(v.(decimal128.Num), t.Scale)...)
	case types.KindArray, types.KindMultiset:
		dst = append(dst, '[')
		elems, _ := v.([]any)
		for k, e := range elems {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONAny(dst, e, *t.Elem, loc)
		}
		return append(dst, ']')
	case types.KindMap:
		dst = append(dst, '{')
		for k, e := range v.([]types.MapEntry) {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, types.Format(e.Key, *t.Elem, loc, "null"))
			dst = append(dst, ':')
			dst = appendJSONAny(dst, e.Value, *t.Value, loc)
		}
		return append(dst, '}')
	case types.KindRow:
		dst = append(dst, '{')
		for k, e := range v.([]any) {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, t.Fields[k].Name)
			dst = append(dst, ':')
			dst = appendJSONAny(dst, e, t.Fields[k].Type, loc)
		}
		return append(dst, '}')
	}
	return appendJSONString(dst, types.Format(v, t, loc, "null"))
}

// onNullArg reads the leading 'NULL' | 'ABSENT' argument.
func onNullArg(name string, args []expr.Arg, sig string) (absent bool, err error) {
	if len(args) == 0 {
		return false, sigErr(name, args, sig)
	}
	s, _ := constStr(args[0])
	switch strings.ToUpper(s) {
	case "NULL":
		return false, nil
	case "ABSENT":
		return true, nil
	}
	return false, sigErr(name, args, sig)
}

func bindJSONObject(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "JSON_OBJECT('NULL' | 'ABSENT', STRING, ANY, ...)"
	absent, err := onNullArg("JSON_OBJECT", args, sig)
	if err != nil || len(args)%2 != 1 {
		return types.Null, nil, sigErr("JSON_OBJECT", args, sig)
	}
	for j := 1; j < len(args); j += 2 {
		if !isStrArg(args[j].Type) {
			return types.Null, nil, sigErr("JSON_OBJECT", args, sig)
		}
	}
	k := func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		loc := sessionLoc(ctx)
		keys := make([]func(int) string, len(a))
		vals := make([]func([]byte, int) []byte, len(a))
		for j := 1; j < len(a); j += 2 {
			keys[j] = strAt(a[j])
			vals[j+1] = jsonWriter(a[j+1], args[j+1].Type, args[j+1].JSON, loc)
		}
		out := newStrCol(rows, 32*rows)
		for i := 0; i < rows; i++ {
			out.data = append(out.data, '{')
			first := true
			for j := 1; j < len(a); j += 2 {
				if isNullAt(a[j], i) {
					return nil, fmt.Errorf("JSON_OBJECT: a key is NULL in row %d; keys must not be NULL", i)
				}
				null := isNullAt(a[j+1], i)
				if null && absent {
					continue
				}
				if !first {
					out.data = append(out.data, ',')
				}
				first = false
				out.data = appendJSONString(out.data, keys[j](i))
				out.data = append(out.data, ':')
				if null {
					out.data = append(out.data, "null"...)
				} else {
					out.data = vals[j+1](out.data, i)
				}
			}
			out.data = append(out.data, '}')
			out.commit()
		}
		return out.finish(false), nil
	}
	return types.String.NotNullable(), k, nil
}

func bindJSONArray(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "JSON_ARRAY('ABSENT' | 'NULL', ANY, ...)"
	absent, err := onNullArg("JSON_ARRAY", args, sig)
	if err != nil {
		return types.Null, nil, err
	}
	k := func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		loc := sessionLoc(ctx)
		vals := make([]func([]byte, int) []byte, len(a))
		for j := 1; j < len(a); j++ {
			vals[j] = jsonWriter(a[j], args[j].Type, args[j].JSON, loc)
		}
		out := newStrCol(rows, 16*rows)
		for i := 0; i < rows; i++ {
			out.data = append(out.data, '[')
			first := true
			for j := 1; j < len(a); j++ {
				null := isNullAt(a[j], i)
				if null && absent {
					continue
				}
				if !first {
					out.data = append(out.data, ',')
				}
				first = false
				if null {
					out.data = append(out.data, "null"...)
				} else {
					out.data = vals[j](out.data, i)
				}
			}
			out.data = append(out.data, ']')
			out.commit()
		}
		return out.finish(false), nil
	}
	return types.String.NotNullable(), k, nil
}

func bindJSONString(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) != 1 {
		return types.Null, nil, sigErr("JSON_STRING", args, "JSON_STRING(ANY)")
	}
	t := args[0].Type
	k := strKernelCtx(false, func(ctx *expr.Context, a []arrow.Array) rowFunc {
		w := jsonWriter(a[0], t, false, sessionLoc(ctx))
		return func(i int, dst []byte) ([]byte, bool) { return w(dst, i), true }
	})
	return types.String.WithNullable(t.Nullable()), k, nil
}
