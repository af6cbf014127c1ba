package functions

import (
	"testing"

	"github.com/spry-engine/spry/types"
)

func TestConditional(t *testing.T) {
	b, i, s := types.Boolean, types.Int, types.String
	runEvalCases(t, []evalCase{
		{fn: "CASE", args: []tcol{col(b, "true", "false", nil), col(i, "1", "2", "3"), lit(types.Null, nil)}, want: []string{"1", "NULL", "NULL"}, typ: "INT"},
		{fn: "CASE", args: []tcol{col(b, "false", "true", "false"), col(s, "a", "b", "c"), col(b, "true", "true", nil), lit(s, "x"), lit(s, "z")},
			want: []string{"x", "b", "z"}},
		{fn: "CASE", args: []tcol{col(b, "true", "false"), col(i, "1", "1"), col(types.Decimal(3, 1), "2.5", "2.5")}, want: []string{"1.0", "2.5"}, typ: "DECIMAL(11, 1)"},
		{fn: "CASE", args: []tcol{col(b, "true"), col(i, "1")}, want: []string{"ERR:cannot apply 'CASE'"}},
		{fn: "IF", args: []tcol{col(b, "true", "false", nil), col(types.Double, "1.5", "1.5", "1.5"), col(i, "2", "2", "2")}, want: []string{"1.5", "2.0", "2.0"}, typ: "DOUBLE"},
		{fn: "COALESCE", args: []tcol{col(i, nil, "1", nil), col(i, "2", "2", nil), lit(i.NotNullable(), int32(9))}, want: []string{"2", "1", "9"}, typ: "INT NOT NULL"},
		{fn: "COALESCE", args: []tcol{col(s, nil, "a"), col(s, nil, "b")}, want: []string{"NULL", "a"}, typ: "STRING"},
		{fn: "COALESCE", args: []tcol{col(types.Date, nil), lit(types.Timestamp(3), int64(0))}, want: []string{"1970-01-01 00:00:00.000"}},
		{fn: "IFNULL", args: []tcol{col(i, nil, "1"), lit(types.BigInt.NotNullable(), int64(5))}, want: []string{"5", "1"}, typ: "BIGINT NOT NULL"},
		{fn: "NULLIF", args: []tcol{col(i, "5", "5", nil), col(i, "5", "0", "5")}, want: []string{"NULL", "5", "NULL"}, typ: "INT"},
		{fn: "NULLIF", args: []tcol{col(s, "a", "b"), lit(s, "a")}, want: []string{"NULL", "b"}},
		{fn: "GREATEST", args: []tcol{col(i, "1", "7", nil), col(i, "5", "2", "1"), col(i, "3", "3", "1")}, want: []string{"5", "7", "NULL"}},
		{fn: "GREATEST", args: []tcol{col(i, "1"), col(types.Double, "1.5")}, want: []string{"1.5"}, typ: "DOUBLE"},
		{fn: "LEAST", args: []tcol{col(s, "b", "a"), col(s, "a", "c")}, want: []string{"a", "a"}},
		{fn: "LEAST", args: []tcol{col(types.Decimal(4, 2), "1.25", "-3.00"), col(types.Decimal(4, 2), "1.20", "2.00")}, want: []string{"1.20", "-3.00"}},
		{fn: "GREATEST", args: []tcol{col(types.Timestamp(3), "2024-01-01 00:00:00"), col(types.Date, "2024-01-02")}, want: []string{"2024-01-02 00:00:00.000"}},
		{fn: "GREATEST", args: []tcol{col(types.Boolean, "true", "false"), col(types.Boolean, "false", "false")}, want: []string{"TRUE", "FALSE"}},
	})
}
