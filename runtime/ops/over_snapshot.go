package ops

import (
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

var _ Snapshotter = (*overAgg)(nil)

// Entry kinds of an OVER snapshot.
const (
	overPending  = 0 // a row the watermark has not passed
	overRetained = 1 // a row bounded frames of later rows reach
	overRunning  = 2 // a partition's running accumulator state
	overMark     = 3 // the watermark processed (operator-wide)
)

// snapshotSchema is one layout for every entry: key group, entry kind,
// the input columns (rows; a running entry fills only the partition
// keys), every call's state columns (running entries) and the watermark.
func (o *overAgg) snapshotSchema() *types.Schema {
	fs := []types.Field{{Name: KeyGroupColumn, Type: types.Int.NotNullable()}, {Name: "$kind", Type: types.Int.NotNullable()}}
	for i, f := range o.cfg.InSchema.Fields {
		fs = append(fs, types.Field{Name: fmt.Sprintf("c%d", i), Type: f.Type.WithNullable(true)})
	}
	for c, call := range o.cfg.Calls {
		if call.Factory == nil {
			continue
		}
		for j, t := range call.Factory.StateTypes() {
			fs = append(fs, types.Field{Name: fmt.Sprintf("s%d_%d", c, j), Type: t.WithNullable(true)})
		}
	}
	fs = append(fs, types.Field{Name: "$watermark", Type: types.BigInt})
	return types.NewSchema(fs...)
}

// stateWidth is the number of accumulator state columns.
func (o *overAgg) stateWidth() int {
	n := 0
	for _, call := range o.cfg.Calls {
		if call.Factory != nil {
			n += len(call.Factory.StateTypes())
		}
	}
	return n
}

// SnapshotState writes pending and retained rows, running states and the
// watermark as one Arrow IPC stream; under state TTL each entry's
// partition's last access follows (AccessTimeColumn).
func (o *overAgg) SnapshotState(w io.Writer) error {
	base := o.snapshotSchema()
	schema, ttl := base, o.cfg.TTL > 0
	if ttl {
		schema = withAccessTime(base) // ttl_snapshot.go
	}
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(schema)))
	maxP := 0
	if o.opCtx != nil {
		maxP = o.opCtx.MaxParallelism
	}
	// at is the entries' last access under TTL: their partition's, 0
	// for pending rows, which have not touched their partition yet.
	write := func(kind int32, kg arrow.Array, in []arrow.Array, st []arrow.Array, at []int64, n int) error {
		cols := []arrow.Array{kg, int32Const(kind, n)}
		cols = append(cols, in...)
		cols = append(cols, st...)
		cols = append(cols, int64Array(repeat(o.watermark, n)))
		if ttl {
			if at == nil {
				at = make([]int64, n)
			}
			cols = append(cols, int64Array(at))
		}
		rec := types.NewBatch(schema, cols, nil, n).Record()
		defer rec.Release()
		return wr.Write(rec)
	}
	stNulls := func(n int) []arrow.Array {
		return nullColumns(types.NewSchema(base.Fields[2+o.cfg.InSchema.Len():len(base.Fields)-1]...), n)
	}
	rows := func(kind int32, b *types.Batch, at []int64) error {
		if b == nil || b.Len() == 0 {
			return nil
		}
		return write(kind, KeyGroups(o.keyCols(b), b.Len(), maxP), b.Cols[:o.cfg.InSchema.Len()], stNulls(b.Len()), at, b.Len())
	}
	for _, b := range o.pending {
		if err := rows(overPending, b, nil); err != nil {
			return err
		}
	}
	var retainedAt []int64
	if ttl && o.retained != nil {
		retainedAt = o.accessOf(o.retainedPid)
	}
	if err := rows(overRetained, o.retained, retainedAt); err != nil {
		return err
	}
	var groups []uint32
	for p, ok := range o.seen {
		if ok {
			groups = append(groups, uint32(p))
		}
	}
	if len(groups) > 0 {
		keys := o.parts.keyColumns(groups)
		in := nullColumns(types.NewSchema(schema.Fields[2:2+o.cfg.InSchema.Len()]...), len(groups))
		for i, k := range o.cfg.PartitionKeys {
			in[k] = keys[i]
		}
		var st []arrow.Array
		for _, acc := range o.running {
			if acc == nil {
				continue
			}
			s, err := acc.State(groups)
			if err != nil {
				return err
			}
			st = append(st, s...)
		}
		var at []int64
		if ttl {
			at = o.accessOf(groups)
		}
		if err := write(overRunning, KeyGroups(keys, len(groups), maxP), in, st, at, len(groups)); err != nil {
			return err
		}
	}
	in := nullColumns(types.NewSchema(schema.Fields[2:2+o.cfg.InSchema.Len()]...), 1)
	if err := write(overMark, int32Const(-1, 1), in, stNulls(1), nil, 1); err != nil {
		return err
	}
	return wr.Close()
}

// RestoreState merges a snapshot part: the subtask's rows and running
// states, and the smallest watermark of the parts.
func (o *overAgg) RestoreState(r io.Reader) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("over restore: %w", err)
	}
	defer rd.Release()
	want := o.snapshotSchema().Len()
	nin := o.cfg.InSchema.Len()
	for rd.Next() {
		rec := rd.RecordBatch()
		if _, err := accessTimes(rec, want, "over"); err != nil {
			return err
		}
		cols := rec.Columns()
		for _, c := range cols {
			c.Retain() // kept past the reader's next record
		}
		if keep := KeyGroupFilter(o.opCtx, cols[0]); len(keep) < int(rec.NumRows()) {
			cols = takeAll(cols, keep)
		}
		n := cols[0].Len()
		if n == 0 {
			continue
		}
		kind := cols[1].(*array.Int32).Value(0)
		in := cols[2 : 2+nin]
		st := cols[2+nin : 2+nin+o.stateWidth()]
		var at *array.Int64
		if len(cols) > want {
			at = cols[want].(*array.Int64)
		}
		switch kind {
		case overPending:
			o.pending = append(o.pending, types.NewBatch(o.cfg.InSchema, in, nil, n))
		case overRetained:
			o.restoreRetained(types.NewBatch(o.cfg.InSchema, in, nil, n), at)
		case overRunning:
			if err := o.restoreRunning(in, st, n, at); err != nil {
				return err
			}
		case overMark:
			wm := cols[want-1].(*array.Int64).Value(0)
			if !o.restoredMark || wm < o.watermark {
				o.watermark = wm
			}
			o.restoredMark = true
		}
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("over restore: %w", err)
	}
	return nil
}

// restoreRetained adds rows to the retained set, kept sorted by
// partition (and rowtime) as emission expects.
func (o *overAgg) restoreRetained(b *types.Batch, at *array.Int64) {
	pids := make([]uint32, b.Len())
	o.parts.assign(o.keyCols(b), b.Len(), pids)
	o.restoreAccess(pids, at)
	all := b
	allPid := pids
	if o.retained != nil {
		all = kernel.Concat([]*types.Batch{o.retained, b})
		allPid = append(append([]uint32(nil), o.retainedPid...), pids...)
	}
	pidCol := make([]int64, len(allPid))
	for i, p := range allPid {
		pidCol[i] = int64(p)
	}
	cols := []arrow.Array{int64Array(pidCol)}
	keys := []kernel.SortKey{{Col: 0}}
	if o.cfg.RowtimeCol >= 0 {
		cols = append(cols, all.Cols[o.cfg.RowtimeCol])
		keys = append(keys, kernel.SortKey{Col: 1})
	}
	idx := kernel.SortIndices(cols, keys, all.Len())
	o.retained = kernel.TakeBatch(all, idx)
	o.retainedPid = make([]uint32, len(idx))
	for i, j := range idx {
		o.retainedPid[i] = allPid[j]
	}
}

// restoreRunning merges running accumulator states into their partitions.
func (o *overAgg) restoreRunning(in, st []arrow.Array, n int, at *array.Int64) error {
	keys := make([]arrow.Array, len(o.cfg.PartitionKeys))
	for i, k := range o.cfg.PartitionKeys {
		keys[i] = in[k]
	}
	pids := make([]uint32, n)
	o.parts.assign(keys, n, pids)
	o.restoreAccess(pids, at)
	next := 0
	for c, acc := range o.running {
		if acc == nil {
			continue
		}
		w := len(o.cfg.Calls[c].Factory.StateTypes())
		if err := acc.Merge(o.ctx, pids, st[next:next+w]); err != nil {
			return fmt.Errorf("over restore: %w", err)
		}
		next += w
	}
	for _, p := range pids {
		for int(p) >= len(o.seen) {
			o.seen = append(o.seen, false)
		}
		o.seen[p] = true
	}
	return nil
}

// keyCols returns b's partition key columns.
func (o *overAgg) keyCols(b *types.Batch) []arrow.Array {
	keys := make([]arrow.Array, len(o.cfg.PartitionKeys))
	for i, k := range o.cfg.PartitionKeys {
		keys[i] = b.Cols[k]
	}
	return keys
}

func int32Const(v int32, n int) arrow.Array {
	b := array.NewInt32Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := 0; i < n; i++ {
		b.Append(v)
	}
	return b.NewArray()
}

func repeat(v int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = v
	}
	return out
}
