package ops

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/types"
)

// SliceEndColumn names the slice end column a local window aggregation
// emits after its keys, as Flink's $slice_end.
const SliceEndColumn = "$slice_end"

// WindowLocalSchema is the output of a local window aggregation: the group
// keys, $slice_end (BIGINT µs), then every call's state columns.
func WindowLocalSchema(cfg *WindowAggConfig) *types.Schema {
	var fs []types.Field
	for _, k := range cfg.Keys {
		fs = append(fs, cfg.InSchema.Fields[k])
	}
	fs = append(fs, types.Field{Name: SliceEndColumn, Type: types.BigInt.NotNullable()})
	for i, call := range cfg.Calls {
		for j, t := range call.Factory.StateTypes() {
			fs = append(fs, types.Field{Name: fmt.Sprintf("%s$%d_%d", callFunc(call.Name), i, j), Type: t})
		}
	}
	return types.NewSchema(fs...)
}

// flushLocal emits the partial state of every (keys, slice) group of the
// batch just folded and forgets them: the local phase keeps nothing
// between batches, so watermarks and checkpoints find it empty.
func (a *windowAgg) flushLocal(out Collector) error {
	groups := a.table.liveGroups(a.groups[:0])
	for lo := 0; lo < len(groups); lo += aggEmitRows {
		part := groups[lo:min(lo+aggEmitRows, len(groups))]
		cols := a.table.keyColumns(part) // keys, then the slice end
		for c, acc := range a.accs {
			st, err := acc.State(part)
			if err != nil {
				return fmt.Errorf("%s: %w", a.cfg.Calls[c].Name, err)
			}
			cols = append(cols, st...)
		}
		if err := out.Emit(types.NewBatch(a.cfg.OutSchema, cols, nil, len(part))); err != nil {
			return err
		}
	}
	for _, acc := range a.accs {
		acc.Reset(groups)
	}
	a.table.reset()
	return nil
}

// processGlobal merges a batch of local partial states (WindowLocalSchema
// layout) into the (keys, slice) groups, dropping slices already fired.
func (a *windowAgg) processGlobal(b *types.Batch) error {
	nk := len(a.cfg.Keys)
	cols := b.Cols
	n := b.Len()
	ends := cols[nk].(*array.Int64).Int64Values()
	if !a.batch && a.wm != math.MinInt64 {
		a.rows = a.rows[:0]
		for i, e := range ends[:n] {
			if a.w.instant(e)-windowMs > a.wm {
				a.rows = append(a.rows, int32(i))
			}
		}
		if len(a.rows) < n {
			// Partial states of fired slices: their rows are late.
			a.late.Add(int64(n - len(a.rows)))
			if len(a.rows) == 0 {
				return nil
			}
			cols = takeAll(cols, a.rows)
			n = len(a.rows)
			ends = cols[nk].(*array.Int64).Int64Values()
		}
	}
	a.groups = growU32(a.groups, n)
	a.table.assign(cols[:nk+1], n, a.groups)
	a.registerNew(ends)
	next := nk + 1
	for c, acc := range a.accs {
		ns := len(a.cfg.Calls[c].Factory.StateTypes())
		if err := acc.Merge(a.ectx, a.groups[:n], cols[next:next+ns]); err != nil {
			return fmt.Errorf("%s: %w", a.cfg.Calls[c].Name, err)
		}
		next += ns
	}
	return nil
}
