package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// nestedLoopPairs bounds the (left, right) pairs a nested-loop join
// materialises at once, so a cross product never builds one huge batch.
const nestedLoopPairs = 64 * 1024

// batchJoin joins two bounded inputs. It builds on the right: right
// batches are collected until the right input ends, then indexed in a
// joinTable (or, without keys, kept for a nested loop); left batches that
// arrive before then are buffered and probed once the table is ready.
// Unmatched right rows of right and full joins are emitted when both inputs
// have ended.
type batchJoin struct {
	BaseOperator
	cfg      *JoinConfig
	residual expr.Expr
	pairs    *types.Schema // left++right, what the residual reads
	eval     *expr.Context
	size     int // output batch size

	pending []*types.Batch // left batches waiting for the build side
	right   []*types.Batch
	ended   [2]bool

	build     *types.Batch // the whole right side, once built
	buildKeys []arrow.Array
	table     *joinTable
	matched   []bool  // right rows that matched (right and full joins)
	nullRows  []int32 // NOT IN: right rows with a NULL key
	done      bool

	ps, bs []int32 // reused pair buffers
}

var _ Operator = (*batchJoin)(nil)

func newBatchJoin(cfg *JoinConfig) *batchJoin {
	j := &batchJoin{cfg: cfg, pairs: concatSchemas(cfg.LeftSchema, cfg.RightSchema)}
	if cfg.Residual != nil {
		j.residual = CloneExpr(cfg.Residual)
	}
	return j
}

// concatSchemas returns the fields of l then r.
func concatSchemas(l, r *types.Schema) *types.Schema {
	fs := make([]types.Field, 0, l.Len()+r.Len())
	fs = append(append(fs, l.Fields...), r.Fields...)
	return types.NewSchema(fs...)
}

// Open picks up the evaluation context.
func (j *batchJoin) Open(ctx *OpContext) error {
	j.size = ctx.BatchSize
	j.eval = ctx.Eval
	if j.eval == nil {
		j.eval = expr.NewContext(nil)
	}
	return nil
}

// ProcessBatch collects right rows, and probes (or buffers) left rows.
func (j *batchJoin) ProcessBatch(input int, b *types.Batch, out Collector) error {
	if !b.InsertOnly() {
		return fmt.Errorf("%s cannot consume update or delete changes; use a streaming join", j)
	}
	if b.Len() == 0 {
		return nil
	}
	if input == 1 {
		if j.build != nil {
			return fmt.Errorf("%s: right input sent rows after it ended", j)
		}
		j.right = append(j.right, b)
		return nil
	}
	if j.build == nil {
		j.pending = append(j.pending, b)
		return nil
	}
	return j.probe(b, out)
}

// EndInput builds the table when the right input ends, and emits the
// unmatched right rows once both have.
func (j *batchJoin) EndInput(input int, out Collector) error {
	if input < 0 || input > 1 {
		return fmt.Errorf("%s has no input %d", j, input)
	}
	j.ended[input] = true
	if input == 1 && j.build == nil {
		j.makeBuild()
		for _, b := range j.pending {
			if err := j.probe(b, out); err != nil {
				return err
			}
		}
		j.pending = nil
	}
	if j.ended[0] && j.ended[1] && !j.done {
		j.done = true
		return j.emitUnmatchedRight(out)
	}
	return nil
}

func (j *batchJoin) makeBuild() {
	j.build = kernel.Concat(j.right)
	if j.build == nil {
		j.build = types.Empty(j.cfg.RightSchema)
	}
	j.right = nil
	n := j.build.Len()
	if j.cfg.Type.rightOuter() {
		j.matched = make([]bool, n)
	}
	if len(j.cfg.RightKeys) == 0 {
		return
	}
	j.buildKeys = pick(j.build.Cols, j.cfg.RightKeys)
	j.table = newJoinTable(j.buildKeys, n, j.cfg.NullSafeKeys)
	if j.cfg.NullAwareAnti && anyNulls(j.buildKeys) {
		for r := 0; r < n; r++ {
			if hasNullKey(j.buildKeys, r) {
				j.nullRows = append(j.nullRows, int32(r))
			}
		}
	}
}

// pick returns the columns at idx.
func pick(cols []arrow.Array, idx []int) []arrow.Array {
	out := make([]arrow.Array, len(idx))
	for i, c := range idx {
		out[i] = cols[c]
	}
	return out
}

// probe joins one left batch with the build side.
func (j *batchJoin) probe(l *types.Batch, out Collector) error {
	n, nb := l.Len(), j.build.Len()
	step := n
	if j.table == nil && nb > 0 {
		step = max(1, nestedLoopPairs/nb)
	}
	var probeKeys []arrow.Array
	if j.table != nil {
		probeKeys = pick(l.Cols, j.cfg.LeftKeys)
	}
	// Semi and anti joins need only know whether a row has a match.
	first := j.cfg.Type.semiAnti() && j.residual == nil
	for lo := 0; lo < n; lo += step {
		hi := min(n, lo+step)
		ps, bs := j.ps[:0], j.bs[:0]
		switch {
		case j.table != nil:
			ps, bs = j.table.probe(probeKeys, lo, hi, first, ps, bs)
			if j.cfg.NullAwareAnti {
				ps, bs = j.nullAwarePairs(probeKeys, lo, hi, ps, bs)
			}
		default:
			for i := lo; i < hi; i++ {
				for r := 0; r < nb; r++ {
					ps, bs = append(ps, int32(i)), append(bs, int32(r))
				}
			}
		}
		var err error
		if j.residual != nil && len(ps) > 0 {
			if ps, bs, err = j.filterPairs(l, ps, bs); err != nil {
				return err
			}
		}
		j.ps, j.bs = ps, bs
		if err := j.emitPairs(l, lo, hi, ps, bs, out); err != nil {
			return err
		}
	}
	return nil
}

// nullAwarePairs adds, for NOT IN, the pairs a NULL makes unknown rather
// than false: a left row with a NULL key against every right row, and
// every left row against the right rows with a NULL key, where the
// remaining keys are equal or NULL. Such a pair excludes the left row just
// as a match does. The result stays ordered by left row.
func (j *batchJoin) nullAwarePairs(keys []arrow.Array, lo, hi int, ps, bs []int32) ([]int32, []int32) {
	leftNulls := anyNulls(keys)
	if !leftNulls && len(j.nullRows) == 0 {
		return ps, bs
	}
	eq := make([]func(i, j int) int, len(keys))
	for k := range keys {
		eq[k] = kernel.NewComparator([]arrow.Array{keys[k]}, []arrow.Array{j.buildKeys[k]}, []kernel.SortKey{{Col: 0}})
	}
	unknown := func(i int, r int32) bool {
		for k := range keys {
			if keys[k].IsNull(i) || j.buildKeys[k].IsNull(int(r)) {
				continue
			}
			if eq[k](i, int(r)) != 0 {
				return false
			}
		}
		return true
	}
	var mp, mb []int32
	p := 0
	for i := lo; i < hi; i++ {
		for ; p < len(ps) && ps[p] == int32(i); p++ {
			mp, mb = append(mp, ps[p]), append(mb, bs[p])
		}
		cands := j.nullRows
		if leftNulls && hasNullKey(keys, i) {
			cands = nil // every right row: checked below
			for r := int32(0); r < int32(j.build.Len()); r++ {
				if unknown(i, r) {
					mp, mb = append(mp, int32(i)), append(mb, r)
				}
			}
		}
		for _, r := range cands {
			if unknown(i, r) {
				mp, mb = append(mp, int32(i)), append(mb, r)
			}
		}
	}
	return mp, mb
}

// filterPairs keeps the pairs where the residual condition is TRUE,
// evaluating it once over all pairs as one left++right batch.
func (j *batchJoin) filterPairs(l *types.Batch, ps, bs []int32) ([]int32, []int32, error) {
	pb := types.NewBatch(j.pairs, append(takeColumns(l.Cols, ps), takeColumns(j.build.Cols, bs)...), nil, len(ps))
	keep, err := evalMask(j.eval, j.residual, pb)
	if err != nil {
		return nil, nil, err
	}
	for w, k := range keep {
		ps[w], bs[w] = ps[k], bs[k]
	}
	return ps[:len(keep)], bs[:len(keep)], nil
}

// evalMask evaluates a BOOLEAN condition over b and returns the positions
// where it is TRUE.
func evalMask(ctx *expr.Context, cond expr.Expr, b *types.Batch) ([]int32, error) {
	m, err := cond.Eval(ctx, b)
	if err != nil {
		return nil, err
	}
	mask, ok := m.(*array.Boolean)
	if !ok || mask.Len() != b.Len() {
		return nil, fmt.Errorf("join condition %s returned %s of %d rows, want boolean of %d", cond, m.DataType(), m.Len(), b.Len())
	}
	return kernel.MaskIndices(mask, nil), nil
}

// emitPairs outputs left rows [lo, hi) joined with their matching pairs
// (sorted by left row) as the join type asks.
func (j *batchJoin) emitPairs(l *types.Batch, lo, hi int, ps, bs []int32, out Collector) error {
	if j.matched != nil {
		for _, r := range bs {
			j.matched[r] = true
		}
	}
	switch j.cfg.Type {
	case JoinInner, JoinRight:
		return j.emitJoined(l, ps, bs, out)
	case JoinLeft, JoinFull:
		lIdx := make([]int32, 0, len(ps)+hi-lo)
		rIdx := make([]int32, 0, len(ps)+hi-lo)
		p := 0
		for i := int32(lo); i < int32(hi); i++ {
			if p < len(ps) && ps[p] == i {
				for ; p < len(ps) && ps[p] == i; p++ {
					lIdx, rIdx = append(lIdx, i), append(rIdx, bs[p])
				}
				continue
			}
			lIdx, rIdx = append(lIdx, i), append(rIdx, -1)
		}
		return j.emitJoined(l, lIdx, rIdx, out)
	}
	// Semi and anti: left rows with (without) a match, in order.
	semi := j.cfg.Type == JoinSemi
	idx := make([]int32, 0, hi-lo)
	p := 0
	for i := int32(lo); i < int32(hi); i++ {
		has := p < len(ps) && ps[p] == i
		for p < len(ps) && ps[p] == i {
			p++
		}
		if has == semi {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	return emitSliced(out, types.NewBatch(j.cfg.OutSchema, takeColumns(l.Cols, idx), nil, len(idx)), j.size)
}

func (j *batchJoin) emitJoined(l *types.Batch, lIdx, rIdx []int32, out Collector) error {
	if len(lIdx) == 0 {
		return nil
	}
	cols := append(takeColumns(l.Cols, lIdx), takeColumns(j.build.Cols, rIdx)...)
	return emitSliced(out, types.NewBatch(j.cfg.OutSchema, cols, nil, len(lIdx)), j.size)
}

// emitUnmatchedRight pads the right rows no left row matched (right and
// full joins), in build order.
func (j *batchJoin) emitUnmatchedRight(out Collector) error {
	if j.matched == nil {
		return nil
	}
	var rIdx []int32
	for r, m := range j.matched {
		if !m {
			rIdx = append(rIdx, int32(r))
		}
	}
	if len(rIdx) == 0 {
		return nil
	}
	all := append(nullColumns(j.cfg.LeftSchema, len(rIdx)), takeColumns(j.build.Cols, rIdx)...)
	return emitSliced(out, types.NewBatch(j.cfg.OutSchema, all, nil, len(rIdx)), j.size)
}

// String prints e.g. HashJoin(joinType=[InnerJoin], where=[=(a, c)],
// select=[a, b, c, d], build=[right]), or NestedLoopJoin(...) without keys.
func (j *batchJoin) String() string {
	name := "HashJoin"
	if len(j.cfg.LeftKeys) == 0 {
		name = "NestedLoopJoin"
	}
	return j.cfg.describe(name, "build=[right]")
}
