package sql

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.test golden outputs")

// goldenCase is one case of a testdata/*.test file:
//
//	input SQL (one or more lines)
//	----
//	expected output (formatted SQL, or "error: ...")
//	<blank line>
type goldenCase struct {
	input, want string
	line        int
}

func readGolden(t *testing.T, path string) []goldenCase {
	t.Helper()
	return readGoldenFile(t, path)
}

func readGoldenFile(t testing.TB, path string) []goldenCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); {
		if strings.TrimSpace(lines[i]) == "" || strings.HasPrefix(lines[i], "#") {
			i++
			continue
		}
		c := goldenCase{line: i + 1}
		var in []string
		for i < len(lines) && lines[i] != "----" {
			in = append(in, lines[i])
			i++
		}
		i++ // ----
		var out []string
		for i < len(lines) && lines[i] != "" {
			out = append(out, lines[i])
			i++
		}
		c.input, c.want = strings.Join(in, "\n"), strings.Join(out, "\n")
		cases = append(cases, c)
	}
	return cases
}

func writeGolden(t *testing.T, path string, cases []goldenCase) {
	t.Helper()
	var b bytes.Buffer
	for _, c := range cases {
		b.WriteString(c.input + "\n----\n" + c.want + "\n\n")
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// render parses input (as an expression for expr*.test files, else as a
// script) and returns the formatted result or the error.
func render(t *testing.T, input string, expr bool) string {
	t.Helper()
	if expr {
		e, err := ParseExpr(input)
		if err != nil {
			return "error: " + err.Error()
		}
		checkPositions(t, input, e)
		checkRoundTrip(t, input, Format(e), true)
		return Format(e)
	}
	stmts, err := Parse(input)
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: error is %T, not *Error", input, err)
		}
		return "error: " + err.Error()
	}
	var parts []string
	for _, s := range stmts {
		checkPositions(t, input, s)
		f := Format(s)
		checkRoundTrip(t, input, f, false)
		parts = append(parts, f)
	}
	return strings.Join(parts, ";\n")
}

// checkRoundTrip asserts that formatted SQL parses and formats to itself.
func checkRoundTrip(t *testing.T, input, formatted string, expr bool) {
	t.Helper()
	var again string
	if expr {
		e, err := ParseExpr(formatted)
		if err != nil {
			t.Errorf("round trip of %q: %q does not parse: %v", input, formatted, err)
			return
		}
		again = Format(e)
	} else {
		s, err := ParseOne(formatted)
		if err != nil {
			t.Errorf("round trip of %q: %q does not parse: %v", input, formatted, err)
			return
		}
		again = Format(s)
	}
	if again != formatted {
		t.Errorf("round trip of %q is unstable:\n first: %s\nsecond: %s", input, formatted, again)
	}
}

// checkPositions asserts that every node in the tree has a valid position
// inside the source.
func checkPositions(t *testing.T, src string, n Node) {
	t.Helper()
	Inspect(n, func(nd Node) bool {
		p := nd.Position()
		if !p.IsValid() || p.Offset < 0 || p.Offset > len(src) {
			t.Errorf("%q: %T has invalid position %+v", src, nd, p)
		}
		return true
	})
}

// TestGolden runs every testdata/*.test file. Run with -update to rewrite
// the expected outputs after reviewing a change.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	total := 0
	for _, path := range files {
		cases := readGolden(t, path)
		expr := strings.HasPrefix(filepath.Base(path), "expr")
		t.Run(filepath.Base(path), func(t *testing.T) {
			for i := range cases {
				c := &cases[i]
				got := render(t, c.input, expr)
				if *update {
					c.want = got
					continue
				}
				if got != c.want {
					t.Errorf("%s:%d: %s\n got: %s\nwant: %s", path, c.line, c.input, got, c.want)
				}
			}
		})
		total += len(cases)
		if *update {
			writeGolden(t, path, cases)
		}
	}
	t.Logf("%d golden cases", total)
}
