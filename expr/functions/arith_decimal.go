package functions

import (
	"math/big"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// DECIMAL arithmetic. Operands are brought to DECIMAL(38, own scale), the
// exact result is computed (in 128 bits, or big.Int when it may not fit),
// then rounded HALF_UP to the result scale; a result beyond the result
// precision is NULL, as in Flink.

func decNegate(n decimal128.Num) decimal128.Num { return n.Negate() }

var bigTen = big.NewInt(10)

func bigPow10(n int) *big.Int { return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil) }

// bigToDecimal converts an unscaled big value, reporting false when it has
// more than prec digits.
func bigToDecimal(v *big.Int, prec int) (decimal128.Num, bool) {
	if v.BitLen() > 127 {
		return decimal128.Num{}, false
	}
	n := decimal128.FromBigInt(v)
	return n, decFits(n, prec)
}

func decimalArith(op arithOp, a, b, rt types.DataType) expr.Kernel {
	p1, s1 := decimalOf(a)
	p2, s2 := decimalOf(b)
	rp, rs := rt.Prec, rt.Scale
	dt := types.ArrowType(rt)
	var f func(u, v decimal128.Num) (decimal128.Num, bool, error)
	switch op {
	case opAdd, opSub:
		s := max(s1, s2)
		f = func(u, v decimal128.Num) (decimal128.Num, bool, error) {
			u, v = u.Mul(pow10s[s-s1]), v.Mul(pow10s[s-s2])
			var r decimal128.Num
			if op == opAdd {
				r = u.Add(v)
			} else {
				r = u.Sub(v)
			}
			r, ok := decRescale(r, s, rs, rp)
			return r, ok, nil
		}
	case opMul:
		if p1+p2 <= types.MaxDecimalPrecision {
			f = func(u, v decimal128.Num) (decimal128.Num, bool, error) {
				r, ok := decRescale(u.Mul(v), s1+s2, rs, rp)
				return r, ok, nil
			}
		} else {
			f = func(u, v decimal128.Num) (decimal128.Num, bool, error) {
				r := new(big.Int).Mul(u.BigInt(), v.BigInt())
				r = bigRescale(r, s1+s2, rs)
				n, ok := bigToDecimal(r, rp)
				return n, ok, nil
			}
		}
	case opDiv:
		f = func(u, v decimal128.Num) (decimal128.Num, bool, error) {
			if v.Sign() == 0 {
				return decimal128.Num{}, false, ErrDivideByZero
			}
			num, den := u.BigInt(), v.BigInt()
			// u/10^s1 ÷ v/10^s2 in units of 10^-rs = u·10^(rs+s2-s1) / v.
			if e := rs + s2 - s1; e >= 0 {
				num.Mul(num, bigPow10(e))
			} else {
				den.Mul(den, bigPow10(-e))
			}
			n, ok := bigToDecimal(bigDivHalfUp(num, den), rp)
			return n, ok, nil
		}
	default:
		s := max(s1, s2)
		f = func(u, v decimal128.Num) (decimal128.Num, bool, error) {
			u, v = u.Mul(pow10s[s-s1]), v.Mul(pow10s[s-s2])
			if v.Sign() == 0 {
				return decimal128.Num{}, false, ErrDivideByZero
			}
			_, r := u.Div(v)
			r, ok := decRescale(r, s, rs, rp)
			return r, ok, nil
		}
	}
	k := func(_ *expr.Context, args []arrow.Array, _ int) (arrow.Array, error) {
		return mapBinaryOpt(args[0], args[1], dt, f)
	}
	// Operands arrive as their own types; lift them to DECIMAL(38, scale).
	ta, tb := types.Decimal(types.MaxDecimalPrecision, s1), types.Decimal(types.MaxDecimalPrecision, s2)
	ck, err := castArgs(k, []types.DataType{a, b}, []types.DataType{ta, tb})
	if err != nil {
		return func(*expr.Context, []arrow.Array, int) (arrow.Array, error) { return nil, err }
	}
	return ck
}

// bigDivHalfUp divides rounding half away from zero.
func bigDivHalfUp(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Sign() != 0 {
		r2 := new(big.Int).Abs(r)
		r2.Lsh(r2, 1)
		if r2.Cmp(new(big.Int).Abs(den)) >= 0 {
			if (num.Sign() < 0) != (den.Sign() < 0) {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	return q
}

// bigRescale changes the scale of an unscaled big value, HALF_UP.
func bigRescale(v *big.Int, from, to int) *big.Int {
	if to >= from {
		return v.Mul(v, bigPow10(to-from))
	}
	return bigDivHalfUp(v, bigPow10(from-to))
}
