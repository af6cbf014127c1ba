package json

import "testing"

// TestScannerInteger checks the one-pass integer reader against the
// general number-then-parseInt path it shortcuts: same value where it
// accepts, and the position untouched where it declines.
func TestScannerInteger(t *testing.T) {
	cases := []struct {
		in   string
		bits int
		ok   bool
	}{
		{"0", 64, true}, {"-0", 64, true}, {"42,", 64, true}, {"-9001}", 64, true},
		{"123456789012345678", 64, true}, {"1234567890123456789", 64, false},
		{"1.5", 64, false}, {"1e3", 64, false}, {"1E3", 64, false}, {"12+", 64, false}, {"3-", 64, false},
		{"-", 64, false}, {"", 64, false}, {"x", 64, false},
		{"127", 8, true}, {"128", 8, false}, {"-128", 8, true}, {"-129", 8, false},
		{"2147483647", 32, true}, {"2147483648", 32, false},
	}
	for _, c := range cases {
		sc := scanner{s: []byte(c.in), ok: true}
		v, ok := sc.integer(c.bits)
		if ok != c.ok {
			t.Errorf("integer(%q, %d) ok = %v, want %v", c.in, c.bits, ok, c.ok)
			continue
		}
		if !ok {
			if sc.pos != 0 {
				t.Errorf("integer(%q) declined but moved to %d", c.in, sc.pos)
			}
			continue
		}
		ref := scanner{s: []byte(c.in), ok: true}
		want, err := parseInt(ref.number(), c.bits)
		if err != nil || v != want || sc.pos != ref.pos {
			t.Errorf("integer(%q) = %d at %d, want %d at %d (err %v)", c.in, v, sc.pos, want, ref.pos, err)
		}
	}
}
