package functions

import (
	"errors"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Arithmetic operators + - * / % and unary minus. Integer results take the
// wider operand type and wrap on overflow like Java; any FLOAT/DOUBLE
// operand makes the result approximate; DECIMAL results follow Flink's
// LogicalTypeMerging (overflow gives NULL). Temporal arithmetic (DATE +
// INTERVAL, ...) lives in arith_time.go.

// ErrDivideByZero is returned for an exact (integer or DECIMAL) division
// or modulo by zero, as Java's ArithmeticException in Flink.
var ErrDivideByZero = errors.New("/ by zero")

type arithOp int

const (
	opAdd arithOp = iota
	opSub
	opMul
	opDiv
	opMod
)

// arithBind binds a binary arithmetic operator.
func arithBind(name string, op arithOp) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 2 {
			return types.Null, nil, typeError(name, args, name+"(NUMERIC, NUMERIC)")
		}
		a, b := args[0].Type, args[1].Type
		if a.Kind == types.KindNull && b.Kind == types.KindNull {
			return types.Null, func(_ *expr.Context, _ []arrow.Array, rows int) (arrow.Array, error) {
				return nullArray(types.Null, rows), nil
			}, nil
		}
		if a.Kind == types.KindNull {
			a = b.WithNullable(true)
		}
		if b.Kind == types.KindNull {
			b = a.WithNullable(true)
		}
		if a.Kind.IsNumeric() && b.Kind.IsNumeric() {
			t, k, err := numericArith(op, a, b)
			if err != nil {
				return types.Null, nil, err
			}
			k, err = castArgs(k, argTypesOf(args), []types.DataType{a, b})
			// Flink types the result NOT NULL when both operands are, even
			// though DECIMAL overflow yields NULL at run time.
			return t.WithNullable(anyNullable(a, b)), k, err
		}
		t, k, ok := temporalArith(op, a, b)
		if !ok {
			return types.Null, nil, typeError(name, args, name+"(NUMERIC, NUMERIC), "+name+"(DATETIME, INTERVAL), "+name+"(INTERVAL, INTERVAL)")
		}
		k, err := castArgs(k, argTypesOf(args), []types.DataType{a, b})
		return t.WithNullable(anyNullable(a, b)), k, err
	}
}

// numericResultType derives the result type of a numeric operator.
func numericResultType(op arithOp, a, b types.DataType) types.DataType {
	switch {
	case a.Kind.IsApprox() || b.Kind.IsApprox():
		return commonNumeric(a, b)
	case a.Kind == types.KindDecimal || b.Kind == types.KindDecimal:
		p1, s1 := decimalOf(a)
		p2, s2 := decimalOf(b)
		switch op {
		case opAdd, opSub:
			s := max(s1, s2)
			return adjustDecimal(max(p1-s1, p2-s2)+s+1, s)
		case opMul:
			return adjustDecimal(p1+p2+1, s1+s2)
		case opDiv:
			s := max(6, s1+p2+1)
			return adjustDecimal(p1-s1+s2+s, s)
		default:
			if s1 == 0 && s2 == 0 {
				return b // Flink: an integral modulo keeps the divisor's type
			}
			s := max(s1, s2)
			return adjustDecimal(min(p1-s1, p2-s2)+s, s)
		}
	case op == opMod:
		return b // Flink: the remainder is smaller than the divisor
	}
	return commonNumeric(a, b)
}

// numericArith returns the result type and a kernel that expects both
// arguments already of types a and b.
func numericArith(op arithOp, a, b types.DataType) (types.DataType, expr.Kernel, error) {
	rt := numericResultType(op, a, b)
	if rt.Kind == types.KindDecimal {
		k := decimalArith(op, a, b, rt)
		return rt.WithNullable(true), k, nil
	}
	approx := a.Kind.IsApprox() || b.Kind.IsApprox()
	if (a.Kind == types.KindDecimal || b.Kind == types.KindDecimal) && !approx {
		// An integral DECIMAL modulo typed as its integer divisor. (With a
		// FLOAT/DOUBLE operand the DECIMAL converts to DOUBLE below instead:
		// computing in DECIMAL(38, 0) would drop its scale.)
		wide := types.Decimal(types.MaxDecimalPrecision, 0)
		k := decimalArith(op, a, b, wide)
		narrow, err := castKernel(wide, rt, false)
		if err != nil {
			return rt, nil, err
		}
		return rt, func(ctx *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
			r, err := k(ctx, args, rows)
			if err != nil {
				return nil, err
			}
			return narrow(ctx, []arrow.Array{r}, rows)
		}, nil
	}
	// Compute in the common type (for MOD, in the wider operand type, then
	// narrow to the divisor's type).
	ct := commonNumeric(a, b)
	dt := types.ArrowType(ct)
	var k expr.Kernel
	switch ct.Kind {
	case types.KindTinyInt:
		k = intArithKernel[int8](op, dt)
	case types.KindSmallInt:
		k = intArithKernel[int16](op, dt)
	case types.KindInt:
		k = intArithKernel[int32](op, dt)
	case types.KindBigInt:
		k = intArithKernel[int64](op, dt)
	case types.KindFloat:
		k = floatArithKernel[float32](op, dt)
	default:
		k = floatArithKernel[float64](op, dt)
	}
	k, err := castArgs(k, []types.DataType{a, b}, []types.DataType{ct, ct})
	if err != nil {
		return rt, nil, err
	}
	if !ct.EqualIgnoringNull(rt) {
		narrow, err := castKernel(ct, rt, false)
		if err != nil {
			return rt, nil, err
		}
		inner := k
		k = func(ctx *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
			r, err := inner(ctx, args, rows)
			if err != nil {
				return nil, err
			}
			return narrow(ctx, []arrow.Array{r}, rows)
		}
	}
	return rt, k, nil
}

func intArithKernel[T integer](op arithOp, dt arrow.DataType) expr.Kernel {
	return func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		a, b := args[0], args[1]
		x, y := fixedValues[T](a), fixedValues[T](b)
		out := make([]T, len(x))
		switch op {
		case opAdd:
			for i := range out {
				out[i] = x[i] + y[i]
			}
		case opSub:
			for i := range out {
				out[i] = x[i] - y[i]
			}
		case opMul:
			for i := range out {
				out[i] = x[i] * y[i]
			}
		default:
			return mapBinaryOpt(a, b, dt, func(p, q T) (T, bool, error) {
				if q == 0 {
					return 0, false, ErrDivideByZero
				}
				if op == opDiv {
					return p / q, true, nil
				}
				return p % q, true, nil
			})
		}
		valid, nulls := unionValidity(rows, a, b)
		return newFixedArray(dt, out, valid, nulls), nil
	}
}

func floatArithKernel[T float](op arithOp, dt arrow.DataType) expr.Kernel {
	return func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		a, b := args[0], args[1]
		x, y := fixedValues[T](a), fixedValues[T](b)
		out := make([]T, len(x))
		switch op {
		case opAdd:
			for i := range out {
				out[i] = x[i] + y[i]
			}
		case opSub:
			for i := range out {
				out[i] = x[i] - y[i]
			}
		case opMul:
			for i := range out {
				out[i] = x[i] * y[i]
			}
		case opDiv:
			for i := range out {
				out[i] = x[i] / y[i]
			}
		default:
			for i := range out {
				out[i] = T(math.Mod(float64(x[i]), float64(y[i])))
			}
		}
		valid, nulls := unionValidity(rows, a, b)
		return newFixedArray(dt, out, valid, nulls), nil
	}
}

func negateBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) != 1 || !(args[0].Type.Kind.IsNumeric() || args[0].Type.Kind.IsInterval() || args[0].Type.Kind == types.KindNull) {
		return types.Null, nil, typeError("NEGATE", args, "-NUMERIC, -INTERVAL")
	}
	t := args[0].Type.WithoutTimeAttr()
	dt := types.ArrowType(t)
	var k func(a arrow.Array) arrow.Array
	switch t.Kind {
	case types.KindNull:
		k = func(a arrow.Array) arrow.Array { return a }
	case types.KindTinyInt:
		k = func(a arrow.Array) arrow.Array { return mapUnary(a, dt, func(v int8) int8 { return -v }) }
	case types.KindSmallInt:
		k = func(a arrow.Array) arrow.Array { return mapUnary(a, dt, func(v int16) int16 { return -v }) }
	case types.KindInt, types.KindIntervalYearMonth:
		k = func(a arrow.Array) arrow.Array { return mapUnary(a, dt, func(v int32) int32 { return -v }) }
	case types.KindBigInt, types.KindIntervalDayTime:
		k = func(a arrow.Array) arrow.Array { return mapUnary(a, dt, func(v int64) int64 { return -v }) }
	case types.KindFloat:
		k = func(a arrow.Array) arrow.Array { return mapUnary(a, dt, func(v float32) float32 { return -v }) }
	case types.KindDouble:
		k = func(a arrow.Array) arrow.Array { return mapUnary(a, dt, func(v float64) float64 { return -v }) }
	default:
		k = func(a arrow.Array) arrow.Array { return mapUnary(a, dt, decNegate) }
	}
	return t, func(_ *expr.Context, args []arrow.Array, _ int) (arrow.Array, error) { return k(args[0]), nil }, nil
}

func init() {
	doc := func(syntax, desc string, ex ...string) expr.Doc {
		return expr.Doc{Category: "Arithmetic", Syntax: syntax, Description: desc, Examples: ex}
	}
	register(
		&expr.ScalarFunction{Name: "+", Bind: arithBind("+", opAdd), Doc: doc("numeric1 + numeric2",
			"Returns numeric1 plus numeric2; also adds an INTERVAL to a DATE, TIME or TIMESTAMP, or two intervals. Integer overflow wraps around.",
			"1 + 2 → 3", "DATE '2024-01-31' + INTERVAL '1' MONTH → 2024-02-29")},
		&expr.ScalarFunction{Name: "-", Bind: arithBind("-", opSub), Doc: doc("numeric1 - numeric2",
			"Returns numeric1 minus numeric2; also subtracts an INTERVAL from a DATE, TIME or TIMESTAMP, or one interval from another.",
			"5 - 7 → -2", "TIMESTAMP '2024-01-01 00:00:00' - INTERVAL '1' HOUR → 2023-12-31 23:00:00")},
		&expr.ScalarFunction{Name: "*", Bind: arithBind("*", opMul), Doc: doc("numeric1 * numeric2",
			"Returns numeric1 multiplied by numeric2; an INTERVAL may be multiplied by a number.",
			"2 * 3 → 6", "1.5 * 2 → 3.0")},
		&expr.ScalarFunction{Name: "/", Bind: arithBind("/", opDiv), Doc: doc("numeric1 / numeric2",
			"Returns numeric1 divided by numeric2. Integer division truncates; an exact division by zero is an error, a floating-point one gives Infinity or NaN.",
			"7 / 2 → 3", "7.0 / 2 → 3.5", "1.0E0 / 0 → Infinity")},
		&expr.ScalarFunction{Name: "%", Bind: arithBind("%", opMod), Doc: doc("numeric1 % numeric2",
			"Returns the remainder of numeric1 divided by numeric2, with the sign of numeric1; the result has the divisor's type.",
			"7 % 3 → 1", "-7 % 3 → -1")},
		&expr.ScalarFunction{Name: "MOD", Bind: arithBind("MOD", opMod), Doc: doc("MOD(numeric1, numeric2)",
			"Returns the remainder of numeric1 divided by numeric2, with the sign of numeric1; the result has the divisor's type.",
			"MOD(7, 3) → 1", "MOD(-7, 3) → -1")},
		&expr.ScalarFunction{Name: "NEGATE", Bind: negateBind, Doc: expr.Doc{Category: "Arithmetic", Syntax: "- numeric",
			Description: "Returns numeric (or an interval) with its sign flipped; the binder maps unary minus to NEGATE.",
			Examples:    []string{"-(5) → -5", "-(INTERVAL '1' DAY) → -1 00:00:00.000"}}},
	)
}
