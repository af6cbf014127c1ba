package ops

import (
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// KindTemporalJoin is the operator kind of an event-time temporal join
// (*TemporalJoinConfig).
const KindTemporalJoin Kind = "TemporalJoin"

// TemporalJoinConfig configures Flink's event-time temporal join of a left
// input with a versioned right input (a changelog keyed
// by its primary key, with a rowtime).
type TemporalJoinConfig struct {
	Type                JoinType // JoinInner or JoinLeft
	LeftKeys, RightKeys []int
	// Residual is the rest of the condition over left ++ right; nil means
	// none.
	Residual                           expr.Expr
	LeftSchema, RightSchema, OutSchema *types.Schema
	// LeftTime and RightTime are the rowtime columns.
	LeftTime, RightTime int
	// Display is the EXPLAIN text of the node.
	Display string
}

// OutputSchema returns left ++ right.
func (c *TemporalJoinConfig) OutputSchema() *types.Schema { return c.OutSchema }

// NewTemporalJoin returns an event-time temporal join operator for cfg.
func NewTemporalJoin(cfg *TemporalJoinConfig) (Operator, error) {
	if cfg == nil || cfg.LeftSchema == nil || cfg.RightSchema == nil || cfg.OutSchema == nil {
		return nil, &JoinConfigError{"temporal join: left, right and output schemas are required"}
	}
	if cfg.Type != JoinInner && cfg.Type != JoinLeft {
		return nil, &JoinConfigError{fmt.Sprintf("temporal join: unsupported join type %s", cfg.Type)}
	}
	if len(cfg.LeftKeys) == 0 || len(cfg.LeftKeys) != len(cfg.RightKeys) {
		return nil, &JoinConfigError{"temporal join: needs as many left keys as right keys, at least one"}
	}
	j := &temporalJoin{cfg: cfg, timedJoinBase: newTimedJoinBase(cfg.LeftSchema, cfg.RightSchema, cfg.Residual)}
	j.left = newTimedStore(cfg.LeftSchema)
	j.right = newTimedStore(cfg.RightSchema)
	return j, nil
}

// temporalJoin is Flink's TemporalRowTimeJoinOperator. Left rows (of any
// kind, which the output row keeps) wait in
// state until the watermark reaches their rowtime; then each joins the
// right version of its key valid at that time: the latest +I/+U row whose
// rowtime is not after it (a -D version ends the key's validity; -U rows
// carry nothing a following +U does not). Inner joins drop left rows
// without a version, LEFT joins pad them. After a watermark, right
// versions older than the latest one not after it are dropped. Left rows
// late on arrival (rowtime <= watermark) are dropped and counted.
type temporalJoin struct {
	BaseOperator
	timedJoinBase
	cfg         *TemporalJoinConfig
	left, right *timedStore
}

var (
	_ Operator    = (*temporalJoin)(nil)
	_ Snapshotter = (*temporalJoin)(nil)
)

// Open picks up the evaluation context and the late-row counter.
func (j *temporalJoin) Open(ctx *OpContext) error {
	j.open(ctx)
	return nil
}

// ProcessBatch buffers left rows and right versions.
func (j *temporalJoin) ProcessBatch(input int, b *types.Batch, _ Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	s, keys, tcol := j.left, j.cfg.LeftKeys, j.cfg.LeftTime
	if input == 1 {
		s, keys, tcol = j.right, j.cfg.RightKeys, j.cfg.RightTime
	}
	times := joinTimes(b.Cols[tcol])
	kc := pick(b.Cols, keys)
	chunk := s.addChunk(b)
	var late int64
	for i := 0; i < n; i++ {
		kind := b.Kind(i)
		if b.Cols[tcol].IsNull(i) || anyNullAt(kc, i) {
			if input == 0 && j.cfg.Type == JoinLeft && !b.Cols[tcol].IsNull(i) {
				// A NULL key never finds a version: keep the row to pad it.
				j.buf = kernel.AppendKey(j.buf[:0], kc, i)
				s.add(j.buf, rowRef{chunk: chunk, row: int32(i)}, times[i], false)
			}
			continue
		}
		if input == 0 && times[i] <= j.wm {
			late++
			continue
		}
		if input == 1 && kind == types.UpdateBefore {
			continue
		}
		j.buf = kernel.AppendKey(j.buf[:0], kc, i)
		s.add(j.buf, rowRef{chunk: chunk, row: int32(i)}, times[i], kind == types.Delete)
	}
	s.releaseIfEmpty(chunk)
	if late > 0 {
		j.late.Add(late)
	}
	return nil
}

// ProcessWatermark joins the left rows the watermark has reached, then
// drops the right versions no future left row can need.
func (j *temporalJoin) ProcessWatermark(ts int64, out Collector) error {
	if ts <= j.wm {
		return nil
	}
	j.wm = ts
	var err error
	j.left.expire(ts, func(es []int32) { err = j.joinLeft(es, out) })
	if err != nil {
		return err
	}
	j.cleanRight(ts)
	return nil
}

// joinLeft joins left entries es (by time) with their versions.
func (j *temporalJoin) joinLeft(es []int32, out Collector) error {
	refs := make([]rowRef, len(es))
	for i, e := range es {
		refs[i] = j.left.ents[e].ref
	}
	lcols := takeRefs(j.left.schema, j.left.chunks, refs)
	kc := pick(lcols, j.cfg.LeftKeys)
	version := make([]rowRef, len(es))
	var pairRows []int32
	for i, e := range es {
		version[i] = nullRef
		if anyNullAt(kc, i) {
			continue
		}
		j.buf = kernel.AppendKey(j.buf[:0], kc, i)
		g, ok := j.right.group(j.buf)
		if !ok {
			continue
		}
		t := j.left.ents[e].time
		best := int32(-1)
		for v := j.right.first(g); v >= 0; v = j.right.ents[v].next {
			if j.right.ents[v].time <= t && (best < 0 || j.right.before(best, v)) {
				best = v
			}
		}
		if best >= 0 && !j.right.ents[best].emitted {
			version[i] = j.right.ents[best].ref
			pairRows = append(pairRows, int32(i))
		}
	}
	rcols := takeRefs(j.right.schema, j.right.chunks, version)
	if j.residual != nil && len(pairRows) > 0 {
		res, err := j.residual.Eval(j.eval, types.NewBatch(j.pairs, append(append([]arrow.Array(nil), lcols...), rcols...), nil, len(es)))
		if err != nil {
			return err
		}
		bs := res.(*array.Boolean)
		for i := range version {
			if version[i] != nullRef && !(bs.IsValid(i) && bs.Value(i)) {
				version[i] = nullRef
			}
		}
		rcols = takeRefs(j.right.schema, j.right.chunks, version)
	}
	keep := make([]int32, 0, len(es))
	for i := range version {
		if version[i] != nullRef || j.cfg.Type == JoinLeft {
			keep = append(keep, int32(i))
		}
	}
	if len(keep) == 0 {
		return nil
	}
	// A left row's kind passes through (an updating left input stays
	// updating), as Flink's operator sets the output kind from the left.
	var kinds []types.RowKind
	for o, i := range keep {
		ref := refs[i]
		if k := j.left.chunks[ref.chunk].Kind(int(ref.row)); k != types.Insert || kinds != nil {
			if kinds == nil {
				kinds = make([]types.RowKind, len(keep))
				for p := range kinds[:o] {
					kinds[p] = types.Insert
				}
			}
			kinds[o] = k
		}
	}
	cols := append(takeColumns(lcols, keep), takeColumns(rcols, keep)...)
	return emitSliced(out, types.NewBatch(j.cfg.OutSchema, cols, kinds, len(keep)), j.size)
}

// cleanRight keeps, per key, only the latest version at or before ts (and
// none when that one is a deletion) plus every later version.
func (j *temporalJoin) cleanRight(ts int64) {
	es := j.right.popUpTo(ts)
	if len(es) == 0 {
		return
	}
	// es is by time: the last entry of each group survives.
	last := map[uint32]int32{}
	for _, e := range es {
		last[j.right.ents[e].group] = e
	}
	for _, e := range es {
		if last[j.right.ents[e].group] == e && !j.right.ents[e].emitted {
			j.right.push(e)
			continue
		}
		j.right.remove(e)
	}
}

// String prints the operator as EXPLAIN does.
func (j *temporalJoin) String() string {
	if j.cfg.Display != "" {
		return j.cfg.Display
	}
	return fmt.Sprintf("TemporalJoin(joinType=[%s], select=[%s])", j.cfg.Type, strings.Join(j.cfg.OutSchema.Names(), ", "))
}

// SnapshotState writes the buffered left rows, then the right versions.
func (j *temporalJoin) SnapshotState(w io.Writer) error {
	maxP := 0
	if j.ctx != nil {
		maxP = j.ctx.MaxParallelism
	}
	err := writeParts(w,
		func(w io.Writer) error { return j.left.snapshot(w, j.cfg.LeftKeys, maxP) },
		func(w io.Writer) error { return j.right.snapshot(w, j.cfg.RightKeys, maxP) })
	if err != nil {
		return fmt.Errorf("temporal join snapshot: %w", err)
	}
	return nil
}

// RestoreState adds a snapshot's rows of this subtask's key groups.
func (j *temporalJoin) RestoreState(r io.Reader) error {
	err := readParts(r,
		func(r io.Reader) error { return j.left.restore(r, j.cfg.LeftKeys, j.ctx) },
		func(r io.Reader) error { return j.right.restore(r, j.cfg.RightKeys, j.ctx) })
	if err != nil {
		return fmt.Errorf("temporal join restore: %w", err)
	}
	return nil
}

// timestampValues returns a TIMESTAMP (or BIGINT) column's int64 values.
func joinTimes(a arrow.Array) []int64 {
	switch a := a.(type) {
	case *array.Timestamp:
		vs := a.TimestampValues()
		out := make([]int64, len(vs))
		for i, v := range vs {
			out[i] = int64(v)
		}
		return out
	case *array.Int64:
		return a.Int64Values()
	}
	return make([]int64, a.Len())
}

// anyNullAt reports whether any of cols is NULL at row i.
func anyNullAt(cols []arrow.Array, i int) bool {
	for _, c := range cols {
		if c.IsNull(i) {
			return true
		}
	}
	return false
}
