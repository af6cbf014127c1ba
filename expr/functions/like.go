package functions

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// LIKE and SIMILAR TO. A constant pattern is compiled once at bind time;
// patterns without '_' become a chain of literal checks (equals, prefix,
// suffix, contains, or prefix…middle…suffix) as Flink's code generator
// does, and only the rest fall back to a regular expression.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "LIKE", Doc: docOf("String", "string LIKE pattern [ESCAPE char]",
			"Returns TRUE if string matches the SQL pattern, where '%' matches any sequence and '_' any single character; there is no escape character unless ESCAPE names one.",
			"'flink' LIKE 'fl%' → TRUE", "'a_b' LIKE 'a!_b' ESCAPE '!' → TRUE"), Bind: bindMatch("LIKE", compileLike)},
		&expr.ScalarFunction{Name: "SIMILAR", Doc: docOf("String", "string SIMILAR TO pattern [ESCAPE char]",
			"Returns TRUE if the whole string matches the SQL regular expression pattern ('%', '_', '|', '*', '+', '?', '{m,n}', '()' and '[]').",
			"'abc' SIMILAR TO '(a|b)%' → TRUE"), Bind: bindMatch("SIMILAR", compileSimilar)},
	)
}

// likeMatcher tests strings against one compiled pattern.
type likeMatcher struct {
	parts []string // literal runs between '%'; used when re is nil
	re    *regexp.Regexp
}

func (m *likeMatcher) match(s string) bool {
	if m.re != nil {
		return m.re.MatchString(s)
	}
	p := m.parts
	switch len(p) {
	case 1:
		return s == p[0]
	case 2:
		if p[0] == "" {
			return strings.HasSuffix(s, p[1])
		}
		if p[1] == "" {
			return strings.HasPrefix(s, p[0])
		}
	case 3:
		if p[0] == "" && p[2] == "" {
			return strings.Contains(s, p[1])
		}
	}
	first, last := p[0], p[len(p)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, mid := range p[1 : len(p)-1] {
		j := strings.Index(s, mid)
		if j < 0 {
			return false
		}
		s = s[j+len(mid):]
	}
	return true
}

// likeEscape validates an ESCAPE argument: exactly one character.
func likeEscape(esc string) (rune, error) {
	if utf8.RuneCountInString(esc) != 1 {
		return 0, fmt.Errorf("invalid escape character '%s': an ESCAPE clause takes exactly one character", esc)
	}
	r, _ := utf8.DecodeRuneInString(esc)
	return r, nil
}

// compileLike compiles a LIKE pattern; esc < 0 means no escape character.
func compileLike(pattern string, esc rune) (*likeMatcher, error) {
	var parts []string
	var cur, re strings.Builder
	simple := true
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == esc:
			if i+1 == len(rs) || (rs[i+1] != '%' && rs[i+1] != '_' && rs[i+1] != esc) {
				return nil, fmt.Errorf("invalid escape sequence in LIKE pattern '%s' at position %d", pattern, i)
			}
			i++
			cur.WriteRune(rs[i])
			re.WriteString(regexp.QuoteMeta(string(rs[i])))
		case c == '%':
			parts = append(parts, cur.String())
			cur.Reset()
			re.WriteString(".*")
		case c == '_':
			simple = false
			re.WriteByte('.')
		default:
			cur.WriteRune(c)
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	if simple {
		return &likeMatcher{parts: append(parts, cur.String())}, nil
	}
	r, err := regexp.Compile("(?s)^" + re.String() + "$")
	if err != nil {
		return nil, err
	}
	return &likeMatcher{re: r}, nil
}

// compileSimilar translates a SQL:1999 SIMILAR TO pattern to an anchored
// regular expression.
func compileSimilar(pattern string, esc rune) (*likeMatcher, error) {
	var re strings.Builder
	re.WriteString("(?s)^(?:")
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == esc:
			if i+1 == len(rs) {
				return nil, fmt.Errorf("invalid escape sequence in SIMILAR TO pattern '%s' at position %d", pattern, i)
			}
			i++
			re.WriteString(regexp.QuoteMeta(string(rs[i])))
		case c == '%':
			re.WriteString(".*")
		case c == '_':
			re.WriteByte('.')
		case strings.ContainsRune("[]()|^-+*?{},", c):
			re.WriteRune(c)
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString(")$")
	r, err := regexp.Compile(re.String())
	if err != nil {
		return nil, fmt.Errorf("invalid SIMILAR TO pattern '%s': %v", pattern, err)
	}
	return &likeMatcher{re: r}, nil
}

// bindMatch binds LIKE or SIMILAR: (string, pattern[, escape]) → BOOLEAN.
func bindMatch(name string, compile func(string, rune) (*likeMatcher, error)) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING, STRING[, STRING])", args, 2, 3, isStrArg); err != nil {
			return types.Null, nil, err
		}
		res := types.Boolean.WithNullable(argsNullable(args))
		fixed, err := constMatcher(args, compile)
		if err != nil {
			return types.Null, nil, err
		}
		k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			if sa, ok := a[0].(*array.String); ok && fixed != nil {
				return matchColumn(sa, fixed, rows), nil
			}
			var cached *likeMatcher
			var cachedP, cachedE string
			var err error
			out, _ := boolKernel(func(a []arrow.Array) func(int) (bool, bool) {
				s, p := strAt(a[0]), strAt(a[1])
				if fixed != nil {
					return func(i int) (bool, bool) { return fixed.match(s(i)), true }
				}
				e := func(int) string { return "" }
				if len(a) == 3 {
					e = strAt(a[2])
				}
				return func(i int) (bool, bool) {
					pi, ei := p(i), e(i)
					if cached == nil || pi != cachedP || ei != cachedE {
						esc := rune(-1)
						if len(a) == 3 {
							if esc, err = likeEscape(ei); err != nil {
								return false, false
							}
						}
						if cached, err = compile(pi, esc); err != nil {
							return false, false
						}
						cachedP, cachedE = pi, ei
					}
					return cached.match(s(i)), true
				}
			})(nil, a, rows)
			if err != nil {
				return nil, err
			}
			return out, nil
		}
		return res, k, nil
	}
}

// constMatcher compiles the pattern at bind time when pattern and escape
// are literals; it returns nil when they are not.
func constMatcher(args []expr.Arg, compile func(string, rune) (*likeMatcher, error)) (*likeMatcher, error) {
	p, ok := constStr(args[1])
	if !ok {
		return nil, nil
	}
	esc := rune(-1)
	if len(args) == 3 {
		e, ok := constStr(args[2])
		if !ok {
			return nil, nil
		}
		r, err := likeEscape(e)
		if err != nil {
			return nil, err
		}
		esc = r
	}
	return compile(p, esc)
}

// matchColumn tests every row of s against a bind-time matcher: the hot
// path of LIKE with a literal pattern.
func matchColumn(s *array.String, m *likeMatcher, rows int) arrow.Array {
	valid := validBits(rows, s)
	vals := make([]byte, len(valid))
	for i := 0; i < rows; i++ {
		if bitutil.BitIsSet(valid, i) && m.match(s.Value(i)) {
			bitutil.SetBit(vals, i)
		}
	}
	return boolCol(vals, valid, rows)
}
