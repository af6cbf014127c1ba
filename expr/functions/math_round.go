package functions

import (
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// ROUND and TRUNCATE to d decimal places (d may be negative). Rounding is
// HALF_UP on the decimal value, and a DOUBLE is first taken at its shortest
// decimal representation, as Flink's BigDecimal.valueOf does, so
// ROUND(2.675E0, 2) is 2.68.

// roundType is Flink's result type: the argument's type, except that a
// DECIMAL keeps at most d fractional digits (plus one integer digit for
// the carry).
func roundType(t types.DataType, d int) types.DataType {
	if t.Kind != types.KindDecimal {
		return t
	}
	p, s := t.Prec, t.Scale
	switch {
	case d >= s:
		return t
	case d < 0:
		return types.Decimal(min(types.MaxDecimalPrecision, 1+p-s), 0)
	}
	return types.Decimal(1+p-s+d, d)
}

func roundBind(name string, trunc bool) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig := name + "(NUMERIC), " + name + "(NUMERIC, INTEGER)"
		if len(args) < 1 || len(args) > 2 || !isNumArg(args[0].Type) {
			return types.Null, nil, typeError(name, args, sig)
		}
		d := int64(0)
		if len(args) == 2 {
			var ok bool
			if d, ok = constInt(args[1]); !ok {
				if !args[1].Type.Kind.IsInteger() {
					return types.Null, nil, typeError(name, args, sig)
				}
				if !(args[1].IsConst && args[1].Const == nil) {
					return types.Null, nil, typeError(name, args, name+"(NUMERIC, INTEGER literal)")
				}
			}
		}
		t := args[0].Type.WithoutTimeAttr()
		if t.Kind == types.KindNull {
			t = types.Int
		}
		rt := roundType(t, int(d))
		k := roundKernel(t, rt, int(d), trunc)
		nullable := anyNullable(argTypesOf(args)...)
		ck, err := castArgs(func(ctx *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
			if len(in) == 2 && in[1].NullN() == rows {
				return nullArray(rt, rows), nil
			}
			return k(ctx, in[:1], rows)
		}, argTypesOf(args)[:1], []types.DataType{t})
		return rt.WithNullable(nullable || rt.Kind == types.KindDecimal), ck, err
	}
}

func roundKernel(t, rt types.DataType, d int, trunc bool) expr.Kernel {
	dt := types.ArrowType(rt)
	return func(_ *expr.Context, in []arrow.Array, _ int) (arrow.Array, error) {
		a := in[0]
		switch t.Kind {
		case types.KindTinyInt:
			return mapUnary(a, dt, func(v int8) int8 { return int8(roundInt(int64(v), d, trunc)) }), nil
		case types.KindSmallInt:
			return mapUnary(a, dt, func(v int16) int16 { return int16(roundInt(int64(v), d, trunc)) }), nil
		case types.KindInt:
			return mapUnary(a, dt, func(v int32) int32 { return int32(roundInt(int64(v), d, trunc)) }), nil
		case types.KindBigInt:
			return mapUnary(a, dt, func(v int64) int64 { return roundInt(v, d, trunc) }), nil
		case types.KindFloat:
			return mapUnary(a, dt, func(v float32) float32 { return float32(roundShortest(float64(v), 32, d, trunc)) }), nil
		case types.KindDouble:
			return mapUnary(a, dt, func(v float64) float64 { return roundShortest(v, 64, d, trunc) }), nil
		}
		return mapUnaryOpt(a, dt, func(v decimal128.Num) (decimal128.Num, bool, error) {
			r, ok := decRound(v, t.Scale, d, rt.Prec, trunc)
			return r, ok, nil
		})
	}
}

// roundInt rounds an integer at 10^-d for negative d.
func roundInt(v int64, d int, trunc bool) int64 {
	if d >= 0 {
		return v
	}
	if d < -18 {
		return 0
	}
	unit := int64(math.Pow10(-d))
	q, r := v/unit, v%unit
	if !trunc && 2*abs64(r) >= unit {
		if v < 0 {
			q--
		} else {
			q++
		}
	}
	return q * unit
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// decRound rounds an unscaled decimal of scale s at d fractional digits
// and returns it at scale max(d, 0).
func decRound(v decimal128.Num, s, d, rp int, trunc bool) (decimal128.Num, bool) {
	if d >= s {
		return v, true
	}
	drop := s - d
	if drop > 38 {
		return decimal128.Num{}, true
	}
	q, r := v.Div(pow10s[drop])
	if !trunc && r.Abs().Mul(decimal128.FromI64(2)).GreaterEqual(pow10s[drop]) {
		if v.Sign() < 0 {
			q = q.Sub(decimal128.FromI64(1))
		} else {
			q = q.Add(decimal128.FromI64(1))
		}
	}
	// q is in units of 10^-d; a negative d scales back to units.
	if d < 0 {
		if -d > 38 || !decFits(q, rp+d) {
			return decimal128.Num{}, false
		}
		q = q.Mul(pow10s[-d])
	}
	return q, decFits(q, rp)
}

// roundShortest rounds x at d fractional digits of its shortest decimal
// representation (HALF_UP, or toward zero when trunc).
func roundShortest(x float64, bits, d int, trunc bool) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return x
	}
	s := strconv.FormatFloat(x, 'e', -1, bits)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1) // value = 0.digits × 10^(exp+1)
	keep := exp + 1 + d
	if keep >= len(digits) {
		return x
	}
	var kept []byte
	up := false
	if keep >= 0 {
		kept = []byte(digits[:keep])
		up = !trunc && digits[keep] >= '5'
	}
	if up {
		i := len(kept) - 1
		for ; i >= 0 && kept[i] == '9'; i-- {
			kept[i] = '0'
		}
		if i >= 0 {
			kept[i]++
		} else {
			kept = append([]byte{'1'}, kept...)
		}
	}
	if len(kept) == 0 {
		if neg {
			return math.Copysign(0, -1)
		}
		return 0
	}
	r, _ := strconv.ParseFloat(string(kept)+"e"+strconv.Itoa(-d), bits)
	if neg {
		r = -r
	}
	return r
}

func init() {
	register(
		&expr.ScalarFunction{Name: "ROUND", Bind: roundBind("ROUND", false), Doc: expr.Doc{Category: "Math", Syntax: "ROUND(numeric[, integer])",
			Description: "Returns numeric rounded (HALF_UP) to integer decimal places (0 by default; negative rounds left of the point). A DECIMAL result keeps at most integer fractional digits.",
			Examples:    ex("ROUND(2.5) → 3", "ROUND(3.14159, 2) → 3.14", "ROUND(1250, -2) → 1300")}},
		&expr.ScalarFunction{Name: "TRUNCATE", Bind: roundBind("TRUNCATE", true), Doc: expr.Doc{Category: "Math", Syntax: "TRUNCATE(numeric[, integer])",
			Description: "Returns numeric truncated toward zero to integer decimal places (0 by default; negative truncates left of the point).",
			Examples:    ex("TRUNCATE(3.789, 2) → 3.78", "TRUNCATE(-2.5) → -2", "TRUNCATE(1259, -2) → 1200")}},
	)
}
