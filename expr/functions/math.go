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

// Math functions. Transcendental functions take any numeric argument as a
// DOUBLE and follow Java's Math (NaN and ±Infinity, no errors), as Flink.

func isNumArg(t types.DataType) bool { return t.Kind.IsNumeric() || t.Kind == types.KindNull }

// doubleFn binds a function of n DOUBLE arguments computed by f.
func doubleFn(name, syntax, desc string, examples []string, n int, f func(x []float64) float64) *expr.ScalarFunction {
	bind := func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig := name + "(" + strings.TrimSuffix(strings.Repeat("NUMERIC, ", n), ", ") + ")"
		if len(args) != n {
			return types.Null, nil, typeError(name, args, sig)
		}
		to := make([]types.DataType, n)
		for i, a := range args {
			if !isNumArg(a.Type) {
				return types.Null, nil, typeError(name, args, sig)
			}
			to[i] = types.Double
		}
		dt := arrow.PrimitiveTypes.Float64
		var k expr.Kernel
		switch n {
		case 0:
			v := f(nil)
			k = func(_ *expr.Context, _ []arrow.Array, rows int) (arrow.Array, error) {
				out := make([]float64, rows)
				for i := range out {
					out[i] = v
				}
				return newFixedArray(dt, out, nil, 0), nil
			}
		case 1:
			k = func(_ *expr.Context, in []arrow.Array, _ int) (arrow.Array, error) {
				buf := make([]float64, 1)
				return mapUnary(in[0], dt, func(x float64) float64 { buf[0] = x; return f(buf) }), nil
			}
		default:
			k = func(_ *expr.Context, in []arrow.Array, _ int) (arrow.Array, error) {
				buf := make([]float64, 2)
				return mapBinary(in[0], in[1], dt, func(x, y float64) float64 { buf[0], buf[1] = x, y; return f(buf) }), nil
			}
		}
		ck, err := castArgs(k, argTypesOf(args), to)
		return types.Double.WithNullable(anyNullable(argTypesOf(args)...)), ck, err
	}
	return &expr.ScalarFunction{Name: name, Bind: bind, Doc: expr.Doc{Category: "Math", Syntax: syntax, Description: desc, Examples: examples}}
}

func ex(e ...string) []string { return e }

// sameTypeBind binds a numeric function whose result has its argument's
// type; the kernel gets the argument as is.
func sameTypeBind(name string, kernel func(t types.DataType) expr.Kernel) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 1 || !isNumArg(args[0].Type) {
			return types.Null, nil, typeError(name, args, name+"(NUMERIC)")
		}
		t := args[0].Type.WithoutTimeAttr()
		if t.Kind == types.KindNull {
			t = types.Int
		}
		k, err := castArgs(kernel(t), argTypesOf(args), []types.DataType{t})
		return t.WithNullable(args[0].Type.Nullable()), k, err
	}
}

// absKernel: integer ABS wraps at the minimum value, as Java's Math.abs.
func absKernel(t types.DataType) expr.Kernel {
	dt := types.ArrowType(t)
	return func(_ *expr.Context, in []arrow.Array, _ int) (arrow.Array, error) {
		a := in[0]
		switch t.Kind {
		case types.KindTinyInt:
			return mapUnary(a, dt, func(v int8) int8 { return max(v, -v) }), nil
		case types.KindSmallInt:
			return mapUnary(a, dt, func(v int16) int16 { return max(v, -v) }), nil
		case types.KindInt:
			return mapUnary(a, dt, func(v int32) int32 { return max(v, -v) }), nil
		case types.KindBigInt:
			return mapUnary(a, dt, func(v int64) int64 { return max(v, -v) }), nil
		case types.KindFloat:
			return mapUnary(a, dt, func(v float32) float32 { return float32(math.Abs(float64(v))) }), nil
		case types.KindDouble:
			return mapUnary(a, dt, math.Abs), nil
		}
		return mapUnary(a, dt, func(v decimal128.Num) decimal128.Num { return v.Abs() }), nil
	}
}

func signKernel(t types.DataType) expr.Kernel {
	dt := types.ArrowType(t)
	one := pow10s[max(t.Scale, 0)]
	return func(_ *expr.Context, in []arrow.Array, _ int) (arrow.Array, error) {
		a := in[0]
		switch t.Kind {
		case types.KindTinyInt:
			return mapUnary(a, dt, signOf[int8]), nil
		case types.KindSmallInt:
			return mapUnary(a, dt, signOf[int16]), nil
		case types.KindInt:
			return mapUnary(a, dt, signOf[int32]), nil
		case types.KindBigInt:
			return mapUnary(a, dt, signOf[int64]), nil
		case types.KindFloat:
			return mapUnary(a, dt, signOf[float32]), nil
		case types.KindDouble:
			return mapUnary(a, dt, signOf[float64]), nil
		}
		return mapUnary(a, dt, func(v decimal128.Num) decimal128.Num {
			switch v.Sign() {
			case 1:
				return one
			case -1:
				return one.Negate()
			}
			return decimal128.Num{}
		}), nil
	}
}

func signOf[T number](v T) T {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return v // keeps NaN and -0.0 as Java's Math.signum
}

// binHexBind binds BIN (base 2) or HEX (base 16) of an integer (as Java's
// Long.toBinaryString / toHexString, two's complement for negatives); HEX
// of a string hex-encodes its UTF-8 bytes. Letters are upper case.
func binHexBind(name string, base int) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig := name + "(INTEGER)"
		if base == 16 {
			sig = "HEX(INTEGER), HEX(STRING)"
		}
		if len(args) != 1 {
			return types.Null, nil, typeError(name, args, sig)
		}
		t := args[0].Type
		rt := types.String.WithNullable(t.Nullable())
		switch {
		case t.Kind.IsInteger() || t.Kind == types.KindNull:
			k := func(_ *expr.Context, in []arrow.Array, _ int) (arrow.Array, error) {
				v := fixedValues[int64](in[0])
				return formatRows(in[0], func(dst []byte, i int) []byte {
					s := strconv.AppendUint(dst, uint64(v[i]), base)
					if base == 16 {
						for j := len(dst); j < len(s); j++ {
							if s[j] >= 'a' {
								s[j] -= 'a' - 'A'
							}
						}
					}
					return s
				}), nil
			}
			ck, err := castArgs(k, []types.DataType{t}, []types.DataType{types.BigInt})
			return rt, ck, err
		case base == 16 && (t.Kind.IsString() || t.Kind.IsBinary()):
			const digits = "0123456789ABCDEF"
			return rt, func(_ *expr.Context, in []arrow.Array, _ int) (arrow.Array, error) {
				return mapString(in[0], false, func(dst []byte, s string) ([]byte, bool, error) {
					for i := 0; i < len(s); i++ {
						dst = append(dst, digits[s[i]>>4], digits[s[i]&15])
					}
					return dst, true, nil
				})
			}, nil
		}
		return types.Null, nil, typeError(name, args, sig)
	}
}

func init() {
	register(
		&expr.ScalarFunction{Name: "ABS", Bind: sameTypeBind("ABS", absKernel), Doc: expr.Doc{Category: "Math", Syntax: "ABS(numeric)",
			Description: "Returns the absolute value of numeric, with the same type.", Examples: ex("ABS(-5) → 5", "ABS(-1.5) → 1.5")}},
		&expr.ScalarFunction{Name: "SIGN", Bind: sameTypeBind("SIGN", signKernel), Doc: expr.Doc{Category: "Math", Syntax: "SIGN(numeric)",
			Description: "Returns -1, 0 or 1 as numeric is negative, zero or positive, with the argument's type.", Examples: ex("SIGN(-8) → -1", "SIGN(2.5) → 1.0")}},
		doubleFn("POWER", "POWER(numeric1, numeric2)", "Returns numeric1 raised to the power of numeric2, as a DOUBLE.", ex("POWER(2, 10) → 1024.0"), 2,
			func(x []float64) float64 { return math.Pow(x[0], x[1]) }),
		doubleFn("POW", "POW(numeric1, numeric2)", "Returns numeric1 raised to the power of numeric2, as a DOUBLE (a synonym of POWER).", ex("POW(3, 2) → 9.0"), 2,
			func(x []float64) float64 { return math.Pow(x[0], x[1]) }),
		doubleFn("SQRT", "SQRT(numeric)", "Returns the square root of numeric; NaN for a negative number.", ex("SQRT(16) → 4.0", "SQRT(-1) → NaN"), 1,
			func(x []float64) float64 { return math.Sqrt(x[0]) }),
		doubleFn("EXP", "EXP(numeric)", "Returns e raised to the power of numeric.", ex("EXP(0) → 1.0"), 1,
			func(x []float64) float64 { return math.Exp(x[0]) }),
		doubleFn("LN", "LN(numeric)", "Returns the natural logarithm of numeric.", ex("LN(1) → 0.0", "LN(0) → -Infinity"), 1,
			func(x []float64) float64 { return math.Log(x[0]) }),
		doubleFn("LOG10", "LOG10(numeric)", "Returns the base-10 logarithm of numeric.", ex("LOG10(1000) → 3.0"), 1,
			func(x []float64) float64 { return math.Log10(x[0]) }),
		doubleFn("LOG2", "LOG2(numeric)", "Returns the base-2 logarithm of numeric.", ex("LOG2(8) → 3.0"), 1,
			func(x []float64) float64 { return math.Log(x[0]) / math.Ln2 }),
		doubleFn("SIN", "SIN(numeric)", "Returns the sine of numeric (radians).", ex("SIN(0) → 0.0"), 1,
			func(x []float64) float64 { return math.Sin(x[0]) }),
		doubleFn("COS", "COS(numeric)", "Returns the cosine of numeric (radians).", ex("COS(0) → 1.0"), 1,
			func(x []float64) float64 { return math.Cos(x[0]) }),
		doubleFn("TAN", "TAN(numeric)", "Returns the tangent of numeric (radians).", ex("TAN(0) → 0.0"), 1,
			func(x []float64) float64 { return javaTan(x[0]) }),
		doubleFn("COT", "COT(numeric)", "Returns the cotangent of numeric (radians).", ex("COT(1) → 0.6420926159343306"), 1,
			func(x []float64) float64 { return 1 / javaTan(x[0]) }),
		doubleFn("ASIN", "ASIN(numeric)", "Returns the arc sine of numeric; NaN outside [-1, 1].", ex("ASIN(1) → 1.5707963267948966"), 1,
			func(x []float64) float64 { return math.Asin(x[0]) }),
		doubleFn("ACOS", "ACOS(numeric)", "Returns the arc cosine of numeric; NaN outside [-1, 1].", ex("ACOS(1) → 0.0"), 1,
			func(x []float64) float64 { return math.Acos(x[0]) }),
		doubleFn("ATAN", "ATAN(numeric)", "Returns the arc tangent of numeric.", ex("ATAN(0) → 0.0"), 1,
			func(x []float64) float64 { return math.Atan(x[0]) }),
		doubleFn("ATAN2", "ATAN2(numeric1, numeric2)", "Returns the arc tangent of the coordinate (numeric1, numeric2): the angle of y = numeric1, x = numeric2.", ex("ATAN2(1, 1) → 0.7853981633974483"), 2,
			func(x []float64) float64 { return math.Atan2(x[0], x[1]) }),
		doubleFn("SINH", "SINH(numeric)", "Returns the hyperbolic sine of numeric.", ex("SINH(0) → 0.0"), 1,
			func(x []float64) float64 { return math.Sinh(x[0]) }),
		doubleFn("COSH", "COSH(numeric)", "Returns the hyperbolic cosine of numeric.", ex("COSH(0) → 1.0"), 1,
			func(x []float64) float64 { return math.Cosh(x[0]) }),
		doubleFn("TANH", "TANH(numeric)", "Returns the hyperbolic tangent of numeric.", ex("TANH(0) → 0.0"), 1,
			func(x []float64) float64 { return math.Tanh(x[0]) }),
		doubleFn("DEGREES", "DEGREES(numeric)", "Converts numeric from radians to degrees.", ex("DEGREES(PI()) → 180.0"), 1,
			func(x []float64) float64 { return x[0] * (180 / math.Pi) }),
		doubleFn("RADIANS", "RADIANS(numeric)", "Converts numeric from degrees to radians.", ex("RADIANS(180) → 3.141592653589793"), 1,
			func(x []float64) float64 { return x[0] / 180 * math.Pi }),
		doubleFn("PI", "PI()", "Returns π, the ratio of a circle's circumference to its diameter.", ex("PI() → 3.141592653589793"), 0,
			func([]float64) float64 { return math.Pi }),
		doubleFn("E", "E()", "Returns e, the base of natural logarithms.", ex("E() → 2.718281828459045"), 0,
			func([]float64) float64 { return math.E }),
		&expr.ScalarFunction{Name: "LOG", Bind: logBind, Doc: expr.Doc{Category: "Math", Syntax: "LOG(numeric) | LOG(base, numeric)",
			Description: "With one argument returns the natural logarithm of numeric; with two, the logarithm of numeric to base.", Examples: ex("LOG(1) → 0.0", "LOG(2, 8) → 3.0")}},
		&expr.ScalarFunction{Name: "BIN", Bind: binHexBind("BIN", 2), Doc: expr.Doc{Category: "Math", Syntax: "BIN(integer)",
			Description: "Returns integer in binary as a string (two's complement for negative numbers).", Examples: ex("BIN(4) → '100'", "BIN(12) → '1100'")}},
		&expr.ScalarFunction{Name: "HEX", Bind: binHexBind("HEX", 16), Doc: expr.Doc{Category: "Math", Syntax: "HEX(integer) | HEX(string)",
			Description: "Returns an integer, or the UTF-8 bytes of a string, in upper-case hexadecimal.", Examples: ex("HEX(100) → '64'", "HEX('hello world') → '68656C6C6F20776F726C64'")}},
	)
}

// logBind: LOG(x) is LN(x); LOG(b, x) is ln(x) / ln(b).
func logBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	switch len(args) {
	case 1:
		return expr.Builtins.Scalar("LN").Bind(args)
	case 2:
		return logBase.Bind(args)
	}
	return types.Null, nil, typeError("LOG", args, "LOG(NUMERIC), LOG(NUMERIC, NUMERIC)")
}

var logBase = doubleFn("LOG", "", "", nil, 2, func(x []float64) float64 { return math.Log(x[1]) / math.Log(x[0]) })
