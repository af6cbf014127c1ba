package functions

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzLike compares the compiled LIKE matcher (with its literal fast
// paths) against a plain regular-expression translation.
func FuzzLike(f *testing.F) {
	for _, p := range []string{"abc", "a%", "%c", "%b%", "a%b%c", "a_c", "%", "", "%%"} {
		f.Add(p, "abc")
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			return // SQL strings are always valid text
		}
		m, err := compileLike(pattern, -1)
		if err != nil {
			t.Fatalf("compileLike(%q): %v", pattern, err)
		}
		var re strings.Builder
		for _, c := range pattern {
			switch c {
			case '%':
				re.WriteString(".*")
			case '_':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		want := regexp.MustCompile("(?s)^" + re.String() + "$").MatchString(s)
		if got := m.match(s); got != want {
			t.Errorf("%q LIKE %q = %v, want %v", s, pattern, got, want)
		}
	})
}
