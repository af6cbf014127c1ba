package functions

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// DECIMAL conversions. Flink rounds HALF_UP when a value loses scale and
// returns NULL (not an error) when it does not fit the target precision.

// pow10s[i] is 10^i for i in [0, 38].
var pow10s = func() [39]decimal128.Num {
	var p [39]decimal128.Num
	p[0] = decimal128.FromI64(1)
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1].Mul(decimal128.FromI64(10))
	}
	return p
}()

// decFits reports whether n has at most prec digits.
func decFits(n decimal128.Num, prec int) bool {
	if prec <= 0 {
		return n.Sign() == 0
	}
	if prec >= 38 {
		return n.Abs().Less(pow10s[38])
	}
	return n.Abs().Less(pow10s[prec])
}

// decRescale changes n's scale from `from` to `to`, rounding HALF_UP, and
// reports false if the result does not fit prec digits.
func decRescale(n decimal128.Num, from, to, prec int) (decimal128.Num, bool) {
	switch {
	case to == from:
	case to > from:
		inc := to - from
		if !decFits(n, prec-inc) {
			return n, false
		}
		n = n.Mul(pow10s[inc])
	default:
		d := from - to
		if d > 38 {
			return decimal128.Num{}, true
		}
		if v, ok := decInt64(n); ok && d <= 18 {
			// Fast path: 64-bit arithmetic instead of Num.Div's big.Int.
			unit := int64(1)
			for i := 0; i < d; i++ {
				unit *= 10
			}
			q, r := v/unit, v%unit
			if 2*abs64(r) >= unit {
				if v < 0 {
					q--
				} else {
					q++
				}
			}
			n = decimal128.FromI64(q)
			return n, decFits(n, prec)
		}
		q, r := n.Div(pow10s[d])
		if r.Abs().Mul(decimal128.FromI64(2)).GreaterEqual(pow10s[d]) {
			if n.Sign() < 0 {
				q = q.Sub(decimal128.FromI64(1))
			} else {
				q = q.Add(decimal128.FromI64(1))
			}
		}
		n = q
	}
	return n, decFits(n, prec)
}

// decInt64 returns n as an int64 when it fits (leaving headroom so that
// doubling a remainder cannot overflow).
func decInt64(n decimal128.Num) (int64, bool) {
	hi, lo := n.HighBits(), int64(n.LowBits())
	if (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) {
		if lo > -(1<<62) && lo < 1<<62 {
			return lo, true
		}
	}
	return 0, false
}

// decToLong truncates toward zero and keeps the low 64 bits, like Java's
// BigDecimal.longValue.
func decToLong(n decimal128.Num, scale int32) int64 {
	if scale > 0 {
		if scale > 38 {
			return 0
		}
		if v, ok := decInt64(n); ok && scale <= 18 {
			return v / int64(pow10s[scale].LowBits())
		}
		n, _ = n.Div(pow10s[scale])
	}
	return int64(n.LowBits())
}

// decToFloat converts exactly-rounded when cheap (|n| < 2^53, small
// scale: one correctly rounded division), else through the decimal string.
func decToFloat(n decimal128.Num, scale int32) float64 {
	if n.HighBits() == 0 || n.HighBits() == -1 {
		v := int64(n.LowBits())
		if (n.HighBits() == 0) == (v >= 0) && v > -(1<<53) && v < 1<<53 && scale <= 22 {
			return float64(v) / math.Pow10(int(scale))
		}
	}
	f, _ := strconv.ParseFloat(types.FormatDecimal(n, int(scale)), 64)
	return f
}

// parseDecimal parses a decimal literal ([+-]digits[.digits][e[+-]n]) into
// an unscaled value of the given scale, rounding HALF_UP. valid=false means
// the text is not a number; fits=false that it exceeds prec digits.
func parseDecimal(s string, prec, scale int) (n decimal128.Num, valid, fits bool) {
	s = javaTrim(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var mant []byte
	exp, digits, seenDot := 0, 0, false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if len(mant) > 0 || c != '0' {
				mant = append(mant, c)
			}
			if seenDot {
				exp--
			}
		case c == '.' && !seenDot:
			seenDot = true
		default:
			goto rest
		}
	}
rest:
	if digits == 0 {
		return n, false, false
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return n, false, false
		}
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return n, false, false
		}
		exp += e
	}
	shift := exp + scale // value = mant * 10^shift in units of 10^-scale
	if shift < 0 {
		drop := -shift
		roundUp := false
		if drop <= len(mant) {
			roundUp = mant[len(mant)-drop] >= '5'
			mant = mant[:len(mant)-drop]
		} else {
			mant = mant[:0]
		}
		shift = 0
		if len(mant) > 38 {
			return n, true, false
		}
		n = digitsToNum(mant)
		if roundUp {
			n = n.Add(decimal128.FromI64(1))
		}
	} else {
		if len(mant) > 0 && len(mant)+shift > prec {
			return n, true, false
		}
		n = digitsToNum(mant)
		if len(mant) > 0 {
			n = n.Mul(pow10s[shift])
		}
	}
	if neg {
		n = n.Negate()
	}
	return n, true, decFits(n, prec)
}

func digitsToNum(d []byte) decimal128.Num {
	var n decimal128.Num
	ten := decimal128.FromI64(10)
	for _, c := range d {
		n = n.Mul(ten).Add(decimal128.FromI64(int64(c - '0')))
	}
	return n
}

func castToDecimal(from, to types.DataType) castFn {
	dt := types.ArrowType(to)
	p, s := to.Prec, to.Scale
	switch k := from.Kind; {
	case k == types.KindDecimal:
		return func(_ *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) {
			return mapUnaryOpt(a, dt, func(v decimal128.Num) (decimal128.Num, bool, error) {
				r, ok := decRescale(v, from.Scale, s, p)
				return r, ok, nil
			})
		}
	case k.IsInteger() || k == types.KindBoolean:
		return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			l, err := castToNumber(from, types.BigInt)(ctx, a, try)
			if err != nil {
				return nil, err
			}
			return mapUnaryOpt(l, dt, func(v int64) (decimal128.Num, bool, error) {
				r, ok := decRescale(decimal128.FromI64(v), 0, s, p)
				return r, ok, nil
			})
		}
	case k.IsApprox():
		return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			f, err := castToNumber(from, types.Double)(ctx, a, try)
			if err != nil {
				return nil, err
			}
			var buf []byte
			return mapUnaryOpt(f, dt, func(v float64) (decimal128.Num, bool, error) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					// Java's BigDecimal.valueOf rejects NaN and ±Infinity.
					_, err := castFail(try, types.FormatJavaDouble(v, 64), from, to)
					return decimal128.Num{}, false, err
				}
				buf = strconv.AppendFloat(buf[:0], v, 'e', -1, 64)
				r, _, fits := parseDecimal(string(buf), p, s)
				return r, fits, nil
			})
		}
	case k.IsString():
		return func(_ *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			rows := a.Len()
			get := strAt(a)
			valid := validBits(rows, a)
			out := make([]decimal128.Num, rows)
			for i := 0; i < rows; i++ {
				if !bitutil.BitIsSet(valid, i) {
					continue
				}
				r, ok, fits := parseDecimal(get(i), p, s)
				if !ok {
					if _, err := castFail(try, get(i), from, to); err != nil {
						return nil, err
					}
				}
				if !ok || !fits {
					bitutil.ClearBit(valid, i)
					continue
				}
				out[i] = r
			}
			vb, nulls := finishValidity(valid, rows)
			return newFixedArray(dt, out, vb, nulls), nil
		}
	}
	return nil
}
