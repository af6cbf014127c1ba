package streamtest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/spry-engine/spry/types"
)

func texts(vs []*string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		if v == nil {
			out[i] = "<nil>"
		} else {
			out[i] = "«" + *v + "»"
		}
	}
	return out
}

func TestParseRow(t *testing.T) {
	cases := []struct {
		in   string
		kind types.RowKind
		want []string
		err  string
	}{
		{in: "+I[alice, 3]", kind: types.Insert, want: []string{"«alice»", "«3»"}},
		{in: "-U[a, NULL, <NULL>, null]", kind: types.UpdateBefore, want: []string{"«a»", "<nil>", "<nil>", "<nil>"}},
		{in: "+U[2020-01-01 00:00:01.000, x]", kind: types.UpdateAfter, want: []string{"«2020-01-01 00:00:01.000»", "«x»"}},
		{in: "-D['a, b', 'it''s', 'NULL']", kind: types.Delete, want: []string{"«a, b»", "«it's»", "«NULL»"}},
		{in: "+I[[1, 2], (a, b), {k=v, w=x}]", kind: types.Insert, want: []string{"«[1, 2]»", "«(a, b)»", "«{k=v, w=x}»"}},
		{in: "+I[a,b]", kind: types.Insert, want: []string{"«a,b»"}},
		{in: "+I[]", kind: types.Insert, want: []string{}},
		{in: "+I[, ]", kind: types.Insert, want: []string{"«»", "«»"}},
		{in: "I[a]", err: "want a row like"},
		{in: "+X[a]", err: "want a row like"},
		{in: "+I[a", err: "want a row like"},
		{in: "+I['a]", err: "unterminated quote"},
	}
	for _, c := range cases {
		kind, vals, err := parseRow(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseRow(%q) error = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseRow(%q): %v", c.in, err)
			continue
		}
		if kind != c.kind || !slices.Equal(texts(vals), c.want) {
			t.Errorf("parseRow(%q) = %s %q, want %s %q", c.in, kind, texts(vals), c.kind, c.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]int64{
		"1970-01-01 00:00:01":     1_000_000,
		"1970-01-01 00:00:01.5":   1_500_000,
		"1970-01-01T00:00:00.001": 1_000,
		"1970-01-02":              86_400_000_000,
	} {
		got, err := parseTime(in)
		if err != nil || got != want {
			t.Errorf("parseTime(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseTime("yesterday"); err == nil {
		t.Error("parseTime(yesterday) succeeded")
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"querry\nSELECT 1\n":                 "unknown block",
		"statement\nSELECT 1\n":              "want 'statement ok'",
		"statement ok\n\n":                   "without SQL",
		"query\nSELECT 1\n\nstep\nt +I[1]\n": "without '----'",
		"step a b\n----\n":                   "unexpected",
		"step\nwatermark t\n----\n":          "watermark <table> <timestamp>",
		"step\nproctime\n----\n":             "proctime <timestamp>",
		"step\n----\nmetric x y\n":           "metric <name> <value>",
	}
	for src, want := range cases {
		_, _, err := parse("f.test", src)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("parse(%q) = %v, want a ParseError with %q", src, err, want)
		}
	}
}

func TestParseBlocks(t *testing.T) {
	src := "# c\nstatement error boom\nCREATE x\n\nquery\nSELECT\n  1\n\nstep s1 unordered\nt +I[1]\nwatermark t 1970-01-01 00:00:01\nproctime 1970-01-01 00:00:02\n----\n+I[1]\nmetric m 2\n\nend\n----\n"
	bs, _, err := parse("f.test", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 4 {
		t.Fatalf("%d blocks, want 4", len(bs))
	}
	if b := bs[0]; b.kind != blockStatement || !b.wantErr || b.errWant != "boom" || b.line != 2 {
		t.Errorf("statement block = %+v", b)
	}
	if b := bs[1]; b.kind != blockQuery || b.sql != "SELECT\n  1" {
		t.Errorf("query block = %+v", b)
	}
	b := bs[2]
	if b.kind != blockStep || b.label != "s1" || !b.unordered || len(b.inputs) != 3 || !slices.Equal(b.want, []string{"+I[1]"}) ||
		len(b.metrics) != 1 || b.metrics[0] != (metricWant{"m", 2, 15}) {
		t.Errorf("step block = %+v", b)
	}
	if bs[3].kind != blockEnd || len(bs[3].want) != 0 {
		t.Errorf("end block = %+v", bs[3])
	}
}

// FuzzParse checks that no file or row text makes the parsers panic.
func FuzzParse(f *testing.F) {
	f.Add("query\nSELECT 1\n\nstep\nt +I[a, 'b, c', [1, 2]]\n----\n+I[1]\n")
	f.Add("+I['a'', b']")
	f.Fuzz(func(t *testing.T, s string) {
		_, _, _ = parse("f.test", s)
		_, _, _ = parseRow(s)
		_, _ = parseTime(s)
	})
}
