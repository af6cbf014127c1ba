package functions

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Regular-expression functions. Flink takes Java regular expressions; Go's
// RE2 accepts the common subset (no back-references or look-around), and
// the POSIX-style \p{Alpha} classes Java users write are translated. A
// pattern that does not compile yields NULL (FALSE for REGEXP), as Flink's
// functions log the error and carry on.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "REGEXP", Doc: docOf("String", "REGEXP(string, regex)",
			"Returns TRUE if any (possibly empty) substring of string matches the Java regular expression regex; FALSE if regex is empty or invalid.",
			"REGEXP('flink', 'li') → TRUE", "REGEXP('flink', '^li') → FALSE"), Bind: bindRegexp},
		&expr.ScalarFunction{Name: "REGEXP_REPLACE", Doc: docOf("String", "REGEXP_REPLACE(string, regex, replacement)",
			"Replaces every substring of string matching regex with the literal replacement (no group references, as in Flink); NULL if regex is invalid.",
			"REGEXP_REPLACE('foobar', 'oo|ar', '') → 'fb'", "REGEXP_REPLACE('a1b22', '[0-9]+', '#') → 'a#b#'"), Bind: bindRegexpReplace},
		&expr.ScalarFunction{Name: "REGEXP_EXTRACT", Doc: docOf("String", "REGEXP_EXTRACT(string, regex[, index])",
			"Returns group index (0, the default, is the whole match) of the first match of regex in string; NULL if there is no match, the group does not exist or regex is invalid.",
			"REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 2) → 'bar'"), Bind: bindRegexpExtract},
		&expr.ScalarFunction{Name: "REGEXP_COUNT", Doc: docOf("String", "REGEXP_COUNT(string, regex)",
			"Returns how many times regex matches in string; NULL if regex is invalid.", "REGEXP_COUNT('ababc', 'ab') → 2"), Bind: bindRegexpCount},
		&expr.ScalarFunction{Name: "REGEXP_SUBSTR", Doc: docOf("String", "REGEXP_SUBSTR(string, regex)",
			"Returns the first substring of string matching regex; NULL if there is none or regex is invalid.", "REGEXP_SUBSTR('ab12cd34', '[0-9]+') → '12'"), Bind: bindRegexpSubstr},
		&expr.ScalarFunction{Name: "REGEXP_INSTR", Doc: docOf("String", "REGEXP_INSTR(string, regex)",
			"Returns the 1-based position of the first substring of string matching regex, 0 if there is none; NULL if regex is invalid.", "REGEXP_INSTR('ab12cd34', '[0-9]+') → 3"), Bind: bindRegexpInstr},
		&expr.ScalarFunction{Name: "REGEXP_EXTRACT_ALL", Doc: docOf("String", "REGEXP_EXTRACT_ALL(string, regex[, index])",
			"Returns an array of group index (1 by default, 0 for the whole match) of every match of regex in string; NULL if regex is invalid or the group does not exist.",
			"REGEXP_EXTRACT_ALL('k1=v1;k2=v2', 'k(\\d)=v(\\d)', 2) → [1, 2]"), Bind: bindRegexpExtractAll},
	)
}

var javaClasses = strings.NewReplacer(
	`\p{Lower}`, `[a-z]`, `\p{Upper}`, `[A-Z]`, `\p{Alpha}`, `[a-zA-Z]`, `\p{Digit}`, `[0-9]`,
	`\p{Alnum}`, `[a-zA-Z0-9]`, `\p{Punct}`, `[!-/:-@\[-`+"`"+`{-~]`, `\p{Space}`, `\s`, `\p{XDigit}`, `[0-9a-fA-F]`,
	`\p{javaLowerCase}`, `\p{Ll}`, `\p{javaUpperCase}`, `\p{Lu}`,
)

// javaRegex rewrites Java-only class names to RE2 syntax.
func javaRegex(p string) string {
	if !strings.Contains(p, `\p{`) {
		return p
	}
	return javaClasses.Replace(p)
}

// regex is a compiled pattern: Go's regexp and, for the small patterns
// it handles, the fast matcher that gives the same answers.
type regex struct {
	re   *regexp.Regexp
	fast *fastRE
}

func compileRegex(p string) *regex {
	re, err := regexp.Compile(javaRegex(p))
	if err != nil {
		return nil
	}
	return &regex{re: re, fast: compileFast(javaRegex(p))}
}

// submatch returns the index pairs of the leftmost match of s as
// regexp.FindStringSubmatchIndex does, nil without a match; the slice may
// be sc's scratch, valid until the next call.
func (r *regex) submatch(s string, sc *reScratch) []int {
	if r.fast != nil {
		if m, ok := r.fast.find(s, sc); ok {
			return m
		}
	}
	return r.re.FindStringSubmatchIndex(s)
}

// regexArg returns a per-call regex getter for argument j: the bind-time
// compilation when the pattern was constant, otherwise a cache of the
// last pattern seen. A nil regex is an invalid pattern.
func regexArg(args []expr.Arg, j int) func(a []arrow.Array) func(i int) *regex {
	var fixed *regex
	constant := false
	if p, ok := constStr(args[j]); ok {
		fixed, constant = compileRegex(p), true
	}
	return func(a []arrow.Array) func(i int) *regex {
		if constant {
			return func(int) *regex { return fixed }
		}
		p := strAt(a[j])
		var src string
		var last *regex
		seen := false
		return func(i int) *regex {
			if v := p(i); !seen || v != src {
				src, last, seen = v, compileRegex(v), true
			}
			return last
		}
	}
}

func bindRegexp(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("REGEXP", "REGEXP(STRING, STRING)", args, 2, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	rx := regexArg(args, 1)
	k := boolKernel(func(a []arrow.Array) func(int) (bool, bool) {
		s, re, p := strAt(a[0]), rx(a), strAt(a[1])
		var sc reScratch
		return func(i int) (bool, bool) {
			// Flink answers FALSE for an empty or invalid pattern.
			r := re(i)
			if r == nil || p(i) == "" {
				return false, true
			}
			return r.submatch(s(i), &sc) != nil, true
		}
	})
	return types.Boolean.WithNullable(argsNullable(args)), k, nil
}

func bindRegexpReplace(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("REGEXP_REPLACE", "REGEXP_REPLACE(STRING, STRING, STRING)", args, 3, 3, isStrArg); err != nil {
		return types.Null, nil, err
	}
	rx := regexArg(args, 1)
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		s, re, rep := strAt(a[0]), rx(a), strAt(a[2])
		return func(i int, dst []byte) ([]byte, bool) {
			r := re(i)
			if r == nil {
				return dst, false
			}
			// Flink quotes the replacement: '$' and '\' are literal.
			return append(dst, r.re.ReplaceAllLiteralString(s(i), rep(i))...), true
		}
	})
	return types.String.WithNullable(true), k, nil
}

func bindRegexpExtract(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("REGEXP_EXTRACT", "REGEXP_EXTRACT(STRING, STRING[, INT])", args, 2, 3, isStrArg, isStrArg, isIntArg); err != nil {
		return types.Null, nil, err
	}
	rx := regexArg(args, 1)
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		s, re := strAt(a[0]), rx(a)
		var sc reScratch
		idx := func(int) int64 { return 0 }
		if len(a) == 3 {
			idx = intAt(a[2])
		}
		return func(i int, dst []byte) ([]byte, bool) {
			r, g := re(i), idx(i)
			if r == nil || g < 0 || g > int64(r.re.NumSubexp()) {
				return dst, false
			}
			v := s(i)
			m := r.submatch(v, &sc)
			if m == nil || m[2*g] < 0 {
				return dst, false
			}
			return append(dst, v[m[2*g]:m[2*g+1]]...), true
		}
	})
	return types.String.WithNullable(true), k, nil
}

func bindRegexpCount(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("REGEXP_COUNT", "REGEXP_COUNT(STRING, STRING)", args, 2, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	rx := regexArg(args, 1)
	k := numKernel(arrow.PrimitiveTypes.Int32, func(a []arrow.Array) func(int) (int32, bool) {
		s, re := strAt(a[0]), rx(a)
		return func(i int) (int32, bool) {
			r := re(i)
			if r == nil {
				return 0, false
			}
			return int32(len(r.re.FindAllStringIndex(s(i), -1))), true
		}
	})
	return types.Int.WithNullable(true), k, nil
}

func bindRegexpSubstr(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("REGEXP_SUBSTR", "REGEXP_SUBSTR(STRING, STRING)", args, 2, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	rx := regexArg(args, 1)
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		s, re := strAt(a[0]), rx(a)
		var sc reScratch
		return func(i int, dst []byte) ([]byte, bool) {
			r := re(i)
			if r == nil {
				return dst, false
			}
			v := s(i)
			m := r.submatch(v, &sc)
			if m == nil {
				return dst, false
			}
			return append(dst, v[m[0]:m[1]]...), true
		}
	})
	return types.String.WithNullable(true), k, nil
}

func bindRegexpInstr(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("REGEXP_INSTR", "REGEXP_INSTR(STRING, STRING)", args, 2, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	rx := regexArg(args, 1)
	k := numKernel(arrow.PrimitiveTypes.Int32, func(a []arrow.Array) func(int) (int32, bool) {
		s, re := strAt(a[0]), rx(a)
		var sc reScratch
		return func(i int) (int32, bool) {
			r := re(i)
			if r == nil {
				return 0, false
			}
			v := s(i)
			m := r.submatch(v, &sc)
			if m == nil {
				return 0, true
			}
			return int32(utf8.RuneCountInString(v[:m[0]])) + 1, true
		}
	})
	return types.Int.WithNullable(true), k, nil
}

func bindRegexpExtractAll(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("REGEXP_EXTRACT_ALL", "REGEXP_EXTRACT_ALL(STRING, STRING[, INT])", args, 2, 3, isStrArg, isStrArg, isIntArg); err != nil {
		return types.Null, nil, err
	}
	rx := regexArg(args, 1)
	res := types.ArrayOf(types.String).WithNullable(true)
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		lb := array.NewListBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String)
		defer lb.Release()
		sb := lb.ValueBuilder().(*array.StringBuilder)
		s, re := strAt(a[0]), rx(a)
		idx := func(int) int64 { return 1 }
		if len(a) == 3 {
			idx = intAt(a[2])
		}
		valid := validBits(rows, a...)
		for i := 0; i < rows; i++ {
			r := re(i)
			g := idx(i)
			if !bitutil.BitIsSet(valid, i) || r == nil || g < 0 || g > int64(r.re.NumSubexp()) {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			v := s(i)
			for _, m := range r.re.FindAllStringSubmatchIndex(v, -1) {
				if m[2*g] < 0 {
					sb.AppendNull()
				} else {
					sb.Append(v[m[2*g]:m[2*g+1]])
				}
			}
		}
		return lb.NewArray(), nil
	}
	return res, k, nil
}
