package json

import (
	"testing"
	"unicode/utf8"
)

// FuzzJSONDecode checks that no record panics the decoder, that
// ignore-parse-errors never fails, and that what decodes re-encodes to a
// record decoding to the same row.
func FuzzJSONDecode(f *testing.F) {
	for _, s := range []string{
		fullRecord, `{}`, `{"i32":null}`, `{"a":x}`, `[1]`, `{"dec":1e400}`, `{"ts":"2020-02-30 00:00:00"}`,
		`{"m":{"k":"v"}}`, `{"arr":[1,[2]]}`, `{"r":{"x":"1"}}`, `{"bin":"!!"}`, `{"f":"NaN","d":1e308}`,
		`{"i8":128}`, `{"ltz":"2020-12-30T12:13:14Z"}`, `"str"`, ``, `{"s":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	strict, _ := NewDecoder(allTypes, nil)
	lenient, _ := NewDecoder(allTypes, map[string]string{OptIgnoreParseErrors: "true"})
	enc, _ := NewEncoder(allTypes, nil)
	f.Fuzz(func(t *testing.T, rec []byte) {
		if err := lenient.Decode(rec); err != nil {
			t.Fatalf("ignore-parse-errors failed: %v", err)
		}
		if b := lenient.Flush(); b.Validate() != nil {
			t.Fatal(b.Validate())
		}
		if strict.Decode(rec) != nil {
			return
		}
		b := strict.Flush()
		if err := b.Validate(); err != nil {
			t.Fatal(err)
		}
		if b.Len() == 0 {
			return
		}
		out, err := enc.Encode(b, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(rec) {
			return // invalid UTF-8 is repaired on output
		}
		if err := strict.Decode(out); err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		if got, want := rowStrings(strict.Flush())[0], rowStrings(b)[0]; got != want {
			t.Fatalf("round trip of %s via %s:\n got %s\nwant %s", rec, out, got, want)
		}
	})
}
