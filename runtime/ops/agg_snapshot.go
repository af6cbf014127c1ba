package ops

import (
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/spry-engine/spry/types"
)

// Snapshotter is implemented by operators that keep state across batches,
// so a checkpoint can store it and a restarted job continue from it.
// RestoreState is called on a freshly built, opened operator before any
// input; it may be called several times (one per stored part) and merges.
//
// This is the keyed-state contract every stateful operator keeps: state
// is keyed, each entry of a snapshot carries the key group of its key
// (kernel hashing → key group, as the hash exchange routes it), and
// RestoreState keeps only the entries whose key group falls in the
// subtask's range (state.RangeForSubtask), so a job restored with another
// parallelism redistributes its state. Operator-wide state that has no
// key (a watermark, a global Top-N) is written with key group -1 and
// restored by every subtask. Expired TTL entries are not written.
type Snapshotter interface {
	SnapshotState(w io.Writer) error
	RestoreState(r io.Reader) error
}

// snapshotSchema is the layout of an aggregation snapshot: the key
// columns, every call's state columns, and the group's row count.
func (a *hashAgg) snapshotSchema() *types.Schema {
	fs := []types.Field{{Name: KeyGroupColumn, Type: types.Int.NotNullable()}}
	for i, k := range a.cfg.Keys {
		fs = append(fs, types.Field{Name: fmt.Sprintf("k%d", i), Type: a.cfg.InSchema.Fields[k].Type})
	}
	for c, call := range a.cfg.Calls {
		for j, t := range call.Factory.StateTypes() {
			fs = append(fs, types.Field{Name: fmt.Sprintf("s%d_%d", c, j), Type: t})
		}
	}
	fs = append(fs, types.Field{Name: CountColumn, Type: types.BigInt.NotNullable()})
	return types.NewSchema(fs...)
}

// SnapshotState writes every live group's key, accumulator state
// (Accumulator.State) and row count as an Arrow IPC stream; under state
// TTL each group's last access follows (AccessTimeColumn).
func (a *hashAgg) SnapshotState(w io.Writer) error {
	if a.disk != nil {
		return a.disk.snapshotKeyed(a, w) // groups on disk too (agg_pebble_ckpt.go)
	}
	schema := a.snapshotSchema()
	if a.ttl.ttl > 0 {
		schema = withAccessTime(schema) // ttl_snapshot.go
	}
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(schema)))
	groups := a.table.liveGroups(nil)
	if a.cfg.Streaming && a.cfg.Phase == AggLocal {
		// A local phase has state only in its current bundle; the keys
		// it keeps between bundles have none.
		groups = a.local.touched
	}
	if a.ttl.ttl > 0 {
		now := a.ttl.now()
		live := groups[:0:0]
		for _, g := range groups {
			if !a.expiredAt(g, now) {
				live = append(live, g)
			}
		}
		groups = live
	}
	maxP := 0
	if a.opCtx != nil {
		maxP = a.opCtx.MaxParallelism
	}
	for lo := 0; lo < len(groups); lo += aggEmitRows {
		part := groups[lo:min(lo+aggEmitRows, len(groups))]
		keys := a.table.keyColumns(part)
		cols := append([]arrow.Array{KeyGroups(keys, len(part), maxP)}, keys...)
		for _, acc := range a.accs {
			st, err := acc.State(part)
			if err != nil {
				return err
			}
			cols = append(cols, st...)
		}
		cnt := make([]int64, len(part))
		for i, g := range part {
			cnt[i] = a.rowCnt[g]
		}
		cols = append(cols, int64Array(cnt))
		if a.ttl.ttl > 0 {
			cols = append(cols, a.ttl.accessColumn(part))
		}
		rec := types.NewBatch(schema, cols, nil, len(part)).Record()
		err := wr.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("aggregation snapshot: %w", err)
		}
	}
	return wr.Close()
}

// RestoreState merges a snapshot written by SnapshotState into the
// operator's groups (Accumulator.Merge).
func (a *hashAgg) RestoreState(r io.Reader) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("aggregation restore: %w", err)
	}
	defer rd.Release()
	nk := len(a.cfg.Keys)
	want := a.snapshotSchema().Len()
	for rd.Next() {
		rec := rd.RecordBatch()
		if _, err := accessTimes(rec, want, "aggregation"); err != nil {
			return err
		}
		cols := rec.Columns()
		if keep := KeyGroupFilter(a.opCtx, cols[0]); len(keep) < int(rec.NumRows()) {
			cols = takeAll(cols, keep)
		}
		var at *array.Int64
		if len(cols) > want {
			at = cols[want].(*array.Int64)
		}
		cols = cols[1:want]
		n := cols[len(cols)-1].Len()
		groups := make([]uint32, n)
		a.table.assign(cols[:nk], n, groups)
		a.growGroups()
		a.ttl.restore(a.table.len(), groups, at)
		next := nk
		for c, acc := range a.accs {
			ns := len(a.cfg.Calls[c].Factory.StateTypes())
			if err := acc.Merge(a.ctx, groups, cols[next:next+ns]); err != nil {
				return fmt.Errorf("aggregation restore: %w", err)
			}
			next += ns
		}
		cnt := cols[next].(*array.Int64).Int64Values()
		for i, g := range groups {
			a.rowCnt[g] += cnt[i]
		}
		if a.cfg.Streaming && a.cfg.Phase == AggLocal {
			a.restoreLocal(groups) // emitted with the next bundle
		}
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("aggregation restore: %w", err)
	}
	return nil
}
