package ops

import (
	"container/heap"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// Window properties a window aggregation outputs after its calls.
const (
	PropWindowStart = 0
	PropWindowEnd   = 1
	PropWindowTime  = 2
)

// WindowAggConfig configures a window aggregation (Flink's
// WindowAggregate): GROUP BY window_start, window_end [, keys] over a
// window TVF, the TVF merged in.
type WindowAggConfig struct {
	Window WindowAssigner
	// Keys are the group key columns of the input, without the window.
	Keys  []int
	Calls []AggCall
	// Props are the window properties output after the calls
	// (PropWindowStart, PropWindowEnd, PropWindowTime), in order.
	Props     []int
	InSchema  *types.Schema
	OutSchema *types.Schema
	// Phase splits the aggregation in two, as Flink's Local/Global
	// WindowAggregate: AggLocal folds each input batch by (keys, slice)
	// and emits the keys, the slice end ($slice_end BIGINT) and every
	// call's state columns (WindowLocalSchema); AggGlobal merges that
	// layout (keys first) and fires windows. SESSION runs in one phase.
	Phase AggPhase
	// Display is how the operator prints (the planner's description).
	Display string
}

// OutputSchema returns the configured output schema.
func (c *WindowAggConfig) OutputSchema() *types.Schema { return c.OutSchema }

// windowAgg runs a TUMBLE, HOP or CUMULATE window aggregation with
// Flink's slicing: each row is assigned to one slice (the window for
// TUMBLE, a slide for HOP, a step for CUMULATE), state is keyed by (group
// keys, slice end) in one groupTable with group-vectorized accumulators,
// and when the watermark (or processing time) passes a window's end - 1
// ms the window's slices are merged and emitted (+I). A slice is freed
// after the last window holding it fired. HOP and CUMULATE thus fold each
// row once, however many windows hold it.
type windowAgg struct {
	BaseOperator
	cfg   *WindowAggConfig
	w     WindowAssigner
	table *groupTable
	accs  []expr.Accumulator
	ectx  *expr.Context
	opctx *OpContext
	batch bool
	late  *metrics.Counter

	ends    []int64            // per group: its slice's end
	pending map[int64][]uint32 // slice end → its groups
	order   endHeap            // the slice ends of pending
	wm      int64
	merge   *sliceMerger // HOP, CUMULATE: merges slices into windows

	// per-batch scratch, reused
	rows     []int32
	wends    []int64
	groups   []uint32
	callGrps [][]uint32
}

var (
	_ Operator               = (*windowAgg)(nil)
	_ Snapshotter            = (*windowAgg)(nil)
	_ ProcessingTimeOperator = (*windowAgg)(nil)
)

// NewWindowAgg returns the window aggregation operator for cfg (a SESSION
// window gets the merging operator).
func NewWindowAgg(cfg *WindowAggConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil || cfg.OutSchema == nil {
		return nil, &AggConfigError{"window aggregation: missing schema"}
	}
	if err := cfg.Window.validate(); err != nil {
		return nil, &AggConfigError{err.Error()}
	}
	if w := cfg.Window; w.Kind == WindowHop && w.Size%w.Slide != 0 {
		return nil, &AggConfigError{fmt.Sprintf("HOP window aggregation needs a size (%d µs) that is a multiple of the slide (%d µs)", w.Size, w.Slide)}
	}
	if cfg.Window.TimeCol < 0 || cfg.Window.TimeCol >= cfg.InSchema.Len() {
		return nil, &AggConfigError{fmt.Sprintf("window time column %d out of range", cfg.Window.TimeCol)}
	}
	accs, keyTypes, err := windowAccs(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Window.Kind == WindowSession {
		if cfg.Phase != AggFull {
			return nil, &AggConfigError{"SESSION window aggregation runs in one phase"}
		}
		return newSessionAgg(cfg, accs, keyTypes), nil
	}
	a := &windowAgg{cfg: cfg, w: cfg.Window, accs: accs, pending: map[int64][]uint32{}, wm: math.MinInt64}
	a.table = newGroupTable(append(keyTypes, types.BigInt.NotNullable()))
	if cfg.Window.Kind != WindowTumble && !cfg.Window.Attached && cfg.Phase != AggLocal {
		a.merge = newSliceMerger(cfg, keyTypes)
	}
	a.callGrps = make([][]uint32, len(cfg.Calls))
	return a, nil
}

// windowAccs makes the calls' accumulators (insert-only variants: window
// aggregation input never retracts) and returns the key types.
func windowAccs(cfg *WindowAggConfig) ([]expr.Accumulator, []types.DataType, error) {
	keyTypes := make([]types.DataType, len(cfg.Keys))
	for i, k := range cfg.Keys {
		if k < 0 || k >= cfg.InSchema.Len() {
			return nil, nil, &AggConfigError{fmt.Sprintf("group key column %d out of range", k)}
		}
		keyTypes[i] = cfg.InSchema.Fields[k].Type
	}
	accs := make([]expr.Accumulator, len(cfg.Calls))
	for i, c := range cfg.Calls {
		if c.Factory == nil {
			return nil, nil, &AggConfigError{fmt.Sprintf("call %s has no accumulator factory", c.Name)}
		}
		for _, arg := range append(append([]int(nil), c.Args...), c.Filter) {
			if arg >= cfg.InSchema.Len() {
				return nil, nil, &AggConfigError{fmt.Sprintf("call %d (%s) reads column %d of %d", i, c.Name, arg, cfg.InSchema.Len())}
			}
		}
		f := c.Factory
		if io, ok := f.(interface {
			InsertOnly() expr.AccumulatorFactory
		}); ok {
			f = io.InsertOnly()
		}
		accs[i] = f.New()
	}
	return accs, keyTypes, nil
}

// Open takes the evaluation context and the late-row counter.
func (a *windowAgg) Open(ctx *OpContext) error {
	a.opctx = ctx
	a.w.setZone(ctx)
	if ctx != nil {
		a.ectx, a.batch = ctx.Eval, ctx.Batch
		a.late = ctx.Metrics.Counter(metrics.LateRecordsDropped)
	} else {
		a.late = new(metrics.Counter)
	}
	return nil
}

// now is the job's processing time.
func (a *windowAgg) now() int64 {
	if a.opctx != nil && a.opctx.Now != nil {
		return a.opctx.Now()
	}
	return 0
}

// ProcessBatch assigns the batch's rows to windows, drops late ones and
// folds the rest into their (keys, window) groups.
func (a *windowAgg) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	if a.cfg.Phase == AggGlobal {
		return a.processGlobal(b)
	}
	a.rows, a.wends = a.rows[:0], a.wends[:0]
	if a.w.Proctime && !a.w.Attached {
		end := a.w.paneEnd(a.w.local(a.now()))
		for i := 0; i < n; i++ {
			a.rows, a.wends = append(a.rows, int32(i)), append(a.wends, end)
		}
	} else {
		col := b.Cols[a.w.TimeCol]
		ts, err := timesOf(col)
		if err != nil {
			return err
		}
		var late int64
		nulls := col.NullN() > 0
		// The local phase drops nothing: lateness is judged after the
		// exchange, against the combined watermark, as in one phase.
		checkLate := !a.batch && a.wm != math.MinInt64 && a.cfg.Phase != AggLocal && !a.w.Proctime
		for i := 0; i < n; i++ {
			if nulls && col.IsNull(i) {
				continue // Flink fails on a NULL rowtime; drop it instead
			}
			end := int64(ts[i]) // attached: the window end itself
			if !a.w.Attached {
				end = a.w.paneEnd(a.w.local(end))
			}
			if checkLate && a.w.instant(end)-windowMs <= a.wm {
				late++
				continue
			}
			a.rows, a.wends = append(a.rows, int32(i)), append(a.wends, end)
		}
		if late > 0 {
			a.late.Add(late)
		}
	}
	m := len(a.rows)
	if m == 0 {
		return nil
	}
	identity := isIdentity(a.rows, n) // every row once, in order
	pick := func(c arrow.Array) arrow.Array {
		if identity {
			return c
		}
		return kernel.Take(c, a.rows)
	}
	keys := make([]arrow.Array, 0, len(a.cfg.Keys)+1)
	for _, k := range a.cfg.Keys {
		keys = append(keys, pick(b.Cols[k]))
	}
	keys = append(keys, int64Column(a.wends, types.BigInt))
	a.groups = growU32(a.groups, m)
	a.table.assign(keys, m, a.groups)
	if a.cfg.Phase == AggLocal {
		if err := a.update(b, pick); err != nil {
			return err
		}
		return a.flushLocal(out)
	}
	a.registerNew(a.wends)
	return a.update(b, pick)
}

// registerNew queues the groups the last assign created under their
// slice ends (ends holds the assigned rows' slice ends).
func (a *windowAgg) registerNew(ends []int64) {
	for j, g := range a.table.newGroups {
		end := ends[a.table.newRows[j]]
		if int(g) >= len(a.ends) {
			a.ends = append(a.ends, make([]int64, int(g)+1-len(a.ends))...)
		}
		a.ends[g] = end
		gs, ok := a.pending[end]
		if !ok {
			a.pushEnd(end)
		}
		a.pending[end] = append(gs, g)
	}
}

// isIdentity reports whether rows is 0, 1, ..., n-1: no row dropped or
// repeated, so columns need no gathering.
func isIdentity(rows []int32, n int) bool {
	if len(rows) != n {
		return false
	}
	for i, r := range rows {
		if int(r) != i {
			return false
		}
	}
	return true
}

// update folds the assigned rows into the accumulators.
func (a *windowAgg) update(b *types.Batch, pick func(arrow.Array) arrow.Array) error {
	for c, call := range a.cfg.Calls {
		cg := a.groups
		if call.Filter >= 0 {
			cg = growU32(a.callGrps[c], len(a.groups))
			mask := pick(b.Cols[call.Filter]).(*array.Boolean)
			for i, g := range a.groups {
				if mask.IsValid(i) && mask.Value(i) {
					cg[i] = g
				} else {
					cg[i] = expr.NoGroup
				}
			}
			a.callGrps[c] = cg
		}
		args := make([]arrow.Array, len(call.Args))
		for j, col := range call.Args {
			args[j] = pick(b.Cols[col])
		}
		if err := a.accs[c].Update(a.ectx, cg, args, nil); err != nil {
			return fmt.Errorf("%s: %w", call.Name, err)
		}
	}
	return nil
}

// ProcessWatermark fires the windows whose end - 1 ms the watermark
// reached.
func (a *windowAgg) ProcessWatermark(ts int64, out Collector) error {
	if ts > a.wm {
		a.wm = ts
	}
	if a.w.Proctime {
		return nil
	}
	return a.fire(ts, out)
}

// OnProcessingTime fires processing-time windows that ended.
func (a *windowAgg) OnProcessingTime(now int64, out Collector) error {
	if !a.w.Proctime {
		return nil
	}
	return a.fire(now, out)
}

// EndInput fires every window: at the end of a bounded input every
// window is complete (the final watermark does the same for event time).
// Processing-time windows fire too, so a bounded run reports every row
// (Flink drops a bounded job's pending processing-time timers instead).
func (a *windowAgg) EndInput(_ int, out Collector) error {
	return a.fire(math.MaxInt64, out)
}

// fire emits and frees, in window end order, every window with
// end - 1 ms <= upTo.
func (a *windowAgg) fire(upTo int64, out Collector) error {
	if a.merge != nil {
		return a.fireSliced(upTo, out)
	}
	for a.order.Len() > 0 && a.w.instant(a.order[0])-windowMs <= upTo {
		end := heap.Pop(&a.order).(int64)
		groups := a.pending[end]
		delete(a.pending, end)
		for lo := 0; lo < len(groups); lo += aggEmitRows {
			part := groups[lo:min(lo+aggEmitRows, len(groups))]
			b, err := a.emit(part, end)
			if err != nil {
				return err
			}
			if err := out.Emit(b); err != nil {
				return err
			}
		}
		a.freeSlice(groups)
	}
	return nil
}

// freeSlice forgets the groups of a slice that no window needs any more.
func (a *windowAgg) freeSlice(groups []uint32) {
	if a.merge != nil {
		a.merge.forget(groups)
	}
	for _, acc := range a.accs {
		acc.Reset(groups)
	}
	for _, g := range groups {
		a.table.drop(g)
	}
}

// emit builds the output rows of groups of the window ending at end.
func (a *windowAgg) emit(groups []uint32, end int64) (*types.Batch, error) {
	keys := a.table.keyColumns(groups)
	cols := keys[:len(keys)-1]
	for c, acc := range a.accs {
		r, err := acc.Result(a.ectx, groups)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.cfg.Calls[c].Name, err)
		}
		cols = append(cols, r)
	}
	start := a.w.startOf(end)
	cols = appendProps(cols, a.cfg, &a.w, len(groups), func(int) (int64, int64) { return start, end })
	return types.NewBatch(a.cfg.OutSchema, cols, nil, len(groups)), nil
}

// appendProps appends the window property columns of n output rows;
// bounds returns row i's window start and end.
func appendProps(cols []arrow.Array, cfg *WindowAggConfig, w *WindowAssigner, n int, bounds func(i int) (int64, int64)) []arrow.Array {
	base := len(cfg.Keys) + len(cfg.Calls)
	for j, p := range cfg.Props {
		vals := make([]int64, n)
		for i := range vals {
			s, e := bounds(i)
			switch p {
			case PropWindowStart:
				vals[i] = s
			case PropWindowEnd:
				vals[i] = e
			default:
				vals[i] = w.windowTime(e)
			}
		}
		cols = append(cols, int64Column(vals, cfg.OutSchema.Fields[base+j].Type))
	}
	return cols
}

// String prints the operator as Flink's EXPLAIN names it.
func (a *windowAgg) String() string { return windowAggString(a.cfg) }

func windowAggString(c *WindowAggConfig) string {
	if c.Display != "" {
		return c.Display
	}
	in := c.InSchema.Names()
	var sb strings.Builder
	sb.WriteString("WindowAggregate(")
	keys := make([]string, len(c.Keys))
	for i, k := range c.Keys {
		keys[i] = in[k]
	}
	if len(keys) > 0 {
		fmt.Fprintf(&sb, "groupBy=[%s], ", strings.Join(keys, ", "))
	}
	fmt.Fprintf(&sb, "window=[%s], ", c.Window.String(in[c.Window.TimeCol]))
	sel := append([]string(nil), keys...)
	for _, call := range c.Calls {
		sel = append(sel, call.Name)
	}
	fmt.Fprintf(&sb, "select=[%s])", strings.Join(sel, ", "))
	return sb.String()
}

// pushEnd queues a new window end for firing.
func (a *windowAgg) pushEnd(end int64) { heap.Push(&a.order, end) }

// endHeap is a min-heap of window ends.
type endHeap []int64

func (h endHeap) Len() int           { return len(h) }
func (h endHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h endHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *endHeap) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *endHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
