package ops

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// KindWatermarkAssigner is the operator kind of *WatermarkAssignerConfig.
const KindWatermarkAssigner Kind = "WatermarkAssigner"

// ErrNoSourceWatermarks fails a SOURCE_WATERMARK() table whose connector
// produces no watermarks, with the message Flink gives when the marker
// function reaches the runtime.
var ErrNoSourceWatermarks = errors.New("SOURCE_WATERMARK() is a declarative marker function and doesn't have concrete runtime implementation.")

// ErrNullRowtime is the error a row with a NULL rowtime raises, worded as
// Flink's WatermarkAssignerOperator words it.
var ErrNullRowtime = errors.New("RowTime field should not be null, please convert it to a non-null long value.")

// WatermarkAssignerConfig configures a WatermarkAssigner: the rowtime column
// and the bound WATERMARK FOR expression of a table.
type WatermarkAssignerConfig struct {
	Schema       *types.Schema // input = output schema
	RowtimeIndex int           // the rowtime column, checked for NULLs
	// Expr computes a row's watermark candidate (e.g. ts - INTERVAL '5'
	// SECOND); nil means SOURCE_WATERMARK(): the source's own watermarks
	// pass through.
	Expr expr.Expr
	// IdleTimeout is table.exec.source.idle-timeout: after this long
	// without rows (by the job clock) the subtask is marked idle so it no
	// longer holds back downstream watermarks. 0 disables it.
	IdleTimeout time.Duration
}

// OutputSchema is the input schema: an assigner only adds watermarks.
func (c *WatermarkAssignerConfig) OutputSchema() *types.Schema { return c.Schema }

// WatermarkAssigner generates event-time watermarks as Flink's
// WatermarkAssignerOperator: it keeps the largest watermark expression value
// seen and emits it, after the batch that raised it, when it advances. The
// watermark is exactly the expression's value (ts - 5 s for
// `ts - INTERVAL '5' SECOND`): the DataStream API's extra -1 ms does not
// apply to SQL. Emitting at most once per batch is Spry's periodic emission
// (Flink's pipeline.auto-watermark-interval), so the interval option has no
// separate effect. Input watermarks are replaced, except the end-of-input
// watermark, which is forwarded so a bounded stream fires everything.
type WatermarkAssigner struct {
	BaseOperator
	cfg     *WatermarkAssignerConfig
	wmExpr  expr.Expr
	eval    *expr.Context
	now     func() int64
	current int64 // largest watermark computed
	emitted int64 // last watermark emitted
	// lastRow is the job-clock time of the last row, for idleness; idle
	// is set once the subtask was marked idle and cleared by the next row.
	lastRow int64
	idle    bool
	// monotone: the watermark is computed at the batch's largest rowtime
	// only (watermark_fast.go).
	monotone bool
}

var (
	_ Operator               = (*WatermarkAssigner)(nil)
	_ WatermarkGenerator     = (*WatermarkAssigner)(nil)
	_ ProcessingTimeOperator = (*WatermarkAssigner)(nil)
	_ IdleDetector           = (*WatermarkAssigner)(nil)
)

// NewWatermarkAssigner checks the config and makes an assigner.
func NewWatermarkAssigner(c *WatermarkAssignerConfig) (*WatermarkAssigner, error) {
	if c.Schema == nil || c.RowtimeIndex < 0 || c.RowtimeIndex >= c.Schema.Len() {
		return nil, &SpecError{KindWatermarkAssigner, fmt.Sprintf("rowtime index %d outside the input schema", c.RowtimeIndex)}
	}
	if k := c.Schema.Fields[c.RowtimeIndex].Type.Kind; k != types.KindTimestamp && k != types.KindTimestampLTZ {
		return nil, &SpecError{KindWatermarkAssigner, fmt.Sprintf("rowtime column must be TIMESTAMP or TIMESTAMP_LTZ, found %s", c.Schema.Fields[c.RowtimeIndex].Type)}
	}
	w := &WatermarkAssigner{cfg: c, current: math.MinInt64, emitted: math.MinInt64}
	if c.Expr != nil {
		if k := c.Expr.Type().Kind; k != types.KindTimestamp && k != types.KindTimestampLTZ {
			return nil, &SpecError{KindWatermarkAssigner, fmt.Sprintf("watermark expression must be TIMESTAMP or TIMESTAMP_LTZ, found %s", c.Expr.Type())}
		}
		w.wmExpr = CloneExpr(c.Expr)
		w.monotone = monotoneWatermark(w.wmExpr, c.RowtimeIndex)
	}
	return w, nil
}

// Open picks up the evaluation context and the job clock.
func (w *WatermarkAssigner) Open(ctx *OpContext) error {
	w.eval = ctx.Eval
	if w.eval == nil {
		w.eval = expr.NewContext(nil)
	}
	w.now = ctx.Now
	if w.now == nil { // outside a job: no clock, so never idle
		w.now = func() int64 { return 0 }
	}
	w.lastRow = w.now()
	return nil
}

// UsesSourceWatermarks is true for SOURCE_WATERMARK(): the runtime then
// passes the connector's own watermarks down the chain.
func (w *WatermarkAssigner) UsesSourceWatermarks() bool { return w.wmExpr == nil }

// GeneratesWatermarks is true: input watermarks stop here.
func (w *WatermarkAssigner) GeneratesWatermarks() bool { return true }

// ProcessBatch checks rowtimes, passes the rows on and then emits the
// watermark if the batch advanced it.
func (w *WatermarkAssigner) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	if b.Len() == 0 {
		return nil
	}
	if b.Cols[w.cfg.RowtimeIndex].NullN() > 0 {
		return ErrNullRowtime
	}
	w.lastRow = w.now()
	w.idle = false
	if w.wmExpr != nil && w.monotone {
		if rt, ok := maxTimestamp(b.Cols[w.cfg.RowtimeIndex]); ok {
			m, ok, err := w.batchWatermark(b, rt)
			if err != nil {
				return err
			}
			if ok && m > w.current {
				w.current = m
			}
		}
	} else if w.wmExpr != nil {
		a, err := w.wmExpr.Eval(w.eval, b)
		if err != nil {
			return err
		}
		if m, ok := maxTimestamp(a); ok && m > w.current {
			w.current = m
		}
	}
	if err := out.Emit(b); err != nil {
		return err
	}
	return w.advance(out)
}

// advance emits the current watermark if it is above the last one emitted.
func (w *WatermarkAssigner) advance(out Collector) error {
	if w.current <= w.emitted {
		return nil
	}
	wc, ok := out.(WatermarkCollector)
	if !ok {
		return nil // no downstream cares (operator tests with plain collectors)
	}
	w.emitted = w.current
	return wc.EmitWatermark(w.current)
}

// ProcessWatermark forwards source watermarks for SOURCE_WATERMARK() and
// the end-of-input watermark; other input watermarks are replaced by the
// assigner's own.
func (w *WatermarkAssigner) ProcessWatermark(ts int64, out Collector) error {
	if w.wmExpr != nil && ts != math.MaxInt64 {
		return nil
	}
	if ts > w.current {
		w.current = ts
	}
	w.idle = false
	return w.advance(out)
}

// OnProcessingTime checks idleness (see CheckIdle).
func (w *WatermarkAssigner) OnProcessingTime(now int64, out Collector) error {
	return w.CheckIdle(now, out)
}

// CheckIdle marks the subtask idle once it has seen no rows for longer
// than the idle timeout, as Flink's WatermarkAssignerOperator does.
func (w *WatermarkAssigner) CheckIdle(now int64, out Collector) error {
	if w.cfg.IdleTimeout <= 0 || w.idle || now-w.lastRow <= w.cfg.IdleTimeout.Microseconds() {
		return nil
	}
	ic, ok := out.(IdleCollector)
	if !ok {
		return nil
	}
	w.idle = true
	return ic.MarkIdle()
}

// String prints e.g. WatermarkAssigner(rowtime=[ts], watermark=[-(ts,
// 5000:INTERVAL SECOND)]).
func (w *WatermarkAssigner) String() string {
	wm := "SOURCE_WATERMARK()"
	if w.cfg.Expr != nil {
		wm = w.cfg.Expr.String()
	}
	return fmt.Sprintf("WatermarkAssigner(rowtime=[%s], watermark=[%s])", w.cfg.Schema.Fields[w.cfg.RowtimeIndex].Name, wm)
}

// maxTimestamp returns the largest non-null value of a TIMESTAMP or
// TIMESTAMP_LTZ array (µs), and false when every value is NULL.
func maxTimestamp(a any) (int64, bool) {
	ts, ok := a.(*array.Timestamp)
	if !ok {
		return 0, false
	}
	vals := ts.TimestampValues()
	m, found := int64(math.MinInt64), false
	if ts.NullN() == 0 {
		for _, v := range vals {
			if int64(v) > m {
				m = int64(v)
			}
		}
		return m, len(vals) > 0
	}
	for i, v := range vals {
		if ts.IsValid(i) && int64(v) > m {
			m, found = int64(v), true
		}
	}
	return m, found
}

// IdleCollector is implemented by the collectors the runtime passes to
// operators: MarkIdle tells downstream operators that this subtask emits
// nothing for now, so its watermark must not hold theirs back (Flink's
// WatermarkStatus.IDLE). The next row or watermark makes it active again.
type IdleCollector interface {
	MarkIdle() error
}

// IdleDetector is implemented by operators that decide when their subtask
// is idle (the watermark assigner with table.exec.source.idle-timeout).
// The runtime calls CheckIdle with the job clock's time whenever the
// chain's source returned no rows.
type IdleDetector interface {
	CheckIdle(now int64, out Collector) error
}
