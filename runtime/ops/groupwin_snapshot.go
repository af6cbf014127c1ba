package ops

import (
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// snapshotSchema is the layout of a group window snapshot, one row per
// open window: its key group and key, its bounds, whether it fired, each
// call's accumulator state and, when results are updated, the state of
// the last emitted result.
func (w *groupWindow) snapshotSchema() *types.Schema {
	fs := []types.Field{{Name: KeyGroupColumn, Type: types.Int.NotNullable()}}
	for i, k := range w.cfg.Keys {
		fs = append(fs, types.Field{Name: fmt.Sprintf("k%d", i), Type: w.cfg.InSchema.Fields[k].Type})
	}
	for _, n := range []string{"start", "end", "fire_at"} {
		fs = append(fs, types.Field{Name: n, Type: types.BigInt.NotNullable()})
	}
	fs = append(fs, types.Field{Name: "fired", Type: types.Boolean.NotNullable()})
	for _, set := range []string{"s", "p"} {
		if set == "p" && w.prev == nil {
			break
		}
		for c, call := range w.cfg.Calls {
			for j, t := range call.Factory.StateTypes() {
				fs = append(fs, types.Field{Name: fmt.Sprintf("%s%d_%d", set, c, j), Type: t})
			}
		}
	}
	return types.NewSchema(fs...)
}

// SnapshotState writes every open window as an Arrow IPC stream, keyed by
// the key group of its key as the keyed-state contract asks.
func (w *groupWindow) SnapshotState(wr io.Writer) error {
	schema := w.snapshotSchema()
	iw := ipc.NewWriter(wr, ipc.WithSchema(types.ArrowSchema(schema)))
	var live []uint32
	for g := range w.grp {
		if w.grp[g].live {
			live = append(live, uint32(g))
		}
	}
	maxP := 0
	if w.opCtx != nil {
		maxP = w.opCtx.MaxParallelism
	}
	for lo := 0; lo < len(live); lo += aggEmitRows {
		part := live[lo:min(lo+aggEmitRows, len(live))]
		n := len(part)
		slots := make([]uint32, n)
		start, end, fireAt := make([]int64, n), make([]int64, n), make([]int64, n)
		fired := array.NewBooleanBuilder(memory.DefaultAllocator)
		for i, g := range part {
			gr := &w.grp[g]
			slots[i], start[i], end[i], fireAt[i] = gr.key, gr.start, gr.end, gr.fireAt
			fired.Append(gr.fired)
		}
		keys := w.keys.keyColumns(slots)[:len(w.cfg.Keys)]
		cols := append([]arrow.Array{KeyGroups(keys, n, maxP)}, keys...)
		cols = append(cols, int64Array(start), int64Array(end), int64Array(fireAt), fired.NewArray())
		fired.Release()
		for _, accs := range [][]expr.Accumulator{w.accs, w.prev} {
			for _, acc := range accs {
				st, err := acc.State(part)
				if err != nil {
					return err
				}
				cols = append(cols, st...)
			}
		}
		rec := types.NewBatch(schema, cols, nil, n).Record()
		err := iw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("group window snapshot: %w", err)
		}
	}
	return iw.Close()
}

// RestoreState reopens the windows of a snapshot whose keys this subtask
// owns, merging their state, and schedules their firings again.
func (w *groupWindow) RestoreState(r io.Reader) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("group window restore: %w", err)
	}
	defer rd.Release()
	want := w.snapshotSchema().Len()
	nk := len(w.cfg.Keys)
	for rd.Next() {
		rec := rd.RecordBatch()
		if int(rec.NumCols()) != want {
			return fmt.Errorf("group window restore: snapshot has %d columns, operator needs %d", rec.NumCols(), want)
		}
		cols := rec.Columns()
		if keep := KeyGroupFilter(w.opCtx, cols[0]); len(keep) < int(rec.NumRows()) {
			cols = takeAll(cols, keep)
		}
		cols = cols[1:]
		n := cols[nk].Len()
		slots := make([]uint32, n)
		w.keys.assign(cols[:nk], n, slots)
		for len(w.wins) < w.keys.len() {
			w.wins = append(w.wins, nil)
		}
		start := cols[nk].(*array.Int64).Int64Values()
		end := cols[nk+1].(*array.Int64).Int64Values()
		fireAt := cols[nk+2].(*array.Int64).Int64Values()
		fired := cols[nk+3].(*array.Boolean)
		groups := make([]uint32, n)
		for i := range groups {
			groups[i] = w.alloc(slots[i], start[i], end[i], fireAt[i])
			w.grp[groups[i]].fired = fired.Value(i)
		}
		next := nk + 4
		for _, accs := range [][]expr.Accumulator{w.accs, w.prev} {
			for c, acc := range accs {
				ns := len(w.cfg.Calls[c].Factory.StateTypes())
				if err := acc.Merge(w.ctx, groups, cols[next:next+ns]); err != nil {
					return fmt.Errorf("group window restore: %w", err)
				}
				next += ns
			}
		}
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("group window restore: %w", err)
	}
	return nil
}
