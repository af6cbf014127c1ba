package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// streamScratch holds buffers reused across batches by streaming
// aggregation.
type streamScratch struct {
	eff      []uint32
	first    []bool
	started  []bool
	need     []int32
	order    []uint32
	retract  []bool
	pending  []*types.Batch
	kinds    []types.RowKind
	src      []int32
	emitted  []uint32
	countCol int // Global: index of the $count input column, -1 if none
}

// processStream folds a batch into a streaming aggregation and emits the
// changes, following Flink's GroupAggFunction: a group's first result is
// +I; a changed result is -U old, +U new (an unchanged one emits nothing);
// a group whose row count falls to zero emits -D old and is dropped; a
// retraction for a group that does not exist is ignored.
//
// Without mini-batch, Flink emits once per input row; perRow keeps that
// vectorized.
func (a *hashAgg) processStream(b *types.Batch, out Collector) error {
	n := b.Len()
	retract := a.retractFlags(b)
	var err error
	switch {
	case a.cfg.Phase == AggLocal:
		return a.localBundle(b, retract, out)
	case a.cfg.Phase == AggGlobal || a.cfg.MiniBatch:
		err = a.bundle(b, retract)
	case a.preferScan(n):
		err = a.perRowScan(b, retract)
	default:
		err = a.perRow(b, retract)
	}
	if err != nil {
		return err
	}
	for _, g := range a.groups[:n] {
		if a.rowCnt[g] <= 0 {
			a.table.drop(g)
		}
	}
	if a.disk != nil {
		if err := a.disk.afterBatch(a, b); err != nil {
			return err
		}
	}
	return a.flush(out)
}

func (a *hashAgg) retractFlags(b *types.Batch) []bool {
	if b.Kinds == nil || b.InsertOnly() {
		return nil
	}
	r := resizeBools(&a.stream.retract, b.Len())
	for i, k := range b.Kinds {
		r[i] = k.IsRetraction()
	}
	return r
}

func resizeBools(s *[]bool, n int) []bool {
	if cap(*s) < n {
		*s = make([]bool, n)
	}
	*s = (*s)[:n]
	return *s
}

// bundle handles a whole batch at once (mini-batch, and the global phase):
// one change per group, as Flink's MiniBatchGroupAggFunction emits; a new
// group's leading retractions are dropped.
func (a *hashAgg) bundle(b *types.Batch, retract []bool) error {
	s := &a.stream
	n := b.Len()
	a.epoch++
	eff := growU32(s.eff, n)
	s.eff = eff
	first := resizeBools(&s.first, a.table.len())
	started := resizeBools(&s.started, a.table.len())
	order := s.order[:0]
	for i, g := range a.groups[:n] {
		if a.mark[g] != a.epoch {
			a.mark[g] = a.epoch
			order = append(order, g)
			first[g] = a.rowCnt[g] <= 0
			started[g] = !first[g]
		}
		if !started[g] {
			if retract != nil && retract[i] {
				eff[i] = expr.NoGroup
				continue
			}
			started[g] = true
		}
		eff[i] = g
	}
	s.order = order
	prev, err := a.results(order)
	if err != nil {
		return err
	}
	if err := a.update(b, eff, retract, 0, n); err != nil {
		return err
	}
	var counts []int64
	if a.cfg.Phase == AggGlobal && s.countCol >= 0 {
		counts = b.Cols[s.countCol].(*array.Int64).Int64Values()
	}
	for i, g := range eff {
		switch {
		case g == expr.NoGroup:
		case counts != nil:
			a.rowCnt[g] += counts[i]
		case a.cfg.Phase == AggGlobal:
			a.rowCnt[g]++
		case retract != nil && retract[i]:
			a.rowCnt[g]--
		default:
			a.rowCnt[g]++
		}
	}
	next, err := a.results(order)
	if err != nil {
		return err
	}
	return a.changes(order, func(j int) bool { return first[order[j]] }, prev, next)
}

// changes emits, for each group of order (in order), the change from its
// prev to its next result, and resets groups whose row count fell to zero.
// prev is nil when every group of order is new.
func (a *hashAgg) changes(order []uint32, first func(j int) bool, prev, next []arrow.Array) error {
	s := &a.stream
	kinds, src, emitted := s.kinds[:0], s.src[:0], s.emitted[:0]
	np := int32(len(order))
	if prev == nil {
		np = 0
	}
	var same func(i, j int) bool // group j's result is unchanged
	if prev != nil {
		same = kernel.NewRowEqual(prev, next)
	}
	var gone []uint32
	for j, g := range order {
		switch {
		case a.rowCnt[g] > 0 && first(j):
			kinds, src, emitted = append(kinds, types.Insert), append(src, np+int32(j)), append(emitted, g)
		case a.rowCnt[g] > 0:
			if same != nil && !same(j, j) {
				kinds = append(kinds, types.UpdateBefore, types.UpdateAfter)
				src = append(src, int32(j), np+int32(j))
				emitted = append(emitted, g, g)
			}
		default:
			if !first(j) {
				kinds, src, emitted = append(kinds, types.Delete), append(src, int32(j)), append(emitted, g)
			}
			gone = append(gone, g)
		}
	}
	s.kinds, s.src, s.emitted = kinds, src, emitted
	if len(kinds) > 0 {
		cols := a.table.keyColumns(emitted)
		for c := range next {
			both := next[c]
			if prev != nil {
				var err error
				both, err = array.Concatenate([]arrow.Array{prev[c], next[c]}, memory.DefaultAllocator)
				if err != nil {
					return err
				}
			}
			cols = append(cols, kernel.Take(both, src))
		}
		s.pending = append(s.pending, types.NewBatch(a.out, cols, append([]types.RowKind(nil), kinds...), len(kinds)))
	}
	// Flink clears the state of an emptied group; a later row of the same
	// batch starts it afresh. The slot is released at the end of the batch.
	for _, acc := range a.accs {
		if len(gone) > 0 {
			acc.Reset(gone)
		}
	}
	return nil
}

// flush emits the changes gathered while processing a batch as one batch.
func (a *hashAgg) flush(out Collector) error {
	s := &a.stream
	if len(s.pending) == 0 {
		return nil
	}
	b := kernel.Concat(s.pending)
	clear(s.pending)
	s.pending = s.pending[:0]
	return out.Emit(b)
}

func int64Array(vals []int64) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(vals, nil)
	return b.NewArray()
}
