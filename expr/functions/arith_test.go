package functions

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

func TestArithmetic(t *testing.T) {
	i, bi, d := types.Int, types.BigInt, types.Double
	runEvalCases(t, []evalCase{
		{fn: "+", args: []tcol{col(i, "1", nil, "2147483647"), col(i, "2", "3", "1")}, want: []string{"3", "NULL", "-2147483648"}, typ: "INT"},
		{fn: "+", args: []tcol{col(types.TinyInt, "1"), col(bi, "2")}, want: []string{"3"}, typ: "BIGINT"},
		{fn: "+", args: []tcol{col(i, "1"), lit(types.Null, nil)}, want: []string{"NULL"}, typ: "INT"},
		{fn: "-", args: []tcol{col(i, "5"), col(d, "0.5")}, want: []string{"4.5"}, typ: "DOUBLE"},
		{fn: "-", args: []tcol{col(i, "5"), col(types.Float, "0.5")}, want: []string{"4.5"}, typ: "FLOAT"},
		{fn: "*", args: []tcol{col(bi, "4294967296"), col(bi, "4294967296")}, want: []string{"0"}},
		{fn: "/", args: []tcol{col(i, "7", "-7"), col(i, "2", "2")}, want: []string{"3", "-3"}, typ: "INT"},
		{fn: "/", args: []tcol{col(i, "7"), col(i, "0")}, want: []string{"ERR:/ by zero"}},
		{fn: "/", args: []tcol{col(i, "7", nil), col(i, "1", "0")}, want: []string{"7", "NULL"}},
		{fn: "/", args: []tcol{col(d, "1", "-1", "0"), col(d, "0", "0", "0")}, want: []string{"Infinity", "-Infinity", "NaN"}},
		{fn: "%", args: []tcol{col(i, "7", "-7"), col(i, "3", "3")}, want: []string{"1", "-1"}},
		{fn: "%", args: []tcol{col(bi, "7"), col(types.SmallInt, "4")}, want: []string{"3"}, typ: "SMALLINT"},
		{fn: "MOD", args: []tcol{col(d, "7.5"), col(d, "2")}, want: []string{"1.5"}},
		{fn: "MOD", args: []tcol{col(i, "7"), col(i, "0")}, want: []string{"ERR:/ by zero"}},
		// DECIMAL
		{fn: "+", args: []tcol{col(types.Decimal(5, 2), "1.25"), col(types.Decimal(4, 1), "2.5")}, want: []string{"3.75"}, typ: "DECIMAL(6, 2)"},
		{fn: "+", args: []tcol{col(types.Decimal(5, 2), "1.25"), col(i, "2")}, want: []string{"3.25"}, typ: "DECIMAL(13, 2)"},
		{fn: "-", args: []tcol{col(types.Decimal(5, 2), "1.25"), col(d, "0.25")}, want: []string{"1.0"}, typ: "DOUBLE"},
		// A DECIMAL mixed with DOUBLE keeps its scale on the way to DOUBLE.
		{fn: "+", args: []tcol{col(types.Decimal(2, 1), "1.5", "2.5"), col(d, "0.5", "0")}, want: []string{"2.0", "2.5"}, typ: "DOUBLE"},
		{fn: "*", args: []tcol{col(d, "2"), col(types.Decimal(5, 3), "1.125")}, want: []string{"2.25"}, typ: "DOUBLE"},
		{fn: "%", args: []tcol{col(types.Decimal(3, 1), "7.5"), col(d, "2")}, want: []string{"1.5"}, typ: "DOUBLE"},
		{fn: "*", args: []tcol{col(types.Decimal(5, 2), "1.25", "-0.5"), col(types.Decimal(3, 1), "2.0", "0.3")}, want: []string{"2.500", "-0.150"}, typ: "DECIMAL(9, 3)"},
		{fn: "*", args: []tcol{col(types.Decimal(38, 10), "12345678901234567890.5"), col(types.Decimal(38, 10), "2")}, want: []string{"24691357802469135781.000000"}, typ: "DECIMAL(38, 6)"},
		{fn: "/", args: []tcol{col(types.Decimal(5, 2), "1.00", "2.00"), col(types.Decimal(5, 2), "3.00", "3.00")}, want: []string{"0.33333333", "0.66666667"}, typ: "DECIMAL(13, 8)"},
		{fn: "/", args: []tcol{col(types.Decimal(5, 2), "1.00"), col(types.Decimal(5, 2), "0")}, want: []string{"ERR:/ by zero"}},
		{fn: "/", args: []tcol{col(i, "10"), col(types.Decimal(2, 1), "4")}, want: []string{"2.500000"}, typ: "DECIMAL(17, 6)"},
		{fn: "%", args: []tcol{col(types.Decimal(5, 2), "7.50"), col(types.Decimal(3, 1), "2.0")}, want: []string{"1.50"}, typ: "DECIMAL(4, 2)"},
		{fn: "%", args: []tcol{col(types.Decimal(20, 0), "10000000000000000007"), col(i, "10")}, want: []string{"7"}, typ: "INT"},
		{fn: "%", args: []tcol{col(i, "17"), col(types.Decimal(5, 0), "5")}, want: []string{"2"}, typ: "DECIMAL(5, 0)"},
		{fn: "+", args: []tcol{col(types.Decimal(38, 8), "1"), col(types.Decimal(32, 8), "2")}, want: []string{"3.0000000"}, typ: "DECIMAL(38, 7)"},
		{fn: "/", args: []tcol{col(types.Decimal(30, 20), "1"), col(types.Decimal(30, 20), "3")}, want: []string{"0.33333333"}, typ: "DECIMAL(38, 8)"},
		{fn: "+", args: []tcol{col(types.Decimal(38, 0), "99999999999999999999999999999999999999"), col(types.Decimal(38, 0), "1")}, want: []string{"NULL"}},
		{fn: "NEGATE", args: []tcol{col(i, "5", nil, "-2147483648")}, want: []string{"-5", "NULL", "-2147483648"}, typ: "INT"},
		{fn: "NEGATE", args: []tcol{col(types.Decimal(3, 1), "1.5")}, want: []string{"-1.5"}},
		{fn: "NEGATE", args: []tcol{col(types.IntervalDT, int64(1000))}, want: []string{"-0 00:00:01.000"}},
		{fn: "+", args: []tcol{col(types.String, "a"), col(i, "1")}, want: []string{"ERR:cannot apply '+'"}},
	})
}

func TestTemporalArithmetic(t *testing.T) {
	ym, dt := types.IntervalYM, types.IntervalDT
	runEvalCases(t, []evalCase{
		{fn: "+", args: []tcol{col(types.Date, "2024-01-31", "2023-01-31", nil), col(ym, int32(1), int32(1), int32(1))}, want: []string{"2024-02-29", "2023-02-28", "NULL"}, typ: "DATE"},
		{fn: "+", args: []tcol{col(ym, int32(-13)), col(types.Date, "2024-03-15")}, want: []string{"2023-02-15"}, typ: "DATE"},
		{fn: "-", args: []tcol{col(types.Date, "2024-03-01"), col(dt, int64(86400000))}, want: []string{"2024-02-29"}},
		{fn: "+", args: []tcol{col(types.Timestamp(3), "2024-01-31 10:00:00"), col(ym, int32(1))}, want: []string{"2024-02-29 10:00:00.000"}, typ: "TIMESTAMP(3)"},
		{fn: "-", args: []tcol{col(types.Timestamp(3), "2024-01-01 00:00:00"), col(dt, int64(3600000))}, want: []string{"2023-12-31 23:00:00.000"}},
		{fn: "+", args: []tcol{col(types.Time(0), "23:30:00"), col(dt, int64(3600000))}, want: []string{"00:30:00"}},
		{fn: "+", args: []tcol{col(dt, int64(1000)), col(dt, int64(2000))}, want: []string{"+0 00:00:03.000"}},
		{fn: "-", args: []tcol{col(ym, int32(12)), col(ym, int32(14))}, want: []string{"-0-02"}},
		{fn: "*", args: []tcol{col(dt, int64(1500)), col(types.Int, "3")}, want: []string{"+0 00:00:04.500"}},
		{fn: "*", args: []tcol{col(types.Int, "2"), col(ym, int32(7))}, want: []string{"+1-02"}},
		{fn: "/", args: []tcol{col(dt, int64(3000)), col(types.Int, "2")}, want: []string{"+0 00:00:01.500"}},
		{fn: "+", args: []tcol{col(types.TimestampLTZp(3), "2024-01-01 00:00:00"), col(dt, int64(1))}, want: []string{"2024-01-01 00:00:00.001"}, typ: "TIMESTAMP_LTZ(3)"},
	})
}

// TestKernelsOnSlices runs kernels over offset slices, as operators pass
// after filtering or splitting batches.
func TestKernelsOnSlices(t *testing.T) {
	mk := func(typ types.DataType, vals ...any) arrow.Array {
		full := col(typ, append([]any{"1", nil, "0"}, vals...)...).array(t, 0)
		return array.NewSlice(full, 3, int64(full.Len()))
	}
	cases := []struct {
		fn   string
		ts   []types.DataType
		in   []arrow.Array
		want string
	}{
		{"+", []types.DataType{types.Int, types.Int}, []arrow.Array{mk(types.Int, "10", nil, "30"), mk(types.Int, "1", "2", nil)}, "11|NULL|NULL"},
		{"=", []types.DataType{types.String, types.String}, []arrow.Array{mk(types.String, "a", "b", nil), mk(types.String, "a", "c", "x")}, "TRUE|FALSE|NULL"},
		{"AND", []types.DataType{types.Boolean, types.Boolean}, []arrow.Array{mk(types.Boolean, "true", "false", nil), mk(types.Boolean, "true", nil, "false")}, "TRUE|FALSE|FALSE"},
		{"COALESCE", []types.DataType{types.Int, types.Int}, []arrow.Array{mk(types.Int, nil, "5", nil), mk(types.Int, "7", "8", nil)}, "7|5|NULL"},
	}
	for _, c := range cases {
		args := make([]expr.Arg, len(c.ts))
		for i, typ := range c.ts {
			args[i] = expr.Arg{Type: typ}
		}
		rt, k, err := expr.Builtins.Scalar(c.fn).Bind(args)
		if err != nil {
			t.Fatal(err)
		}
		out, err := k(testCtx(), c.in, 3)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := 0; i < out.Len(); i++ {
			got = append(got, types.Format(types.Value(out, i), rt, nil, "NULL"))
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("%s on slices = %v, want %s", c.fn, got, c.want)
		}
	}
}
