package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// rowScanner is implemented by accumulators that fold a batch in row
// order and report their result after every row. With such accumulators
// the per-row changelog costs one typed pass per call, however the rows
// spread over groups; the rounds of perRow cost a pass per round, and a
// hot group makes a round per row.
type rowScanner interface {
	// scanRows folds row i into group cg[i] (NoGroup: the row does not
	// feed this call) and, for every row whose eff[i] is not NoGroup,
	// returns the result of eff[i] after that row, in row order; where
	// reset[i] is true, group eff[i] is cleared after its result is taken.
	scanRows(ctx *expr.Context, in *scanInput) (arrow.Array, error)
}

// scanInput is one call's view of a batch for rowScanner.
type scanInput struct {
	cg      []uint32
	eff     []uint32
	args    []arrow.Array
	retract []bool
	reset   []bool
	effN    int // rows whose eff is not NoGroup
	// callGrps are every call's groups (cg of each), for accumulators
	// that serve several calls; token differs from batch to batch.
	callGrps [][]uint32
	token    uint32
}

// scanScratch holds the buffers of the scan path, reused across batches.
type scanScratch struct {
	eff     []uint32
	reset   []bool
	lastPos []int32  // per group: its latest result (position)
	posMark []uint32 // per group: the batch (epoch) lastPos belongs to
	init    []uint32 // groups whose result before the batch is read
	kinds   []types.RowKind
	src     []int32 // result position: >= 0 after a row, < 0 initial
	grp     []uint32
}

// scannable reports whether every accumulator is a rowScanner.
func (a *hashAgg) scannable() bool {
	for _, acc := range a.accs {
		if _, ok := acc.(rowScanner); !ok {
			return false
		}
	}
	return len(a.accs) > 0
}

// scan returns call c's results after each row, by its rowScanner or in
// chunks (agg_scan_chunk.go).
func (a *hashAgg) scan(c int, in *scanInput, ends *[]int32) (arrow.Array, error) {
	if sc, ok := a.accs[c].(rowScanner); ok {
		return sc.scanRows(a.ctx, in)
	}
	if *ends == nil {
		*ends = a.chunks(in)
	}
	return a.scanChunks(c, *ends, in)
}

// perRowScan is perRow by scanning: one pass decides each row's change
// from the row counts alone (they do not depend on the accumulators), then
// each call scans the batch once (rowScanners) or chunk by chunk.
func (a *hashAgg) perRowScan(b *types.Batch, retract []bool) error {
	s := &a.scanS
	n := b.Len()
	a.epoch++
	eff := growU32(s.eff, n)
	s.eff = eff
	reset := resizeBools(&s.reset, n)
	clear(reset)
	if t := a.table.len(); len(s.lastPos) < t {
		s.lastPos = append(s.lastPos, make([]int32, t-len(s.lastPos))...)
		s.posMark = append(s.posMark, make([]uint32, t-len(s.posMark))...)
	}
	kinds, src, grp, init := s.kinds[:0], s.src[:0], s.grp[:0], s.init[:0]
	k := int32(0)
	for i, g := range a.groups[:n] {
		ret := retract != nil && retract[i]
		if a.rowCnt[g] <= 0 && ret {
			eff[i] = expr.NoGroup // retracting a group that does not exist
			continue
		}
		eff[i] = g
		first := a.rowCnt[g] <= 0
		var prev int32
		if !first {
			if s.posMark[g] == a.epoch {
				prev = s.lastPos[g]
			} else {
				prev = -1 - int32(len(init))
				init = append(init, g)
			}
		}
		if ret {
			a.rowCnt[g]--
		} else {
			a.rowCnt[g]++
		}
		s.lastPos[g], s.posMark[g] = k, a.epoch
		switch {
		case a.rowCnt[g] > 0 && first:
			kinds, src, grp = append(kinds, types.Insert), append(src, k), append(grp, g)
		case a.rowCnt[g] > 0:
			kinds = append(kinds, types.UpdateBefore, types.UpdateAfter)
			src, grp = append(src, prev, k), append(grp, g, g)
		default:
			if !first {
				kinds, src, grp = append(kinds, types.Delete), append(src, prev), append(grp, g)
			}
			reset[i] = true // Flink clears an emptied group's state
		}
		k++
	}
	s.kinds, s.src, s.grp, s.init = kinds, src, grp, init
	if k == 0 {
		return nil
	}
	var before []arrow.Array
	if len(init) > 0 {
		var err error
		if before, err = a.results(init); err != nil {
			return err
		}
	}
	res := make([]arrow.Array, len(a.accs))
	in := scanInput{eff: eff, retract: retract, reset: reset, effN: int(k), callGrps: a.callGrps, token: a.epoch}
	var ends []int32
	for c, call := range a.cfg.Calls {
		in.cg = a.callGrps[c]
		in.args = in.args[:0]
		for _, col := range call.Args {
			in.args = append(in.args, b.Cols[col])
		}
		r, err := a.scan(c, &in, &ends)
		if err != nil {
			return err
		}
		if before != nil {
			both, err := array.Concatenate([]arrow.Array{r, before[c]}, memory.DefaultAllocator)
			if err != nil {
				return err
			}
			r = both
		}
		res[c] = r
	}
	return a.emitScanned(res, k)
}

// emitScanned builds the changes recorded by perRowScan from the results
// res (after each row, then the initial ones from position k), leaving out
// updates that did not change the result.
func (a *hashAgg) emitScanned(res []arrow.Array, k int32) error {
	s := &a.scanS
	m := len(s.kinds)
	if m == 0 {
		return nil
	}
	for j, p := range s.src {
		if p < 0 {
			s.src[j] = k - 1 - p
		}
	}
	kinds := make([]types.RowKind, 0, m)
	src := make([]int32, 0, m)
	grp := make([]uint32, 0, m)
	same := kernel.NewRowEqual(res, res)
	for j := 0; j < m; j++ {
		if s.kinds[j] == types.UpdateBefore && same(int(s.src[j]), int(s.src[j+1])) {
			j++ // unchanged: Flink emits nothing
			continue
		}
		kinds, src, grp = append(kinds, s.kinds[j]), append(src, s.src[j]), append(grp, s.grp[j])
	}
	if len(kinds) == 0 {
		return nil
	}
	cols := a.table.keyColumns(grp)
	for _, r := range res {
		cols = append(cols, kernel.Take(r, src))
	}
	a.stream.pending = append(a.stream.pending, types.NewBatch(a.out, cols, kinds, len(kinds)))
	return nil
}
