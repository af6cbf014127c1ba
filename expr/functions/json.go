package functions

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// JSON query functions. Every one uses Flink's default error handling:
// NULL ON EMPTY and NULL ON ERROR (FALSE for JSON_EXISTS), so malformed
// documents, missing paths and strict-mode violations all give NULL.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "JSON_VALUE", Doc: docOf("JSON", "JSON_VALUE(json, path)",
			"Extracts a scalar from a JSON string with a JSON path and returns it as STRING (use RETURNING to cast); NULL if the path selects nothing, an object or an array, or the input is not JSON.",
			`JSON_VALUE('{"a": true}', '$.a') → 'true'`, `JSON_VALUE('{"a": {"b": "x"}}', '$.a.b') → 'x'`), Bind: bindJSONValue},
		&expr.ScalarFunction{Name: "JSON_QUERY", Doc: docOf("JSON", "JSON_QUERY(json, path [{WITHOUT | WITH CONDITIONAL | WITH UNCONDITIONAL} ARRAY WRAPPER])",
			"Extracts a JSON object or array from a JSON string as compact JSON text; scalars are returned only inside an array wrapper, and a wildcard path collects its matches into an array.",
			`JSON_QUERY('{"a": {"b": 1}}', '$.a') → '{"b":1}'`, `JSON_QUERY('{"a":[{"c":"c1"},{"c":"c2"}]}', 'lax $.a[*].c') → '["c1","c2"]'`, `JSON_QUERY('1', '$' WITH CONDITIONAL ARRAY WRAPPER) → '[1]'`),
			Bind: bindJSONQuery},
		&expr.ScalarFunction{Name: "JSON_EXISTS", Doc: docOf("JSON", "JSON_EXISTS(json, path)",
			"Returns TRUE if the JSON path selects a value in the JSON string; FALSE if it does not or the input is not JSON.",
			`JSON_EXISTS('{"a": true}', '$.a') → TRUE`, `JSON_EXISTS('{"a": [{"b": 1}]}', '$.a[0].b') → TRUE`), Bind: bindJSONExists},
		&expr.ScalarFunction{Name: "IS_JSON", Doc: docOf("JSON", "string IS JSON [VALUE | SCALAR | ARRAY | OBJECT]",
			"Returns TRUE if string is valid JSON of the given kind (any value by default); FALSE otherwise, including for NULL.",
			"'[1, 2]' IS JSON ARRAY → TRUE", "'abc' IS JSON → FALSE"), Bind: bindIsJSON},
	)
}

// strBytes views a string's bytes without copying; callers never write.
func strBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// pathArg returns a per-call JSON path getter for argument j.
func pathArg(args []expr.Arg) (func(a []arrow.Array) func(i int) *jsonPath, error) {
	if src, ok := constStr(args[1]); ok {
		p, err := compileJSONPath(src)
		if err != nil {
			return nil, err
		}
		return func([]arrow.Array) func(int) *jsonPath { return func(int) *jsonPath { return p } }, nil
	}
	return func(a []arrow.Array) func(int) *jsonPath {
		s := strAt(a[1])
		return func(i int) *jsonPath {
			p, _ := compileJSONPath(s(i))
			return p
		}
	}, nil
}

// jsonSelect evaluates p on doc: the single selected value for a definite
// path, or the matches gathered into an array for a wildcard path.
func jsonSelect(p *jsonPath, doc string) ([]byte, bool) {
	b := strBytes(doc)
	if p == nil || !json.Valid(b) {
		return nil, false
	}
	vals, failed := p.eval(b)
	if failed {
		return nil, false
	}
	if !p.indefinite {
		if len(vals) != 1 {
			return nil, false
		}
		return vals[0], true
	}
	arr := []byte{'['}
	for k, v := range vals {
		if k > 0 {
			arr = append(arr, ',')
		}
		arr = append(arr, v...)
	}
	return append(arr, ']'), true
}

func jsonArgs(name string, args []expr.Arg, max int) error {
	return checkSig(name, name+"(STRING, STRING)", args, 2, max, isStrArg)
}

func bindJSONValue(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := jsonArgs("JSON_VALUE", args, 2); err != nil {
		return types.Null, nil, err
	}
	path, err := pathArg(args)
	if err != nil {
		return types.Null, nil, err
	}
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		doc, p := strAt(a[0]), path(a)
		return func(i int, dst []byte) ([]byte, bool) {
			v, ok := jsonSelect(p(i), doc(i))
			if !ok || len(v) == 0 {
				return dst, false
			}
			return appendJSONScalar(dst, v)
		}
	})
	return types.String.WithNullable(true), k, nil
}

// appendJSONScalar appends a scalar as JSON_VALUE returns it: strings
// unquoted, numbers as Java prints them, booleans as true/false.
func appendJSONScalar(dst, v []byte) ([]byte, bool) {
	switch v[0] {
	case '{', '[', 'n':
		return dst, false
	case '"':
		var s string
		if json.Unmarshal(v, &s) != nil {
			return dst, false
		}
		return append(dst, s...), true
	case 't', 'f':
		return append(dst, v...), true
	}
	return appendJavaNumber(dst, v), true
}

// appendJavaNumber prints a JSON number as Jackson-parsed Java values do:
// integers as written, anything with a fraction or exponent as a double.
func appendJavaNumber(dst, v []byte) []byte {
	if bytes.ContainsAny(v, ".eE") {
		f, err := strconv.ParseFloat(string(v), 64)
		if err == nil {
			return append(dst, types.FormatJavaDouble(f, 64)...)
		}
	}
	return append(dst, v...)
}

var jsonWrappers = map[string]bool{"WITHOUT": true, "CONDITIONAL": true, "UNCONDITIONAL": true}

func bindJSONQuery(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := jsonArgs("JSON_QUERY", args, 3); err != nil {
		return types.Null, nil, err
	}
	wrap := "WITHOUT"
	if len(args) == 3 {
		w, ok := constStr(args[2])
		if w = strings.ToUpper(w); !ok || !jsonWrappers[w] {
			return types.Null, nil, sigErr("JSON_QUERY", args, "JSON_QUERY(STRING, STRING[, 'WITHOUT' | 'CONDITIONAL' | 'UNCONDITIONAL'])")
		}
		wrap = w
	}
	path, err := pathArg(args)
	if err != nil {
		return types.Null, nil, err
	}
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		doc, p := strAt(a[0]), path(a)
		return func(i int, dst []byte) ([]byte, bool) {
			v, ok := jsonSelect(p(i), doc(i))
			if !ok || len(v) == 0 {
				return dst, false
			}
			structured := v[0] == '{' || v[0] == '['
			wrapped := wrap == "UNCONDITIONAL" || wrap == "CONDITIONAL" && !structured
			if !structured && !wrapped {
				return dst, false
			}
			var buf bytes.Buffer
			if wrapped {
				buf.WriteByte('[')
			}
			if json.Compact(&buf, v) != nil {
				return dst, false
			}
			if wrapped {
				buf.WriteByte(']')
			}
			return append(dst, buf.Bytes()...), true
		}
	})
	return types.String.WithNullable(true), k, nil
}

func bindJSONExists(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := jsonArgs("JSON_EXISTS", args, 2); err != nil {
		return types.Null, nil, err
	}
	path, err := pathArg(args)
	if err != nil {
		return types.Null, nil, err
	}
	k := boolKernel(func(a []arrow.Array) func(int) (bool, bool) {
		doc, p := strAt(a[0]), path(a)
		return func(i int) (bool, bool) {
			pi := p(i)
			b := strBytes(doc(i))
			if pi == nil || !json.Valid(b) {
				return false, true
			}
			vals, failed := pi.eval(b)
			return !failed && len(vals) > 0, true
		}
	})
	return types.Boolean.WithNullable(argsNullable(args)), k, nil
}

func bindIsJSON(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "IS_JSON(STRING[, 'VALUE' | 'SCALAR' | 'ARRAY' | 'OBJECT'])"
	if err := checkSig("IS_JSON", sig, args, 1, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	kind := "VALUE"
	if len(args) == 2 {
		k, ok := constStr(args[1])
		kind = strings.ToUpper(k)
		if !ok || (kind != "VALUE" && kind != "SCALAR" && kind != "ARRAY" && kind != "OBJECT") {
			return types.Null, nil, sigErr("IS_JSON", args, sig)
		}
	}
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		s := strAt(a[0])
		vals := make([]byte, bitutil.BytesForBits(int64(rows)))
		for i := 0; i < rows; i++ {
			if isNullAt(a[0], i) {
				continue
			}
			b := bytes.TrimSpace(strBytes(s(i)))
			if !json.Valid(b) {
				continue
			}
			ok := true
			switch kind {
			case "SCALAR":
				ok = b[0] != '{' && b[0] != '['
			case "ARRAY":
				ok = b[0] == '['
			case "OBJECT":
				ok = b[0] == '{'
			}
			if ok {
				bitutil.SetBit(vals, i)
			}
		}
		return boolCol(vals, nil, rows), nil
	}
	return types.Boolean.NotNullable(), k, nil
}
