package functions

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Casts to CHAR/VARCHAR and BINARY/VARBINARY. Text follows types.Format
// (Flink's CAST(x AS STRING)); BYTES → STRING decodes UTF-8 as Flink does
// since 1.15. A bounded target is enforced: VARCHAR(n) truncates, CHAR(n)
// also pads with spaces (BINARY(n) with zero bytes).

func castToString(from, to types.DataType) castFn {
	conv := formatFunc(from)
	if conv == nil {
		return nil
	}
	if to.Length == types.MaxLength || to.Length <= 0 ||
		(to.Kind == types.KindVarChar && from.Kind.IsString() && from.Length <= to.Length) {
		return conv
	}
	n, pad := to.Length, to.Kind == types.KindChar
	return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
		s, err := conv(ctx, a, try)
		if err != nil {
			return nil, err
		}
		return mapString(s, false, func(dst []byte, v string) ([]byte, bool, error) {
			return fitChars(dst, v, n, pad), true, nil
		})
	}
}

// fitChars appends s cut to n characters, space-padded to n when pad.
func fitChars(dst []byte, s string, n int, pad bool) []byte {
	count := 0
	for i := range s {
		if count == n {
			return append(dst, s[:i]...)
		}
		count++
	}
	dst = append(dst, s...)
	for ; pad && count < n; count++ {
		dst = append(dst, ' ')
	}
	return dst
}

// formatFunc returns the conversion of a column of type from to STRING.
func formatFunc(from types.DataType) castFn {
	ok := func(f func(a arrow.Array) arrow.Array) castFn {
		return func(_ *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) { return f(a), nil }
	}
	switch from.Kind {
	case types.KindChar, types.KindVarChar:
		return castIdentity
	case types.KindBoolean:
		return ok(func(a arrow.Array) arrow.Array {
			b := a.(*array.Boolean)
			return formatRows(a, func(dst []byte, i int) []byte {
				if b.Value(i) {
					return append(dst, "TRUE"...)
				}
				return append(dst, "FALSE"...)
			})
		})
	case types.KindTinyInt:
		return ok(formatInts[int8])
	case types.KindSmallInt:
		return ok(formatInts[int16])
	case types.KindInt:
		return ok(formatInts[int32])
	case types.KindBigInt:
		return ok(formatInts[int64])
	case types.KindFloat:
		return ok(func(a arrow.Array) arrow.Array {
			v := fixedValues[float32](a)
			return formatRows(a, func(dst []byte, i int) []byte {
				return append(dst, types.FormatJavaDouble(float64(v[i]), 32)...)
			})
		})
	case types.KindDouble:
		return ok(func(a arrow.Array) arrow.Array {
			v := fixedValues[float64](a)
			return formatRows(a, func(dst []byte, i int) []byte {
				return append(dst, types.FormatJavaDouble(v[i], 64)...)
			})
		})
	case types.KindDecimal:
		return ok(func(a arrow.Array) arrow.Array {
			v := fixedValues[decimal128.Num](a)
			return formatRows(a, func(dst []byte, i int) []byte { return appendDecimal(dst, v[i], from.Scale) })
		})
	case types.KindDate:
		return ok(func(a arrow.Array) arrow.Array {
			v := fixedValues[int32](a)
			return formatRows(a, func(dst []byte, i int) []byte { return appendDate(dst, int64(v[i])) })
		})
	case types.KindTime:
		return ok(func(a arrow.Array) arrow.Array {
			v := fixedValues[int32](a)
			return formatRows(a, func(dst []byte, i int) []byte { return append(dst, types.FormatTime(v[i], from.Prec)...) })
		})
	case types.KindTimestamp:
		return ok(func(a arrow.Array) arrow.Array {
			v := fixedValues[int64](a)
			return formatRows(a, func(dst []byte, i int) []byte { return appendTimestamp(dst, v[i], from.Prec) })
		})
	case types.KindTimestampLTZ:
		return func(ctx *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
			v := fixedValues[int64](a)
			loc := ctxLoc(ctx)
			return formatRows(a, func(dst []byte, i int) []byte {
				return appendTimestamp(dst, wallMicros(v[i], loc), from.Prec)
			}), nil
		}
	case types.KindBinary, types.KindVarBinary:
		return ok(func(a arrow.Array) arrow.Array {
			b := a.(*array.Binary)
			return formatRows(a, func(dst []byte, i int) []byte {
				v := b.Value(i)
				if utf8.Valid(v) {
					return append(dst, v...)
				}
				return append(dst, strings.ToValidUTF8(string(v), "\uFFFD")...)
			})
		})
	case types.KindNull:
		return nil
	}
	// Intervals and nested types: the slow, generic formatter.
	return func(ctx *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
		loc := ctxLoc(ctx)
		return formatRows(a, func(dst []byte, i int) []byte {
			return append(dst, types.Format(types.Value(a, i), from, loc, "NULL")...)
		}), nil
	}
}

// formatRows builds a STRING column from f applied to each non-NULL row.
func formatRows(a arrow.Array, f func(dst []byte, i int) []byte) arrow.Array {
	rows := a.Len()
	out := newStrCol(rows, rows*8)
	for i := 0; i < rows; i++ {
		if a.IsValid(i) {
			out.data = f(out.data, i)
			out.commit()
		} else {
			out.null()
		}
	}
	return out.finish(false)
}

func formatInts[T integer](a arrow.Array) arrow.Array {
	v := fixedValues[T](a)
	return formatRows(a, func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(v[i]), 10) })
}

// appendDecimal formats an unscaled decimal without big.Int when it fits
// in an int64.
func appendDecimal(dst []byte, n decimal128.Num, scale int) []byte {
	hi, lo := n.HighBits(), int64(n.LowBits())
	if !((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) || lo == -1<<63 {
		return append(dst, types.FormatDecimal(n, scale)...)
	}
	if lo < 0 {
		dst = append(dst, '-')
		lo = -lo
	}
	var tmp [24]byte
	digits := strconv.AppendInt(tmp[:0], lo, 10)
	if scale <= 0 {
		return append(dst, digits...)
	}
	if len(digits) <= scale {
		dst = append(dst, '0', '.')
		for i := len(digits); i < scale; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:len(digits)-scale]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-scale:]...)
}

func ctxLoc(ctx *expr.Context) *time.Location {
	if ctx == nil || ctx.Loc == nil {
		return time.UTC
	}
	return ctx.Loc
}

func castToBinary(from, to types.DataType) castFn {
	var conv castFn
	switch {
	case from.Kind.IsBinary():
		conv = castIdentity
	case from.Kind.IsString():
		conv = func(_ *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
			return mapString(a, true, func(dst []byte, s string) ([]byte, bool, error) { return append(dst, s...), true, nil })
		}
	default:
		return nil
	}
	if to.Length == types.MaxLength || to.Length <= 0 ||
		(to.Kind == types.KindVarBinary && from.Kind.IsBinary() && from.Length <= to.Length) {
		return conv
	}
	n, pad := to.Length, to.Kind == types.KindBinary
	return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
		b, err := conv(ctx, a, try)
		if err != nil {
			return nil, err
		}
		return mapString(b, true, func(dst []byte, s string) ([]byte, bool, error) {
			if len(s) > n {
				s = s[:n]
			}
			dst = append(dst, s...)
			for i := len(s); pad && i < n; i++ {
				dst = append(dst, 0)
			}
			return dst, true, nil
		})
	}
}
