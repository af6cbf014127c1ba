package ops

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// KindGroupWindowAgg is Flink's legacy group window aggregation
// (*GroupWindowConfig).
const KindGroupWindowAgg Kind = "GroupWindowAggregate"

// GroupWindowKind is the window of a legacy group window aggregation.
type GroupWindowKind uint8

// Group window kinds.
const (
	GroupWinTumble GroupWindowKind = iota
	GroupWinHop
	GroupWinSession
)

// GroupWindowProp is a window property column the operator outputs after
// its calls.
type GroupWindowProp uint8

// Window properties.
const (
	GroupWinStart GroupWindowProp = iota
	GroupWinEnd
	GroupWinRowtime
	GroupWinProctime
)

// GroupWindowConfig configures a legacy group window aggregation
// (GROUP BY TUMBLE/HOP/SESSION(ts, ...), Flink's GroupWindowAggregate).
// Durations are in µs.
type GroupWindowConfig struct {
	Keys  []int
	Calls []AggCall
	Kind  GroupWindowKind
	// TimeCol is the input's time attribute column; Proctime windows read
	// the job clock instead of it.
	TimeCol  int
	Proctime bool
	// Size (TUMBLE, HOP), Slide (HOP) and Gap (SESSION).
	Size, Slide, Gap int64
	Props            []GroupWindowProp
	// Streaming fires windows by watermark or processing time; otherwise
	// (batch mode) every window fires once, at the end of input.
	Streaming bool
	// EarlyFire/EarlyDelay, LateFire/LateDelay and AllowLateness are
	// table.exec.emit.early-fire.*, late-fire.* and allow-lateness. A delay
	// of 0 fires after every input batch that changes the window.
	EarlyFire     bool
	EarlyDelay    int64
	LateFire      bool
	LateDelay     int64
	AllowLateness int64
	// Loc aligns windows of a TIMESTAMP_LTZ time column (and proctime) in
	// the session time zone, as Flink; nil means UTC.
	Loc *time.Location
	// Display is how the operator prints (the planner's EXPLAIN line).
	Display   string
	InSchema  *types.Schema
	OutSchema *types.Schema
}

// OutputSchema returns the configured output schema.
func (c *GroupWindowConfig) OutputSchema() *types.Schema { return c.OutSchema }

// ProducesUpdates reports whether results may be updated after their
// first emission (Flink's WindowEmitStrategy.produceUpdates).
func (c *GroupWindowConfig) ProducesUpdates() bool {
	if !c.Streaming {
		return false
	}
	if c.Proctime {
		return c.EarlyFire
	}
	return c.AllowLateness > 0 || c.EarlyFire || c.LateFire
}

// milli is one millisecond in µs: a window's last timestamp is end - 1 ms.
const milli = 1000

// gwGroup is one (key, window) of the operator: its accumulator group.
type gwGroup struct {
	key        uint32 // the key's slot in keys
	start, end int64  // window bounds (local wall clock for LTZ windows)
	fireAt     int64  // the window's last instant in the time domain (UTC µs)
	gen        uint32 // bumped when the slot is reused, to spot stale timers
	live       bool
	fired      bool  // a result was emitted (the next one is an update)
	dirty      bool  // changed since the last emission
	delayTimer int64 // pending early/late processing-time firing, 0 if none
}

// groupWindow is the GroupWindowAggregate operator.
type groupWindow struct {
	BaseOperator
	cfg   *GroupWindowConfig
	ctx   *expr.Context
	opCtx *OpContext
	accs  []expr.Accumulator
	// prev holds, per group, the last emitted result's state, so an
	// update can retract it (only when the strategy produces updates).
	prev []expr.Accumulator
	keys *groupTable
	wins [][]uint32 // per key slot: its windows' groups
	grp  []gwGroup
	free []uint32
	// Timers on event time (fire, cleanup) and processing time.
	evTimers, ptTimers timerHeap
	wm                 int64
	late               *metrics.Counter
	now                func() int64

	// per-batch scratch
	keyOf   []uint32
	rows    []int32
	groups  []uint32
	touched []uint32
	mark    []uint32
	epoch   uint32
	merges  []gwMerge
	redir   []uint32
}

var (
	_ Operator               = (*groupWindow)(nil)
	_ ProcessingTimeOperator = (*groupWindow)(nil)
	_ Snapshotter            = (*groupWindow)(nil)
)

// NewGroupWindow returns a group window aggregation operator for cfg.
func NewGroupWindow(cfg *GroupWindowConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil || cfg.OutSchema == nil {
		return nil, &AggConfigError{"group window: missing schema"}
	}
	switch {
	case cfg.Kind == GroupWinSession && cfg.Gap <= 0,
		cfg.Kind != GroupWinSession && cfg.Size <= 0,
		cfg.Kind == GroupWinHop && cfg.Slide <= 0:
		return nil, &AggConfigError{"group window: window size must be positive"}
	}
	if !cfg.Proctime && (cfg.TimeCol < 0 || cfg.TimeCol >= cfg.InSchema.Len()) {
		return nil, &AggConfigError{fmt.Sprintf("group window: time column %d out of range", cfg.TimeCol)}
	}
	w := &groupWindow{cfg: cfg, wm: math.MinInt64, epoch: 1}
	keyTypes := make([]types.DataType, len(cfg.Keys))
	for i, k := range cfg.Keys {
		if k < 0 || k >= cfg.InSchema.Len() {
			return nil, &AggConfigError{fmt.Sprintf("group key column %d out of range", k)}
		}
		keyTypes[i] = cfg.InSchema.Fields[k].Type
	}
	w.keys = newGroupTable(keyTypes)
	for _, c := range cfg.Calls {
		if c.Factory == nil {
			return nil, &AggConfigError{fmt.Sprintf("call %s has no accumulator factory", c.Name)}
		}
		for _, arg := range append(append([]int(nil), c.Args...), c.Filter) {
			if arg >= cfg.InSchema.Len() {
				return nil, &AggConfigError{fmt.Sprintf("call %s reads column %d of %d", c.Name, arg, cfg.InSchema.Len())}
			}
		}
		f := c.Factory
		if io, ok := f.(interface {
			InsertOnly() expr.AccumulatorFactory
		}); ok {
			f = io.InsertOnly() // the input is insert-only
		}
		w.accs = append(w.accs, f.New())
		if cfg.ProducesUpdates() {
			w.prev = append(w.prev, c.Factory.New())
		}
	}
	return w, nil
}

// Open takes the evaluation context, the clock and the late-row counter.
func (w *groupWindow) Open(ctx *OpContext) error {
	w.now = func() int64 { return 0 }
	if ctx == nil {
		return nil
	}
	w.opCtx, w.ctx = ctx, ctx.Eval
	if ctx.Now != nil {
		w.now = ctx.Now
	}
	if ctx.Batch {
		w.cfg.Streaming = false
	}
	w.late = ctx.Metrics.Counter(metrics.LateRecordsDropped)
	return nil
}

// String prints the operator as the planner described it.
func (w *groupWindow) String() string {
	if w.cfg.Display != "" {
		return w.cfg.Display
	}
	names := make([]string, len(w.cfg.Calls))
	for i, c := range w.cfg.Calls {
		names[i] = c.Name
	}
	return "GroupWindowAggregate(select=[" + strings.Join(names, ", ") + "])"
}

// ProcessBatch assigns every row to its windows and folds it in; rows of
// windows already cleaned up are dropped and counted as late.
func (w *groupWindow) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	keyCols := make([]arrow.Array, len(w.cfg.Keys))
	for i, k := range w.cfg.Keys {
		keyCols[i] = b.Cols[k]
	}
	w.keyOf = growU32(w.keyOf, n)
	w.keys.assign(keyCols, n, w.keyOf)
	for len(w.wins) < w.keys.len() {
		w.wins = append(w.wins, nil)
	}
	w.rows, w.groups, w.merges = w.rows[:0], w.groups[:0], w.merges[:0]
	var ts []arrow.Timestamp
	if !w.cfg.Proctime {
		col, ok := b.Cols[w.cfg.TimeCol].(*array.Timestamp)
		if !ok {
			return &AggConfigError{fmt.Sprintf("group window: time column is %s, want a timestamp", b.Cols[w.cfg.TimeCol].DataType())}
		}
		ts = col.TimestampValues()
	}
	now := w.now()
	var dropped int64
	for i := 0; i < n; i++ {
		t := now
		if ts != nil {
			if b.Cols[w.cfg.TimeCol].IsNull(i) {
				continue
			}
			t = int64(ts[i])
		}
		if w.cfg.Kind == GroupWinSession {
			if !w.assignSession(w.keyOf[i], int32(i), t) {
				dropped++
			}
			continue
		}
		dropped += int64(w.assignFixed(w.keyOf[i], int32(i), t))
	}
	if dropped > 0 && w.late != nil {
		w.late.Add(dropped)
	}
	if err := w.fold(b); err != nil {
		return err
	}
	return w.afterBatch(out)
}

// fold updates the accumulators with the assigned (row, group) pairs,
// after merging the state of merged session windows.
func (w *groupWindow) fold(b *types.Batch) error {
	if len(w.merges) > 0 {
		if err := w.applyMerges(); err != nil {
			return err
		}
	}
	if len(w.groups) == 0 {
		return nil
	}
	same := len(w.rows) == b.Len()
	for i, r := range w.rows {
		if int(r) != i {
			same = false
			break
		}
	}
	for c, call := range w.cfg.Calls {
		args := make([]arrow.Array, len(call.Args))
		for j, col := range call.Args {
			args[j] = w.column(b, col, same)
		}
		groups := w.groups
		if call.Filter >= 0 {
			mask := w.column(b, call.Filter, same).(*array.Boolean)
			groups = make([]uint32, len(w.groups))
			for i, g := range w.groups {
				if mask.IsValid(i) && mask.Value(i) {
					groups[i] = g
				} else {
					groups[i] = expr.NoGroup
				}
			}
		}
		if err := w.accs[c].Update(w.ctx, groups, args, nil); err != nil {
			return fmt.Errorf("%s: %w", call.Name, err)
		}
	}
	return nil
}

// column returns input column col aligned with the assigned rows (rows of
// a HOP window repeat once per window).
func (w *groupWindow) column(b *types.Batch, col int, same bool) arrow.Array {
	if same {
		return b.Cols[col]
	}
	return kernel.Take(b.Cols[col], w.rows)
}
