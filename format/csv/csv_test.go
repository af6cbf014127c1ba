package csv

import (
	"errors"
	"strings"
	"testing"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

var flat = types.NewSchema(
	types.Field{Name: "b", Type: types.Boolean},
	types.Field{Name: "i8", Type: types.TinyInt},
	types.Field{Name: "i16", Type: types.SmallInt},
	types.Field{Name: "i32", Type: types.Int},
	types.Field{Name: "i64", Type: types.BigInt},
	types.Field{Name: "f", Type: types.Float},
	types.Field{Name: "d", Type: types.Double},
	types.Field{Name: "dec", Type: types.Decimal(10, 2)},
	types.Field{Name: "s", Type: types.String},
	types.Field{Name: "bin", Type: types.Bytes},
	types.Field{Name: "dt", Type: types.Date},
	types.Field{Name: "tm", Type: types.Time(0)},
	types.Field{Name: "ts", Type: types.Timestamp(3)},
	types.Field{Name: "ltz", Type: types.TimestampLTZ},
	types.Field{Name: "arr", Type: types.ArrayOf(types.Int)},
	types.Field{Name: "r", Type: types.RowOf(types.Field{Name: "x", Type: types.Int}, types.Field{Name: "y", Type: types.String})},
)

const fullRecord = `true,1,2,3,4,1.5,2.25,12.345,"a,""b""",AQID,2020-12-30,12:13:14.9,2020-12-30 12:13:14.123,2020-12-30 12:13:14.5Z,1;2;3,9;why`

func rowStrings(b *types.Batch) []string {
	var out []string
	for i := 0; i < b.Len(); i++ {
		var parts []string
		for c, v := range b.Row(i) {
			parts = append(parts, types.Format(v, b.Schema.Fields[c].Type, nil, "NULL"))
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out
}

func decodeAll(t *testing.T, s *types.Schema, opts map[string]string, recs ...string) (*types.Batch, format.Decoder, error) {
	t.Helper()
	d, err := NewDecoder(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := d.Decode([]byte(r)); err != nil {
			return nil, d, err
		}
	}
	b := d.Flush()
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	return b, d, nil
}

func TestDecode(t *testing.T) {
	two := types.NewSchema(types.Field{Name: "a", Type: types.String}, types.Field{Name: "n", Type: types.Int})
	cases := []struct {
		name string
		s    *types.Schema
		opts map[string]string
		recs []string
		want []string
	}{
		{"all types", flat, nil, []string{fullRecord},
			[]string{`TRUE|1|2|3|4|1.5|2.25|12.35|a,"b"|x'010203'|2020-12-30|12:13:14|2020-12-30 12:13:14.123|2020-12-30 12:13:14.500|[1, 2, 3]|(9, why)`}},
		{"empty and newline", two, nil, []string{"", "x,1\n", "y,2\r\n", `"",3`}, []string{"x|1", "y|2", "|3"}},
		{"extra fields ignored", two, nil, []string{"x,1,zzz"}, []string{"x|1"}},
		{"comments", two, map[string]string{OptAllowComments: "true"}, []string{"# hello", "x,1"}, []string{"x|1"}},
		{"null literal", two, map[string]string{OptNullLiteral: "n/a"}, []string{"n/a,n/a", ",7"}, []string{"NULL|NULL", "|7"}},
		{"delimiter quote escape", two, map[string]string{OptFieldDelimiter: "|", OptQuoteCharacter: "'", OptEscapeCharacter: "\\"},
			[]string{`'a|b\'c'|1`, `x\|y|2`}, []string{"a|b'c|1", "x|y|2"}},
		{"tab and no quotes", two, map[string]string{OptFieldDelimiter: `\t`, OptDisableQuoteCharacter: "true"},
			[]string{"\"q\"\t 5 "}, []string{`"q"|5`}},
		{"ignore errors nulls bad fields", two, map[string]string{OptIgnoreParseErrors: "true"},
			[]string{"x,one", "short", `"open,1`, "y,2"}, []string{"x|NULL", "short|NULL", "y|2"}},
		{"null elements", types.NewSchema(types.Field{Name: "a", Type: types.ArrayOf(types.Int)}), map[string]string{OptNullLiteral: "null"},
			[]string{"1;null;3", "", "null"}, []string{"[1, NULL, 3]", "NULL"}},
		{"decimal overflow is null", types.NewSchema(types.Field{Name: "d", Type: types.Decimal(3, 1)}), nil,
			[]string{"12345", "1.25"}, []string{"NULL", "1.3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _, err := decodeAll(t, c.s, c.opts, c.recs...)
			if err != nil {
				t.Fatal(err)
			}
			if got := rowStrings(b); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "a", Type: types.String}, types.Field{Name: "n", Type: types.Int})
	cases := []struct{ rec, want string }{
		{"x,one", "failed to deserialize CSV 'x,one': field 'n': cannot parse 'one' as INT"},
		{"x,", "cannot parse '' as INT"},
		{"x", "row length mismatch. 2 fields expected but was 1"},
		{`"x,1`, "missing closing quote"},
	}
	for _, c := range cases {
		_, _, err := decodeAll(t, s, nil, c.rec)
		var de *format.DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.rec, err, c.want)
		}
	}
	_, d, err := decodeAll(t, s, map[string]string{OptIgnoreParseErrors: "true"}, `"x,1`)
	if err != nil || d.Skipped() != 1 {
		t.Errorf("ignore-parse-errors: %v, skipped %d", err, d.Skipped())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, opts := range []map[string]string{
		{OptFieldDelimiter: ";;"},
		{OptDisableQuoteCharacter: "true", OptQuoteCharacter: "'"},
		{OptArrayElementDelimiter: ""},
		{OptAllowComments: "maybe"},
	} {
		if _, err := NewDecoder(flat, opts); err == nil {
			t.Errorf("%v: no error", opts)
		}
	}
	if _, err := NewDecoder(types.NewSchema(types.Field{Name: "m", Type: types.MapOf(types.String, types.Int)}), nil); err == nil {
		t.Error("MAP column: no error")
	}
}

func TestEncode(t *testing.T) {
	b, _, err := decodeAll(t, flat, nil, fullRecord, ",,,,,,,,,,,,,,,")
	if err != nil {
		// the second record has empty non-string fields: read it with a null literal instead
		b, _, err = decodeAll(t, flat, map[string]string{OptNullLiteral: ""}, fullRecord, ",,,,,,,,,,,,,,,")
		if err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		opts map[string]string
		row  int
		want string
	}{
		{nil, 0, `true,1,2,3,4,1.5,2.25,12.35,"a,""b""",AQID,2020-12-30,12:13:14,2020-12-30 12:13:14.123,2020-12-30 12:13:14.5Z,1;2;3,9;why`},
		{map[string]string{OptNullLiteral: "NULL", OptFieldDelimiter: ";", OptArrayElementDelimiter: "|"}, 0,
			`true;1;2;3;4;1.5;2.25;12.35;"a,""b""";AQID;2020-12-30;12:13:14;2020-12-30 12:13:14.123;2020-12-30 12:13:14.5Z;1|2|3;9|why`},
		{nil, 1, `,,,,,,,,,,,,,,,`},
		{map[string]string{OptNullLiteral: "\\N"}, 1, `\N,\N,\N,\N,\N,\N,\N,\N,\N,\N,\N,\N,\N,\N,\N,\N`},
	}
	for _, c := range cases {
		e, err := NewEncoder(flat, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Encode(b, c.row, nil)
		if err != nil || string(got) != c.want {
			t.Errorf("%v row %d:\n got %s (%v)\nwant %s", c.opts, c.row, got, err, c.want)
		}
		if c.opts == nil {
			continue
		}
		back, _, err := decodeAll(t, flat, c.opts, string(got))
		if err != nil || rowStrings(back)[0] != rowStrings(b)[c.row] {
			t.Errorf("round trip of %s: %v %v", got, rowStrings(back), err)
		}
	}
}
