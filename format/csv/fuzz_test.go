package csv

import (
	"testing"
)

// FuzzCSVDecode checks that no record panics the decoder, that
// ignore-parse-errors never fails, and that what decodes re-encodes to a
// record decoding to the same row.
func FuzzCSVDecode(f *testing.F) {
	for _, s := range []string{
		fullRecord, ",,,,,,,,,,,,,,,", `"unterminated`, "a,b", "# comment", `"a""b",1`, "true,128,,,,,,,,,,,,,,",
		"1,2,3,4,5,6,7,1e400,x,!!,2020-02-30,25:00,2020-12-30T00:00:00,x,1;x,1;2;3", "\"\n\"", "\\,\\",
	} {
		f.Add([]byte(s))
	}
	opts := map[string]string{OptNullLiteral: "\\N", OptEscapeCharacter: "\\"}
	strict, _ := NewDecoder(flat, opts)
	lenient, _ := NewDecoder(flat, map[string]string{OptIgnoreParseErrors: "true", OptAllowComments: "true"})
	enc, _ := NewEncoder(flat, opts)
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
		if err := strict.Decode(out); err != nil {
			t.Fatalf("re-decoding %q: %v", out, err)
		}
		if got, want := rowStrings(strict.Flush())[0], rowStrings(b)[0]; got != want {
			t.Fatalf("round trip of %q via %q:\n got %s\nwant %s", rec, out, got, want)
		}
	})
}
