package ops

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/pyudf/worker"
	"github.com/spry-engine/spry/types"
)

// KindPythonTableAgg is the grouped (or global) aggregation with a Python
// table aggregate function: Flink's PythonGroupTableAggregate (its case is
// in Build).
const KindPythonTableAgg Kind = "PythonGroupTableAggregate" // *PythonTableAggConfig

// PythonTableAggConfig configures a PythonGroupTableAggregate.
type PythonTableAggConfig struct {
	// Keys are the group key columns of the input (none: one global group).
	Keys []int
	// Args are the input columns passed to accumulate/retract.
	Args []int
	// Function and Payload are the shipped table aggregate function.
	Function worker.FunctionInfo
	Payload  []byte
	// Result are the columns of the rows emit_value yields, with the
	// function's own names (the worker matches dict rows by them).
	Result []types.Field
	// Options are the worker options (python.* configuration).
	Options worker.Options
	// Streaming selects Flink's changelog: per bundle and key, the rows
	// emitted before are retracted (-D) and the new ones inserted (+I).
	// When false, each group's rows are emitted once at the end of input.
	Streaming bool
	InSchema  *types.Schema
	// OutSchema is the key columns followed by the Result columns (names
	// made unique).
	OutSchema *types.Schema
	// Display is the operator's EXPLAIN line, named in UDF errors.
	Display string
	// TTL, when positive, forgets keys no row touched for that long
	// (table.exec.state.ttl; streaming only).
	TTL time.Duration
}

// OutputSchema returns the keys and the emitted columns.
func (c *PythonTableAggConfig) OutputSchema() *types.Schema { return c.OutSchema }

// pythonTableAgg keeps each group's accumulator in the subtask's worker
// (by dense group index) and the group's record count in the engine, as
// Flink's GroupTableAggFunction does with its count(*) record counter.
type pythonTableAgg struct {
	BaseOperator
	cfg    *PythonTableAggConfig
	table  *groupTable
	count  []int64  // per group: accumulated minus retracted rows
	mark   []uint32 // per group: the bundle that last touched it
	start  []uint32 // per group: the bundle in which it holds an accumulator
	epoch  uint32
	bundle int
	w      *pyWorker
	opCtx  *OpContext
	res    *arrow.Schema // the worker's result: ARRAY<ROW<Result>>
	groups []uint32
	ttl    aggTTL
}

var (
	_ Operator    = (*pythonTableAgg)(nil)
	_ Snapshotter = (*pythonTableAgg)(nil)
)

// NewPythonTableAgg returns the operator for cfg.
func NewPythonTableAgg(cfg *PythonTableAggConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil || cfg.OutSchema == nil {
		return nil, &SpecError{KindPythonTableAgg, "input and output schemas are required"}
	}
	if cfg.OutSchema.Len() != len(cfg.Keys)+len(cfg.Result) || len(cfg.Result) == 0 {
		return nil, &SpecError{KindPythonTableAgg, fmt.Sprintf("output has %d columns for %d keys and %d emitted", cfg.OutSchema.Len(), len(cfg.Keys), len(cfg.Result))}
	}
	keyTypes := make([]types.DataType, len(cfg.Keys))
	for i, k := range cfg.Keys {
		if k < 0 || k >= cfg.InSchema.Len() {
			return nil, &SpecError{KindPythonTableAgg, fmt.Sprintf("group key column %d out of range", k)}
		}
		keyTypes[i] = cfg.InSchema.Fields[k].Type
	}
	for _, c := range cfg.Args {
		if c < 0 || c >= cfg.InSchema.Len() {
			return nil, &SpecError{KindPythonTableAgg, fmt.Sprintf("argument column %d out of range", c)}
		}
	}
	fs := make([]types.Field, len(cfg.Result))
	for i, f := range cfg.Result {
		fs[i] = types.Field{Name: f.Name, Type: f.Type.WithNullable(true)}
	}
	res := types.ArrowSchema(types.NewSchema(types.Field{Name: "value", Type: types.ArrayOf(types.RowOf(fs...)).WithNullable(true)}))
	bundle := cfg.Options.BundleSize
	if bundle <= 0 {
		bundle = 100000
	}
	return &pythonTableAgg{cfg: cfg, table: newGroupTable(keyTypes), epoch: 1, bundle: bundle, res: res}, nil
}

// Open starts the subtask's worker.
func (a *pythonTableAgg) Open(ctx *OpContext) error {
	if ctx == nil {
		ctx = &OpContext{Parallelism: 1}
	}
	if ctx.Ctx == nil {
		c := *ctx
		c.Ctx = context.Background()
		ctx = &c
	}
	a.opCtx = ctx
	if a.cfg.Streaming && a.cfg.TTL > 0 && ctx.Now != nil {
		a.ttl = aggTTL{ttl: a.cfg.TTL.Microseconds(), now: ctx.Now}
	}
	prog := worker.Program{Mode: "aggregate", Functions: []worker.FunctionInfo{a.cfg.Function}}
	w, err := startWorker(ctx, a.cfg.Options, a.cfg.Display, prog, [][]byte{a.cfg.Payload}, a.res)
	if err != nil {
		return err
	}
	a.w = w
	return nil
}

// Close stops the worker.
func (a *pythonTableAgg) Close() error {
	if a.w == nil {
		return nil
	}
	w := a.w
	a.w = nil
	return w.close()
}

// String prints the operator as Flink's EXPLAIN names it.
func (a *pythonTableAgg) String() string { return a.cfg.Display }

// ProcessBatch folds b in, one bundle (python.fn-execution.bundle.size
// rows) at a time; streaming emits each bundle's changes.
func (a *pythonTableAgg) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n > 0 && a.ttl.ttl > 0 {
		if err := a.OnProcessingTime(a.ttl.now(), out); err != nil {
			return err
		}
	}
	for lo := 0; lo < n; lo += a.bundle {
		hi := min(lo+a.bundle, n)
		part := b
		if lo > 0 || hi < n {
			part = b.Slice(lo, hi)
		}
		if err := a.processBundle(part, out); err != nil {
			return err
		}
	}
	return nil
}

// processBundle is Flink's GroupTableAggFunction.finish_bundle over the
// bundle's keys in order of first appearance: retract what the key
// emitted before, fold its rows in (a new key skips retractions until its
// first accumulation), then emit its new rows, or forget the key when its
// record count drops to zero.
func (a *pythonTableAgg) processBundle(b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	a.epoch++
	if a.epoch == 0 {
		clear(a.mark)
		clear(a.start)
		a.epoch = 1
	}
	a.groups = growU32(a.groups, n)
	keys := make([]arrow.Array, len(a.cfg.Keys))
	for i, k := range a.cfg.Keys {
		keys[i] = b.Cols[k]
	}
	a.table.assign(keys, n, a.groups)
	a.grow()
	a.touchTTL(a.groups[:n])
	var touched, prev []uint32
	for _, g := range a.groups[:n] {
		if a.mark[g] == a.epoch {
			continue
		}
		a.mark[g] = a.epoch
		touched = append(touched, g)
		if a.count[g] > 0 {
			a.start[g] = a.epoch
			prev = append(prev, g)
		}
	}
	var old *emitted
	if a.cfg.Streaming && len(prev) > 0 {
		var err error
		if old, err = a.emitRows(prev); err != nil {
			return err
		}
	}
	eff := make([]uint32, n)
	var retract []bool
	if b.Kinds != nil {
		retract = make([]bool, n)
	}
	for i, g := range a.groups[:n] {
		if b.Kinds != nil && b.Kinds[i].IsRetraction() {
			retract[i] = true
			if a.start[g] != a.epoch {
				eff[i] = expr.NoGroup // nothing to retract from yet
				continue
			}
			a.count[g]--
		} else {
			a.start[g] = a.epoch
			a.count[g]++
		}
		eff[i] = g
	}
	if err := a.update(eff, retract, b); err != nil {
		return err
	}
	if !a.cfg.Streaming {
		return nil
	}
	return a.emitChanges(touched, prev, old, out)
}

// emitChanges emits, per touched group in order, -D for the rows it
// emitted before the bundle and +I for its rows now; groups whose record
// count fell to zero are forgotten.
func (a *pythonTableAgg) emitChanges(touched, prev []uint32, old *emitted, out Collector) error {
	var live, dead []uint32
	for _, g := range touched {
		if a.count[g] > 0 {
			live = append(live, g)
		} else {
			dead = append(dead, g)
		}
	}
	var cur *emitted
	if len(live) > 0 {
		var err error
		if cur, err = a.emitRows(live); err != nil {
			return err
		}
	}
	keyCols := a.table.keyColumns(touched)
	var keyIdx, valIdx []int32
	var kinds []types.RowKind
	oldLen := int32(0)
	if old != nil {
		oldLen = int32(old.rows())
	}
	pi, li := 0, 0
	for t, g := range touched {
		if pi < len(prev) && prev[pi] == g {
			for r := old.offsets[pi]; r < old.offsets[pi+1]; r++ {
				keyIdx, valIdx, kinds = append(keyIdx, int32(t)), append(valIdx, r), append(kinds, types.Delete)
			}
			pi++
		}
		if li < len(live) && live[li] == g {
			for r := cur.offsets[li]; r < cur.offsets[li+1]; r++ {
				keyIdx, valIdx, kinds = append(keyIdx, int32(t)), append(valIdx, oldLen+r), append(kinds, types.Insert)
			}
			li++
		}
	}
	if err := a.forget(dead); err != nil {
		return err
	}
	if len(kinds) == 0 {
		return nil
	}
	vals, err := concatEmitted(old, cur)
	if err != nil {
		return err
	}
	return out.Emit(a.outBatch(keyCols, keyIdx, vals, valIdx, kinds))
}

// forget drops groups whose record count is zero, in the table and in
// the worker (their slots are reused by new keys).
func (a *pythonTableAgg) forget(groups []uint32) error {
	if len(groups) == 0 {
		return nil
	}
	if err := a.reset(groups); err != nil {
		return err
	}
	for _, g := range groups {
		a.count[g] = 0
		a.table.drop(g)
	}
	return nil
}

// outBatch gathers keys and emitted values into an output batch.
func (a *pythonTableAgg) outBatch(keyCols []arrow.Array, keyIdx []int32, vals []arrow.Array, valIdx []int32, kinds []types.RowKind) *types.Batch {
	cols := make([]arrow.Array, 0, a.cfg.OutSchema.Len())
	for _, k := range keyCols {
		cols = append(cols, takeRows(k, keyIdx))
	}
	for _, v := range vals {
		cols = append(cols, takeRows(v, valIdx))
	}
	if !a.cfg.Streaming {
		kinds = nil
	}
	return types.NewBatch(a.cfg.OutSchema, cols, kinds, len(keyIdx))
}

// EndInput emits every group's rows in batch mode (final results only).
func (a *pythonTableAgg) EndInput(_ int, out Collector) error {
	if a.cfg.Streaming {
		return nil
	}
	groups := a.table.liveGroups(nil)
	for lo := 0; lo < len(groups); lo += aggEmitRows {
		part := groups[lo:min(lo+aggEmitRows, len(groups))]
		cur, err := a.emitRows(part)
		if err != nil {
			return err
		}
		if cur.rows() == 0 {
			continue
		}
		keyCols := a.table.keyColumns(part)
		keyIdx := make([]int32, 0, cur.rows())
		valIdx := make([]int32, 0, cur.rows())
		for i := range part {
			for r := cur.offsets[i]; r < cur.offsets[i+1]; r++ {
				keyIdx, valIdx = append(keyIdx, int32(i)), append(valIdx, r)
			}
		}
		if err := out.Emit(a.outBatch(keyCols, keyIdx, cur.fields, valIdx, nil)); err != nil {
			return err
		}
	}
	return nil
}

// grow sizes the per-group arrays to the table.
func (a *pythonTableAgg) grow() {
	if n := a.table.len(); len(a.count) < n {
		a.count = append(a.count, make([]int64, n-len(a.count))...)
		a.mark = append(a.mark, make([]uint32, n-len(a.mark))...)
		a.start = append(a.start, make([]uint32, n-len(a.start))...)
	}
}

// takeRows gathers idx of a, or returns a itself when idx is every row
// in order.
func takeRows(a arrow.Array, idx []int32) arrow.Array {
	if len(idx) == a.Len() {
		same := true
		for i, v := range idx {
			if v != int32(i) {
				same = false
				break
			}
		}
		if same {
			return a
		}
	}
	return kernel.Take(a, idx)
}
