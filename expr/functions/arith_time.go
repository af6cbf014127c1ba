package functions

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Temporal arithmetic: DATE/TIME/TIMESTAMP ± INTERVAL, INTERVAL ± INTERVAL
// and INTERVAL * or / a number. Adding months clamps the day to the end of
// the month (2024-01-31 + 1 month = 2024-02-29), as Flink does.

// addMonthsToDays adds months to a date given as days since the epoch.
func addMonthsToDays(days int64, months int64) int64 {
	y, m, d := civil(days)
	total := y*12 + int64(m-1) + months
	ny, nm := divFloor(total, 12), int(modFloor(total, 12))+1
	return daysOf(ny, nm, min(d, monthDays(ny, nm)))
}

// temporalArith binds op on a temporal/interval pair; the kernel receives
// the arguments in their original order.
func temporalArith(op arithOp, a, b types.DataType) (types.DataType, expr.Kernel, bool) {
	ak, bk := a.Kind, b.Kind
	// Put the interval (for + and *) or the number (for *) second.
	swap := false
	if op == opAdd && ak.IsInterval() && !bk.IsInterval() && (bk.IsTemporal()) {
		a, b, ak, bk, swap = b, a, bk, ak, true
	}
	if op == opMul && ak.IsNumeric() && bk.IsInterval() {
		a, b, ak, bk, swap = b, a, bk, ak, true
	}
	var f func(x, y arrow.Array) arrow.Array
	var rt types.DataType
	sign := int64(1)
	if op == opSub {
		sign = -1
	}
	switch {
	case (op == opAdd || op == opSub) && ak.IsTemporal() && bk.IsInterval():
		rt = a.WithoutTimeAttr()
		dt := types.ArrowType(rt)
		ym := bk == types.KindIntervalYearMonth
		switch {
		case ak == types.KindDate && ym:
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(d, m int32) int32 { return int32(addMonthsToDays(int64(d), sign*int64(m))) })
			}
		case ak == types.KindDate:
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(d int32, ms int64) int32 { return int32(int64(d) + divFloor(sign*ms, msPerDay)) })
			}
		case ak == types.KindTime && !ym:
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(t int32, ms int64) int32 { return int32(modFloor(int64(t)+sign*ms, msPerDay)) })
			}
		case ak.IsTimestamp() && ym:
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(us int64, m int32) int64 {
					days, rem := divFloor(us, microsPerDay), modFloor(us, microsPerDay)
					return addMonthsToDays(days, sign*int64(m))*microsPerDay + rem
				})
			}
		case ak.IsTimestamp():
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(us int64, ms int64) int64 { return us + sign*ms*usPerMs })
			}
		default:
			return types.Null, nil, false
		}
	case (op == opAdd || op == opSub) && ak.IsInterval() && ak == bk:
		rt = a
		rt.Prec = max(a.Prec, b.Prec)
		dt := types.ArrowType(rt)
		if ak == types.KindIntervalYearMonth {
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(p, q int32) int32 { return p + int32(sign)*q })
			}
		} else {
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(p, q int64) int64 { return p + sign*q })
			}
		}
	case (op == opMul || op == opDiv) && ak.IsInterval() && bk.IsNumeric():
		rt = a
		dt := types.ArrowType(rt)
		div := op == opDiv
		scale := func(v int64, n float64) int64 {
			if div {
				return javaD2L(float64(v) / n)
			}
			return javaD2L(float64(v) * n)
		}
		if ak == types.KindIntervalYearMonth {
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(m int32, n float64) int32 { return int32(scale(int64(m), n)) })
			}
		} else {
			f = func(x, y arrow.Array) arrow.Array {
				return mapBinary(x, y, dt, func(ms int64, n float64) int64 { return scale(ms, n) })
			}
		}
		// The number is evaluated as DOUBLE.
		inner := f
		conv, err := castKernel(b, types.Double, false)
		if err != nil {
			return types.Null, nil, false
		}
		f = func(x, y arrow.Array) arrow.Array {
			d, err := conv(nil, []arrow.Array{y}, y.Len())
			if err != nil {
				return nullArray(rt, x.Len())
			}
			return inner(x, d)
		}
	default:
		return types.Null, nil, false
	}
	return rt, func(_ *expr.Context, args []arrow.Array, _ int) (arrow.Array, error) {
		if swap {
			return f(args[1], args[0]), nil
		}
		return f(args[0], args[1]), nil
	}, true
}
