package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"FORM", "FROM", 1}, {"wrods", "words", 1}, {"kitten", "sitting", 3},
		{"rows-per-sec", "rows-per-second", 3}, {"über", "uber", 1}, {"abc", "", 3}, {"ABC", "ABC", 0}, {"CA", "ABC", 3},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
