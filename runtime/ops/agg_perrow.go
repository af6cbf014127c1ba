package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// perRowScratch holds the buffers of the per-row changelog path, reused
// across batches.
type perRowScratch struct {
	gcount  []uint32 // per group: rows of this batch seen so far
	rank    []uint32 // per row: how many earlier rows share its group
	start   []int32  // per round: first position in byRound
	byRound []int32  // rows ordered by (rank, row)
	cg      []uint32
	ret     []bool
	args    []arrow.Array
	// Changes gathered over the batch, in round order; assemble sorts them
	// into row order. An -U is always recorded right before its +U; the two
	// are dropped at assembly if the result did not change.
	outRow   []int32
	outKind  []types.RowKind
	outSrc   []int32 // position in the result columns
	outGroup []uint32
	perRow   []int32 // per row: its first change in row order
	sorted   []int32
	// Results read during the batch, per call, at positions 0..resLen.
	res     []resultColumn
	resLen  int32
	lastPos []int32  // per group: position of its latest result
	posMark []uint32 // per group: the batch (epoch) lastPos belongs to
	prevG   []uint32
	gone    []uint32
	perm    []arrow.Array // argument columns in round order, by column
}

// resultAppender is implemented by accumulators (expr/aggregate's COUNT,
// SUM/AVG, MIN/MAX, FIRST_VALUE/LAST_VALUE) that append results to a
// builder of the call's result type: the per-row path reads results after
// every round, and appending them costs no Arrow array per read. Other
// accumulators' Result arrays are kept and concatenated. The interface is
// matched structurally, so expr's Accumulator contract is unchanged.
type resultAppender interface {
	AppendResult(ctx *expr.Context, groups []uint32, b array.Builder) error
}

// resultColumn gathers one call's results over a batch.
type resultColumn struct {
	b     array.Builder // when the accumulator is a resultAppender
	parts []arrow.Array // otherwise
}

// perRow folds a batch in with Flink's per-row changelog (no mini-batch):
// every input row emits the change it causes, in input order.
//
// To stay vectorized the rows are processed in rounds: round k holds each
// group's k-th row of the batch, so no group appears twice in a round and
// a round is folded in with whole-column calls. The number of rounds is
// the largest number of rows one group has in the batch (a handful for
// spread keys, hundreds for a hot key); a round allocates nothing when
// the accumulators are resultAppenders, as the common ones are. The
// changes of all rounds are put into row order and built into one output
// batch.
func (a *hashAgg) perRow(b *types.Batch, retract []bool) error {
	s := &a.perRowS
	n := b.Len()
	a.epoch++
	if len(s.gcount) < a.table.len() {
		s.gcount = append(s.gcount, make([]uint32, a.table.len()-len(s.gcount))...)
	}
	rank := growU32(s.rank, n)
	s.rank = rank
	rounds := 0
	for i, g := range a.groups[:n] {
		if a.mark[g] != a.epoch {
			a.mark[g] = a.epoch
			s.gcount[g] = 0
		}
		rank[i] = s.gcount[g]
		s.gcount[g]++
		rounds = max(rounds, int(rank[i])+1)
	}
	start := growI32(s.start, rounds+1)
	s.start = start
	clear(start)
	for _, r := range rank {
		start[r+1]++
	}
	for r := 1; r <= rounds; r++ {
		start[r] += start[r-1]
	}
	byRound := growI32(s.byRound, n)
	s.byRound = byRound
	for i, r := range rank { // start[r] is used as round r's cursor
		byRound[start[r]] = int32(i)
		start[r]++
	}
	s.outRow, s.outKind, s.outSrc, s.outGroup = s.outRow[:0], s.outKind[:0], s.outSrc[:0], s.outGroup[:0]
	if len(s.lastPos) < a.table.len() {
		s.lastPos = append(s.lastPos, make([]int32, a.table.len()-len(s.lastPos))...)
		s.posMark = append(s.posMark, make([]uint32, a.table.len()-len(s.posMark))...)
	}
	if s.res == nil {
		s.res = make([]resultColumn, len(a.accs))
		for c, acc := range a.accs {
			if _, ok := acc.(resultAppender); ok {
				s.res[c].b = types.NewBuilder(a.cfg.Calls[c].Type)
			}
		}
	}
	if s.resLen != 0 { // a failed batch left results behind
		if _, err := a.resultArrays(); err != nil {
			return err
		}
	}
	s.resLen = 0
	// Argument columns in round order, so each round reads a slice.
	clear(s.perm)
	s.perm = s.perm[:0]
	for range b.Cols {
		s.perm = append(s.perm, nil)
	}
	for _, call := range a.cfg.Calls {
		for _, col := range call.Args {
			if s.perm[col] == nil {
				if rounds == 1 {
					s.perm[col] = b.Cols[col]
				} else {
					s.perm[col] = kernel.Take(b.Cols[col], byRound)
				}
			}
		}
	}
	lo := int32(0)
	for r := 0; r < rounds; r++ {
		hi := start[r]
		if err := a.round(retract, byRound[lo:hi], int(lo), rounds == 1); err != nil {
			return err
		}
		lo = hi
	}
	clear(s.perm)
	return a.assemblePerRow(n)
}

// round folds in rows idx (ascending, no group twice), which are rows
// [lo, lo+len(idx)) of the permuted argument columns, and records their
// changes; whole says idx is every row of the batch in order.
func (a *hashAgg) round(retract []bool, idx []int32, lo int, whole bool) error {
	s := &a.stream
	p := &a.perRowS
	m := len(idx)
	eff := growU32(s.eff, m)
	s.eff = eff
	first := resizeBools(&s.first, m)
	need, order := s.need[:0], s.order[:0]
	old := false
	for j, i := range idx {
		g := a.groups[i]
		if a.rowCnt[g] <= 0 && retract != nil && retract[i] {
			eff[j] = expr.NoGroup // retracting a group that does not exist
			continue
		}
		eff[j], first[j] = g, a.rowCnt[g] <= 0
		old = old || !first[j]
		need, order = append(need, int32(j)), append(order, g)
	}
	s.need, s.order = need, order
	if len(order) == 0 {
		return nil
	}
	// The result before this row: a group's result after its previous
	// row of the batch, or, for its first row, read now.
	if old {
		prevG := p.prevG[:0]
		for k, g := range order {
			if !first[need[k]] && p.posMark[g] != a.epoch {
				prevG = append(prevG, g)
			}
		}
		p.prevG = prevG
		if len(prevG) > 0 {
			base, err := a.readResults(prevG)
			if err != nil {
				return err
			}
			for i, g := range prevG {
				p.lastPos[g], p.posMark[g] = base+int32(i), a.epoch
			}
		}
	}
	var ret []bool
	if retract != nil {
		ret = resizeBools(&p.ret, m)
		for j, i := range idx {
			ret[j] = retract[i]
		}
	}
	if err := a.updateRows(idx, lo, eff, ret, whole); err != nil {
		return err
	}
	for _, j := range need {
		if ret != nil && ret[j] {
			a.rowCnt[eff[j]]--
		} else {
			a.rowCnt[eff[j]]++
		}
	}
	base, err := a.readResults(order)
	if err != nil {
		return err
	}
	gone := p.gone[:0]
	for k, g := range order {
		row, isFirst := idx[need[k]], first[need[k]]
		prev, next := p.lastPos[g], base+int32(k)
		p.lastPos[g], p.posMark[g] = next, a.epoch
		switch {
		case a.rowCnt[g] > 0 && isFirst:
			p.add(row, types.Insert, next, g)
		case a.rowCnt[g] > 0:
			p.add(row, types.UpdateBefore, prev, g)
			p.add(row, types.UpdateAfter, next, g)
		default:
			if !isFirst {
				p.add(row, types.Delete, prev, g)
			}
			gone = append(gone, g)
		}
	}
	p.gone = gone
	// Flink clears the state of an emptied group; a later row of the same
	// batch starts it afresh. The slot is released at the end of the batch.
	if len(gone) > 0 {
		for _, acc := range a.accs {
			acc.Reset(gone)
		}
	}
	return nil
}

func (p *perRowScratch) add(row int32, k types.RowKind, src int32, g uint32) {
	p.outRow = append(p.outRow, row)
	p.outKind = append(p.outKind, k)
	p.outSrc = append(p.outSrc, src)
	p.outGroup = append(p.outGroup, g)
}

// updateRows folds rows idx (at lo in the permuted argument columns) into
// the accumulators, eff[j] being the
// effective group of row idx[j] (NoGroup to skip it in every call).
func (a *hashAgg) updateRows(idx []int32, lo int, eff []uint32, ret []bool, whole bool) error {
	p := &a.perRowS
	for c, call := range a.cfg.Calls {
		cg := growU32(p.cg, len(idx))
		p.cg = cg
		all := a.callGrps[c]
		for j, i := range idx {
			if eff[j] == expr.NoGroup {
				cg[j] = expr.NoGroup
			} else {
				cg[j] = all[i]
			}
		}
		args := p.args[:0]
		for _, col := range call.Args {
			if whole {
				args = append(args, p.perm[col])
			} else {
				args = append(args, array.NewSlice(p.perm[col], int64(lo), int64(lo+len(idx))))
			}
		}
		p.args = args
		err := a.accs[c].Update(a.ctx, cg, args, ret)
		clear(args)
		if err != nil {
			return err
		}
	}
	return nil
}

// readResults appends the current results of groups to the result
// columns and returns the position of the first.
func (a *hashAgg) readResults(groups []uint32) (int32, error) {
	p := &a.perRowS
	for c, acc := range a.accs {
		rc := &p.res[c]
		if rc.b != nil {
			if err := acc.(resultAppender).AppendResult(a.ctx, groups, rc.b); err != nil {
				return 0, err
			}
			if rc.b.Len() != int(p.resLen)+len(groups) { // a result type the accumulator cannot append
				return 0, &AggConfigError{fmt.Sprintf("%s appended %d results, want %d", a.cfg.Calls[c].Name, rc.b.Len()-int(p.resLen), len(groups))}
			}
			continue
		}
		r, err := acc.Result(a.ctx, groups)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", a.cfg.Calls[c].Name, err)
		}
		rc.parts = append(rc.parts, r)
	}
	base := p.resLen
	p.resLen += int32(len(groups))
	return base, nil
}

// resultArrays returns the results read during the batch, one array per
// call, and empties the result columns.
func (a *hashAgg) resultArrays() ([]arrow.Array, error) {
	p := &a.perRowS
	out := make([]arrow.Array, len(p.res))
	for c := range p.res {
		rc := &p.res[c]
		switch {
		case rc.b != nil:
			out[c] = rc.b.NewArray()
		case len(rc.parts) == 0:
		case len(rc.parts) == 1:
			out[c] = rc.parts[0]
		default:
			var err error
			if out[c], err = array.Concatenate(rc.parts, memory.DefaultAllocator); err != nil {
				return nil, err
			}
		}
		clear(rc.parts)
		rc.parts = rc.parts[:0]
	}
	return out, nil
}

// assemblePerRow builds the output batch of the changes recorded by the
// rounds, in input row order (a row's -U before its +U), leaving out
// updates that did not change the result.
func (a *hashAgg) assemblePerRow(n int) error {
	p := &a.perRowS
	res, err := a.resultArrays()
	if err != nil {
		return err
	}
	m := len(p.outRow)
	if m == 0 {
		return nil
	}
	// Counting sort by row; a row's changes were recorded together and
	// in order, so they stay so.
	pos := growI32(p.perRow, n+1)
	p.perRow = pos
	clear(pos)
	for _, r := range p.outRow {
		pos[r+1]++
	}
	for i := 1; i <= n; i++ {
		pos[i] += pos[i-1]
	}
	sorted := growI32(p.sorted, m)
	p.sorted = sorted
	for e, r := range p.outRow {
		sorted[pos[r]] = int32(e)
		pos[r]++
	}
	kinds := make([]types.RowKind, 0, m)
	src := make([]int32, 0, m)
	groups := make([]uint32, 0, m)
	sameResult := kernel.NewRowEqual(res, res)
	for i := 0; i < m; i++ {
		e := sorted[i]
		if p.outKind[e] == types.UpdateBefore && sameResult(int(p.outSrc[e]), int(p.outSrc[sorted[i+1]])) {
			i++ // unchanged: Flink emits nothing
			continue
		}
		kinds, src, groups = append(kinds, p.outKind[e]), append(src, p.outSrc[e]), append(groups, p.outGroup[e])
	}
	if len(kinds) == 0 {
		return nil
	}
	cols := a.table.keyColumns(groups)
	for _, r := range res {
		cols = append(cols, kernel.Take(r, src))
	}
	a.stream.pending = append(a.stream.pending, types.NewBatch(a.out, cols, kinds, len(kinds)))
	return nil
}

func growI32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
