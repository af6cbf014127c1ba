package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// WindowTVFConfig configures a window table function on its own: every
// input row gets window_start, window_end and window_time (Flink's
// WindowTableFunction). SESSION windows are not assigned here.
type WindowTVFConfig struct {
	Window    WindowAssigner
	InSchema  *types.Schema
	OutSchema *types.Schema
}

// OutputSchema returns the input columns followed by the window columns.
func (c *WindowTVFConfig) OutputSchema() *types.Schema { return c.OutSchema }

// windowTVF is the stateless window TVF operator. TUMBLE gives each row
// one window; HOP and CUMULATE repeat it once per window it falls in. Like
// Flink's, it assigns windows without dropping late rows (the consumer
// decides); processing-time windows use the job clock at arrival.
type windowTVF struct {
	BaseOperator
	cfg   *WindowTVFConfig
	win   WindowAssigner // the config's, with the operator's time zone
	opctx *OpContext
	rows  []int32
	ends  []int64
}

// NewWindowTVF returns the operator for cfg.
func NewWindowTVF(cfg *WindowTVFConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil || cfg.OutSchema == nil {
		return nil, &AggConfigError{"window table function: missing schema"}
	}
	if cfg.Window.Kind == WindowSession {
		return nil, &AggConfigError{"window table function: SESSION windows need a window aggregation"}
	}
	if err := cfg.Window.validate(); err != nil {
		return nil, &AggConfigError{err.Error()}
	}
	return &windowTVF{cfg: cfg, win: cfg.Window}, nil
}

// Open keeps the context for the processing-time clock.
func (w *windowTVF) Open(ctx *OpContext) error {
	w.opctx = ctx
	w.win.setZone(ctx)
	return nil
}

// ProcessBatch appends the window columns, repeating rows for HOP and
// CUMULATE.
func (w *windowTVF) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	as := &w.win
	w.rows, w.ends = w.rows[:0], w.ends[:0]
	if as.Proctime {
		now := int64(0)
		if w.opctx != nil && w.opctx.Now != nil {
			now = as.local(w.opctx.Now())
		}
		for i := 0; i < n; i++ {
			w.rows, w.ends = as.appendWindows(now, int32(i), w.rows, w.ends)
		}
	} else {
		col := b.Cols[as.TimeCol]
		ts, err := timesOf(col)
		if err != nil {
			return err
		}
		nulls := col.NullN() > 0
		for i := 0; i < n; i++ {
			if nulls && col.IsNull(i) {
				continue
			}
			w.rows, w.ends = as.appendWindows(as.local(int64(ts[i])), int32(i), w.rows, w.ends)
		}
	}
	m := len(w.rows)
	identity := isIdentity(w.rows, n)
	cols := make([]arrow.Array, 0, len(b.Cols)+3)
	for _, c := range b.Cols {
		if identity {
			cols = append(cols, c)
		} else {
			cols = append(cols, kernel.Take(c, w.rows))
		}
	}
	starts := make([]int64, m)
	ends := make([]int64, m)
	times := make([]int64, m)
	for i, e := range w.ends {
		starts[i], ends[i], times[i] = as.startOf(e), e, as.windowTime(e)
	}
	nIn := len(b.Cols)
	fs := w.cfg.OutSchema.Fields
	cols = append(cols, int64Column(starts, fs[nIn].Type), int64Column(ends, fs[nIn+1].Type), int64Column(times, fs[nIn+2].Type))
	var kinds []types.RowKind
	if b.Kinds != nil && identity {
		kinds = b.Kinds
	}
	return out.Emit(types.NewBatch(w.cfg.OutSchema, cols, kinds, m))
}

// ProcessWatermark passes watermarks on (the runtime forwards them).
func (w *windowTVF) ProcessWatermark(int64, Collector) error { return nil }

// String prints the operator as Flink's EXPLAIN.
func (w *windowTVF) String() string {
	return "WindowTableFunction(window=[" + w.cfg.Window.String(w.cfg.InSchema.Fields[w.cfg.Window.TimeCol].Name) + "])"
}
