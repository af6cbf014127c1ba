package ops

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// windowSnapshotSchema is the layout of a window aggregation snapshot:
// the key group, the group keys, the window's start and end (µs), then
// every call's state columns. Both the slicing and the session operator
// write it, one row per (key, window) — for HOP and CUMULATE per (key,
// slice), the start column then holding the last fired window's end.
func windowSnapshotSchema(cfg *WindowAggConfig) *types.Schema {
	fs := []types.Field{{Name: KeyGroupColumn, Type: types.Int.NotNullable()}}
	for i, k := range cfg.Keys {
		fs = append(fs, types.Field{Name: fmt.Sprintf("k%d", i), Type: cfg.InSchema.Fields[k].Type})
	}
	fs = append(fs, types.Field{Name: "$window_start", Type: types.BigInt.NotNullable()},
		types.Field{Name: "$window_end", Type: types.BigInt.NotNullable()})
	for c, call := range cfg.Calls {
		for j, t := range call.Factory.StateTypes() {
			fs = append(fs, types.Field{Name: fmt.Sprintf("s%d_%d", c, j), Type: t})
		}
	}
	return types.NewSchema(fs...)
}

// writeWindowSnapshot writes rows of state: keys are the key columns of
// groups, bounds each group's window, accs the accumulators holding them.
func writeWindowSnapshot(w io.Writer, cfg *WindowAggConfig, ctx *OpContext, accs []expr.Accumulator,
	n int, part func(lo, hi int) (keys []arrow.Array, groups []uint32, starts, ends []int64)) error {
	schema := windowSnapshotSchema(cfg)
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(schema)))
	maxP := 0
	if ctx != nil {
		maxP = ctx.MaxParallelism
	}
	for lo := 0; lo < n; lo += aggEmitRows {
		hi := min(lo+aggEmitRows, n)
		keys, groups, starts, ends := part(lo, hi)
		cols := []arrow.Array{KeyGroups(keys, hi-lo, maxP)}
		cols = append(cols, keys...)
		cols = append(cols, int64Column(starts, types.BigInt), int64Column(ends, types.BigInt))
		for _, acc := range accs {
			st, err := acc.State(groups)
			if err != nil {
				return err
			}
			cols = append(cols, st...)
		}
		rec := types.NewBatch(schema, cols, nil, hi-lo).Record()
		err := wr.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("window aggregation snapshot: %w", err)
		}
	}
	return wr.Close()
}

// readWindowSnapshot reads a snapshot, keeps the subtask's key groups and
// hands each part to add: its key columns, window bounds and state columns
// per call.
func readWindowSnapshot(r io.Reader, cfg *WindowAggConfig, ctx *OpContext,
	add func(keys []arrow.Array, starts, ends []int64, states [][]arrow.Array) error) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("window aggregation restore: %w", err)
	}
	defer rd.Release()
	want := windowSnapshotSchema(cfg).Len()
	nk := len(cfg.Keys)
	for rd.Next() {
		rec := rd.RecordBatch()
		if int(rec.NumCols()) != want {
			return fmt.Errorf("window aggregation restore: snapshot has %d columns, operator needs %d", rec.NumCols(), want)
		}
		cols := rec.Columns()
		rows := KeyGroupFilter(ctx, cols[0])
		if len(rows) == 0 {
			continue
		}
		if len(rows) < int(rec.NumRows()) {
			cols = takeAll(cols, rows)
		}
		starts := cols[1+nk].(*array.Int64).Int64Values()
		ends := cols[2+nk].(*array.Int64).Int64Values()
		next := 3 + nk
		states := make([][]arrow.Array, len(cfg.Calls))
		for c, call := range cfg.Calls {
			ns := len(call.Factory.StateTypes())
			states[c] = cols[next : next+ns]
			next += ns
		}
		if err := add(cols[1:1+nk], starts, ends, states); err != nil {
			return fmt.Errorf("window aggregation restore: %w", err)
		}
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("window aggregation restore: %w", err)
	}
	return nil
}

// SnapshotState writes every pending (key, window) group.
func (a *windowAgg) SnapshotState(w io.Writer) error {
	groups := a.table.liveGroups(nil)
	return writeWindowSnapshot(w, a.cfg, a.opctx, a.accs, len(groups), func(lo, hi int) ([]arrow.Array, []uint32, []int64, []int64) {
		part := groups[lo:hi]
		keys := a.table.keyColumns(part)
		starts, ends := make([]int64, len(part)), make([]int64, len(part))
		for i, g := range part {
			ends[i] = a.ends[g]
			starts[i] = a.w.startOf(ends[i])
			if a.merge != nil {
				// Slices: the start column carries the end of the last
				// window fired, so a restored operator fires none twice.
				starts[i] = a.merge.lastFired
			}
		}
		return keys[:len(keys)-1], part, starts, ends
	})
}

// RestoreState merges a snapshot's groups into the operator.
func (a *windowAgg) RestoreState(r io.Reader) error {
	return readWindowSnapshot(r, a.cfg, a.opctx, func(keys []arrow.Array, starts, ends []int64, states [][]arrow.Array) error {
		n := len(ends)
		if m := a.merge; m != nil {
			// Subtasks fired the same windows at a checkpoint (they saw
			// the same watermarks before its barrier), so any row's value
			// serves; the maximum tolerates parts written before a fire.
			for _, s := range starts {
				if s != math.MinInt64 && (!m.fired || s > m.lastFired) {
					m.lastFired, m.fired = s, true
				}
			}
		}
		cols := append(append([]arrow.Array(nil), keys...), int64Column(ends, types.BigInt))
		groups := make([]uint32, n)
		a.table.assign(cols, n, groups)
		for j, g := range a.table.newGroups {
			end := ends[a.table.newRows[j]]
			if int(g) >= len(a.ends) {
				a.ends = append(a.ends, make([]int64, int(g)+1-len(a.ends))...)
			}
			a.ends[g] = end
			gs, ok := a.pending[end]
			if !ok {
				a.pushEnd(end)
			}
			a.pending[end] = append(gs, g)
		}
		for c, acc := range a.accs {
			if err := acc.Merge(a.ectx, groups, states[c]); err != nil {
				return err
			}
		}
		return nil
	})
}

// SnapshotState writes every open session.
func (s *sessionAgg) SnapshotState(w io.Writer) error {
	var ids []uint32
	for id, ok := range s.live {
		if ok {
			ids = append(ids, uint32(id))
		}
	}
	return writeWindowSnapshot(w, s.cfg, s.opctx, s.accs, len(ids), func(lo, hi int) ([]arrow.Array, []uint32, []int64, []int64) {
		part := ids[lo:hi]
		kg := make([]uint32, len(part))
		starts, ends := make([]int64, len(part)), make([]int64, len(part))
		for i, id := range part {
			kg[i], starts[i], ends[i] = s.key[id], s.start[id], s.end[id]
		}
		return s.keys.keyColumns(kg), part, starts, ends
	})
}

// RestoreState adds a snapshot's sessions (they were disjoint when
// written, so none merge).
func (s *sessionAgg) RestoreState(r io.Reader) error {
	return readWindowSnapshot(r, s.cfg, s.opctx, func(keys []arrow.Array, starts, ends []int64, states [][]arrow.Array) error {
		n := len(ends)
		kg := make([]uint32, n)
		s.keys.assign(keys, n, kg)
		ids := make([]uint32, n)
		for i := range ids {
			ids[i] = s.alloc(kg[i], starts[i], ends[i])
		}
		for c, acc := range s.accs {
			if err := acc.Merge(s.ectx, ids, states[c]); err != nil {
				return err
			}
		}
		return nil
	})
}
