package ops

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

var tsSchema = types.NewSchema(types.Field{Name: "id", Type: types.Int}, types.Field{Name: "ts", Type: types.TimestampMs})

// eventCollector records rows, watermarks and idleness in order.
type eventCollector struct{ events []string }

func (c *eventCollector) Emit(b *types.Batch) error {
	c.events = append(c.events, fmt.Sprintf("rows:%d", b.Len()))
	return nil
}

func (c *eventCollector) EmitWatermark(ts int64) error {
	s := "wm:end"
	if ts != math.MaxInt64 {
		s = fmt.Sprintf("wm:%ds", ts/1_000_000)
	}
	c.events = append(c.events, s)
	return nil
}

func (c *eventCollector) MarkIdle() error { c.events = append(c.events, "idle"); return nil }

// tsBatch builds (id, ts) rows from rowtimes in seconds; -1 is NULL.
func tsBatch(secs ...int64) *types.Batch {
	bb := types.NewBatchBuilder(tsSchema)
	for i, s := range secs {
		var v any
		if s >= 0 {
			v = s * 1_000_000
		}
		bb.Add(types.Insert, []any{int32(i), v})
	}
	return bb.Build()
}

// minus5s is the bound `ts - INTERVAL '5' SECOND` over tsSchema.
func minus5s() expr.Expr {
	ts := &expr.ColumnRef{Index: 1, Name: "ts", T: types.TimestampMs}
	k := func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		in := args[0].(*array.Timestamp)
		b := array.NewTimestampBuilder(memory.DefaultAllocator, &arrow.TimestampType{Unit: arrow.Microsecond})
		for i := 0; i < rows; i++ {
			if in.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(in.Value(i) - 5_000_000)
			}
		}
		return b.NewArray(), nil
	}
	return &expr.Call{Name: "-", Args: []expr.Expr{ts}, T: types.TimestampMs, Kernel: k}
}

type wmStep struct {
	batch []int64 // rowtimes in seconds, or nil
	wm    int64   // input watermark when batch is nil
	idle  int64   // or: a CheckIdle at this clock (seconds)
}

func TestWatermarkAssigner(t *testing.T) {
	tests := []struct {
		name  string
		expr  expr.Expr
		idle  time.Duration
		steps []wmStep
		want  []string
		errIs error
	}{
		{name: "in order", expr: minus5s(), steps: []wmStep{{batch: []int64{10, 11}}, {batch: []int64{12}}},
			want: []string{"rows:2", "wm:6s", "rows:1", "wm:7s"}},
		{name: "out of order keeps the max", expr: minus5s(),
			steps: []wmStep{{batch: []int64{20, 14}}, {batch: []int64{17}}, {batch: []int64{21, 9}}},
			want:  []string{"rows:2", "wm:15s", "rows:1", "rows:2", "wm:16s"}},
		{name: "input watermarks replaced, end forwarded", expr: minus5s(),
			steps: []wmStep{{batch: []int64{10}}, {wm: 100_000_000}, {wm: math.MaxInt64}},
			want:  []string{"rows:1", "wm:5s", "wm:end"}},
		{name: "null rowtime fails", expr: minus5s(), steps: []wmStep{{batch: []int64{10, -1}}}, errIs: ErrNullRowtime},
		{name: "source watermark passes through", steps: []wmStep{{batch: []int64{10}}, {wm: 8_000_000}, {wm: 7_000_000}, {wm: math.MaxInt64}},
			want: []string{"rows:1", "wm:8s", "wm:end"}},
		// Idle once more than the timeout passed without rows (not at 5 s).
		{name: "idle after timeout, once", expr: minus5s(), idle: 5 * time.Second,
			steps: []wmStep{{idle: 4}, {idle: 5}, {idle: 9}, {idle: 10}, {batch: []int64{10}}, {idle: 12}, {idle: 20}},
			want:  []string{"idle", "rows:1", "wm:5s", "idle"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var clock int64
			op, err := Build(Spec{Kind: KindWatermarkAssigner, Config: &WatermarkAssignerConfig{Schema: tsSchema, RowtimeIndex: 1, Expr: tc.expr, IdleTimeout: tc.idle}})
			if err != nil {
				t.Fatal(err)
			}
			ctx := opCtx()
			ctx.Now = func() int64 { return clock }
			if err := op.Open(ctx); err != nil {
				t.Fatal(err)
			}
			out := &eventCollector{}
			for _, s := range tc.steps {
				switch {
				case s.batch != nil:
					err = op.ProcessBatch(0, tsBatch(s.batch...), out)
				case s.idle != 0:
					clock = s.idle * 1_000_000
					err = op.(IdleDetector).CheckIdle(clock, out)
				default:
					err = op.ProcessWatermark(s.wm, out)
				}
				if err != nil {
					break
				}
			}
			if tc.errIs != nil {
				if !errors.Is(err, tc.errIs) {
					t.Fatalf("err = %v, want %v", err, tc.errIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(out.events, tc.want) {
				t.Errorf("events = %v, want %v", out.events, tc.want)
			}
		})
	}
}

func TestWatermarkAssignerString(t *testing.T) {
	op, err := NewWatermarkAssigner(&WatermarkAssignerConfig{Schema: tsSchema, RowtimeIndex: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := op.String(), "WatermarkAssigner(rowtime=[ts], watermark=[SOURCE_WATERMARK()])"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if _, err := NewWatermarkAssigner(&WatermarkAssignerConfig{Schema: tsSchema, RowtimeIndex: 0}); err == nil {
		t.Error("an INT rowtime column was accepted")
	}
}
