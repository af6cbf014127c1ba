package connector

import (
	"strings"
	"testing"
)

func TestValidateTable(t *testing.T) {
	RegisterFormatOptions("testfmt", []Option{{Key: "ignore-parse-errors", Type: TypeBool}})
	f := &Factory{Name: "testconn", FormatOption: "format", Options: []Option{
		{Key: "path", Type: TypeString, Required: true}, {Key: "format", Type: TypeString},
	}}
	kafkaLike := &Factory{Name: "kafkalike", FormatOption: "value.format", Options: []Option{{Key: "value.format", Type: TypeString}}}
	cases := []struct {
		f    *Factory
		opts map[string]string
		want string // "" = valid
	}{
		{f, map[string]string{"connector": "testconn", "path": "/x", "format": "testfmt", "testfmt.ignore-parse-errors": "true"}, ""},
		{f, map[string]string{"path": "/x"}, ""},
		{f, map[string]string{"path": "/x", "format": "testfmt", "ignore-parse-errors": "true"}, "unsupported option 'ignore-parse-errors'"},
		{f, map[string]string{"path": "/x", "format": "testfmt", "testfmt.ignore-parse-errors": "maybe"}, "invalid value"},
		{f, map[string]string{"path": "/x", "format": "nope"}, "could not find any format factory for identifier 'nope'"},
		{f, map[string]string{"format": "testfmt"}, "Missing required options are:\n\npath"},
		{kafkaLike, map[string]string{"value.format": "testfmt", "value.testfmt.ignore-parse-errors": "true"}, ""},
	}
	for _, c := range cases {
		err := ValidateTable(c.f, "t", c.opts)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%v: got %v, want %q", c.opts, err, c.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	f := &Factory{Name: "x", Description: "Does x.", FormatOption: "format", NewSink: func(*Table) (Sink, error) { return nil, nil },
		Options: []Option{{Key: "path", Type: TypeString, Required: true, Description: "a|b"}, {Key: "fields.#.kind", Type: TypeEnum, Enum: []string{"a", "b"}, Default: "a", Pattern: true}}}
	md := Markdown(f)
	for _, want := range []string{"# x connector", "Use as: sink.", "'path' = '...'", "| `path` | required | (none) | String | a\\|b |",
		"| `fields.#.kind` | optional | `a` | Enum (a, b) |", "## Formats"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestValidateSuggestsClosestKey(t *testing.T) {
	err := Validate("t", map[string]string{"rows-per-sec": "1"}, []Option{{Key: "rows-per-second", Type: TypeInt}, {Key: "number-of-rows", Type: TypeInt}})
	if err == nil || !strings.Contains(err.Error(), "Did you mean 'rows-per-second'?") {
		t.Fatalf("got %v", err)
	}
}
