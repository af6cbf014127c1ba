package nexmarkbench

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spry-engine/spry/sql"
)

// TestRender checks that every query renders for both sources with no
// placeholder left and parses.
func TestRender(t *testing.T) {
	for _, src := range []string{SourceGenerator, SourceKafka} {
		p := Params{Source: src, Events: 1000, TPS: 1000, Dir: "/tmp/nx", Topic: "t", Bootstrap: "127.0.0.1:1"}
		for _, q := range AllQueries() {
			text, err := Render(q, p)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(text, "${") {
				t.Errorf("%s/%s: unfilled placeholder", src, q)
			}
			if _, err := sql.Parse(text); err != nil {
				t.Errorf("%s/%s: %v", src, q, err)
			}
		}
	}
	fill, err := FillScript(Params{Events: 10, TPS: 10, Topic: "t", Bootstrap: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if stmts, err := sql.Parse(fill); err != nil || len(stmts) != 3 {
		t.Fatalf("FillScript: %d statements, %v\n%s", len(stmts), err, fill)
	}
}

func TestQueryNames(t *testing.T) {
	qs := Queries()
	if len(qs) != 22 || qs[0] != "q0" || qs[6] != "q7" || qs[21] != "q22" {
		t.Fatalf("Queries() = %v", qs)
	}
	for _, c := range []struct{ name, suggestion string }{
		{"q23", "q2"}, {"Q5x", "q5"}, {"hello", ""}, {"../ddl", ""},
	} {
		_, err := Query(c.name)
		var ue *UnknownQueryError
		if !errors.As(err, &ue) || ue.Suggestion != c.suggestion {
			t.Errorf("Query(%q) = %v, want a suggestion of %q", c.name, err, c.suggestion)
		}
	}
}

func TestWriteSideInput(t *testing.T) {
	dir := t.TempDir()
	if err := WriteSideInput(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "data", "side_input.txt"))
	if err != nil || !strings.HasPrefix(string(b), "0,0\n1,1\n") || strings.Count(string(b), "\n") != 10000 {
		t.Fatalf("side input: %v, %d lines", err, strings.Count(string(b), "\n"))
	}
}
