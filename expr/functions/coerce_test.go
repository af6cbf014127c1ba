package functions

import (
	"testing"

	"github.com/spry-engine/spry/types"
)

func TestCommonType(t *testing.T) {
	for _, c := range []struct {
		in   []types.DataType
		want string // "" when there is no common type
	}{
		{[]types.DataType{types.Int, types.BigInt}, "BIGINT"},
		{[]types.DataType{types.TinyInt.NotNullable(), types.SmallInt.NotNullable()}, "SMALLINT NOT NULL"},
		{[]types.DataType{types.Int, types.Decimal(5, 2)}, "DECIMAL(12, 2)"},
		{[]types.DataType{types.Decimal(5, 2), types.Decimal(10, 0)}, "DECIMAL(12, 2)"},
		{[]types.DataType{types.Decimal(5, 2), types.Float}, "DOUBLE"},
		{[]types.DataType{types.Int, types.Float}, "FLOAT"},
		{[]types.DataType{types.Int, types.Double}, "DOUBLE"},
		{[]types.DataType{types.Null, types.Int.NotNullable()}, "INT"},
		{[]types.DataType{types.Null}, "NULL"},
		{[]types.DataType{types.Char(3), types.Char(5)}, "VARCHAR(5)"},
		{[]types.DataType{types.Char(3), types.Char(3).NotNullable()}, "CHAR(3)"},
		{[]types.DataType{types.Decimal(38, 10), types.BigInt}, "DECIMAL(38, 10)"},
		{[]types.DataType{types.Decimal(38, 30), types.BigInt}, "DECIMAL(38, 19)"},
		{[]types.DataType{types.RowOf(types.Field{Name: "a", Type: types.Int}), types.RowOf(types.Field{Name: "b", Type: types.Double})}, "ROW<`a` DOUBLE>"},
		{[]types.DataType{types.Char(3), types.VarChar(2)}, "VARCHAR(3)"},
		{[]types.DataType{types.Char(3), types.String}, "STRING"},
		{[]types.DataType{types.Date, types.Timestamp(3)}, "TIMESTAMP(3)"},
		{[]types.DataType{types.Timestamp(6), types.TimestampLTZp(3)}, "TIMESTAMP_LTZ(6)"},
		{[]types.DataType{types.ArrayOf(types.Int), types.ArrayOf(types.BigInt)}, "ARRAY<BIGINT>"},
		{[]types.DataType{types.Int, types.String}, ""},
		{[]types.DataType{types.Date, types.Time(0)}, ""},
		{[]types.DataType{types.Boolean, types.Int}, ""},
	} {
		got, ok := CommonType(c.in...)
		switch {
		case c.want == "" && ok:
			t.Errorf("CommonType(%v) = %s, want none", c.in, got)
		case c.want != "" && (!ok || got.String() != c.want):
			t.Errorf("CommonType(%v) = %s %v, want %s", c.in, got, ok, c.want)
		}
	}
}

func TestCanCastImplicitly(t *testing.T) {
	for _, c := range []struct {
		from, to types.DataType
		ok       bool
	}{
		{types.Int, types.BigInt, true},
		{types.BigInt, types.Int, false},
		{types.Int, types.Decimal(5, 0), true},
		{types.Decimal(5, 2), types.Double, true},
		{types.Double, types.Decimal(5, 2), true},
		{types.Double, types.Float, false},
		{types.Decimal(5, 2), types.BigInt, false},
		{types.String, types.Char(3), false},
		{types.Binary(3), types.Bytes, true},
		{types.Char(3), types.String, true},
		{types.String, types.Int, false},
		{types.Date, types.Timestamp(3), false},
		{types.Timestamp(3), types.Date, true},
		{types.Timestamp(3), types.Time(0), true},
		{types.Timestamp(3), types.TimestampLTZp(3), true},
		{types.Null, types.ArrayOf(types.Int), true},
		{types.Bytes, types.String, false},
		{types.ArrayOf(types.Int), types.ArrayOf(types.BigInt), true},
		{types.RowOf(types.Field{Name: "a", Type: types.Int}), types.RowOf(types.Field{Name: "b", Type: types.BigInt}), true},
		{types.RowOf(types.Field{Name: "a", Type: types.BigInt}), types.RowOf(types.Field{Name: "b", Type: types.Int}), false},
	} {
		if got := CanCastImplicitly(c.from, c.to); got != c.ok {
			t.Errorf("CanCastImplicitly(%s, %s) = %v", c.from, c.to, got)
		}
	}
}
