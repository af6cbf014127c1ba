package ops

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// AggPhase says which part of a (possibly two-phase) aggregation an
// operator runs.
type AggPhase uint8

// The aggregation phases.
const (
	// AggFull aggregates raw input rows into final results.
	AggFull AggPhase = iota
	// AggLocal pre-aggregates raw rows and outputs, per group, the key
	// columns then the intermediate state columns of every call (streaming
	// adds a trailing BIGINT row count "$count").
	AggLocal
	// AggGlobal merges the output of AggLocal into final results.
	AggGlobal
)

// AggCall is one aggregate call of an aggregation.
type AggCall struct {
	// Name is how the call prints, e.g. "COUNT(*)" or "SUM(amount)".
	Name    string
	Factory expr.AccumulatorFactory
	// Args are input column indexes of the arguments. The Global phase
	// ignores them: its input has the AggLocal layout (keys, then each
	// call's state columns in call order).
	Args []int
	// Filter is the index of a BOOLEAN input column (FILTER (WHERE ...)), or
	// -1: rows where it is not TRUE are skipped by this call. The Global
	// phase ignores it (its local phase applied it).
	Filter int
	// Distinct is informational (String); the Factory, bound with
	// distinct=true, already sees each value once.
	Distinct bool
	// Type is the call's result type.
	Type types.DataType
}

// AggConfig configures a hash aggregation (GROUP BY).
type AggConfig struct {
	// Keys are the group key columns of the input. In the Global phase
	// they must be the leading columns of its input (the AggLocal layout).
	Keys  []int
	Calls []AggCall
	Phase AggPhase
	// Streaming selects Flink's GroupAggFunction changelog semantics; when
	// false, results are emitted once, at the end of input.
	Streaming bool
	// MiniBatch (table.exec.mini-batch.enabled) emits one change per group
	// per input batch instead of one per input row.
	MiniBatch bool
	// BundleRows and BundleLatency bound a streaming local aggregation's
	// bundle (table.exec.mini-batch.size and allow-latency); zero keeps the
	// defaults.
	BundleRows    int
	BundleLatency time.Duration
	// InputInsertOnly tells that the input never retracts, so accumulators
	// may skip what retraction needs. Batch aggregation implies it.
	InputInsertOnly bool
	InSchema        *types.Schema
	// TTL, when positive, expires groups no row touched for that long
	// (table.exec.state.ttl, STATE_TTL hint; streaming only).
	TTL time.Duration
	// OutSchema is the output schema; when nil, AggOutputSchema derives it.
	OutSchema *types.Schema
}

// OutputSchema returns the configured or derived output schema.
func (c *AggConfig) OutputSchema() *types.Schema {
	if c.OutSchema != nil {
		return c.OutSchema
	}
	return AggOutputSchema(c)
}

// CountColumn names the row-count column a streaming AggLocal appends.
const CountColumn = "$count"

// AggOutputSchema derives the output layout of an aggregation: the key
// columns, then per call its result (named EXPR$i) or, in the Local phase,
// its state columns (named <call>$<i>_<j>).
func AggOutputSchema(c *AggConfig) *types.Schema {
	var fs []types.Field
	for _, k := range c.Keys {
		fs = append(fs, c.InSchema.Fields[k])
	}
	for i, call := range c.Calls {
		if c.Phase != AggLocal {
			fs = append(fs, types.Field{Name: fmt.Sprintf("EXPR$%d", i), Type: call.Type})
			continue
		}
		for j, t := range call.Factory.StateTypes() {
			fs = append(fs, types.Field{Name: fmt.Sprintf("%s$%d_%d", callFunc(call.Name), i, j), Type: t})
		}
	}
	if c.Phase == AggLocal && c.Streaming {
		fs = append(fs, types.Field{Name: CountColumn, Type: types.BigInt.NotNullable()})
	}
	return types.NewSchema(fs...)
}

func callFunc(name string) string {
	if i := strings.IndexByte(name, '('); i > 0 {
		name = name[:i]
	}
	return strings.ToLower(name)
}

// AggConfigError reports an aggregation config that cannot run.
type AggConfigError struct{ Msg string }

func (e *AggConfigError) Error() string { return "aggregation: " + e.Msg }

// hashAgg is the GROUP BY operator of every phase and mode.
type hashAgg struct {
	BaseOperator
	cfg    *AggConfig
	out    *types.Schema
	table  *groupTable
	accs   []expr.Accumulator
	states [][]int // Global: the state columns of each call
	ctx    *expr.Context

	rowCnt   []int64 // streaming: rows per group (Flink's count1)
	groups   []uint32
	callGrps [][]uint32
	mark     []uint32 // per group: the segment that last saw it
	epoch    uint32
	stream   streamScratch
	perRowS  perRowScratch
	scanS    scanScratch
	chunkS   chunkScratch
	distinct map[int]*distinctShared // COUNT(DISTINCT) state by argument column
	local    localState
	ttl      aggTTL
	opCtx    *OpContext
	disk     *aggDisk // state.backend: pebble (agg_pebble.go); nil on the heap
}

var (
	_ Operator    = (*hashAgg)(nil)
	_ Snapshotter = (*hashAgg)(nil)
)

// NewHashAgg returns a GROUP BY operator for cfg.
func NewHashAgg(cfg *AggConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil {
		return nil, &AggConfigError{"missing input schema"}
	}
	a := &hashAgg{cfg: cfg, epoch: 1} // epoch 0 would match unmarked groups
	keyTypes := make([]types.DataType, len(cfg.Keys))
	for i, k := range cfg.Keys {
		if k < 0 || k >= cfg.InSchema.Len() {
			return nil, &AggConfigError{fmt.Sprintf("group key column %d out of range", k)}
		}
		keyTypes[i] = cfg.InSchema.Fields[k].Type
	}
	a.table = newGroupTable(keyTypes)
	insertOnly := !cfg.Streaming || cfg.InputInsertOnly
	next := len(cfg.Keys)
	for i, c := range cfg.Calls {
		if c.Factory == nil {
			return nil, &AggConfigError{fmt.Sprintf("call %s has no accumulator factory", c.Name)}
		}
		f := c.Factory
		if io, ok := f.(interface {
			InsertOnly() expr.AccumulatorFactory
		}); ok && insertOnly && cfg.Phase != AggGlobal {
			f = io.InsertOnly()
		}
		a.accs = append(a.accs, a.newAccumulator(c, f))
		if cfg.Phase == AggGlobal {
			n := len(c.Factory.StateTypes())
			cols := make([]int, n)
			for j := range cols {
				cols[j] = next + j
			}
			next += n
			a.states = append(a.states, cols)
			if next > cfg.InSchema.Len() {
				return nil, &AggConfigError{fmt.Sprintf("global input has %d columns, the calls' state needs %d", cfg.InSchema.Len(), next)}
			}
			continue
		}
		for _, arg := range append(append([]int(nil), c.Args...), c.Filter) {
			if arg >= cfg.InSchema.Len() {
				return nil, &AggConfigError{fmt.Sprintf("call %d (%s) reads column %d of %d", i, c.Name, arg, cfg.InSchema.Len())}
			}
		}
	}
	a.out = cfg.OutputSchema()
	a.callGrps = make([][]uint32, len(cfg.Calls))
	a.stream.countCol = -1
	if cfg.Phase == AggGlobal && cfg.Streaming && next < cfg.InSchema.Len() &&
		cfg.InSchema.Fields[next].Type.Kind == types.KindBigInt {
		a.stream.countCol = next
	}
	return a, nil
}

// Open takes the evaluation context.
func (a *hashAgg) Open(ctx *OpContext) error {
	if ctx != nil {
		a.ctx = ctx.Eval
		a.opCtx = ctx
		if a.cfg.Streaming && a.cfg.Phase != AggLocal && a.cfg.TTL > 0 && ctx.Now != nil {
			a.ttl = aggTTL{ttl: a.cfg.TTL.Microseconds(), now: ctx.Now}
		}
		return a.openDisk(ctx)
	}
	return nil
}

// ProcessBatch folds a batch in; streaming aggregation emits its changes.
func (a *hashAgg) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	if b.Len() == 0 {
		return nil
	}
	if a.ttl.ttl > 0 {
		if err := a.OnProcessingTime(a.ttl.now(), out); err != nil {
			return err
		}
	}
	a.assign(b)
	if a.disk != nil {
		if err := a.disk.load(a, b); err != nil {
			return err
		}
	}
	if !a.cfg.Streaming {
		return a.update(b, nil, nil, 0, b.Len())
	}
	a.touch(a.groups[:b.Len()])
	return a.processStream(b, out)
}

// assign computes the group of every row and, per call, the groups with
// rows failing the call's FILTER replaced by NoGroup.
func (a *hashAgg) assign(b *types.Batch) {
	n := b.Len()
	a.groups = growU32(a.groups, n)
	keys := make([]arrow.Array, len(a.cfg.Keys))
	for i, k := range a.cfg.Keys {
		keys[i] = b.Cols[k]
	}
	a.table.assign(keys, n, a.groups)
	a.growGroups()
	for c, call := range a.cfg.Calls {
		if call.Filter < 0 || a.cfg.Phase == AggGlobal {
			a.callGrps[c] = a.groups
			continue
		}
		cg := growU32(a.callGrps[c], n) // never a.groups: filtered calls own theirs
		mask := b.Cols[call.Filter].(*array.Boolean)
		for i, g := range a.groups {
			if mask.IsValid(i) && mask.Value(i) {
				cg[i] = g
			} else {
				cg[i] = expr.NoGroup
			}
		}
		a.callGrps[c] = cg
	}
}

// update folds rows [lo, hi) of b into the accumulators. eff, when not nil,
// holds the effective group of each of those rows, NoGroup to skip a row in
// every call (a retraction of a group that does not exist).
func (a *hashAgg) update(b *types.Batch, eff []uint32, retract []bool, lo, hi int) error {
	whole := lo == 0 && hi == b.Len()
	slice := func(col arrow.Array) arrow.Array {
		if whole {
			return col
		}
		return array.NewSlice(col, int64(lo), int64(hi))
	}
	for c, call := range a.cfg.Calls {
		if dv, ok := a.accs[c].(*distinctView); ok {
			// The first call of a shared COUNT(DISTINCT) state folds the
			// rows into every call's view at once (distinct_shared.go).
			if dv.view == 0 {
				if err := dv.sh.updateAll(a.callGrps, eff, slice(b.Cols[call.Args[0]]), retract, lo, hi); err != nil {
					return fmt.Errorf("%s: %w", call.Name, err)
				}
			}
			continue
		}
		cg := a.callGrps[c][lo:hi]
		if eff != nil {
			cg = effective(cg, eff)
		}
		if a.cfg.Phase == AggGlobal {
			st := make([]arrow.Array, len(a.states[c]))
			for j, col := range a.states[c] {
				st[j] = slice(b.Cols[col])
			}
			if err := a.accs[c].Merge(a.ctx, cg, st); err != nil {
				return err
			}
			continue
		}
		args := make([]arrow.Array, len(call.Args))
		for j, col := range call.Args {
			args[j] = slice(b.Cols[col])
		}
		if err := a.accs[c].Update(a.ctx, cg, args, retract); err != nil {
			return fmt.Errorf("%s: %w", call.Name, err)
		}
	}
	return nil
}

// effective combines a call's FILTER groups with the rows' effective groups.
func effective(cg, eff []uint32) []uint32 {
	out := make([]uint32, len(eff))
	for i, g := range eff {
		if g == expr.NoGroup {
			out[i] = expr.NoGroup
		} else {
			out[i] = cg[i]
		}
	}
	return out
}

// results returns, per call, the result (or in the Local phase the state
// columns) of groups.
func (a *hashAgg) results(groups []uint32) ([]arrow.Array, error) {
	var out []arrow.Array
	for c, acc := range a.accs {
		if a.cfg.Phase == AggLocal {
			st, err := acc.State(groups)
			if err != nil {
				return nil, err
			}
			out = append(out, st...)
			continue
		}
		r, err := acc.Result(a.ctx, groups)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.cfg.Calls[c].Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// growGroups sizes the per-group arrays to the table.
func (a *hashAgg) growGroups() {
	if n := a.table.len(); len(a.rowCnt) < n {
		a.rowCnt = append(a.rowCnt, make([]int64, n-len(a.rowCnt))...)
		a.mark = append(a.mark, make([]uint32, n-len(a.mark))...)
	}
}

func growU32(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n)
	}
	return s[:n]
}

// String prints the operator as Flink's EXPLAIN names it.
func (a *hashAgg) String() string {
	c := a.cfg
	var name string
	switch {
	case c.Streaming && c.Phase == AggLocal:
		name = "LocalGroupAggregate("
	case c.Streaming && c.Phase == AggGlobal:
		name = "GlobalGroupAggregate("
	case c.Streaming:
		name = "GroupAggregate("
	case c.Phase == AggLocal:
		name = "LocalHashAggregate("
	case c.Phase == AggGlobal:
		name = "HashAggregate(isMerge=[true], "
	default:
		name = "HashAggregate(isMerge=[false], "
	}
	var sb strings.Builder
	sb.WriteString(name)
	in := c.InSchema.Names()
	keys := make([]string, len(c.Keys))
	for i, k := range c.Keys {
		keys[i] = in[k]
	}
	if len(keys) > 0 {
		fmt.Fprintf(&sb, "groupBy=[%s], ", strings.Join(keys, ", "))
	}
	sel := append([]string(nil), keys...)
	outNames := a.out.Names()
	col := len(c.Keys)
	for _, call := range c.Calls {
		prefix := ""
		if !c.Streaming && c.Phase == AggLocal {
			prefix = "Partial_"
		} else if !c.Streaming && c.Phase == AggGlobal {
			prefix = "Final_"
		}
		name := outNames[min(col, len(outNames)-1)]
		if c.Phase == AggLocal {
			col += len(call.Factory.StateTypes())
		} else {
			col++
		}
		sel = append(sel, prefix+call.Name+" AS "+name)
	}
	fmt.Fprintf(&sb, "select=[%s])", strings.Join(sel, ", "))
	return sb.String()
}
