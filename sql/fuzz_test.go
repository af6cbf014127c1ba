package sql

import (
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds returns the inputs of all golden test cases.
func fuzzSeeds(f *testing.F) []string {
	files, _ := filepath.Glob("testdata/*.test")
	var seeds []string
	for _, path := range files {
		for _, c := range readGoldenFile(f, path) {
			seeds = append(seeds, c.input)
		}
	}
	return seeds
}

// FuzzParse asserts that parsing never panics and that for every input that
// parses, the formatted output parses again and formats identically.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := Parse(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T, not *Error", err)
			}
			_ = err.(*Error).Pretty(src)
			return
		}
		for _, s := range stmts {
			out := Format(s)
			again, err := ParseOne(out)
			if err != nil {
				t.Fatalf("formatted SQL does not parse:\ninput: %q\n  out: %q\n  err: %v", src, out, err)
			}
			if out2 := Format(again); out2 != out {
				t.Fatalf("format not stable:\ninput: %q\n  out: %q\n out2: %q", src, out, out2)
			}
		}
		if e, err := ParseExpr(src); err == nil {
			out := Format(e)
			again, err := ParseExpr(out)
			if err != nil {
				t.Fatalf("formatted expr does not parse:\ninput: %q\n  out: %q\n  err: %v", src, out, err)
			}
			if out2 := Format(again); out2 != out {
				t.Fatalf("expr format not stable:\ninput: %q\n  out: %q\n out2: %q", src, out, out2)
			}
		}
		_ = SplitStatements(src)
	})
}

// FuzzLexer asserts that the lexer never panics, always terminates, produces
// tokens in increasing source order with consistent positions, and that
// SplitStatements returns slices of the input.
func FuzzLexer(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks := tokenize(src)
		last := -1
		for _, tk := range toks {
			if tk.pos.Offset < last || tk.end < tk.pos.Offset || tk.end > len(src) {
				t.Fatalf("bad token span %+v (prev end %d) in %q", tk, last, src)
			}
			line := 1 + strings.Count(src[:tk.pos.Offset], "\n")
			col := tk.pos.Offset - (strings.LastIndexByte(src[:tk.pos.Offset], '\n') + 1) + 1
			if tk.pos.Line != line || tk.pos.Col != col {
				t.Fatalf("token %+v: want line %d col %d", tk, line, col)
			}
			last = tk.end
		}
		if k := toks[len(toks)-1].kind; k != tEOF && k != tIllegal {
			t.Fatalf("token stream does not end in EOF/illegal: %v", k)
		}
		for _, s := range SplitStatements(src) {
			if !strings.Contains(src, s) {
				t.Fatalf("split piece %q is not part of the input", s)
			}
		}
	})
}
