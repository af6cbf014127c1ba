package json

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strconv"
)

// The fast path's hottest primitives: finding a string's end, matching a
// key to a column, converting an integer.

// str reads a string starting after its opening quote; strings with a
// backslash are left to the fastjson path.
func (sc *scanner) str() []byte {
	rest := sc.s[sc.pos:]
	// Most strings are short: eight bytes at a time (SWAR) find their end
	// before the call overhead of two vectorised searches would pay off.
	const short = 32
	i := 0
	for ; i+8 <= len(rest) && i < short; i += 8 {
		x := binary.LittleEndian.Uint64(rest[i:])
		q, b := x^quotes, x^backslashes
		// A byte of q or b is zero where x has a quote or a backslash;
		// the lowest flagged byte is exact (borrows only run upwards).
		if t := ((q-ones)&^q | (b-ones)&^b) & highs; t != 0 {
			j := i + bits.TrailingZeros64(t)/8
			if rest[j] == '\\' {
				sc.ok = false
				return nil
			}
			sc.pos += j + 1
			return rest[:j]
		}
	}
	n := bytes.IndexByte(rest[i:], '"')
	if n < 0 || bytes.IndexByte(rest[i:i+n], '\\') >= 0 {
		sc.ok = false
		return nil
	}
	n += i
	sc.pos += n + 1
	return rest[:n]
}

// SWAR constants: a byte repeated in each of a word's eight bytes.
const (
	ones        = 0x0101010101010101
	highs       = 0x8080808080808080
	quotes      = '"' * ones
	backslashes = '\\' * ones
)

// key reads an object key starting after its opening quote and returns
// the column it names in r, or -1. The expected column (the one after
// the last match) is compared in place, which skips the search for the
// key's end and the hash lookup for records in schema order.
func (sc *scanner) key(r *fastRow, next int) int {
	if next < len(r.names) && r.plain[next] {
		name := r.names[next]
		end := sc.pos + len(name)
		if end < len(sc.s) && sc.s[end] == '"' && string(sc.s[sc.pos:end]) == name {
			sc.pos = end + 1
			return next
		}
	}
	k := sc.str()
	if !sc.ok {
		return -1
	}
	if j, found := r.index[string(k)]; found {
		return j
	}
	return -1
}

// integer reads a plain integer token (an optional minus and at most 18
// digits, in range for bits) in one pass, converting as it scans. For
// anything else it leaves the position alone and returns false, and the
// caller takes the general number and parseInt path.
func (sc *scanner) integer(bits int) (int64, bool) {
	s, i := sc.s, sc.pos
	neg := i < len(s) && s[i] == '-'
	if neg {
		i++
	}
	start := i
	var v int64
	for i < len(s) && i-start < 19 {
		c := s[i] - '0'
		if c > 9 {
			break
		}
		v = v*10 + int64(c)
		i++
	}
	if n := i - start; n == 0 || n > 18 {
		return 0, false
	}
	if i < len(s) {
		switch s[i] {
		case '.', 'e', 'E', '+', '-':
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	if bits < 64 && (v < -1<<(bits-1) || v > 1<<(bits-1)-1) {
		return 0, false
	}
	sc.pos = i
	return v, true
}

// parseInt converts an integer token of at most 18 digits, which cannot
// overflow int64, without strconv; anything else (longer, a fraction, an
// exponent, out of range for bits) goes to strconv, which gives the
// usual value or error.
func parseInt(tok []byte, bits int) (int64, error) {
	digits := tok
	neg := len(tok) > 0 && tok[0] == '-'
	if neg {
		digits = tok[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return strconv.ParseInt(string(tok), 10, bits)
	}
	var v int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return strconv.ParseInt(string(tok), 10, bits)
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	if bits < 64 && (v < -1<<(bits-1) || v > 1<<(bits-1)-1) {
		return strconv.ParseInt(string(tok), 10, bits)
	}
	return v, nil
}
