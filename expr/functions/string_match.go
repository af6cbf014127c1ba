package functions

import (
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Prefix/suffix tests and character translation.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "STARTSWITH", Doc: docOf("String", "STARTSWITH(expr, prefix)",
			"Returns TRUE if expr starts with prefix (always for an empty prefix); both are strings or both binary.",
			"STARTSWITH('flink', 'fl') → TRUE"), Bind: bindAffix("STARTSWITH", strings.HasPrefix)},
		&expr.ScalarFunction{Name: "ENDSWITH", Doc: docOf("String", "ENDSWITH(expr, suffix)",
			"Returns TRUE if expr ends with suffix (always for an empty suffix); both are strings or both binary.",
			"ENDSWITH('flink', 'nk') → TRUE"), Bind: bindAffix("ENDSWITH", strings.HasSuffix)},
		&expr.ScalarFunction{Name: "TRANSLATE", Doc: docOf("String", "TRANSLATE(expr, fromChars, toChars)",
			"Replaces each character of expr found in fromChars with the character at the same position in toChars, removing it when toChars is shorter; NULL if expr is NULL.",
			"TRANSLATE('www.apache.org', 'wapcheorg', ' APCHEcom') → '   .APACHE.com'"), Bind: bindTranslate},
	)
}

func bindAffix(name string, test func(s, affix string) bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig := name + "(STRING, STRING) or " + name + "(BYTES, BYTES)"
		if len(args) != 2 || !(isStrArg(args[0].Type) && isStrArg(args[1].Type) || isBinArg(args[0].Type) && isBinArg(args[1].Type)) {
			return types.Null, nil, sigErr(name, args, sig)
		}
		k := boolKernel(func(a []arrow.Array) func(int) (bool, bool) {
			s, x := strAt(a[0]), strAt(a[1])
			return func(i int) (bool, bool) { return test(s(i), x(i)), true }
		})
		return types.Boolean.WithNullable(argsNullable(args)), k, nil
	}
}

func bindTranslate(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("TRANSLATE", "TRANSLATE(STRING, STRING, STRING)", args, 3, 3, isStrArg); err != nil {
		return types.Null, nil, err
	}
	k := func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		// Only expr decides NULL; a NULL fromChars leaves expr unchanged
		// and a NULL toChars removes every listed character.
		return strKernel(false, func([]arrow.Array) rowFunc {
			s, from, to := strAt(a[0]), strAt(a[1]), strAt(a[2])
			var lastFrom, lastTo string
			var table map[rune]rune
			return func(i int, dst []byte) ([]byte, bool) {
				v := s(i)
				if isNullAt(a[1], i) {
					return append(dst, v...), true
				}
				f, t := from(i), ""
				if !isNullAt(a[2], i) {
					t = to(i)
				}
				if table == nil || f != lastFrom || t != lastTo {
					table, lastFrom, lastTo = translateTable(f, t), f, t
				}
				for _, r := range v {
					if m, ok := table[r]; !ok {
						dst = utf8.AppendRune(dst, r)
					} else if m >= 0 {
						dst = utf8.AppendRune(dst, m)
					}
				}
				return dst, true
			}
		})(ctx, a[:1], rows)
	}
	return types.String.WithNullable(args[0].Type.Nullable()), k, nil
}

// translateTable maps each character of from to its counterpart in to, or
// to -1 (remove) past the end of to; the first mapping of a repeated
// character wins.
func translateTable(from, to string) map[rune]rune {
	tr := []rune(to)
	m := make(map[rune]rune, len(from))
	k := 0
	for _, r := range from {
		if _, seen := m[r]; !seen {
			if k < len(tr) {
				m[r] = tr[k]
			} else {
				m[r] = -1
			}
		}
		k++
	}
	return m
}
