package ops

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// Helpers shared by the time-bounded joins (interval, window, temporal).

// emitPadded emits stored rows refs of side input (0 left, 1 right)
// padded with NULLs for the other side.
func emitPadded(input int, s *timedStore, refs []rowRef, outSchema *types.Schema, size int, out Collector) error {
	selfCols := takeRefs(s.schema, s.chunks, refs)
	var cols []arrow.Array
	if input == 0 {
		cols = append(selfCols, nullColumns(types.NewSchema(outSchema.Fields[len(selfCols):]...), len(refs))...)
	} else {
		cols = append(nullColumns(types.NewSchema(outSchema.Fields[:outSchema.Len()-len(selfCols)]...), len(refs)), selfCols...)
	}
	return emitSliced(out, types.NewBatch(outSchema, cols, nil, len(refs)), size)
}

// satAdd adds without overflowing past the int64 range.
func satAdd(a, b int64) int64 {
	s := a + b
	if b > 0 && s < a {
		return math.MaxInt64
	}
	if b < 0 && s > a {
		return math.MinInt64
	}
	return s
}

// emitWatermark forwards a watermark when the collector can carry one.
func emitWatermark(out Collector, ts int64) error {
	if w, ok := out.(WatermarkCollector); ok {
		return w.EmitWatermark(ts)
	}
	return nil
}

// timedJoinBase is what the time-bounded joins (interval, temporal,
// window) share: the evaluation context, the residual condition over
// left ++ right, the output batch size, the late-row counter and the
// operator's watermark.
type timedJoinBase struct {
	ctx      *OpContext
	residual expr.Expr
	pairs    *types.Schema
	eval     *expr.Context
	size     int
	late     *metrics.Counter
	wm       int64 // the last watermark processed
	buf      []byte
}

func newTimedJoinBase(left, right *types.Schema, residual expr.Expr) timedJoinBase {
	b := timedJoinBase{wm: math.MinInt64, pairs: concatSchemas(left, right)}
	if residual != nil {
		b.residual = CloneExpr(residual) // evaluation state is per subtask
	}
	return b
}

// open picks up the evaluation context and the late-row counter.
func (b *timedJoinBase) open(ctx *OpContext) {
	b.ctx = ctx
	b.size = ctx.BatchSize
	b.eval = ctx.Eval
	if b.eval == nil {
		b.eval = expr.NewContext(nil)
	}
	b.late = ctx.Metrics.Counter(metrics.LateRecordsDropped)
}
