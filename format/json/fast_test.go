package json

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spry-engine/spry/format/formattest"
	"github.com/spry-engine/spry/types"
)

var fastSchema = types.NewSchema(
	types.Field{Name: "b", Type: types.Boolean},
	types.Field{Name: "i", Type: types.Int},
	types.Field{Name: "t", Type: types.TinyInt},
	types.Field{Name: "f", Type: types.Float},
	types.Field{Name: "d", Type: types.Double},
	types.Field{Name: "s", Type: types.String},
	types.Field{Name: "day", Type: types.Date},
	types.Field{Name: "ts", Type: types.TimestampMs},
	types.Field{Name: "r", Type: types.RowOf(types.Field{Name: "x", Type: types.BigInt}, types.Field{Name: "y", Type: types.String})},
	types.Field{Name: "n", Type: types.RowOf(types.Field{Name: "k", Type: types.Int},
		types.Field{Name: "in", Type: types.RowOf(types.Field{Name: "z", Type: types.String})})},
)

// decodeWith decodes recs with the fast path on or off and renders the
// rows, or the first error.
func decodeWith(t testing.TB, fast bool, opts map[string]string, recs ...[]byte) string {
	old := fastPath
	fastPath = fast
	d, err := NewDecoder(fastSchema, opts)
	fastPath = old
	if err != nil {
		t.Fatal(err)
	}
	if fast != (d.(*Decoder).fast != nil) {
		t.Fatalf("fast path built: %v", d.(*Decoder).fast != nil)
	}
	for _, r := range recs {
		if err := d.Decode(r); err != nil {
			return "error: " + err.Error()
		}
	}
	return strings.Join(formattest.Rows(d.Flush()), "\n")
}

// TestFastPathAgrees decodes records with and without the fast path; the
// results (rows or error messages) must be identical.
func TestFastPathAgrees(t *testing.T) {
	recs := []string{
		`{"b":true,"i":1,"t":-128,"f":1.5,"d":-2.25e3,"s":"héllo","day":"2024-02-29","ts":"2024-01-02 03:04:05.678","r":{"x":9,"y":"in"}}`,
		`  {"s":"only"}  `,
		`{"r":null,"i":null,"extra":{"deep":[1,{"a":"b"},[]],"n":null},"s":"x"}`,
		`{"i":"12"}`,   // string for INT: fastjson path converts
		`{"i":1.9}`,    // truncation on the fastjson path
		`{"s":12}`,     // number as STRING
		`{"s":"a\"b"}`, // escape
		`{"t":300}`,    // out of range
		`{"ts":"2024-13-01 00:00:00"}`,
		`{"i":1,}`,             // malformed
		`{"i":1} x`,            // tail
		`{"i":-}`,              // bad number
		`{"b":"TRUE","d":NaN}`, // fastjson oddities
		`{"r":{"x":1,"x":2},"i":1,"i":null}`,
		`{"\u0073":"esc key"}`,
		`{"s":"a string longer than the short scan, with no escape at all"}`,
		`{"s":"a string longer than the short scan\n with an escape after it"}`,
		`{"s":"a string longer than the short scan, unterminated`,
		`{"ss":1,"s":"prefix key","sx":2,"i":3}`, // keys sharing a prefix with a column
		`{"r":{"y":"out of order","x":5},"i":-2147483648,"t":127}`,
		`{"i":2147483648}`,  // INT overflow
		`{"i":-0,"t":-129}`, // negative zero, TINYINT underflow
		`{"r":{"x":123456789012345678,"y":"18 digits"}}`,     // longest fast integer
		`{"r":{"x":9223372036854775807,"y":"strconv path"}}`, // 19 digits
		`{"r":{"x":9223372036854775808,"y":"overflow"}}`,     // BIGINT overflow
		`{"i":007,"r":{"x":1e3}}`,                            // leading zeros, exponent
	}
	for _, r := range recs {
		fast := decodeWith(t, true, nil, []byte(r))
		slow := decodeWith(t, false, nil, []byte(r))
		if fast != slow {
			t.Errorf("record %s:\nfast %s\nslow %s", r, fast, slow)
		}
		opts := map[string]string{OptFailOnMissingField: "true"}
		if fast, slow := decodeWith(t, true, opts, []byte(r)), decodeWith(t, false, opts, []byte(r)); fast != slow {
			t.Errorf("fail-on-missing-field, record %s:\nfast %s\nslow %s", r, fast, slow)
		}
	}
}

// TestFastPathNullRuns decodes sequences of records whose nested rows are
// NULL, present or absent in turn, some going the fastjson path, so the
// deferred NULL rows must land in order.
func TestFastPathNullRuns(t *testing.T) {
	recs := []string{
		`{"r":null,"n":{"k":1,"in":null}}`,
		`{"r":{"x":1},"n":null}`,
		`{"n":{"k":2,"in":{"z":"a"}}}`,
		`{"r":{"y":"esc\n"},"n":{"in":null}}`, // fastjson path
		`{"r":null,"n":null}`,
		`{"i":1}`,
		`{"n":{"in":{"z":"b"}},"r":{"x":3,"y":"c"}}`,
		`{"n":{"k":4}}`,
		`{"s":"\u0041","n":null}`, // fastjson path
	}
	for start := range recs {
		for end := start + 1; end <= len(recs); end++ {
			var in [][]byte
			for _, r := range recs[start:end] {
				in = append(in, []byte(r))
			}
			if fast, slow := decodeWith(t, true, nil, in...), decodeWith(t, false, nil, in...); fast != slow {
				t.Fatalf("records %q:\nfast %s\nslow %s", recs[start:end], fast, slow)
			}
		}
	}
}

// FuzzFastPath checks that the fast path and the fastjson path agree on
// any record.
func FuzzFastPath(f *testing.F) {
	for _, s := range []string{`{"b":true,"i":1,"s":"x","r":{"x":2}}`, `{"extra":[1,[2,{"z":null}]],"d":1e400}`,
		`{"ts":"2024-01-02 03:04:05","day":"2024-01-01","f":3}`, `{"i":1,"i":"2"}`, `{}`, `[]`} {
		f.Add([]byte(s))
	}
	f.Add([]byte("{\"r\":null,\"n\":{\"k\":1,\"in\":null}}\n{\"n\":null}\n{\"r\":{\"x\":1}}"))
	f.Fuzz(func(t *testing.T, rec []byte) {
		// One record a line, so NULL rows deferred over records are covered.
		recs := bytes.Split(rec, []byte("\n"))
		if fast, slow := decodeWith(t, true, nil, recs...), decodeWith(t, false, nil, recs...); fast != slow {
			t.Fatalf("record %q:\nfast %s\nslow %s", rec, fast, slow)
		}
	})
}
