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

// JSON query functions. A path without a 'lax' or 'strict' prefix is
// strict, as in Flink. The ON EMPTY / ON ERROR behaviours arrive as
// trailing constant arguments (json_query.go); without them Flink's
// defaults apply: NULL ON EMPTY and NULL ON ERROR (FALSE ON ERROR for
// JSON_EXISTS).

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "JSON_VALUE", Doc: docOf("JSON", "JSON_VALUE(json, path [RETURNING type] [{NULL | ERROR | DEFAULT value} ON EMPTY] [{NULL | ERROR | DEFAULT value} ON ERROR])",
			"Extracts a scalar from a JSON string with a JSON path and returns it as STRING (use RETURNING to cast). A path that selects nothing in lax mode is empty; in strict mode (the default), a missing path, an object, an array or malformed JSON is an error. Both give NULL unless ON EMPTY / ON ERROR say otherwise.",
			`JSON_VALUE('{"a": true}', '$.a') → 'true'`, `JSON_VALUE('{"a": {"b": "x"}}', '$.a.b') → 'x'`, `JSON_VALUE('{}', 'lax $.x' DEFAULT 'd' ON EMPTY) → 'd'`), Bind: bindJSONValue},
		&expr.ScalarFunction{Name: "JSON_QUERY", Doc: docOf("JSON", "JSON_QUERY(json, path [{WITHOUT | WITH CONDITIONAL | WITH UNCONDITIONAL} ARRAY WRAPPER] [{NULL | ERROR | EMPTY ARRAY | EMPTY OBJECT} ON EMPTY] [{NULL | ERROR | EMPTY ARRAY | EMPTY OBJECT} ON ERROR])",
			"Extracts a JSON object or array from a JSON string as compact JSON text; scalars are returned only inside an array wrapper, and a wildcard path collects its matches into an array.",
			`JSON_QUERY('{"a": {"b": 1}}', '$.a') → '{"b":1}'`, `JSON_QUERY('{"a":[{"c":"c1"},{"c":"c2"}]}', 'lax $.a[*].c') → '["c1","c2"]'`, `JSON_QUERY('1', '$' WITH CONDITIONAL ARRAY WRAPPER) → '[1]'`),
			Bind: bindJSONQuery},
		&expr.ScalarFunction{Name: "JSON_EXISTS", Doc: docOf("JSON", "JSON_EXISTS(json, path [{TRUE | FALSE | UNKNOWN | ERROR} ON ERROR])",
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
