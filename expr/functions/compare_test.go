package functions

import (
	"testing"

	"github.com/spry-engine/spry/types"
)

func TestComparison(t *testing.T) {
	i, s := types.Int, types.String
	runEvalCases(t, []evalCase{
		{fn: "=", args: []tcol{col(i, "1", "1", nil), col(i, "1", "2", "1")}, want: []string{"TRUE", "FALSE", "NULL"}, typ: "BOOLEAN"},
		{fn: "=", args: []tcol{col(i, "1"), col(types.Decimal(3, 1), "1.0")}, want: []string{"TRUE"}},
		{fn: "=", args: []tcol{col(types.BigInt, "1"), col(types.Double, "1.0")}, want: []string{"TRUE"}},
		{fn: "<>", args: []tcol{col(s, "a", "b"), col(s, "a", "a")}, want: []string{"FALSE", "TRUE"}},
		{fn: "<", args: []tcol{col(s, "abc", "b", ""), col(s, "abd", "abc", "a")}, want: []string{"TRUE", "FALSE", "TRUE"}},
		{fn: "<=", args: []tcol{col(i, "2", "3"), lit(i, int32(2))}, want: []string{"TRUE", "FALSE"}},
		{fn: ">", args: []tcol{col(types.Date, "2024-01-02"), col(types.Timestamp(3), "2024-01-01 23:59:59")}, want: []string{"TRUE"}},
		{fn: ">=", args: []tcol{col(types.Boolean, "true", "false"), col(types.Boolean, "false", "true")}, want: []string{"TRUE", "FALSE"}},
		{fn: ">", args: []tcol{col(types.Decimal(5, 2), "1.50", "-2.00"), col(types.Decimal(4, 1), "1.4", "-1.0")}, want: []string{"TRUE", "FALSE"}},
		{fn: "=", args: []tcol{col(s, "42", " 7"), col(i, "42", "7")}, want: []string{"TRUE", "TRUE"}},
		{fn: "<", args: []tcol{col(s, "2024-01-01"), col(types.Date, "2024-01-02")}, want: []string{"TRUE"}},
		{fn: "=", args: []tcol{col(types.Double, "NaN"), col(types.Double, "NaN")}, want: []string{"FALSE"}},
		{fn: "=", args: []tcol{lit(types.Null, nil), col(i, "1")}, want: []string{"NULL"}},
		{fn: "=", args: []tcol{col(i, "1"), col(types.Date, "2024-01-01")}, want: []string{"ERR:cannot apply '='"}},
		{fn: "IS_DISTINCT_FROM", args: []tcol{col(i, "1", "1", nil, nil), col(i, "1", "2", "1", nil)}, want: []string{"FALSE", "TRUE", "TRUE", "FALSE"}, typ: "BOOLEAN NOT NULL"},
		{fn: "IS_NOT_DISTINCT_FROM", args: []tcol{col(s, "a", "a", nil, nil), col(s, "a", "b", "a", nil)}, want: []string{"TRUE", "FALSE", "FALSE", "TRUE"}},
		{fn: "IS_NOT_DISTINCT_FROM", args: []tcol{lit(types.Null, nil), lit(types.Null, nil)}, want: []string{"TRUE"}},
		{fn: "=", args: []tcol{col(types.ArrayOf(i), []any{int32(1), int32(2)}, []any{int32(1)}, nil), col(types.ArrayOf(types.BigInt), []any{int64(1), int64(2)}, []any{int64(2)}, []any{})},
			want: []string{"TRUE", "FALSE", "NULL"}},
		{fn: "<", args: []tcol{col(types.ArrayOf(i), []any{int32(1)}), col(types.ArrayOf(i), []any{int32(1)})}, want: []string{"ERR:cannot apply '<'"}},
	})
}

func TestIn(t *testing.T) {
	i, s := types.Int, types.String
	runEvalCases(t, []evalCase{
		// constant lists use the hashed set
		{fn: "IN", args: []tcol{col(i, "1", "4", nil), lit(i, int32(1)), lit(i, int32(2)), lit(i, int32(3))}, want: []string{"TRUE", "FALSE", "NULL"}},
		{fn: "IN", args: []tcol{col(i, "1", "4"), lit(i, int32(1)), lit(types.Null, nil)}, want: []string{"TRUE", "NULL"}},
		{fn: "IN", args: []tcol{col(types.BigInt, "2"), lit(types.Decimal(2, 1), "2.0"), lit(i, int32(5))}, want: []string{"TRUE"}},
		{fn: "IN", args: []tcol{col(s, "b", "z"), lit(s, "a"), lit(s, "b")}, want: []string{"TRUE", "FALSE"}},
		{fn: "IN", args: []tcol{col(types.Double, "1.5"), lit(types.Double, 1.5)}, want: []string{"TRUE"}},
		{fn: "IN", args: []tcol{col(types.Boolean, "true"), lit(types.Boolean, false)}, want: []string{"FALSE"}},
		{fn: "IN", args: []tcol{col(types.Date, "2024-01-01"), lit(s, "2024-01-01")}, want: []string{"TRUE"}},
		// column lists scan
		{fn: "IN", args: []tcol{col(i, "1", "2", "3", nil), col(i, "0", "2", nil, "1"), col(i, "1", "0", "0", "1")}, want: []string{"TRUE", "TRUE", "NULL", "NULL"}},
		{fn: "IN", args: []tcol{col(i, "1"), col(types.Date, "2024-01-01")}, want: []string{"ERR:cannot apply 'IN'"}},
	})
}
