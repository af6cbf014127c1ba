package ops

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// Column names of a streaming join snapshot after a side's own columns.
const (
	joinCountColumn = "$count"
	joinAssocColumn = "$assoc"
)

// snapshotSchema is the layout of one side's snapshot: the side's columns,
// then each distinct row's multiplicity and number of matches.
func (s *joinSide) snapshotSchema() *types.Schema {
	fs := append([]types.Field(nil), s.schema.Fields...)
	fs = append(fs,
		types.Field{Name: joinCountColumn, Type: types.Int.NotNullable()},
		types.Field{Name: joinAssocColumn, Type: types.Int.NotNullable()})
	return types.NewSchema(fs...)
}

// SnapshotState writes both sides' state: for the left, then the right
// side, an 8-byte little-endian length followed by an Arrow IPC stream of
// the side's distinct rows with their multiplicity and match count, and
// under state TTL their last write (AccessTimeColumn).
func (j *streamJoin) SnapshotState(w io.Writer) error {
	for _, s := range j.sides {
		if s.ttl > 0 && j.opCtx != nil && j.opCtx.Now != nil {
			s.expire(j.opCtx.Now()) // expired rows are not written
		}
		var buf bytes.Buffer
		if err := s.snapshot(&buf); err != nil {
			return fmt.Errorf("join snapshot: %w", err)
		}
		if err := binary.Write(w, binary.LittleEndian, uint64(buf.Len())); err != nil {
			return fmt.Errorf("join snapshot: %w", err)
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("join snapshot: %w", err)
		}
	}
	return nil
}

func (s *joinSide) snapshot(w io.Writer) error {
	schema := s.snapshotSchema()
	if s.ttl > 0 {
		schema = withAccessTime(schema) // ttl_snapshot.go
	}
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(schema)))
	var refs []rowRef
	var counts, assocs []int32
	var written []int64
	rs := &s.recs
	for r := range rs.n {
		ref := rs.at(r).ref
		if rs.at(r).count == 0 {
			continue
		}
		refs = append(refs, ref)
		counts = append(counts, rs.at(r).count)
		assocs = append(assocs, rs.at(r).assoc)
		if s.ttl > 0 {
			written = append(written, rs.at(r).written)
		}
	}
	if len(refs) > 0 {
		cols := takeRefs(s.schema, s.chunks, refs)
		cols = append(cols, int32Array(counts), int32Array(assocs))
		if s.ttl > 0 {
			cols = append(cols, int64Array(written))
		}
		rec := types.NewBatch(schema, cols, nil, len(refs)).Record()
		err := wr.Write(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return wr.Close()
}

func int32Array(vs []int32) arrow.Array {
	b := array.NewInt32Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(vs, nil)
	return b.NewArray()
}

// RestoreState merges a snapshot written by SnapshotState into the state.
func (j *streamJoin) RestoreState(r io.Reader) error {
	for _, s := range j.sides {
		var n uint64
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return fmt.Errorf("join restore: reading section length: %w", err)
		}
		if err := s.restore(io.LimitReader(r, int64(n)), j.cfg.NullSafeKeys, j.opCtx); err != nil {
			return fmt.Errorf("join restore: %w", err)
		}
	}
	return nil
}

// restore keeps the records whose key falls in the subtask's key groups:
// a join's snapshot entries are keyed by the join key, so their key group
// is recomputed from it, exactly as the hash exchange routes them.
func (s *joinSide) restore(r io.Reader, nullSafe []bool, ctx *OpContext) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return err
	}
	defer rd.Release()
	want := s.schema.Len() + 2
	now := s.now
	if ctx != nil && ctx.Now != nil {
		now = ctx.Now()
	}
	var keys rowKeys
	for rd.Next() {
		rec := rd.RecordBatch()
		if _, err := accessTimes(rec, want, "join side"); err != nil {
			return err
		}
		rec.Retain() // the chunk keeps the columns after the reader moves on
		cols := rec.Columns()
		n := int(rec.NumRows())
		nc := s.schema.Len()
		counts, ok1 := cols[nc].(*array.Int32)
		assocs, ok2 := cols[nc+1].(*array.Int32)
		if !ok1 || !ok2 {
			return fmt.Errorf("snapshot count columns are %s and %s, want int32", cols[nc].DataType(), cols[nc+1].DataType())
		}
		if ctx != nil && ctx.Parallelism > 1 && len(s.keys) > 0 {
			keep := KeyGroupFilter(ctx, KeyGroups(pick(cols, s.keys), n, ctx.MaxParallelism))
			if len(keep) < n {
				cols = takeAll(cols, keep)
				n = len(keep)
				counts, assocs = cols[nc].(*array.Int32), cols[nc+1].(*array.Int32)
			}
		}
		var at *array.Int64
		if len(cols) > want {
			at = cols[want].(*array.Int64)
		}
		b := types.NewBatch(s.schema, cols[:nc], nil, n)
		if err := b.Validate(); err != nil {
			return err
		}
		chunk := s.addChunk(b)
		keys.encode(b, s.keys, nullSafe, s.ints != nil, false)
		for i := 0; i < n; i++ {
			if c := counts.Value(i); c > 0 {
				s.put(s.keyID(&keys, i), rowRef{chunk: chunk, row: int32(i)}, c, assocs.Value(i), restoredAccess(at, i, now))
			}
		}
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if s.ident != nil { // index the restored records too
		s.enableIdent()
	}
	return nil
}
