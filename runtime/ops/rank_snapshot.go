package ops

import (
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/state"
	"github.com/spry-engine/spry/types"
)

// SnapshotState writes every kept row, partition by partition in rank
// order (ties in arrival order), as an Arrow IPC stream of input rows.
// The key group of each row follows from its partition key, so restore
// recomputes it rather than storing it. Under state TTL each row carries
// its partition's last access (AccessTimeColumn); expired partitions are
// left out.
func (t *topN) SnapshotState(w io.Writer) error {
	ttl := t.cfg.TTL.Microseconds()
	schema := t.cfg.InSchema
	if ttl > 0 {
		schema = withAccessTime(schema) // ttl_snapshot.go
	}
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(schema)))
	var refs []rowRef
	var at []int64
	flush := func() error {
		if len(refs) == 0 {
			return nil
		}
		cols := takeRefs(t.cfg.InSchema, t.chunks, refs)
		if ttl > 0 {
			cols = append(cols, int64Array(at))
		}
		rec := types.NewBatch(schema, cols, nil, len(refs)).Record()
		err := wr.Write(rec)
		rec.Release()
		refs, at = refs[:0], at[:0]
		return err
	}
	now := int64(0)
	if ttl > 0 {
		now = t.now()
	}
	for g, part := range t.parts {
		if ttl > 0 && now-t.lastUse[g] > ttl {
			continue // expired: the next access would drop it
		}
		for i := range part {
			refs = append(refs, part[i].ref)
			if ttl > 0 {
				at = append(at, t.lastUse[g])
			}
		}
		if len(refs) >= 4096 {
			if err := flush(); err != nil {
				return fmt.Errorf("rank snapshot: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("rank snapshot: %w", err)
	}
	return wr.Close()
}

// RestoreState puts back the rows of a snapshot whose partition key falls
// in this subtask's key groups, without emitting anything.
func (t *topN) RestoreState(r io.Reader) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("rank restore: %w", err)
	}
	defer rd.Release()
	nc := t.cfg.InSchema.Len()
	for rd.Next() {
		rec := rd.RecordBatch()
		at, err := accessTimes(rec, nc, "rank")
		if err != nil {
			return err
		}
		rec.Retain()
		schema := t.cfg.InSchema
		if at != nil {
			schema = withAccessTime(schema)
		}
		b := types.NewBatch(schema, rec.Columns(), nil, int(rec.NumRows()))
		if err := b.Validate(); err != nil {
			return fmt.Errorf("rank restore: %w", err)
		}
		b = ownedRows(t.ctx, t.cfg.PartitionKeys, b)
		if b.Len() == 0 {
			continue
		}
		if at != nil {
			at = b.Cols[nc].(*array.Int64)
			b = types.NewBatch(t.cfg.InSchema, b.Cols[:nc], nil, b.Len())
		}
		var discard discardCollector
		if err := t.ProcessBatch(0, b, &discard); err != nil {
			return fmt.Errorf("rank restore: %w", err)
		}
		t.restoreAccess(b, at)
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("rank restore: %w", err)
	}
	return nil
}

// ownedRows keeps the rows of b whose key (keys columns) hashes to a key
// group of the subtask, as the hash exchange routes them. Without keys
// or a context every row is kept.
func ownedRows(ctx *OpContext, keys []int, b *types.Batch) *types.Batch {
	if ctx == nil || len(keys) == 0 || ctx.MaxParallelism <= 0 || ctx.Parallelism <= 1 {
		return b
	}
	rng := state.RangeForSubtask(ctx.MaxParallelism, ctx.Parallelism, ctx.Subtask)
	cols := make([]arrow.Array, len(keys))
	for i, k := range keys {
		cols[i] = b.Cols[k]
	}
	hs := make([]uint64, b.Len())
	kernel.HashColumns(cols, b.Len(), hs)
	var keep []int32
	for i, h := range hs {
		if rng.Contains(kernel.KeyGroup(h, ctx.MaxParallelism)) {
			keep = append(keep, int32(i))
		}
	}
	if len(keep) == b.Len() {
		return b
	}
	return kernel.TakeBatch(b, keep)
}

// discardCollector drops what it is given (restoring replays rows into
// state without output).
type discardCollector struct{}

func (*discardCollector) Emit(*types.Batch) error { return nil }
