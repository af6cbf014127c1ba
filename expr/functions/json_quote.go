package functions

import (
	"encoding/json"
	"fmt"
	"unicode/utf16"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// JSON_QUOTE and JSON_UNQUOTE convert between text and JSON string literals.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "JSON_QUOTE", Doc: docOf("JSON", "JSON_QUOTE(string)",
			`Quotes string as a JSON string literal, escaping '"', '\', '/', backspace, form feed, newline, carriage return and tab, and writing non-ASCII characters as \uXXXX.`,
			`JSON_QUOTE('Hello, World!') → '"Hello, World!"'`, `JSON_QUOTE('a/b') → '"a\/b"'`),
			Bind: bindCodec("JSON_QUOTE", func(dst []byte, s string) ([]byte, bool) { return appendJSONQuote(dst, s), true }, false)},
		&expr.ScalarFunction{Name: "JSON_UNQUOTE", Doc: docOf("JSON", "JSON_UNQUOTE(string)",
			"Removes the quotes of a JSON string literal and unescapes it; a string that is not a valid JSON string literal is returned unchanged.",
			`JSON_UNQUOTE('"Hello\nWorld"') → 'Hello`+"\n"+`World'`, "JSON_UNQUOTE('abc') → 'abc'"),
			Bind: bindJSONUnquote},
	)
}

// appendJSONQuote quotes s as Flink's JSON_QUOTE does. Like Flink, which
// walks UTF-16 units, a character outside the BMP is written as its code
// point followed by its low surrogate.
func appendJSONQuote(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		switch r {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '/':
			dst = append(dst, '\\', '/')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			switch {
			case r < 128:
				dst = append(dst, byte(r))
			case r > 0xFFFF:
				_, lo := utf16.EncodeRune(r)
				dst = fmt.Appendf(dst, "\\u%04x\\u%04x", r, lo)
			default:
				dst = fmt.Appendf(dst, "\\u%04x", r)
			}
		}
	}
	return append(dst, '"')
}

func bindJSONUnquote(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("JSON_UNQUOTE", "JSON_UNQUOTE(STRING)", args, 1, 1, isStrArg); err != nil {
		return types.Null, nil, err
	}
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		s := strAt(a[0])
		return func(i int, dst []byte) ([]byte, bool) {
			v := s(i)
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				var u string
				if json.Unmarshal(strBytes(v), &u) == nil {
					return append(dst, u...), true
				}
			}
			return append(dst, v...), true
		}
	})
	return types.String.WithNullable(argsNullable(args)), k, nil
}
