package json

import (
	"errors"
	"strings"
	"testing"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// allTypes covers every flat type plus the nested ones.
var allTypes = types.NewSchema(
	types.Field{Name: "b", Type: types.Boolean},
	types.Field{Name: "i8", Type: types.TinyInt},
	types.Field{Name: "i16", Type: types.SmallInt},
	types.Field{Name: "i32", Type: types.Int},
	types.Field{Name: "i64", Type: types.BigInt},
	types.Field{Name: "f", Type: types.Float},
	types.Field{Name: "d", Type: types.Double},
	types.Field{Name: "dec", Type: types.Decimal(10, 2)},
	types.Field{Name: "s", Type: types.String},
	types.Field{Name: "c", Type: types.Char(3)},
	types.Field{Name: "bin", Type: types.Bytes},
	types.Field{Name: "dt", Type: types.Date},
	types.Field{Name: "tm", Type: types.Time(3)},
	types.Field{Name: "ts", Type: types.Timestamp(3)},
	types.Field{Name: "ltz", Type: types.TimestampLTZ},
	types.Field{Name: "arr", Type: types.ArrayOf(types.Int)},
	types.Field{Name: "m", Type: types.MapOf(types.String, types.BigInt)},
	types.Field{Name: "r", Type: types.RowOf(types.Field{Name: "x", Type: types.Int}, types.Field{Name: "y", Type: types.String})},
)

// rowStrings renders every row of b with types.Format, "NULL" for null.
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

const fullRecord = `{"b":true,"i8":1,"i16":2,"i32":3,"i64":4,"f":1.5,"d":2.25,"dec":12.345,"s":"héllo\n","c":"abc",` +
	`"bin":"AQID","dt":"2020-12-30","tm":"12:13:14.123","ts":"2020-12-30 12:13:14.123","ltz":"2020-12-30 12:13:14.5Z",` +
	`"arr":[1,null,3],"m":{"k":7},"r":{"y":"why","x":9}}`

func TestDecode(t *testing.T) {
	cases := []struct {
		name string
		s    *types.Schema
		opts map[string]string
		recs []string
		want []string
	}{
		{"all types", allTypes, nil, []string{fullRecord},
			[]string{"TRUE|1|2|3|4|1.5|2.25|12.35|héllo\n|abc|x'010203'|2020-12-30|12:13:14.123|2020-12-30 12:13:14.123|2020-12-30 12:13:14.500|[1, NULL, 3]|{k=7}|(9, why)"}},
		{"missing and null", allTypes, nil, []string{`{"i32":null}`},
			[]string{strings.TrimSuffix(strings.Repeat("NULL|", 18), "|")}},
		{"text numbers and coercions", types.NewSchema(
			types.Field{Name: "a", Type: types.Int}, types.Field{Name: "b", Type: types.Boolean},
			types.Field{Name: "c", Type: types.String}, types.Field{Name: "d", Type: types.BigInt},
			types.Field{Name: "e", Type: types.Decimal(3, 1)}),
			nil, []string{`{"a":" 42 ","b":"TRUE","c":{"x":[1,2]},"d":7.9,"e":12345}`},
			[]string{`42|TRUE|{"x":[1,2]}|7|NULL`}},
		{"iso timestamps", types.NewSchema(types.Field{Name: "ts", Type: types.Timestamp(3)}, types.Field{Name: "l", Type: types.TimestampLTZ}),
			map[string]string{OptTimestampFormat: "ISO-8601"}, []string{`{"ts":"2020-12-30T12:13","l":"2020-12-30T12:13:14.123Z"}`},
			[]string{"2020-12-30 12:13:00.000|2020-12-30 12:13:14.123"}},
		{"blank lines and duplicate keys", types.NewSchema(types.Field{Name: "a", Type: types.Int}), nil,
			[]string{"", "  ", `{"a":1,"a":2}`}, []string{"2"}},
		{"multiset and nested arrays", types.NewSchema(types.Field{Name: "ms", Type: types.MultisetOf(types.String)},
			types.Field{Name: "aa", Type: types.ArrayOf(types.ArrayOf(types.String))}), nil,
			[]string{`{"ms":{"a":2},"aa":[["x"],[],null]}`}, []string{"{a=2}|[[x], [], NULL]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _, err := decodeAll(t, c.s, c.opts, c.recs...)
			if err != nil {
				t.Fatal(err)
			}
			got := rowStrings(b)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "a", Type: types.Int}, types.Field{Name: "ts", Type: types.Timestamp(3)})
	cases := []struct {
		name, rec string
		opts      map[string]string
		want      string
	}{
		{"syntax", `{"a":x}`, nil, `failed to deserialize JSON '{"a":x}': `},
		{"not an object", `[1]`, nil, "expected a JSON object"},
		{"bad int", `{"a":"one"}`, nil, "field 'a': cannot parse 'one' as INT"},
		{"int overflow", `{"a":99999999999}`, nil, "cannot parse '99999999999' as INT"},
		{"bad timestamp", `{"ts":"2020-12-30T12:13:14"}`, nil, "field 'ts'"},
		{"missing field", `{"a":1}`, map[string]string{OptFailOnMissingField: "true"}, "could not find field with name 'ts'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := decodeAll(t, s, c.opts, `{"a":1,"ts":null}`, c.rec)
			var de *format.DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want a DecodeError containing %q", err, c.want)
			}
			// With ignore-parse-errors the same record is skipped and counted.
			if c.opts != nil {
				return
			}
			b, d, err := decodeAll(t, s, map[string]string{OptIgnoreParseErrors: "true"}, `{"a":1,"ts":null}`, c.rec, `{"a":2}`)
			if err != nil || b.Len() != 2 || d.Skipped() != 1 {
				t.Fatalf("ignore-parse-errors: err %v, rows %d, skipped %d", err, b.Len(), d.Skipped())
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for _, opts := range []map[string]string{
		{OptFailOnMissingField: "true", OptIgnoreParseErrors: "true"},
		{OptTimestampFormat: "RFC"},
		{OptMapNullKeyMode: "KEEP"},
		{OptIgnoreParseErrors: "yes please"},
	} {
		if _, err := NewDecoder(allTypes, opts); err == nil {
			t.Errorf("%v: no error", opts)
		}
	}
}

func TestEncode(t *testing.T) {
	b, _, err := decodeAll(t, allTypes, nil, fullRecord, `{}`)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		opts map[string]string
		row  int
		want string
	}{
		{nil, 0, `{"b":true,"i8":1,"i16":2,"i32":3,"i64":4,"f":1.5,"d":2.25,"dec":12.35,"s":"héllo\n","c":"abc","bin":"AQID",` +
			`"dt":"2020-12-30","tm":"12:13:14.123","ts":"2020-12-30 12:13:14.123","ltz":"2020-12-30 12:13:14.5Z",` +
			`"arr":[1,null,3],"m":{"k":7},"r":{"x":9,"y":"why"}}`},
		{map[string]string{OptTimestampFormat: "ISO-8601"}, 0, `"ts":"2020-12-30T12:13:14.123","ltz":"2020-12-30T12:13:14.5Z"`},
		{nil, 1, `{"b":null,"i8":null,`},
		{map[string]string{OptEncodeIgnoreNulls: "true"}, 1, `{}`},
	}
	for _, c := range cases {
		e, err := NewEncoder(allTypes, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Encode(b, c.row, nil)
		if err != nil || !strings.Contains(string(got), c.want) {
			t.Errorf("%v row %d: got %s (%v), want it to contain %s", c.opts, c.row, got, err, c.want)
		}
		// Whatever we write, we read back to the same row.
		back, _, err := decodeAll(t, allTypes, c.opts, string(got))
		if err != nil || rowStrings(back)[0] != rowStrings(b)[c.row] {
			t.Errorf("round trip of %s: %v %v", got, rowStrings(back), err)
		}
	}
}

func TestEncodeValues(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "d", Type: types.Double}, types.Field{Name: "dec", Type: types.Decimal(12, 9)},
		types.Field{Name: "s", Type: types.String}, types.Field{Name: "m", Type: types.MapOf(types.String, types.Int)})
	bb := types.NewBatchBuilder(s)
	bb.Add(types.Insert, []any{1e10, decimalOf(t, "0.000000100"), "a\"b\\c\x01</", []types.MapEntry{{Key: "k", Value: int32(2)}}})
	b := bb.Build()
	cases := []struct {
		opts map[string]string
		want string
	}{
		{nil, `{"d":1.0E10,"dec":1E-7,"s":"a\"b\\c\u0001</","m":{"k":2}}`},
		{map[string]string{OptEncodeDecimalPlain: "true"}, `{"d":1.0E10,"dec":0.0000001,"s":"a\"b\\c\u0001</","m":{"k":2}}`},
	}
	for _, c := range cases {
		e, _ := NewEncoder(s, c.opts)
		got, err := e.Encode(b, 0, nil)
		if err != nil || string(got) != c.want {
			t.Errorf("%v:\n got %s (%v)\nwant %s", c.opts, got, err, c.want)
		}
	}
}

func decimalOf(t *testing.T, s string) any {
	n, ok, err := format.ParseDecimal([]byte(s), 12, 9)
	if err != nil || !ok {
		t.Fatal(s, err)
	}
	return n
}
