package ops

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// KindOverAgg is the OVER aggregation operator (*OverConfig).
const KindOverAgg Kind = "OverAggregate"

// OverRank names a ranking function computed by the OVER operator.
type OverRank uint8

// Ranking functions; OverRankNone marks an aggregate call.
const (
	OverRankNone OverRank = iota
	OverRowNumber
	OverRankRank
	OverDenseRank
)

// OverCall is one function of an OVER window: an aggregate (Factory set)
// over input columns Args, or a ranking function.
type OverCall struct {
	Name     string // as printed, e.g. COUNT(b) AS w0$o0
	Func     string // the aggregate function's name, e.g. COUNT
	Distinct bool
	Factory  expr.AccumulatorFactory
	Args     []int
	Rank     OverRank
	Type     types.DataType
}

// OverBound is one end of a frame. Offset counts rows (ROWS) or units of
// the order key (RANGE; µs for a time key).
type OverBound struct {
	Unbounded bool
	Current   bool
	Following bool
	Offset    int64
}

// OverConfig configures an OVER aggregation: rows are partitioned by
// PartitionKeys, ordered by OrderKeys, and each gets every call's value
// over the frame [Start, End] around it.
type OverConfig struct {
	PartitionKeys []int
	OrderKeys     []kernel.SortKey
	Rows          bool // ROWS frame; otherwise RANGE
	Start, End    OverBound
	Calls         []OverCall
	// Streaming: rows are processed in order of the single order key,
	// RowtimeCol (on watermarks, late rows dropped) or, when RowtimeCol is
	// -1, in order of arrival (processing time).
	Streaming  bool
	RowtimeCol int
	// TTL expires the state of partitions idle that long (0: never).
	TTL       time.Duration
	InSchema  *types.Schema
	OutSchema *types.Schema
}

// OutputSchema is the input's columns followed by one column per call.
func (c *OverConfig) OutputSchema() *types.Schema { return c.OutSchema }

// overAgg computes window functions. In batch mode it sorts the whole
// input when it ends; in streaming mode it keeps, per partition, the rows
// a future row's frame can reach (bounded frames) or the running
// accumulators (unbounded frames), and emits each row once, with its
// results, when the watermark passes it (rowtime) or on arrival (proctime).
type overAgg struct {
	BaseOperator
	cfg  *OverConfig
	facs []expr.AccumulatorFactory // per call, nil for ranking
	fast []fastKind                // per call: the sliding path, if any
	// seedPid is, while a streaming batch of unbounded frames is
	// evaluated, each sorted row's partition id.
	seedPid   []uint32
	ctx       *expr.Context
	opCtx     *OpContext
	batchSize int
	late      *metrics.Counter

	buf     []*types.Batch // batch mode: the whole input
	pending []*types.Batch // rowtime: rows the watermark has not passed
	// parts maps partition keys to dense partition ids; running holds the
	// unbounded frames' accumulators per partition (one per call).
	parts   *groupTable
	running []expr.Accumulator
	seen    []bool // partitions with running state
	// retained are earlier rows (sorted by partition, order key) that
	// bounded frames of future rows may reach, with their partition ids.
	retained    *types.Batch
	retainedPid []uint32
	watermark   int64
	// restoredMark says a restored part set the watermark (parts merge
	// by minimum).
	restoredMark bool
	lastUse      []int64 // per partition: last use (µs, job clock), for TTL
	nextSweep    int64

	scratch overScratch
}

var _ Operator = (*overAgg)(nil)

// NewOverAgg makes an OVER aggregation operator.
func NewOverAgg(c *OverConfig) (Operator, error) {
	if c.InSchema == nil || c.OutSchema == nil {
		return nil, &SpecError{KindOverAgg, "missing schema"}
	}
	if c.Streaming && c.RowtimeCol >= c.InSchema.Len() {
		return nil, &SpecError{KindOverAgg, fmt.Sprintf("rowtime column %d out of range", c.RowtimeCol)}
	}
	for _, call := range c.Calls {
		if call.Rank == OverRankNone && call.Factory == nil {
			return nil, &SpecError{KindOverAgg, "aggregate call without accumulator"}
		}
	}
	o := &overAgg{cfg: c, facs: make([]expr.AccumulatorFactory, len(c.Calls)), fast: make([]fastKind, len(c.Calls))}
	for i, call := range c.Calls {
		o.fast[i] = fastKindOf(call, c.InSchema)
		// Frames are built by Update and Merge only, never by retraction,
		// so the cheaper insert-only accumulators serve (MIN/MAX keep no
		// multiset).
		o.facs[i] = call.Factory
		if io, ok := call.Factory.(interface {
			InsertOnly() expr.AccumulatorFactory
		}); ok {
			o.facs[i] = io.InsertOnly()
		}
	}
	o.reset()
	return o, nil
}

// reset drops all state (Open, and before a restore).
func (o *overAgg) reset() {
	kt := make([]types.DataType, len(o.cfg.PartitionKeys))
	for i, k := range o.cfg.PartitionKeys {
		kt[i] = o.cfg.InSchema.Fields[k].Type
	}
	o.parts = newGroupTable(kt)
	o.running = make([]expr.Accumulator, len(o.cfg.Calls))
	for i, f := range o.facs {
		if f != nil {
			o.running[i] = f.New()
		}
	}
	o.retained, o.retainedPid, o.pending, o.buf, o.seen = nil, nil, nil, nil, nil
	o.watermark, o.restoredMark = minWatermark, false
}

const minWatermark = -1 << 63

// Open prepares the evaluation context and the late-row counter.
func (o *overAgg) Open(ctx *OpContext) error {
	o.opCtx = ctx
	o.ctx = ctx.Eval
	if o.ctx == nil {
		o.ctx = expr.NewContext(nil)
	}
	o.batchSize = ctx.BatchSize
	if o.batchSize <= 0 {
		o.batchSize = 4096
	}
	o.late = ctx.Metrics.Counter(metrics.LateRecordsDropped)
	return nil
}

// ProcessBatch buffers (batch, rowtime) or processes (proctime) rows.
func (o *overAgg) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	if b.Len() == 0 {
		return nil
	}
	if !b.InsertOnly() {
		return fmt.Errorf("%s doesn't support consuming update and delete changes", o)
	}
	switch {
	case !o.cfg.Streaming:
		o.buf = append(o.buf, b)
		return nil
	case o.cfg.RowtimeCol < 0:
		return o.emitStream(b, out)
	}
	return o.bufferRowtime(b)
}

// EndInput computes a batch-mode result.
func (o *overAgg) EndInput(_ int, out Collector) error {
	if o.cfg.Streaming {
		return nil
	}
	if len(o.buf) == 0 {
		return nil
	}
	all := kernel.Concat(o.buf)
	o.buf = nil
	keys := make([]kernel.SortKey, 0, len(o.cfg.PartitionKeys)+len(o.cfg.OrderKeys))
	for _, k := range o.cfg.PartitionKeys {
		keys = append(keys, kernel.SortKey{Col: k, NullsFirst: true})
	}
	keys = append(keys, o.cfg.OrderKeys...)
	sorted := kernel.TakeBatch(all, kernel.SortIndices(all.Cols, keys, all.Len()))
	n := sorted.Len()
	segStart := o.scratch.segments(sorted.Cols, o.cfg.PartitionKeys, n)
	res, err := o.evaluate(sorted, segStart, nil, nil)
	if err != nil {
		return err
	}
	return o.emit(sorted, 0, res, out)
}

// emit sends rows [from, n) of b with their call results (res covers the
// same rows) in batches of the operator's size.
func (o *overAgg) emit(b *types.Batch, from int, res []arrow.Array, out Collector) error {
	n := b.Len() - from
	for lo := 0; lo < n; lo += o.batchSize {
		hi := min(lo+o.batchSize, n)
		cols := make([]arrow.Array, 0, len(o.cfg.OutSchema.Fields))
		for _, c := range b.Cols[:o.cfg.InSchema.Len()] {
			cols = append(cols, sliceArray(c, from+lo, from+hi))
		}
		for _, r := range res {
			cols = append(cols, sliceArray(r, lo, hi))
		}
		if err := out.Emit(types.NewBatch(o.cfg.OutSchema, cols, nil, hi-lo)); err != nil {
			return err
		}
	}
	return nil
}

// String prints the operator as Flink's OverAggregate.
func (o *overAgg) String() string {
	names := make([]string, len(o.cfg.Calls))
	for i, c := range o.cfg.Calls {
		names[i] = c.Name
	}
	return "OverAggregate(select=[" + strings.Join(names, ", ") + "])"
}
