package functions

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Positional string functions. Positions count characters (UTF-8 code
// points), 1-based as in SQL.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "SUBSTRING", Doc: docOf("String", "SUBSTRING(string FROM start [FOR length])",
			"Returns the substring of string starting at character start (1-based; a negative start counts from the end) with at most length characters; NULL if length is negative.",
			"SUBSTRING('Hello', 2, 3) → 'ell'", "SUBSTRING('Hello', -3) → 'llo'"), Bind: bindSubstring("SUBSTRING")},
		&expr.ScalarFunction{Name: "SUBSTR", Doc: docOf("String", "SUBSTR(string, start[, length])",
			"Same as SUBSTRING(string FROM start FOR length).", "SUBSTR('Hello', 2) → 'ello'"), Bind: bindSubstring("SUBSTR")},
		&expr.ScalarFunction{Name: "LEFT", Doc: docOf("String", "LEFT(string, length)",
			"Returns the leftmost length characters of string; an empty string if length is negative.", "LEFT('Hello', 2) → 'He'"), Bind: bindLeftRight("LEFT", true)},
		&expr.ScalarFunction{Name: "RIGHT", Doc: docOf("String", "RIGHT(string, length)",
			"Returns the rightmost length characters of string; an empty string if length is negative.", "RIGHT('Hello', 2) → 'lo'"), Bind: bindLeftRight("RIGHT", false)},
		&expr.ScalarFunction{Name: "OVERLAY", Doc: docOf("String", "OVERLAY(string PLACING replacement FROM start [FOR length])",
			"Replaces length characters of string starting at start (1-based) with replacement; length defaults to the length of replacement, and a start outside the string leaves it unchanged.",
			"OVERLAY('xxxxxtest' PLACING 'xxxx' FROM 6) → 'xxxxxxxxx'", "OVERLAY('xxxxxtest' PLACING 'xxxx' FROM 6 FOR 2) → 'xxxxxxxxxst'"), Bind: bindOverlay},
		&expr.ScalarFunction{Name: "POSITION", Doc: docOf("String", "POSITION(needle IN string)",
			"Returns the 1-based position of the first occurrence of needle in string, or 0 if absent.", "POSITION('lo' IN 'Hello') → 4"), Bind: bindLocate("POSITION", false)},
		&expr.ScalarFunction{Name: "LOCATE", Doc: docOf("String", "LOCATE(needle, string[, start])",
			"Returns the 1-based position of the first occurrence of needle in string at or after position start, or 0 if absent.",
			"LOCATE('l', 'Hello') → 3", "LOCATE('l', 'Hello', 4) → 4"), Bind: bindLocate("LOCATE", false)},
		&expr.ScalarFunction{Name: "INSTR", Doc: docOf("String", "INSTR(string, needle[, start[, nth]])",
			"Returns the 1-based position of the nth (default 1) occurrence of needle in string searching from position start (default 1; negative searches backwards from the end), or 0 if absent.",
			"INSTR('Hello', 'lo') → 4", "INSTR('abcabc', 'b', -1) → 5", "INSTR('abcabc', 'b', 1, 2) → 5"), Bind: bindInstr},
		&expr.ScalarFunction{Name: "REPLACE", Doc: docOf("String", "REPLACE(string, search, replacement)",
			"Replaces every non-overlapping occurrence of search in string with replacement.", "REPLACE('hello world', 'world', 'flink') → 'hello flink'"),
			Bind: bindStrN("REPLACE", "REPLACE(STRING, STRING, STRING)", func(dst []byte, s []string) ([]byte, bool) {
				return append(dst, strings.ReplaceAll(s[0], s[1], s[2])...), true
			}, isStrArg, isStrArg, isStrArg)},
		&expr.ScalarFunction{Name: "LPAD", Doc: docOf("String", "LPAD(string, length, pad)",
			"Left-pads string with pad to length characters, or truncates it to length; NULL if length is negative or pad is empty.",
			"LPAD('hi', 4, '??') → '??hi'", "LPAD('hi', 1, '??') → 'h'"), Bind: bindPad("LPAD", true)},
		&expr.ScalarFunction{Name: "RPAD", Doc: docOf("String", "RPAD(string, length, pad)",
			"Right-pads string with pad to length characters, or truncates it to length; NULL if length is negative or pad is empty.",
			"RPAD('hi', 4, '??') → 'hi??'", "RPAD('hi', 1, '??') → 'h'"), Bind: bindPad("RPAD", false)},
		&expr.ScalarFunction{Name: "REPEAT", Doc: docOf("String", "REPEAT(string, n)",
			"Returns string repeated n times; an empty string if n is not positive.", "REPEAT('ab', 3) → 'ababab'"),
			Bind: bindStrN("REPEAT", "REPEAT(STRING, INT)", nil, isStrArg, isIntArg)},
		&expr.ScalarFunction{Name: "SPLIT_INDEX", Doc: docOf("String", "SPLIT_INDEX(string, delimiter, index)",
			"Splits string by delimiter and returns the index-th (0-based) part; NULL if index is negative or out of range.",
			"SPLIT_INDEX('a,b,c', ',', 1) → 'b'"), Bind: bindSplitIndex},
		&expr.ScalarFunction{Name: "ASCII", Doc: docOf("String", "ASCII(string)",
			"Returns the numeric code of the first character of string; 0 for an empty string.", "ASCII('abc') → 97"), Bind: bindASCII},
		&expr.ScalarFunction{Name: "CHR", Doc: docOf("String", "CHR(n)",
			"Returns the character whose code is the low byte of n (n modulo 256); an empty string if n is negative.", "CHR(97) → 'a'", "CHR(353) → 'a'"), Bind: bindChr},
		&expr.ScalarFunction{Name: "ELT", Doc: docOf("String", "ELT(index, expr1, expr2, ...)",
			"Returns the index-th (1-based) expression; NULL if index is NULL or out of range.", "ELT(2, 'a', 'b', 'c') → 'b'"), Bind: bindElt},
	)
}

// runeOff returns the byte offset of character n of s (len(s) past the end).
func runeOff(s string, n int) int {
	if n <= 0 {
		return 0
	}
	c := 0
	for i := range s {
		if c == n {
			return i
		}
		c++
	}
	return len(s)
}

// substringSQL implements Flink's SUBSTRING(s, pos, length) on characters.
func substringSQL(s string, pos, length int64) (string, bool) {
	if length < 0 {
		return "", false
	}
	var start int64
	switch {
	case pos > 0:
		start = pos - 1
	case pos < 0:
		start = int64(utf8.RuneCountInString(s)) + pos
		if start < 0 {
			return "", true
		}
	}
	b := runeOff(s, int(min(start, int64(len(s)))))
	rest := s[b:]
	if length >= int64(len(rest)) {
		return rest, true
	}
	return rest[:runeOff(rest, int(length))], true
}

func bindSubstring(name string) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING, INT[, INT])", args, 2, 3, isStrArg, isIntArg, isIntArg); err != nil {
			return types.Null, nil, err
		}
		k := strKernel(false, func(a []arrow.Array) rowFunc {
			s, pos := strAt(a[0]), intAt(a[1])
			n := func(int) int64 { return 1 << 40 }
			if len(a) == 3 {
				n = intAt(a[2])
			}
			return func(i int, dst []byte) ([]byte, bool) {
				r, ok := substringSQL(s(i), pos(i), n(i))
				return append(dst, r...), ok
			}
		})
		return types.String.WithNullable(true), k, nil
	}
}

func bindLeftRight(name string, left bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING, INT)", args, 2, 2, isStrArg, isIntArg); err != nil {
			return types.Null, nil, err
		}
		k := strKernel(false, func(a []arrow.Array) rowFunc {
			s, n := strAt(a[0]), intAt(a[1])
			return func(i int, dst []byte) ([]byte, bool) {
				v, k := s(i), n(i)
				if k <= 0 {
					return dst, true
				}
				if left {
					return append(dst, v[:runeOff(v, int(min(k, int64(len(v)))))]...), true
				}
				c := int64(utf8.RuneCountInString(v))
				if k >= c {
					return append(dst, v...), true
				}
				return append(dst, v[runeOff(v, int(c-k)):]...), true
			}
		})
		return types.String.WithNullable(argsNullable(args)), k, nil
	}
}

func bindOverlay(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("OVERLAY", "OVERLAY(STRING PLACING STRING FROM INT [FOR INT])", args, 3, 4, isStrArg, isStrArg, isIntArg, isIntArg); err != nil {
		return types.Null, nil, err
	}
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		s, r, pos := strAt(a[0]), strAt(a[1]), intAt(a[2])
		var n func(int) int64
		if len(a) == 4 {
			n = intAt(a[3])
		}
		return func(i int, dst []byte) ([]byte, bool) {
			v, rep, p := s(i), r(i), pos(i)
			l := int64(utf8.RuneCountInString(rep))
			if n != nil {
				l = n(i)
			}
			chars := int64(utf8.RuneCountInString(v))
			if p <= 0 || p > chars {
				return append(dst, v...), true
			}
			cut := runeOff(v, int(p-1))
			dst = append(dst, v[:cut]...)
			dst = append(dst, rep...)
			if l > 0 && p+l <= chars {
				tail := v[cut:]
				dst = append(dst, tail[runeOff(tail, int(l)):]...)
			}
			return dst, true
		}
	})
	return types.String.WithNullable(argsNullable(args)), k, nil
}

// bindLocate binds POSITION/LOCATE(needle, s[, start]) and INSTR(s, needle).
func bindLocate(name string, haystackFirst bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	maxArgs := 3
	if name != "LOCATE" {
		maxArgs = 2
	}
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING, STRING)", args, 2, maxArgs, isStrArg, isStrArg, isIntArg); err != nil {
			return types.Null, nil, err
		}
		k := numKernel(arrow.PrimitiveTypes.Int32, func(a []arrow.Array) func(int) (int32, bool) {
			needle, hay := strAt(a[0]), strAt(a[1])
			if haystackFirst {
				needle, hay = hay, needle
			}
			from := func(int) int64 { return 1 }
			if len(a) == 3 {
				from = intAt(a[2])
			}
			return func(i int) (int32, bool) {
				h, f := hay(i), from(i)
				if f < 1 || f-1 > int64(len(h)) {
					return 0, true
				}
				off := runeOff(h, int(f-1))
				j := strings.Index(h[off:], needle(i))
				if j < 0 {
					return 0, true
				}
				return int32(f) + int32(utf8.RuneCountInString(h[off:off+j])), true
			}
		})
		return types.Int.WithNullable(argsNullable(args)), k, nil
	}
}

// bindStrN binds a strict function of string and integer arguments; a
// nil fn selects REPEAT, the only (STRING, INT) user so far.
func bindStrN(name, sig string, fn func(dst []byte, s []string) ([]byte, bool), checks ...func(types.DataType) bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, sig, args, len(checks), len(checks), checks...); err != nil {
			return types.Null, nil, err
		}
		var k expr.Kernel
		if fn == nil {
			k = strKernelErr(false, func(a []arrow.Array) rowFuncErr {
				s, n := strAt(a[0]), intAt(a[1])
				return func(i int, dst []byte) ([]byte, bool, error) {
					v, c := s(i), n(i)
					if c > 0 {
						if err := checkStrBytes(name, satMul(c, int64(len(v)))); err != nil {
							return dst, false, err
						}
					}
					if v == "" {
						return dst, true, nil // and no 2^31 empty appends
					}
					for ; c > 0; c-- {
						dst = append(dst, v...)
					}
					return dst, true, nil
				}
			})
		} else {
			k = strKernel(false, func(a []arrow.Array) rowFunc {
				ss := make([]func(int) string, len(a))
				for j := range a {
					ss[j] = strAt(a[j])
				}
				vals := make([]string, len(a))
				return func(i int, dst []byte) ([]byte, bool) {
					for j, s := range ss {
						vals[j] = s(i)
					}
					return fn(dst, vals)
				}
			})
		}
		return types.String.WithNullable(argsNullable(args)), k, nil
	}
}

func bindPad(name string, left bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING, INT, STRING)", args, 3, 3, isStrArg, isIntArg, isStrArg); err != nil {
			return types.Null, nil, err
		}
		k := strKernelErr(false, func(a []arrow.Array) rowFuncErr {
			s, n, p := strAt(a[0]), intAt(a[1]), strAt(a[2])
			return func(i int, dst []byte) ([]byte, bool, error) {
				v, l, pad := s(i), n(i), p(i)
				if l < 0 || pad == "" {
					return dst, false, nil
				}
				c := int64(utf8.RuneCountInString(v))
				if l <= c {
					return append(dst, v[:runeOff(v, int(l))]...), true, nil
				}
				perChar := int64(1) // bytes per pad character, at most
				if utf8.RuneCountInString(pad) != len(pad) {
					perChar = utf8.UTFMax
				}
				if err := checkStrBytes(name, satAdd(int64(len(v)), satMul(l-c, perChar))); err != nil {
					return dst, false, err
				}
				if !left {
					dst = append(dst, v...)
				}
				padChars := []rune(pad)
				for j := int64(0); j < l-c; j++ {
					dst = utf8.AppendRune(dst, padChars[j%int64(len(padChars))])
				}
				if left {
					dst = append(dst, v...)
				}
				return dst, true, nil
			}
		})
		return types.String.WithNullable(true), k, nil
	}
}

func bindSplitIndex(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("SPLIT_INDEX", "SPLIT_INDEX(STRING, STRING, INT)", args, 3, 3, isStrArg, isStrArg, isIntArg); err != nil {
		return types.Null, nil, err
	}
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		s, d, n := strAt(a[0]), strAt(a[1]), intAt(a[2])
		return func(i int, dst []byte) ([]byte, bool) {
			v, delim, idx := s(i), d(i), n(i)
			if idx < 0 || v == "" {
				return dst, false
			}
			// An empty delimiter splits at every white-space character,
			// as commons-lang's splitByWholeSeparatorPreserveAllTokens.
			next := func(v string) (int, int) {
				if delim == "" {
					j := strings.IndexFunc(v, unicode.IsSpace)
					if j < 0 {
						return -1, 0
					}
					_, w := utf8.DecodeRuneInString(v[j:])
					return j, w
				}
				return strings.Index(v, delim), len(delim)
			}
			for ; idx > 0; idx-- {
				j, w := next(v)
				if j < 0 {
					return dst, false
				}
				v = v[j+w:]
			}
			if j, _ := next(v); j >= 0 {
				v = v[:j]
			}
			return append(dst, v...), true
		}
	})
	if delim, ok := constStr(args[1]); ok && delim != "" {
		if idx, ok := constInt(args[2]); ok {
			k = splitIndexConst(delim, idx, k)
		}
	}
	return types.String.WithNullable(true), k, nil
}

func bindASCII(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("ASCII", "ASCII(STRING)", args, 1, 1, isStrArg); err != nil {
		return types.Null, nil, err
	}
	k := numKernel(arrow.PrimitiveTypes.Int32, func(a []arrow.Array) func(int) (int32, bool) {
		s := strAt(a[0])
		return func(i int) (int32, bool) {
			v := s(i)
			if v == "" {
				return 0, true
			}
			r, _ := utf8.DecodeRuneInString(v)
			return int32(r), true
		}
	})
	return types.Int.WithNullable(argsNullable(args)), k, nil
}

func bindChr(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("CHR", "CHR(INT)", args, 1, 1, isIntArg); err != nil {
		return types.Null, nil, err
	}
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		n := intAt(a[0])
		return func(i int, dst []byte) ([]byte, bool) {
			c := n(i)
			if c < 0 {
				return dst, true
			}
			return utf8.AppendRune(dst, rune(c&0xFF)), true
		}
	})
	return types.String.WithNullable(argsNullable(args)), k, nil
}

func bindElt(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) < 2 || !isIntArg(args[0].Type) {
		return types.Null, nil, sigErr("ELT", args, "ELT(INT, STRING, ...) or ELT(INT, BYTES, ...)")
	}
	bin := false
	for _, a := range args[1:] {
		switch {
		case isStrArg(a.Type):
		case a.Type.Kind.IsBinary():
			bin = true
		default:
			return types.Null, nil, sigErr("ELT", args, "ELT(INT, STRING, ...) or ELT(INT, BYTES, ...)")
		}
	}
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		idx := intAt(a[0])
		ss := make([]func(int) string, len(a))
		for j := 1; j < len(a); j++ {
			ss[j] = strAt(a[j])
		}
		out := newStrCol(rows, rowsDataHint(a))
		for i := 0; i < rows; i++ {
			if isNullAt(a[0], i) {
				out.null()
				continue
			}
			n := idx(i)
			if n < 1 || n >= int64(len(a)) || isNullAt(a[n], i) {
				out.null()
				continue
			}
			out.add(ss[n](i))
		}
		return out.finish(bin), nil
	}
	t := types.String
	if bin {
		t = types.Bytes
	}
	return t, k, nil
}

// charIndex returns the 0-based character index of the first needle in h
// at or after character from, or -1.
func charIndex(h, needle string, from int64) int64 {
	if from < 0 {
		from = 0
	}
	off := runeOff(h, int(min(from, int64(len(h)))))
	j := strings.Index(h[off:], needle)
	if j < 0 || (off == len(h) && from > int64(utf8.RuneCountInString(h))) {
		return -1
	}
	return from + int64(utf8.RuneCountInString(h[off:off+j]))
}

// instrPos implements Flink's INSTR; start < 0 searches the reversed strings.
func instrPos(str, sub string, start, nth int64) int64 {
	switch {
	case start == 0:
		return 0
	case start > 0:
		var index int64
		for k := int64(0); k < nth; k++ {
			index = charIndex(str, sub, start-1) + 1
			if index == 0 {
				return 0
			}
			start = index + 1
		}
		return index
	}
	var rs, rsub []byte
	rs, rsub = reverseStr(rs, str), reverseStr(rsub, sub)
	pos := instrPos(string(rs), string(rsub), -start, nth)
	if pos == 0 {
		return 0
	}
	return int64(utf8.RuneCountInString(str)) + 2 - pos - int64(utf8.RuneCountInString(sub))
}

func bindInstr(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("INSTR", "INSTR(STRING, STRING[, INT[, INT]])", args, 2, 4, isStrArg, isStrArg, isIntArg, isIntArg); err != nil {
		return types.Null, nil, err
	}
	k := func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		var bad error
		out, _ := numKernel(arrow.PrimitiveTypes.Int32, func(a []arrow.Array) func(int) (int32, bool) {
			s, sub := strAt(a[0]), strAt(a[1])
			start, nth := func(int) int64 { return 1 }, func(int) int64 { return 1 }
			if len(a) > 2 {
				start = intAt(a[2])
			}
			if len(a) > 3 {
				nth = intAt(a[3])
			}
			return func(i int) (int32, bool) {
				n := nth(i)
				if n <= 0 {
					bad = fmt.Errorf("INSTR: nth appearance must be positive, got %d", n)
					return 0, false
				}
				return int32(instrPos(s(i), sub(i), start(i), n)), true
			}
		})(ctx, a, rows)
		return out, bad
	}
	return types.Int.WithNullable(argsNullable(args)), k, nil
}
