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

// snapshotSchema is the layout of a table aggregation snapshot: the key
// group, the key columns, the pickled accumulator and the record count.
func (a *pythonTableAgg) snapshotSchema() *types.Schema {
	fs := []types.Field{{Name: KeyGroupColumn, Type: types.Int.NotNullable()}}
	for i, k := range a.cfg.Keys {
		fs = append(fs, types.Field{Name: fmt.Sprintf("k%d", i), Type: a.cfg.InSchema.Fields[k].Type})
	}
	fs = append(fs, types.Field{Name: "acc", Type: types.Bytes})
	fs = append(fs, types.Field{Name: CountColumn, Type: types.BigInt.NotNullable()})
	return types.NewSchema(fs...)
}

// SnapshotState writes every live group's key, pickled accumulator and
// record count as an Arrow IPC stream, tagged by key group; under state
// TTL each group's last access follows (AccessTimeColumn).
func (a *pythonTableAgg) SnapshotState(w io.Writer) error {
	schema := a.snapshotSchema()
	if a.ttl.ttl > 0 {
		schema = withAccessTime(schema) // ttl_snapshot.go
	}
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(schema)))
	var groups []uint32
	var now int64
	if a.ttl.ttl > 0 {
		now = a.ttl.now()
	}
	for _, g := range a.table.liveGroups(nil) {
		if a.count[g] > 0 && !a.expiredAt(g, now) {
			groups = append(groups, g)
		}
	}
	maxP := 0
	if a.opCtx != nil {
		maxP = a.opCtx.MaxParallelism
	}
	for lo := 0; lo < len(groups); lo += aggEmitRows {
		part := groups[lo:min(lo+aggEmitRows, len(groups))]
		keys := a.table.keyColumns(part)
		st, err := a.states(part)
		if err != nil {
			return fmt.Errorf("table aggregation snapshot: %w", err)
		}
		cnt := make([]int64, len(part))
		for i, g := range part {
			cnt[i] = a.count[g]
		}
		cols := append([]arrow.Array{KeyGroups(keys, len(part), maxP)}, keys...)
		cols = append(cols, st, int64Array(cnt))
		if a.ttl.ttl > 0 {
			cols = append(cols, a.ttl.accessColumn(part))
		}
		rec := types.NewBatch(schema, cols, nil, len(part)).Record()
		err = wr.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("table aggregation snapshot: %w", err)
		}
	}
	return wr.Close()
}

// RestoreState merges a snapshot written by SnapshotState into the
// operator's groups, keeping the keys of this subtask's key groups.
func (a *pythonTableAgg) RestoreState(r io.Reader) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("table aggregation restore: %w", err)
	}
	defer rd.Release()
	nk := len(a.cfg.Keys)
	want := a.snapshotSchema().Len()
	for rd.Next() {
		rec := rd.RecordBatch()
		if _, err := accessTimes(rec, want, "table aggregation"); err != nil {
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
		if n == 0 {
			continue
		}
		groups := make([]uint32, n)
		a.table.assign(cols[:nk], n, groups)
		a.grow()
		a.ttl.restore(a.table.len(), groups, at)
		if err := a.merge(groups, cols[nk]); err != nil {
			return fmt.Errorf("table aggregation restore: %w", err)
		}
		for i, g := range groups {
			a.count[g] += cols[nk+1].(*array.Int64).Value(i)
		}
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("table aggregation restore: %w", err)
	}
	return nil
}
