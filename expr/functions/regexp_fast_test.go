package functions

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fastPatterns are patterns the fast matcher must take, with inputs that
// exercise their corners.
var fastPatterns = []string{
	`(&|^)channel_id=([^&]*)`,
	`foo(.*?)(bar)`,
	`[0-9]+`,
	`ab`,
	`^ab`,
	`ab$`,
	`a|b|`,
	`(a|ab)(c|bcd)(d*)`,
	`x*`,
	`[é-ü]+b`,
	`.*`,
	`(?s).+?x`,
	`a?b??c`,
	`(a)?(b)`,
	`k(\d)=v(\d)`,
	`\p{Greek}+`,
	`[^a]*a`,
	`é`,
	`^$`,
	`(ab|a)(b)?$`,
}

func TestFastRegexAccepts(t *testing.T) {
	for _, p := range fastPatterns {
		if compileFast(p) == nil {
			t.Errorf("compileFast(%q) = nil, want a matcher", p)
		}
	}
	for _, p := range []string{`(?i)ab`, `\bab`, `(ab)*`, `(?m)^a`, `a{2}(bc)+`} {
		if compileFast(p) != nil {
			t.Errorf("compileFast(%q) took a pattern it cannot match", p)
		}
	}
}

// TestFastRegexDifferential compares the fast matcher with regexp on
// random inputs over an alphabet chosen to hit the patterns' pieces,
// including invalid UTF-8 and multi-byte runes.
func TestFastRegexDifferential(t *testing.T) {
	alphabet := []string{"a", "b", "c", "d", "x", "&", "=", "channel_id=", "foo", "bar", "1", "k", "v", "é", "ü", "π", "\xff", "\xe2", "\n", ""}
	r := rand.New(rand.NewPCG(7, 7))
	var sc reScratch
	for _, p := range fastPatterns {
		re := regexp.MustCompile(p)
		f := compileFast(p)
		for n := 0; n < 3000; n++ {
			var sb strings.Builder
			for k := r.IntN(12); k > 0; k-- {
				sb.WriteString(alphabet[r.IntN(len(alphabet))])
			}
			s := sb.String()
			want := re.FindStringSubmatchIndex(s)
			got, ok := f.find(s, &sc)
			if !ok {
				t.Fatalf("%q on %q: fast matcher gave up", p, s)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%q on %q: got %v, want %v", p, s, got, want)
			}
		}
	}
}

// TestFastRegexGeneratedPatterns compiles random small patterns and checks
// every one the fast matcher takes against regexp.
func TestFastRegexGeneratedPatterns(t *testing.T) {
	pieces := []string{"a", "b", "ab", "[ab]", "[^a]", ".", "^", "$", "é", "(", ")", "|", "*", "+", "?", "*?", "+?", "&", "[é-ü]"}
	inputs := []string{"", "a", "b", "ab", "ba", "aab", "abab", "é", "aéb", "\xffab", "a\nb", "&a&b", "bbbbbbbbbbbbbbbbbbbbbbbbbbbba", "éüéa"}
	r := rand.New(rand.NewPCG(1, 2))
	var sc reScratch
	taken := 0
	for n := 0; n < 20000; n++ {
		var sb strings.Builder
		for k := 1 + r.IntN(6); k > 0; k-- {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		p := sb.String()
		re, err := regexp.Compile(p)
		if err != nil {
			continue
		}
		f := compileFast(p)
		if f == nil {
			continue
		}
		taken++
		for _, s := range inputs {
			want := re.FindStringSubmatchIndex(s)
			got, ok := f.find(s, &sc)
			if ok && !slices.Equal(got, want) {
				t.Fatalf("%q on %q: got %v, want %v", p, s, got, want)
			}
		}
	}
	if taken < 1000 {
		t.Fatalf("only %d generated patterns were taken", taken)
	}
}

// TestFastRegexBudget checks that a pattern that backtracks badly gives
// up rather than running long.
func TestFastRegexBudget(t *testing.T) {
	f := compileFast(`a*a*a*a*a*a*a*b`)
	var sc reScratch
	if _, ok := f.find(strings.Repeat("a", 200), &sc); ok {
		t.Fatal("exponential search finished within its budget")
	}
}

func BenchmarkRegexExtractURL(b *testing.B) {
	url := "https://www.nexmark.com/ivxc/kqgl/vqdr/item.htm?query=1&channel_id=1207959552"
	b.Run("regexp", func(b *testing.B) {
		re := regexp.MustCompile(`(&|^)channel_id=([^&]*)`)
		for b.Loop() {
			re.FindStringSubmatchIndex(url)
		}
	})
	b.Run("fast", func(b *testing.B) {
		f := compileFast(`(&|^)channel_id=([^&]*)`)
		var sc reScratch
		for b.Loop() {
			f.find(url, &sc)
		}
	})
}

// FuzzFastRegex checks the fast matcher against regexp on any pattern it
// accepts and any input: the same match and submatch positions, or it
// gives up (and regexp answers instead).
func FuzzFastRegex(f *testing.F) {
	for _, p := range fastPatterns {
		f.Add(p, "https://www.nexmark.com/a/b?channel_id=12&k=v")
	}
	f.Add("(&|^)channel_id=([^&]*)", "channel_id=x&channel_id=é")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return
		}
		fast := compileFast(pattern)
		if fast == nil {
			return
		}
		var sc reScratch
		got, ok := fast.find(s, &sc)
		if !ok {
			return
		}
		if want := re.FindStringSubmatchIndex(s); !slices.Equal(got, want) {
			t.Fatalf("%q on %q: got %v, want %v", pattern, s, got, want)
		}
	})
}
