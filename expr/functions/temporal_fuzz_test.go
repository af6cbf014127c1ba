package functions

import "testing"

// FuzzDatePattern checks that compiled patterns format any instant and that
// parsing arbitrary text never panics; a formatted default timestamp must
// parse back to the same value.
func FuzzDatePattern(f *testing.F) {
	f.Add("yyyy-MM-dd HH:mm:ss.SSS", int64(1709629323456000), "2024-03-05 09:02:03.456")
	f.Add("EEE, d MMM yy hh:mm a XXX", int64(-1), "Tue, 5 Mar 24 09:02 AM +08:00")
	f.Add("'at' D w Q", int64(0), "at 1 1 1")
	f.Fuzz(func(t *testing.T, pattern string, us int64, text string) {
		if p, err := compileDT(pattern); err == nil {
			out := p.format(nil, us, 3600)
			p.parse(string(out), false)
			p.parse(text, true)
		}
		def, _ := compileDT(defaultTSFormat)
		us = us % (1 << 52)
		w := us - modFloor(us, microsPerSec)
		if got, ok := def.parse(string(def.format(nil, w, 0)), false); w >= 0 && w < 253402300800*microsPerSec && (!ok || got != w) {
			t.Errorf("round trip of %d gave %d, %v", w, got, ok)
		}
		parseTimestampDefault(text)
	})
}
