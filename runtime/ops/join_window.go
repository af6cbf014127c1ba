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

// KindWindowJoin is the operator kind of a window join (*WindowJoinConfig).
const KindWindowJoin Kind = "WindowJoin"

// WindowJoinConfig configures Flink's WindowJoin of two window TVF
// results joined on equal windows (window_start and window_end are among
// the equi-join keys).
type WindowJoinConfig struct {
	Type                JoinType // JoinInner, JoinLeft, JoinRight or JoinFull
	LeftKeys, RightKeys []int
	// Residual is the rest of the condition over left ++ right.
	Residual                           expr.Expr
	LeftSchema, RightSchema, OutSchema *types.Schema
	// LeftEnd and RightEnd are the window_end columns.
	LeftEnd, RightEnd int
	// Display is the EXPLAIN text of the node.
	Display string
}

// OutputSchema returns left ++ right.
func (c *WindowJoinConfig) OutputSchema() *types.Schema { return c.OutSchema }

// NewWindowJoin returns a window join operator for cfg.
func NewWindowJoin(cfg *WindowJoinConfig) (Operator, error) {
	if cfg == nil || cfg.LeftSchema == nil || cfg.RightSchema == nil || cfg.OutSchema == nil {
		return nil, &JoinConfigError{"window join: left, right and output schemas are required"}
	}
	if cfg.Type > JoinFull {
		return nil, &JoinConfigError{fmt.Sprintf("window join: unsupported join type %s", cfg.Type)}
	}
	if len(cfg.LeftKeys) == 0 || len(cfg.LeftKeys) != len(cfg.RightKeys) {
		return nil, &JoinConfigError{"window join: needs as many left keys as right keys, at least one"}
	}
	j := &windowJoin{cfg: cfg, timedJoinBase: newTimedJoinBase(cfg.LeftSchema, cfg.RightSchema, cfg.Residual)}
	j.sides[0] = newTimedStore(cfg.LeftSchema)
	j.sides[1] = newTimedStore(cfg.RightSchema)
	return j, nil
}

// windowJoin is Flink's WindowJoinOperator: both sides' rows are kept per
// key and window until the watermark passes the window's end - 1 ms; then
// the window's rows are joined (outer sides padded) and dropped. A row
// whose window has already fired is late: dropped and counted.
type windowJoin struct {
	BaseOperator
	timedJoinBase
	cfg   *WindowJoinConfig
	sides [2]*timedStore
}

var (
	_ Operator    = (*windowJoin)(nil)
	_ Snapshotter = (*windowJoin)(nil)
)

// Open picks up the evaluation context and the late-row counter.
func (j *windowJoin) Open(ctx *OpContext) error {
	j.open(ctx)
	return nil
}

// ProcessBatch stores b's rows by key and window.
func (j *windowJoin) ProcessBatch(input int, b *types.Batch, _ Collector) error {
	if input != 0 && input != 1 {
		return fmt.Errorf("%s has no input %d", j, input)
	}
	n := b.Len()
	if n == 0 {
		return nil
	}
	if !b.InsertOnly() {
		return fmt.Errorf("WindowJoin doesn't support consuming update and delete changes")
	}
	s, keys, end := j.sides[input], j.cfg.LeftKeys, j.cfg.LeftEnd
	if input == 1 {
		s, keys, end = j.sides[1], j.cfg.RightKeys, j.cfg.RightEnd
	}
	ends := joinTimes(b.Cols[end])
	kc := pick(b.Cols, keys)
	chunk := s.addChunk(b)
	var late int64
	for i := 0; i < n; i++ {
		if b.Cols[end].IsNull(i) {
			continue
		}
		fire := ends[i] - 1000 // window_time: the end minus 1 ms
		if fire <= j.wm {
			late++
			continue
		}
		j.buf = kernel.AppendKey(j.buf[:0], kc, i)
		s.add(j.buf, rowRef{chunk: chunk, row: int32(i)}, fire, false)
	}
	s.releaseIfEmpty(chunk)
	if late > 0 {
		j.late.Add(late)
	}
	return nil
}

// ProcessWatermark fires every window whose end - 1 ms the watermark has
// reached.
func (j *windowJoin) ProcessWatermark(ts int64, out Collector) error {
	if ts <= j.wm {
		return nil
	}
	j.wm = ts
	l, r := j.sides[0], j.sides[1]
	les, res := l.popUpTo(ts), r.popUpTo(ts)
	if len(les)+len(res) == 0 {
		return nil
	}
	// Rows stay readable until removed, after the join.
	err := j.fire(refsOf(l, les), refsOf(r, res), out)
	for _, e := range les {
		l.remove(e)
	}
	for _, e := range res {
		r.remove(e)
	}
	return err
}

func refsOf(s *timedStore, es []int32) []rowRef {
	refs := make([]rowRef, len(es))
	for i, e := range es {
		refs[i] = s.ents[e].ref
	}
	return refs
}

// fire joins the left rows lrefs with the right rows rrefs of the windows
// that end now (matching on the keys, which include the window).
func (j *windowJoin) fire(lrefs, rrefs []rowRef, out Collector) error {
	l, r := j.sides[0], j.sides[1]
	lcols := takeRefs(l.schema, l.chunks, lrefs)
	rcols := takeRefs(r.schema, r.chunks, rrefs)
	byKey := map[string][]int32{}
	rk := pick(rcols, j.cfg.RightKeys)
	for i := range rrefs {
		if anyNullAt(rk, i) {
			continue
		}
		j.buf = kernel.AppendKey(j.buf[:0], rk, i)
		byKey[string(j.buf)] = append(byKey[string(j.buf)], int32(i))
	}
	lk := pick(lcols, j.cfg.LeftKeys)
	var pl, pr []int32
	for i := range lrefs {
		if anyNullAt(lk, i) {
			continue
		}
		j.buf = kernel.AppendKey(j.buf[:0], lk, i)
		for _, m := range byKey[string(j.buf)] {
			pl = append(pl, int32(i))
			pr = append(pr, m)
		}
	}
	if j.residual != nil && len(pl) > 0 {
		cols := append(takeColumns(lcols, pl), takeColumns(rcols, pr)...)
		res, err := j.residual.Eval(j.eval, types.NewBatch(j.pairs, cols, nil, len(pl)))
		if err != nil {
			return err
		}
		bs := res.(*array.Boolean)
		w := 0
		for p := range pl {
			if bs.IsValid(p) && bs.Value(p) {
				pl[w], pr[w] = pl[p], pr[p]
				w++
			}
		}
		pl, pr = pl[:w], pr[:w]
	}
	if j.cfg.Type.leftOuter() {
		joined := make([]bool, len(lrefs))
		for _, i := range pl {
			joined[i] = true
		}
		for i, ok := range joined {
			if !ok {
				pl, pr = append(pl, int32(i)), append(pr, -1)
			}
		}
	}
	if j.cfg.Type.rightOuter() {
		joined := make([]bool, len(rrefs))
		for _, i := range pr {
			if i >= 0 {
				joined[i] = true
			}
		}
		for i, ok := range joined {
			if !ok {
				pl, pr = append(pl, -1), append(pr, int32(i))
			}
		}
	}
	if len(pl) == 0 {
		return nil
	}
	cols := append(takeColumnsOrNull(lcols, l.schema, pl), takeColumnsOrNull(rcols, r.schema, pr)...)
	return emitSliced(out, types.NewBatch(j.cfg.OutSchema, cols, nil, len(pl)), j.size)
}

// takeColumnsOrNull is takeColumns that also works on zero-row columns
// (every index -1).
func takeColumnsOrNull(cols []arrow.Array, s *types.Schema, idx []int32) []arrow.Array {
	if len(cols) == 0 || cols[0].Len() == 0 {
		return nullColumns(s, len(idx))
	}
	return takeColumns(cols, idx)
}

// String prints the operator as EXPLAIN does.
func (j *windowJoin) String() string {
	if j.cfg.Display != "" {
		return j.cfg.Display
	}
	return fmt.Sprintf("WindowJoin(joinType=[%s], select=[%s])", j.cfg.Type, strings.Join(j.cfg.OutSchema.Names(), ", "))
}

// SnapshotState writes both sides' pending rows.
func (j *windowJoin) SnapshotState(w io.Writer) error {
	maxP := 0
	if j.ctx != nil {
		maxP = j.ctx.MaxParallelism
	}
	err := writeParts(w,
		func(w io.Writer) error { return j.sides[0].snapshot(w, j.cfg.LeftKeys, maxP) },
		func(w io.Writer) error { return j.sides[1].snapshot(w, j.cfg.RightKeys, maxP) })
	if err != nil {
		return fmt.Errorf("window join snapshot: %w", err)
	}
	return nil
}

// RestoreState adds a snapshot's rows of this subtask's key groups.
func (j *windowJoin) RestoreState(r io.Reader) error {
	err := readParts(r,
		func(r io.Reader) error { return j.sides[0].restore(r, j.cfg.LeftKeys, j.ctx) },
		func(r io.Reader) error { return j.sides[1].restore(r, j.cfg.RightKeys, j.ctx) })
	if err != nil {
		return fmt.Errorf("window join restore: %w", err)
	}
	return nil
}
