package ops

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// TestMonotoneWatermark checks which WATERMARK FOR expressions take the
// one-row path, and that it emits the same watermarks as evaluating the
// expression on every row, over shuffled batches.
func TestMonotoneWatermark(t *testing.T) {
	ts := &expr.ColumnRef{Index: 1, Name: "ts", T: types.TimestampMs}
	id := &expr.ColumnRef{Index: 0, Name: "id", T: types.Int}
	iv := &expr.Literal{Value: int64(5_000_000), T: types.IntervalDT.NotNullable()}
	minus := bindCall(t, "-", ts, iv)
	plus := bindCall(t, "+", iv, ts)
	nested := bindCall(t, "+", bindCall(t, "-", ts, iv), iv)
	tests := []struct {
		name     string
		e        expr.Expr
		monotone bool
	}{
		{"rowtime", ts, true},
		{"minus interval", minus, true},
		{"interval plus", plus, true},
		{"nested", nested, true},
		{"interval minus rowtime", &expr.Call{Name: "-", Args: []expr.Expr{iv, ts}, T: types.TimestampMs}, false},
		{"other column", &expr.ColumnRef{Index: 0, T: types.TimestampMs}, false},
		{"reads another column", &expr.Call{Name: "+", Args: []expr.Expr{ts, id}, T: types.TimestampMs}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := monotoneWatermark(tc.e, 1); got != tc.monotone {
				t.Fatalf("monotoneWatermark = %v, want %v", got, tc.monotone)
			}
			if !tc.monotone || tc.e == ts {
				return
			}
			run := func(fast bool) []string {
				op, err := NewWatermarkAssigner(&WatermarkAssignerConfig{Schema: tsSchema, RowtimeIndex: 1, Expr: tc.e})
				if err != nil {
					t.Fatal(err)
				}
				if err := op.Open(opCtx()); err != nil {
					t.Fatal(err)
				}
				op.monotone = fast
				out := &eventCollector{}
				rr := rand.New(rand.NewPCG(7, 8))
				for range 20 {
					secs := make([]int64, 1+rr.IntN(6))
					for i := range secs {
						secs[i] = rr.Int64N(100)
					}
					if err := op.ProcessBatch(0, tsBatch(secs...), out); err != nil {
						t.Fatal(err)
					}
				}
				return out.events
			}
			if fast, slow := run(true), run(false); !reflect.DeepEqual(fast, slow) {
				t.Fatalf("one-row path %v, whole column %v", fast, slow)
			}
		})
	}
}
