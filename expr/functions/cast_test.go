package functions

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

func castTo(fn string, in tcol, to types.DataType, want ...string) evalCase {
	return evalCase{fn: fn, args: []tcol{in, lit(to, nil)}, want: want}
}

func TestCastMatrix(t *testing.T) {
	s := types.String
	runEvalCases(t, []evalCase{
		// numeric ↔ numeric
		castTo("CAST", col(types.Int, "300", "-129", nil), types.TinyInt, "44", "127", "NULL"),
		castTo("CAST", col(types.BigInt, "4294967297"), types.Int, "1"),
		castTo("CAST", col(types.Double, "3.99", "-3.99", "1e20", "NaN"), types.Int, "3", "-3", "2147483647", "0"),
		castTo("CAST", col(types.Double, "1e20"), types.BigInt, "9223372036854775807"),
		castTo("CAST", col(types.Int, "7"), types.Double, "7.0"),
		castTo("CAST", col(types.Double, "0.1"), types.Float, "0.1"),
		castTo("CAST", col(types.Decimal(5, 2), "123.45", "-123.45"), types.Int, "123", "-123"),
		castTo("CAST", col(types.Decimal(5, 2), "123.45"), types.Double, "123.45"),
		castTo("CAST", col(types.Boolean, "true", "false"), types.Int, "1", "0"),
		// DECIMAL
		castTo("CAST", col(types.Decimal(5, 3), "1.235", "-1.235", "1.234"), types.Decimal(4, 2), "1.24", "-1.24", "1.23"),
		castTo("CAST", col(types.Decimal(5, 2), "999.99"), types.Decimal(4, 1), "NULL"),
		castTo("CAST", col(types.Int, "12345"), types.Decimal(4, 0), "NULL"),
		castTo("CAST", col(types.Int, "42"), types.Decimal(10, 2), "42.00"),
		castTo("CAST", col(types.Double, "2.5", "0.125"), types.Decimal(10, 2), "2.50", "0.13"),
		castTo("CAST", col(s, " 1.5e2 ", "-0.005", "12345678901"), types.Decimal(10, 2), "150.00", "-0.01", "NULL"),
		castTo("CAST", col(s, "abc"), types.Decimal(10, 2), "ERR:cannot cast 'abc'"),
		castTo("CAST", col(types.Double, "NaN"), types.Decimal(10, 2), "ERR:cannot cast 'NaN'"),
		castTo("TRY_CAST", col(types.Double, "Infinity", "1.005"), types.Decimal(10, 2), "NULL", "1.01"),
		// string → numeric
		castTo("CAST", col(s, " 42 ", "-7", "1.9", nil), types.Int, "42", "-7", "1", "NULL"),
		castTo("CAST", col(s, "abc"), types.Int, "ERR:cannot cast 'abc' of type STRING to INT"),
		castTo("TRY_CAST", col(s, "abc", "12", "128"), types.TinyInt, "NULL", "12", "NULL"),
		castTo("CAST", col(s, "1.5", "1e3", "-Infinity", "NaN"), types.Double, "1.5", "1000.0", "-Infinity", "NaN"),
		castTo("TRY_CAST", col(s, "x1"), types.Double, "NULL"),
		// boolean
		castTo("CAST", col(s, "TRUE", "false", " yes ", "0"), types.Boolean, "TRUE", "FALSE", "TRUE", "FALSE"),
		castTo("CAST", col(s, "maybe"), types.Boolean, "ERR:cannot cast"),
		castTo("TRY_CAST", col(s, "maybe"), types.Boolean, "NULL"),
		castTo("CAST", col(types.Int, "0", "5"), types.Boolean, "FALSE", "TRUE"),
		// → string
		castTo("CAST", col(types.Boolean, "true", nil), s, "TRUE", "NULL"),
		castTo("CAST", col(types.Double, "1.0", "1e7", "0.0001"), s, "1.0", "1.0E7", "1.0E-4"),
		castTo("CAST", col(types.Float, "1.1"), s, "1.1"),
		castTo("CAST", col(types.Decimal(6, 3), "-0.005", "12.5"), s, "-0.005", "12.500"),
		castTo("CAST", col(types.BigInt, "-9223372036854775808"), s, "-9223372036854775808"),
		castTo("CAST", col(types.Date, "2024-02-29"), s, "2024-02-29"),
		castTo("CAST", col(types.Time(0), "12:34:56"), s, "12:34:56"),
		castTo("CAST", col(types.Timestamp(3), "2024-01-02 03:04:05.678"), s, "2024-01-02 03:04:05.678"),
		castTo("CAST", col(types.Timestamp(0), "1969-12-31 23:59:59"), s, "1969-12-31 23:59:59"),
		castTo("CAST", col(types.IntervalYM, int32(14), int32(-3)), s, "+1-02", "-0-03"),
		castTo("CAST", col(s, "abcdef", "ab"), types.Char(4), "abcd", "ab  "),
		castTo("CAST", col(s, "abcdef", "ab"), types.VarChar(3), "abc", "ab"),
		castTo("CAST", col(s, "héllo"), types.VarChar(2), "hé"),
		castTo("CAST", col(types.Int, "12345"), types.VarChar(3), "123"),
		// binary
		castTo("CAST", col(s, "hi"), types.Bytes, "x'6869'"),
		castTo("CAST", col(s, "hi"), types.Binary(3), "x'686900'"),
		castTo("CAST", col(types.Bytes, []byte("hé")), s, "hé"),
		// temporal
		castTo("CAST", col(s, "2024-1-5", " 2024-01-05 ", "2024-02-30"), types.Date, "ERR:2024-02-30"),
		castTo("TRY_CAST", col(s, "2024-1-5", "2024-02-30", "x"), types.Date, "2024-01-05", "NULL", "NULL"),
		castTo("CAST", col(s, "2024-01-05 10:11:12.123456789", "2024-01-05T10:11", "2024-01-05"), types.Timestamp(3),
			"2024-01-05 10:11:12.123", "2024-01-05 10:11:00.000", "2024-01-05 00:00:00.000"),
		castTo("CAST", col(s, "10:11:12.5", "1:2"), types.Time(3), "10:11:12.500", "01:02:00.000"),
		castTo("CAST", col(s, "10:11:12.5"), types.Time(0), "10:11:12"),
		castTo("CAST", col(types.Time(3), "10:11:12.567"), types.Time(1), "10:11:12.5"),
		castTo("CAST", col(types.Timestamp(6), "2024-01-05 10:11:12.987654", "1969-12-31 23:00:00"), types.Date, "2024-01-05", "1969-12-31"),
		castTo("CAST", col(types.Timestamp(6), "2024-01-05 10:11:12.987654"), types.Time(3), "10:11:12.987"),
		castTo("CAST", col(types.Date, "2024-01-05"), types.Timestamp(3), "2024-01-05 00:00:00.000"),
		castTo("CAST", col(types.Timestamp(6), "2024-01-05 10:11:12.987654"), types.Timestamp(3), "2024-01-05 10:11:12.987"),
		castTo("CAST", col(types.Timestamp(3), "2024-01-05 10:00:00"), types.TimestampLTZp(3), "2024-01-05 10:00:00.000"),
		castTo("CAST", col(types.Time(0), "10:11:12"), types.Timestamp(0), "1970-01-01 10:11:12"),
		// nested
		castTo("CAST", col(types.ArrayOf(types.Int), []any{int32(1), nil, int32(3)}, nil), types.ArrayOf(types.String), "[1, NULL, 3]", "NULL"),
		castTo("CAST", col(types.ArrayOf(types.String), []any{"1", "x"}), types.ArrayOf(types.Int), "ERR:cannot cast 'x'"),
		castTo("TRY_CAST", col(types.ArrayOf(types.String), []any{"1", "x"}), types.ArrayOf(types.Int), "[1, NULL]"),
		castTo("CAST", col(types.MapOf(types.String, types.Int), []types.MapEntry{{Key: "a", Value: int32(1)}}), types.MapOf(types.String, types.Double), "{a=1.0}"),
		castTo("CAST", col(types.RowOf(types.Field{Name: "a", Type: types.Int}, types.Field{Name: "b", Type: types.String}), []any{int32(1), "2"}, nil),
			types.RowOf(types.Field{Name: "x", Type: types.BigInt}, types.Field{Name: "y", Type: types.Int}), "(1, 2)", "NULL"),
		castTo("CAST", col(types.ArrayOf(types.Int), []any{int32(1)}), s, "[1]"),
		// NULL type
		castTo("CAST", col(types.Null, nil, nil), types.Int, "NULL", "NULL"),
	})
}

func TestCastLTZUsesSessionZone(t *testing.T) {
	ctx := testCtx()
	ctx.Loc = time.FixedZone("UTC+8", 8*3600)
	got, _, err := evalFn(t, ctx, "CAST", col(types.Timestamp(3), "2024-01-05 10:00:00"), lit(types.TimestampLTZp(3), nil))
	if err != nil || got[0] != "2024-01-05 10:00:00.000" {
		t.Fatalf("TIMESTAMP → LTZ shown in session zone: %v %v", got, err)
	}
	// The instant is 02:00 UTC; back to TIMESTAMP in UTC gives 02:00.
	k1, _ := castKernel(types.Timestamp(3), types.TimestampLTZp(3), false)
	k2, _ := castKernel(types.TimestampLTZp(3), types.Timestamp(3), false)
	in := col(types.Timestamp(3), "2024-01-05 10:00:00").array(t, 1)
	ltz, _ := k1(ctx, []arrow.Array{in}, 1)
	back, _ := k2(expr.NewContext(time.UTC), []arrow.Array{ltz}, 1)
	if s := types.Format(types.Value(back, 0), types.Timestamp(3), time.UTC, ""); s != "2024-01-05 02:00:00.000" {
		t.Fatalf("LTZ → TIMESTAMP in UTC = %s", s)
	}
}

func TestNewCast(t *testing.T) {
	e, err := NewCast(&expr.ColumnRef{Index: 0, T: types.Int.NotNullable()}, types.BigInt, false)
	if err != nil {
		t.Fatal(err)
	}
	if e.String() != "CAST($0 AS BIGINT)" || !e.Type().Equal(types.BigInt.NotNullable()) {
		t.Fatalf("got %s : %s", e, e.Type())
	}
	e, _ = NewCast(&expr.ColumnRef{Index: 1, T: types.String}, types.Int, true)
	if e.String() != "TRY_CAST($1 AS INT)" || !e.Type().Nullable() {
		t.Fatalf("got %s : %s", e, e.Type())
	}
	_, err = NewCast(&expr.ColumnRef{Index: 0, T: types.Date}, types.Int, false)
	if err == nil || !strings.Contains(err.Error(), "DATE") || !strings.Contains(err.Error(), "INT") {
		t.Fatalf("want an error naming DATE and INT, got %v", err)
	}
	b := types.NewBatchBuilder(types.NewSchema(types.Field{Name: "s", Type: types.String}))
	b.Add(types.Insert, []any{"x"})
	e, _ = NewCast(&expr.ColumnRef{Index: 0, T: types.String}, types.Int, false)
	_, err = e.Eval(testCtx(), b.Build())
	var ce *CastError
	if !errors.As(err, &ce) || ce.Value != "x" {
		t.Fatalf("want *CastError, got %v", err)
	}
}

func TestCanCast(t *testing.T) {
	for _, c := range []struct {
		from, to types.DataType
		ok       bool
	}{
		{types.Int, types.String, true},
		{types.String, types.TimestampMs, true},
		{types.Date, types.Int, false},
		{types.Int, types.TimestampMs, false},
		{types.ArrayOf(types.Int), types.ArrayOf(types.Date), false},
		{types.RowOf(types.Field{Name: "a", Type: types.Int}), types.RowOf(types.Field{Name: "b", Type: types.String}), true},
		{types.Boolean, types.Decimal(3, 0), true},
		{types.ArrayOf(types.Int), types.String, true},
		{types.ArrayOf(types.Int), types.ArrayOf(types.Int).NotNullable(), true},
		{types.IntervalYM, types.IntervalDT, false},
		{types.Null, types.ArrayOf(types.Int), true},
	} {
		if got := CanCast(c.from, c.to); got != c.ok {
			t.Errorf("CanCast(%s, %s) = %v", c.from, c.to, got)
		}
	}
}
