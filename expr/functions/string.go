package functions

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// String functions: concatenation, case, length and trimming. Positional
// functions (SUBSTRING, LPAD, ...) live in string_pos.go, encodings in
// string_codec.go.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "||", Doc: docOf("String", "string1 || string2",
			"Returns the concatenation of string1 and string2; NULL if either is NULL.",
			"'ab' || 'cd' → 'abcd'"), Bind: bindConcat("||", 2, 2)},
		&expr.ScalarFunction{Name: "CONCAT", Doc: docOf("String", "CONCAT(string1, string2, ...)",
			"Returns the concatenation of all arguments; NULL if any argument is NULL.",
			"CONCAT('AA', 'BB', 'CC') → 'AABBCC'"), Bind: bindConcat("CONCAT", 1, -1)},
		&expr.ScalarFunction{Name: "CONCAT_WS", Doc: docOf("String", "CONCAT_WS(separator, string1, string2, ...)",
			"Concatenates the strings with separator between them, skipping NULL strings; NULL only if separator is NULL.",
			"CONCAT_WS('~', 'AA', NULL, 'BB', '', 'CC') → 'AA~BB~~CC'"), Bind: bindConcatWS},
		&expr.ScalarFunction{Name: "UPPER", Doc: docOf("String", "UPPER(string)",
			"Returns string in upper case.", "UPPER('hi') → 'HI'"), Bind: bindStrMap("UPPER", caseKernel(true))},
		&expr.ScalarFunction{Name: "LOWER", Doc: docOf("String", "LOWER(string)",
			"Returns string in lower case.", "LOWER('Hi') → 'hi'"), Bind: bindStrMap("LOWER", caseKernel(false))},
		&expr.ScalarFunction{Name: "INITCAP", Doc: docOf("String", "INITCAP(string)",
			"Returns string with the first letter of each word in upper case and the rest in lower case; a word is a run of letters and digits.",
			"INITCAP('hello wORLD') → 'Hello World'"), Bind: bindStrMap("INITCAP", strKernel(false, rowsOf1(initcap)))},
		&expr.ScalarFunction{Name: "REVERSE", Doc: docOf("String", "REVERSE(string)",
			"Returns string with its characters in reverse order.", "REVERSE('abc') → 'cba'"),
			Bind: bindStrMap("REVERSE", strKernel(false, rowsOf1(reverseStr)))},
		&expr.ScalarFunction{Name: "CHAR_LENGTH", Doc: docOf("String", "CHAR_LENGTH(string)",
			"Returns the number of characters (not bytes) in string.", "CHAR_LENGTH('héllo') → 5"), Bind: bindCharLength("CHAR_LENGTH")},
		&expr.ScalarFunction{Name: "CHARACTER_LENGTH", Doc: docOf("String", "CHARACTER_LENGTH(string)",
			"Returns the number of characters (not bytes) in string; same as CHAR_LENGTH.", "CHARACTER_LENGTH('abc') → 3"), Bind: bindCharLength("CHARACTER_LENGTH")},
		&expr.ScalarFunction{Name: "TRIM", Doc: docOf("String", "TRIM([BOTH | LEADING | TRAILING] [chars] FROM string)",
			"Removes leading and/or trailing characters that occur in chars (a space by default) from string.",
			"TRIM('  hi  ') → 'hi'", "TRIM(BOTH 'x' FROM 'xxhixx') → 'hi'"), Bind: bindTrim("TRIM", true, true)},
		&expr.ScalarFunction{Name: "LTRIM", Doc: docOf("String", "LTRIM(string[, chars])",
			"Removes leading characters that occur in chars (a space by default) from string.",
			"LTRIM('  hi ') → 'hi '"), Bind: bindTrim("LTRIM", true, false)},
		&expr.ScalarFunction{Name: "RTRIM", Doc: docOf("String", "RTRIM(string[, chars])",
			"Removes trailing characters that occur in chars (a space by default) from string.",
			"RTRIM(' hi  ') → ' hi'"), Bind: bindTrim("RTRIM", false, true)},
		&expr.ScalarFunction{Name: "BTRIM", Doc: docOf("String", "BTRIM(string[, chars])",
			"Removes leading and trailing characters that occur in chars (a space by default) from string.",
			"BTRIM('xxhixx', 'x') → 'hi'"), Bind: bindTrim("BTRIM", true, true)},
	)
}

// docOf assembles a function's documentation.
func docOf(category, syntax, description string, examples ...string) expr.Doc {
	return expr.Doc{Category: category, Syntax: syntax, Description: description, Examples: examples}
}

// bindStrMap binds a one-argument STRING → STRING function.
func bindStrMap(name string, k expr.Kernel) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING)", args, 1, 1, isStrArg); err != nil {
			return types.Null, nil, err
		}
		return types.String.WithNullable(argsNullable(args)), k, nil
	}
}

// rowsOf1 adapts a string transform to strKernel's row form.
func rowsOf1(fn func(dst []byte, s string) []byte) func([]arrow.Array) rowFunc {
	return func(args []arrow.Array) rowFunc {
		s := strAt(args[0])
		return func(i int, dst []byte) ([]byte, bool) { return fn(dst, s(i)), true }
	}
}

func bindConcat(name string, min, max int) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING, STRING, ...)", args, min, max, isStrArg); err != nil {
			return types.Null, nil, err
		}
		k := strKernel(false, func(a []arrow.Array) rowFunc {
			ss := make([]func(int) string, len(a))
			for j := range a {
				ss[j] = strAt(a[j])
			}
			return func(i int, dst []byte) ([]byte, bool) {
				for _, s := range ss {
					dst = append(dst, s(i)...)
				}
				return dst, true
			}
		})
		return types.String.WithNullable(argsNullable(args)), k, nil
	}
}

func bindConcatWS(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("CONCAT_WS", "CONCAT_WS(STRING, STRING, ...)", args, 2, -1, isStrArg); err != nil {
		return types.Null, nil, err
	}
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		out := newStrCol(rows, rowsDataHint(a))
		ss := make([]func(int) string, len(a))
		for j := range a {
			ss[j] = strAt(a[j])
		}
		for i := 0; i < rows; i++ {
			if isNullAt(a[0], i) {
				out.null()
				continue
			}
			sep, first := ss[0](i), true
			for j := 1; j < len(a); j++ {
				if isNullAt(a[j], i) {
					continue
				}
				if !first {
					out.data = append(out.data, sep...)
				}
				out.data = append(out.data, ss[j](i)...)
				first = false
			}
			out.commit()
		}
		return out.finish(false), nil
	}
	return types.String.WithNullable(args[0].Type.Nullable()), k, nil
}

// caseKernel converts case. When the whole data buffer is ASCII the
// offsets and validity are kept and only the bytes are mapped, which is
// the common case and several times faster than going row by row.
func caseKernel(upper bool) expr.Kernel {
	slow := strKernel(false, rowsOf1(func(dst []byte, s string) []byte {
		for _, r := range s {
			if upper {
				r = unicode.ToUpper(r)
			} else {
				r = unicode.ToLower(r)
			}
			dst = utf8.AppendRune(dst, r)
		}
		return dst
	}))
	return func(ctx *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		in, ok := args[0].(*array.String)
		if !ok {
			return slow(ctx, args, rows)
		}
		offs := in.ValueOffsets()
		base := offs[0]
		src := in.ValueBytes() // already the rows' byte range
		data := make([]byte, len(src))
		if !asciiCase(data, src, upper) {
			return slow(ctx, args, rows)
		}
		newOffs := make([]int32, len(offs))
		for j, o := range offs {
			newOffs[j] = o - base
		}
		var valid *memory.Buffer
		if in.NullN() > 0 {
			v := make([]byte, bitutil.BytesForBits(int64(rows)))
			bitutil.CopyBitmap(in.NullBitmapBytes(), in.Data().Offset(), rows, v, 0)
			valid = memory.NewBufferBytes(v)
		}
		d := array.NewData(arrow.BinaryTypes.String, rows, []*memory.Buffer{valid,
			memory.NewBufferBytes(arrow.GetBytes(newOffs)), memory.NewBufferBytes(data)}, nil, in.NullN(), 0)
		defer d.Release()
		return array.MakeFromData(d), nil
	}
}

// asciiCase maps src to dst in upper (or lower) case eight bytes at a
// time; it reports false, leaving dst partly written, if src is not ASCII.
func asciiCase(dst, src []byte, upper bool) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	lo, hi := uint64('a'), uint64('z')
	if !upper {
		lo, hi = 'A', 'Z'
	}
	j := 0
	for ; j+8 <= len(src); j += 8 {
		x := binary.LittleEndian.Uint64(src[j:])
		if x&highs != 0 {
			return false
		}
		// Bytes in [lo, hi] get their high bit set in inRange; flipping
		// bit 5 of exactly those bytes switches their case.
		aboveLo := x + (0x80-lo)*ones
		aboveHi := x + (0x80-hi-1)*ones
		inRange := (aboveLo ^ aboveHi) & highs
		binary.LittleEndian.PutUint64(dst[j:], x^(inRange>>2))
	}
	for ; j < len(src); j++ {
		c := src[j]
		if c >= utf8.RuneSelf {
			return false
		}
		if uint64(c) >= lo && uint64(c) <= hi {
			c ^= 0x20
		}
		dst[j] = c
	}
	return true
}

// initcap follows Flink: a letter is upper-cased when it follows a
// character that is neither a letter nor a digit.
func initcap(dst []byte, s string) []byte {
	capNext := true
	for _, r := range s {
		if capNext {
			r = unicode.ToUpper(r)
		} else {
			r = unicode.ToLower(r)
		}
		dst = utf8.AppendRune(dst, r)
		capNext = !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	return dst
}

func reverseStr(dst []byte, s string) []byte {
	for j := len(s); j > 0; {
		_, n := utf8.DecodeLastRuneInString(s[:j])
		dst = append(dst, s[j-n:j]...)
		j -= n
	}
	return dst
}

func bindCharLength(name string) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING)", args, 1, 1, isStrArg); err != nil {
			return types.Null, nil, err
		}
		k := numKernel(arrow.PrimitiveTypes.Int32, func(a []arrow.Array) func(int) (int32, bool) {
			s := strAt(a[0])
			return func(i int) (int32, bool) { return int32(utf8.RuneCountInString(s(i))), true }
		})
		return types.Int.WithNullable(argsNullable(args)), k, nil
	}
}

// bindTrim binds TRIM/LTRIM/RTRIM/BTRIM(string[, chars]); chars is a set
// of characters, as in Flink, not a substring.
func bindTrim(name string, left, right bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if err := checkSig(name, name+"(STRING[, STRING])", args, 1, 2, isStrArg); err != nil {
			return types.Null, nil, err
		}
		trim := func(s, cut string) string {
			switch {
			case left && right:
				return strings.Trim(s, cut)
			case left:
				return strings.TrimLeft(s, cut)
			}
			return strings.TrimRight(s, cut)
		}
		k := strKernel(false, func(a []arrow.Array) rowFunc {
			s := strAt(a[0])
			cut := func(int) string { return " " }
			if len(a) == 2 {
				cut = strAt(a[1])
			}
			return func(i int, dst []byte) ([]byte, bool) { return append(dst, trim(s(i), cut(i))...), true }
		})
		return types.String.WithNullable(argsNullable(args)), k, nil
	}
}
