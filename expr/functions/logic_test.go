package functions

import (
	"testing"

	"github.com/spry-engine/spry/types"
)

func TestLogic(t *testing.T) {
	b := types.Boolean
	// Every combination of TRUE, FALSE, NULL for the binary operators.
	l := col(b, "true", "true", "true", "false", "false", "false", nil, nil, nil)
	r := col(b, "true", "false", nil, "true", "false", nil, "true", "false", nil)
	runEvalCases(t, []evalCase{
		{fn: "AND", args: []tcol{l, r}, want: []string{"TRUE", "FALSE", "NULL", "FALSE", "FALSE", "FALSE", "NULL", "FALSE", "NULL"}},
		{fn: "OR", args: []tcol{l, r}, want: []string{"TRUE", "TRUE", "TRUE", "TRUE", "FALSE", "NULL", "TRUE", "NULL", "NULL"}},
		{fn: "AND", args: []tcol{col(b, "true", "true"), col(b, "true", "true"), col(b, "true", "false")}, want: []string{"TRUE", "FALSE"}},
		{fn: "OR", args: []tcol{col(b, "false"), lit(types.Null, nil)}, want: []string{"NULL"}},
		{fn: "NOT", args: []tcol{col(b, "true", "false", nil)}, want: []string{"FALSE", "TRUE", "NULL"}},
		{fn: "IS_NULL", args: []tcol{col(types.Int, "1", nil)}, want: []string{"FALSE", "TRUE"}, typ: "BOOLEAN NOT NULL"},
		{fn: "IS_NOT_NULL", args: []tcol{col(types.String, "x", nil)}, want: []string{"TRUE", "FALSE"}},
		{fn: "IS_NULL", args: []tcol{lit(types.Null, nil)}, want: []string{"TRUE"}},
		{fn: "IS_TRUE", args: []tcol{col(b, "true", "false", nil)}, want: []string{"TRUE", "FALSE", "FALSE"}},
		{fn: "IS_NOT_TRUE", args: []tcol{col(b, "true", "false", nil)}, want: []string{"FALSE", "TRUE", "TRUE"}},
		{fn: "IS_FALSE", args: []tcol{col(b, "true", "false", nil)}, want: []string{"FALSE", "TRUE", "FALSE"}},
		{fn: "IS_NOT_FALSE", args: []tcol{col(b, "true", "false", nil)}, want: []string{"TRUE", "FALSE", "TRUE"}},
		{fn: "AND", args: []tcol{col(types.Int, "1"), col(b, "true")}, want: []string{"ERR:cannot apply 'AND'"}},
	})
}

// TestLogicSlicedInput checks bitmaps of offset slices are aligned.
func TestLogicSlicedInput(t *testing.T) {
	vals := make([]any, 20)
	for i := range vals {
		switch i % 3 {
		case 0:
			vals[i] = "true"
		case 1:
			vals[i] = "false"
		}
	}
	got, _, err := evalFn(t, testCtx(), "NOT", col(types.Boolean, vals[3:]...))
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		want := map[any]string{"true": "FALSE", "false": "TRUE", nil: "NULL"}[vals[3+i]]
		if g != want {
			t.Fatalf("row %d: %s, want %s", i, g, want)
		}
	}
}
