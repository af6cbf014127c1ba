package nexmarkbench

import (
	"strings"
	"testing"

	"github.com/spry-engine/spry/sql"
)

// TestLoad checks that every query file splits into statements that
// parse, with one INSERT into its own nexmark_qN sink.
func TestLoad(t *testing.T) {
	vars := map[string]string{"EVENTS_NUM": "1000", "TPS": "1000", "NEXMARK_DIR": "/tmp/nexmark"}
	for _, q := range AllQueries() {
		s, err := Load(".", q, vars)
		if err != nil {
			t.Fatal(err)
		}
		if s.Sink != "nexmark_"+q {
			t.Errorf("%s: inserts into %q, want nexmark_%s", q, s.Sink, q)
		}
		if len(s.SetupWithoutSink()) != len(s.Setup)-1 {
			t.Errorf("%s: the sink's CREATE TABLE was not found among the setup statements", q)
		}
		for _, st := range append(s.Setup, s.Insert, s.Select) {
			if strings.Contains(st, "${") {
				t.Errorf("%s: unfilled variable in %q", q, st)
			}
			if _, err := sql.ParseOne(st); err != nil {
				t.Errorf("%s: %v\n%s", q, err, st)
			}
		}
	}
}

func TestSplit(t *testing.T) {
	got := Split("-- comment\nSELECT 1;\n\nSELECT\n  2 -- two\n;\nSELECT 3")
	want := []string{"SELECT 1", "SELECT\n  2 -- two", "SELECT 3"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("Split = %q, want %q", got, want)
	}
}

func TestBidsIn(t *testing.T) {
	for _, c := range []struct{ n, want int64 }{{0, 0}, {4, 0}, {5, 1}, {50, 46}, {54, 46}, {100, 92}} {
		if got := bidsIn(c.n); got != c.want {
			t.Errorf("bidsIn(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}
