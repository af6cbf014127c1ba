package functions

import (
	"errors"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Time-attribute functions: CURRENT_WATERMARK reads the evaluating
// operator's watermark (expr.Context.Watermark), SOURCE_WATERMARK marks a
// WATERMARK clause whose watermarks come from the connector. PROCTIME
// (temporal.go) reads the job clock through procNow.

// ErrSourceWatermarkCall is what evaluating SOURCE_WATERMARK() raises
// (outside a WATERMARK clause, or for a connector that produces no
// watermarks): the function only declares where watermarks come from and
// has no value of its own. The message is Flink's.
var ErrSourceWatermarkCall = errors.New("SOURCE_WATERMARK() is a declarative marker function and doesn't have concrete runtime implementation.")

func init() {
	registerAll(
		&expr.ScalarFunction{
			Name: "CURRENT_WATERMARK", NonDeterministic: true,
			Doc: docOf("Temporal", "CURRENT_WATERMARK(rowtime)",
				"Returns the current watermark of the operator evaluating it for the given rowtime attribute, or NULL before the first watermark; the type is the rowtime's with precision 3. `WHERE ts > CURRENT_WATERMARK(ts)` drops late rows.",
				"CURRENT_WATERMARK(ts) → 2024-03-05 09:02:00.000"),
			Bind: bindCurrentWatermark,
		},
		&expr.ScalarFunction{
			Name: "SOURCE_WATERMARK", NonDeterministic: true,
			Doc: docOf("Temporal", "SOURCE_WATERMARK()",
				"Declares in `WATERMARK FOR ts AS SOURCE_WATERMARK()` that the connector emits watermarks itself; it has no value of its own.",
				"WATERMARK FOR ts AS SOURCE_WATERMARK()"),
			Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
				if len(args) != 0 {
					return types.Null, nil, sigErr("SOURCE_WATERMARK", args, "SOURCE_WATERMARK()")
				}
				return types.DataType{Kind: types.KindTimestampLTZ, Prec: 3}.NotNullable(), func(*expr.Context, []arrow.Array, int) (arrow.Array, error) {
					return nil, ErrSourceWatermarkCall
				}, nil
			},
		},
	)
}

func bindCurrentWatermark(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	// Flink accepts only a rowtime attribute: the watermark belongs to it.
	if len(args) != 1 || args[0].Type.TimeAttr != types.TimeAttrRowtime ||
		(args[0].Type.Kind != types.KindTimestamp && args[0].Type.Kind != types.KindTimestampLTZ) {
		return types.Null, nil, sigErr("CURRENT_WATERMARK", args, "CURRENT_WATERMARK(<rowtime attribute: TIMESTAMP(3) *ROWTIME* or TIMESTAMP_LTZ(3) *ROWTIME*>)")
	}
	t := types.DataType{Kind: args[0].Type.Kind, Prec: 3}.WithNullable(true)
	at := types.ArrowType(t)
	return t, func(ctx *expr.Context, _ []arrow.Array, rows int) (arrow.Array, error) {
		if ctx == nil || !ctx.HasWatermark || ctx.Watermark == math.MinInt64 {
			return nullArray(t, rows), nil
		}
		return fillCol(at, arrow.Timestamp(ctx.Watermark), rows), nil
	}, nil
}

// procNow is the processing time of PROCTIME() and CURRENT_ROW_TIMESTAMP:
// the job clock when the runtime set one, else the wall clock.
func procNow(ctx *expr.Context) time.Time {
	if ctx != nil && ctx.Clock != nil {
		return time.UnixMicro(ctx.Clock())
	}
	return time.Now()
}
