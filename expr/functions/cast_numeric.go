package functions

import (
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Casts to TINYINT..BIGINT, FLOAT and DOUBLE. Flink converts between
// numbers like Java primitives: integer narrowing keeps the low bits,
// floating point to integer truncates and saturates (NaN → 0). Strings are
// trimmed and parsed strictly.

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64
}

type float interface{ ~float32 | ~float64 }

func castToNumber(from, to types.DataType) castFn {
	dt := types.ArrowType(to)
	switch k := from.Kind; {
	case k.IsInteger() || k.IsApprox():
		return func(_ *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
			switch k {
			case types.KindTinyInt:
				return intToNumber[int8](a, to.Kind, dt), nil
			case types.KindSmallInt:
				return intToNumber[int16](a, to.Kind, dt), nil
			case types.KindInt:
				return intToNumber[int32](a, to.Kind, dt), nil
			case types.KindBigInt:
				return intToNumber[int64](a, to.Kind, dt), nil
			case types.KindFloat:
				return floatToNumber[float32](a, to.Kind, dt), nil
			default:
				return floatToNumber[float64](a, to.Kind, dt), nil
			}
		}
	case k == types.KindDecimal:
		return func(_ *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
			scale := int32(from.Scale)
			if to.Kind.IsApprox() {
				f := mapUnary(a, arrow.PrimitiveTypes.Float64, func(n decimal128.Num) float64 { return decToFloat(n, scale) })
				return floatToNumber[float64](f, to.Kind, dt), nil
			}
			l := mapUnary(a, arrow.PrimitiveTypes.Int64, func(n decimal128.Num) int64 { return decToLong(n, scale) })
			return intToNumber[int64](l, to.Kind, dt), nil
		}
	case k == types.KindBoolean:
		return func(_ *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
			return intToNumber[int8](boolToInt8(a), to.Kind, dt), nil
		}
	case k.IsString():
		return func(_ *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			return stringToNumber(a, from, to, try)
		}
	}
	return nil
}

func intToNumber[I integer](a arrow.Array, k types.Kind, dt arrow.DataType) arrow.Array {
	switch k {
	case types.KindTinyInt:
		return mapUnary(a, dt, func(v I) int8 { return int8(v) })
	case types.KindSmallInt:
		return mapUnary(a, dt, func(v I) int16 { return int16(v) })
	case types.KindInt:
		return mapUnary(a, dt, func(v I) int32 { return int32(v) })
	case types.KindBigInt:
		return mapUnary(a, dt, func(v I) int64 { return int64(v) })
	case types.KindFloat:
		return mapUnary(a, dt, func(v I) float32 { return float32(v) })
	default:
		return mapUnary(a, dt, func(v I) float64 { return float64(v) })
	}
}

func floatToNumber[F float](a arrow.Array, k types.Kind, dt arrow.DataType) arrow.Array {
	switch k {
	case types.KindTinyInt:
		return mapUnary(a, dt, func(v F) int8 { return int8(javaD2I(float64(v))) })
	case types.KindSmallInt:
		return mapUnary(a, dt, func(v F) int16 { return int16(javaD2I(float64(v))) })
	case types.KindInt:
		return mapUnary(a, dt, func(v F) int32 { return javaD2I(float64(v)) })
	case types.KindBigInt:
		return mapUnary(a, dt, func(v F) int64 { return javaD2L(float64(v)) })
	case types.KindFloat:
		return mapUnary(a, dt, func(v F) float32 { return float32(v) })
	default:
		return mapUnary(a, dt, func(v F) float64 { return float64(v) })
	}
}

// javaD2L converts like Java's (long) d: truncation, saturation, NaN → 0.
func javaD2L(d float64) int64 {
	switch {
	case d != d:
		return 0
	case d >= math.MaxInt64:
		return math.MaxInt64
	case d <= math.MinInt64:
		return math.MinInt64
	}
	return int64(d)
}

// javaD2I converts like Java's (int) d.
func javaD2I(d float64) int32 {
	switch {
	case d != d:
		return 0
	case d >= math.MaxInt32:
		return math.MaxInt32
	case d <= math.MinInt32:
		return math.MinInt32
	}
	return int32(d)
}

func boolToInt8(a arrow.Array) arrow.Array {
	b := a.(*array.Boolean)
	out := make([]int8, b.Len())
	for i := range out {
		if b.Value(i) {
			out[i] = 1
		}
	}
	valid, nulls := unionValidity(len(out), a)
	return newFixedArray(arrow.PrimitiveTypes.Int8, out, valid, nulls)
}

// stringToNumber parses a string column. Integers accept an optional sign
// and a fractional part that is dropped (as Flink's BinaryStringData
// parsing); values outside the target range are invalid.
func stringToNumber(a arrow.Array, from, to types.DataType, try bool) (arrow.Array, error) {
	rows := a.Len()
	get := strAt(a)
	valid := validBits(rows, a)
	dt := types.ArrowType(to)
	if to.Kind.IsApprox() {
		out := make([]float64, rows)
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				continue
			}
			f, ok := parseJavaDouble(get(i))
			if !ok {
				if _, err := castFail(try, get(i), from, to); err != nil {
					return nil, err
				}
				bitutil.ClearBit(valid, i)
			}
			out[i] = f
		}
		vb, nulls := finishValidity(valid, rows)
		f := newFixedArray(arrow.PrimitiveTypes.Float64, out, vb, nulls)
		return floatToNumber[float64](f, to.Kind, dt), nil
	}
	lo, hi := intRange(to.Kind)
	out := make([]int64, rows)
	for i := 0; i < rows; i++ {
		if !bitutil.BitIsSet(valid, i) {
			continue
		}
		v, ok := parseJavaLong(get(i))
		if !ok || v < lo || v > hi {
			if _, err := castFail(try, get(i), from, to); err != nil {
				return nil, err
			}
			bitutil.ClearBit(valid, i)
		}
		out[i] = v
	}
	vb, nulls := finishValidity(valid, rows)
	return intToNumber[int64](newFixedArray(arrow.PrimitiveTypes.Int64, out, vb, nulls), to.Kind, dt), nil
}

func intRange(k types.Kind) (int64, int64) {
	switch k {
	case types.KindTinyInt:
		return math.MinInt8, math.MaxInt8
	case types.KindSmallInt:
		return math.MinInt16, math.MaxInt16
	case types.KindInt:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// javaTrim removes leading and trailing characters <= ' ', as Java's
// String.trim, which Flink applies before parsing.
func javaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// parseJavaLong parses [+-]digits[.digits] after trimming.
func parseJavaLong(s string) (int64, bool) {
	s = javaTrim(s)
	intPart, frac, hasDot := strings.Cut(s, ".")
	if hasDot {
		for i := 0; i < len(frac); i++ {
			if frac[i] < '0' || frac[i] > '9' {
				return 0, false
			}
		}
	}
	if intPart == "" || intPart == "+" || intPart == "-" {
		return 0, false
	}
	v, err := strconv.ParseInt(intPart, 10, 64)
	return v, err == nil
}

// parseJavaDouble parses like Java's Double.parseDouble: trimmed, with an
// optional d/f suffix, "NaN" and "Infinity".
func parseJavaDouble(s string) (float64, bool) {
	s = javaTrim(s)
	switch s {
	case "NaN":
		return math.NaN(), true
	case "Infinity", "+Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	if n := len(s); n > 1 && strings.ContainsRune("dDfF", rune(s[n-1])) {
		s = s[:n-1]
	}
	if s == "" || strings.ContainsAny(s, "_nNiIxX") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return 0, false
	}
	return f, true
}

// castToBoolean: numbers are TRUE when non-zero; strings accept Flink's
// true/false words, case-insensitively.
func castToBoolean(from, to types.DataType) castFn {
	switch k := from.Kind; {
	case k == types.KindBoolean:
		return castIdentity
	case k.IsInteger() || k.IsApprox() || k == types.KindDecimal:
		return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			d, err := castToNumber(from, types.Double)(ctx, a, try)
			if err != nil {
				return nil, err
			}
			vals := fixedValues[float64](d)
			bits := make([]byte, bitutil.BytesForBits(int64(len(vals))))
			for i, v := range vals {
				if v != 0 {
					bitutil.SetBit(bits, i)
				}
			}
			valid, nulls := unionValidity(len(vals), a)
			return newBoolArray(bits, len(vals), valid, nulls), nil
		}
	case k.IsString():
		return func(_ *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			rows := a.Len()
			get := strAt(a)
			valid := validBits(rows, a)
			bits := make([]byte, len(valid))
			for i := 0; i < rows; i++ {
				if !bitutil.BitIsSet(valid, i) {
					continue
				}
				switch strings.ToLower(javaTrim(get(i))) {
				case "t", "true", "y", "yes", "1":
					bitutil.SetBit(bits, i)
				case "f", "false", "n", "no", "0":
				default:
					if _, err := castFail(try, get(i), from, to); err != nil {
						return nil, err
					}
					bitutil.ClearBit(valid, i)
				}
			}
			vb, nulls := finishValidity(valid, rows)
			return newBoolArray(bits, rows, vb, nulls), nil
		}
	}
	return nil
}
