package functions

import (
	"testing"

	"github.com/spry-engine/spry/types"
)

func TestMath(t *testing.T) {
	i, d, dec := types.Int, types.Double, types.Decimal
	runEvalCases(t, []evalCase{
		{fn: "ABS", args: []tcol{col(i, "-5", nil, "-2147483648")}, want: []string{"5", "NULL", "-2147483648"}, typ: "INT"},
		{fn: "ABS", args: []tcol{col(dec(4, 2), "-1.25")}, want: []string{"1.25"}, typ: "DECIMAL(4, 2)"},
		{fn: "ABS", args: []tcol{col(d, "-0.5")}, want: []string{"0.5"}},
		{fn: "SIGN", args: []tcol{col(i, "-8", "0", "3")}, want: []string{"-1", "0", "1"}},
		{fn: "SIGN", args: []tcol{col(dec(3, 1), "-2.5")}, want: []string{"-1.0"}},
		{fn: "SIGN", args: []tcol{col(d, "2.5")}, want: []string{"1.0"}},
		{fn: "POWER", args: []tcol{col(i, "2", nil), col(i, "10", "1")}, want: []string{"1024.0", "NULL"}, typ: "DOUBLE"},
		{fn: "POW", args: []tcol{col(d, "9"), lit(dec(2, 1), "0.5")}, want: []string{"3.0"}},
		{fn: "SQRT", args: []tcol{col(i, "16", "-1")}, want: []string{"4.0", "NaN"}},
		{fn: "EXP", args: []tcol{col(i, "0")}, want: []string{"1.0"}},
		{fn: "LN", args: []tcol{col(i, "1", "0")}, want: []string{"0.0", "-Infinity"}},
		{fn: "LOG10", args: []tcol{col(i, "1000")}, want: []string{"3.0"}},
		{fn: "LOG2", args: []tcol{col(i, "8")}, want: []string{"3.0"}},
		{fn: "LOG", args: []tcol{col(i, "1")}, want: []string{"0.0"}},
		{fn: "LOG", args: []tcol{col(i, "2"), col(i, "8")}, want: []string{"3.0"}},
		{fn: "SIN", args: []tcol{col(i, "0")}, want: []string{"0.0"}},
		{fn: "COS", args: []tcol{col(i, "0")}, want: []string{"1.0"}},
		{fn: "TAN", args: []tcol{col(i, "0")}, want: []string{"0.0"}},
		// Go's math.Tan may differ from Java's fdlibm in the last place.
		// Java: 1.0d / Math.tan(0.7853981633974483) = 1.0000000000000002.
		{fn: "COT", args: []tcol{col(d, "0.7853981633974483", "1", "10")}, want: []string{"1.0000000000000002", "0.6420926159343306", "1.5423510453569202"}},
		{fn: "TAN", args: []tcol{col(d, "1", "10", "100", "1.0E-5")}, want: []string{"1.5574077246549023", "0.6483608274590866", "-0.5872139151569291", "1.0000000000333334E-5"}},
		{fn: "ASIN", args: []tcol{col(i, "1")}, want: []string{"1.5707963267948966"}},
		{fn: "ACOS", args: []tcol{col(i, "1")}, want: []string{"0.0"}},
		{fn: "ATAN", args: []tcol{col(i, "0")}, want: []string{"0.0"}},
		{fn: "ATAN2", args: []tcol{col(i, "1"), col(i, "1")}, want: []string{"0.7853981633974483"}},
		{fn: "SINH", args: []tcol{col(i, "0")}, want: []string{"0.0"}},
		{fn: "COSH", args: []tcol{col(i, "0")}, want: []string{"1.0"}},
		{fn: "TANH", args: []tcol{col(i, "0")}, want: []string{"0.0"}},
		{fn: "DEGREES", args: []tcol{col(d, "3.141592653589793")}, want: []string{"180.0"}},
		{fn: "RADIANS", args: []tcol{col(i, "180")}, want: []string{"3.141592653589793"}},
		{fn: "PI", want: []string{"3.141592653589793"}, typ: "DOUBLE NOT NULL"},
		{fn: "E", want: []string{"2.718281828459045"}},
		{fn: "SQRT", args: []tcol{col(types.String, "x")}, want: []string{"ERR:cannot apply 'SQRT'"}},
		// ROUND / TRUNCATE
		{fn: "ROUND", args: []tcol{col(d, "2.5", "-2.5", "2.675", "1.005")}, want: []string{"3.0", "-3.0", "3.0", "1.0"}},
		{fn: "ROUND", args: []tcol{col(d, "2.675", "1.005", "-1.005", "123.456"), lit(i, int32(2))}, want: []string{"2.68", "1.01", "-1.01", "123.46"}},
		{fn: "ROUND", args: []tcol{col(d, "1250.0", "0.5"), lit(i, int32(-2))}, want: []string{"1300.0", "0.0"}},
		{fn: "ROUND", args: []tcol{col(dec(6, 4), "3.14159", "-3.14159"), lit(i, int32(2))}, want: []string{"3.14", "-3.14"}, typ: "DECIMAL(5, 2)"},
		{fn: "ROUND", args: []tcol{col(dec(4, 2), "9.99")}, want: []string{"10"}, typ: "DECIMAL(3, 0)"},
		{fn: "ROUND", args: []tcol{col(dec(5, 1), "1250.0"), lit(i, int32(-2))}, want: []string{"1300"}, typ: "DECIMAL(5, 0)"},
		{fn: "ROUND", args: []tcol{col(i, "1250", "-1250", "1249"), lit(i, int32(-2))}, want: []string{"1300", "-1300", "1200"}, typ: "INT"},
		{fn: "ROUND", args: []tcol{col(i, "7"), lit(i, int32(2))}, want: []string{"7"}},
		{fn: "ROUND", args: []tcol{col(types.Float, "2.675"), lit(i, int32(2))}, want: []string{"2.68"}},
		{fn: "TRUNCATE", args: []tcol{col(d, "3.789", "-3.789"), lit(i, int32(2))}, want: []string{"3.78", "-3.78"}},
		{fn: "TRUNCATE", args: []tcol{col(dec(4, 1), "-2.5")}, want: []string{"-2"}, typ: "DECIMAL(4, 0)"},
		{fn: "TRUNCATE", args: []tcol{col(i, "1259"), lit(i, int32(-2))}, want: []string{"1200"}},
		// BIN / HEX
		{fn: "BIN", args: []tcol{col(i, "4", "12", nil)}, want: []string{"100", "1100", "NULL"}, typ: "STRING"},
		{fn: "BIN", args: []tcol{col(types.TinyInt, "-1")}, want: []string{"1111111111111111111111111111111111111111111111111111111111111111"}},
		{fn: "HEX", args: []tcol{col(i, "100", "255", "-1")}, want: []string{"64", "FF", "FFFFFFFFFFFFFFFF"}},
		{fn: "HEX", args: []tcol{col(types.String, "hello world", nil)}, want: []string{"68656C6C6F20776F726C64", "NULL"}},
		{fn: "BIN", args: []tcol{col(d, "1.5")}, want: []string{"ERR:cannot apply 'BIN'"}},
	})
}

func TestRandMatchesJava(t *testing.T) {
	// new java.util.Random(42).nextDouble() and .nextInt(10)
	if got := newJavaRandom(42).nextDouble(); got != 0.7275636800328681 {
		t.Fatalf("nextDouble = %v", got)
	}
	if got := newJavaRandom(42).nextInt(10); got != 0 {
		t.Fatalf("nextInt(10) = %v", got)
	}
	got, typ, err := evalFn(t, testCtx(), "RAND", lit(types.Int, int32(42)))
	if err != nil || got[0] != "0.7275636800328681" || typ.String() != "DOUBLE NOT NULL" {
		t.Fatalf("RAND(42) = %v %s %v", got, typ, err)
	}
	got, _, err = evalFn(t, testCtx(), "RAND_INTEGER", col(types.Int, "100", "100", "100", "100"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range got {
		if len(g) > 2 {
			t.Fatalf("RAND_INTEGER(100) = %s", g)
		}
	}
	if _, _, err := evalFn(t, testCtx(), "RAND_INTEGER", col(types.Int, "0")); err == nil {
		t.Fatal("RAND_INTEGER(0) must fail")
	}
	got, _, _ = evalFn(t, testCtx(), "RAND", col(types.Int, "1", "1"))
	if got != nil {
		t.Fatal("RAND with a column seed must be rejected")
	}
}
