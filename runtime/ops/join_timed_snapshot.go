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
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// Column names of a time-bounded join snapshot around a side's columns.
const (
	timedTimeColumn    = "$time"
	timedEmittedColumn = "$emitted"
	timedKindColumn    = "$kind"
)

// snapshotSchema is the layout of one side's snapshot: the key group,
// the side's columns, each row's time, its join flag and its row kind.
func (s *timedStore) snapshotSchema() *types.Schema {
	fs := []types.Field{{Name: KeyGroupColumn, Type: types.Int.NotNullable()}}
	fs = append(fs, s.schema.Fields...)
	fs = append(fs,
		types.Field{Name: timedTimeColumn, Type: types.BigInt.NotNullable()},
		types.Field{Name: timedEmittedColumn, Type: types.Boolean.NotNullable()},
		types.Field{Name: timedKindColumn, Type: types.TinyInt.NotNullable()})
	return types.NewSchema(fs...)
}

// snapshot writes the side's live rows as an Arrow IPC stream, each tagged
// with the key group of its join key (keys index the side's columns).
func (s *timedStore) snapshot(w io.Writer, keys []int, maxParallelism int) error {
	wr := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(s.snapshotSchema())))
	es := s.liveEntries()
	for lo := 0; lo < len(es); lo += aggEmitRows {
		part := es[lo:min(lo+aggEmitRows, len(es))]
		refs := make([]rowRef, len(part))
		times := make([]int64, len(part))
		tb := array.NewBooleanBuilder(memory.DefaultAllocator)
		kb := array.NewInt8Builder(memory.DefaultAllocator)
		for i, e := range part {
			refs[i] = s.ents[e].ref
			times[i] = s.ents[e].time
			tb.Append(s.ents[e].emitted)
			kb.Append(int8(s.chunks[refs[i].chunk].Kind(int(refs[i].row))))
		}
		rows := takeRefs(s.schema, s.chunks, refs)
		cols := append([]arrow.Array{KeyGroups(pick(rows, keys), len(part), maxParallelism)}, rows...)
		cols = append(cols, int64Array(times), tb.NewArray(), kb.NewArray())
		tb.Release()
		kb.Release()
		rec := types.NewBatch(s.snapshotSchema(), cols, nil, len(part)).Record()
		err := wr.Write(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return wr.Close()
}

// restore adds the rows of a snapshot written by snapshot that belong to
// the subtask of ctx.
func (s *timedStore) restore(r io.Reader, keys []int, ctx *OpContext) error {
	rd, err := ipc.NewReader(r)
	if err != nil {
		return err
	}
	defer rd.Release()
	want := s.snapshotSchema().Len()
	var buf []byte
	for rd.Next() {
		rec := rd.RecordBatch()
		if int(rec.NumCols()) != want {
			return fmt.Errorf("snapshot has %d columns, operator needs %d", rec.NumCols(), want)
		}
		cols := rec.Columns()
		if keep := KeyGroupFilter(ctx, cols[0]); len(keep) < int(rec.NumRows()) {
			cols = takeAll(cols, keep)
		}
		for _, c := range cols {
			c.Retain()
		}
		nc := s.schema.Len()
		rows := cols[1 : 1+nc]
		times := cols[1+nc].(*array.Int64)
		emitted := cols[2+nc].(*array.Boolean)
		n := times.Len()
		if n == 0 {
			continue
		}
		var kinds []types.RowKind
		for i, k := range cols[3+nc].(*array.Int8).Int8Values() {
			if types.RowKind(k) != types.Insert && kinds == nil {
				kinds = make([]types.RowKind, n)
				for p := range kinds[:i] {
					kinds[p] = types.Insert
				}
			}
			if kinds != nil {
				kinds[i] = types.RowKind(k)
			}
		}
		b := types.NewBatch(s.schema, rows, kinds, n)
		chunk := s.addChunk(b)
		kc := pick(rows, keys)
		for i := 0; i < n; i++ {
			buf = kernel.AppendKey(buf[:0], kc, i)
			s.add(buf, rowRef{chunk: chunk, row: int32(i)}, times.Value(i), emitted.Value(i))
		}
		s.releaseIfEmpty(chunk)
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// writeParts writes each part as an 8-byte little-endian length and the
// bytes, so a reader can tell the sides' streams apart.
func writeParts(w io.Writer, parts ...func(io.Writer) error) error {
	for _, p := range parts {
		var buf bytes.Buffer
		if err := p(&buf); err != nil {
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, uint64(buf.Len())); err != nil {
			return err
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// readParts reads what writeParts wrote, handing each part to its reader.
func readParts(r io.Reader, parts ...func(io.Reader) error) error {
	for _, p := range parts {
		var n uint64
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return err
		}
		if err := p(io.LimitReader(r, int64(n))); err != nil {
			return err
		}
	}
	return nil
}

// SnapshotState writes the left, then the right side's stored rows.
func (j *intervalJoin) SnapshotState(w io.Writer) error {
	maxP := 0
	if j.ctx != nil {
		maxP = j.ctx.MaxParallelism
	}
	err := writeParts(w,
		func(w io.Writer) error { return j.sides[0].snapshot(w, j.cfg.LeftKeys, maxP) },
		func(w io.Writer) error { return j.sides[1].snapshot(w, j.cfg.RightKeys, maxP) })
	if err != nil {
		return fmt.Errorf("interval join snapshot: %w", err)
	}
	return nil
}

// RestoreState adds a snapshot's rows of this subtask's key groups.
func (j *intervalJoin) RestoreState(r io.Reader) error {
	err := readParts(r,
		func(r io.Reader) error { return j.sides[0].restore(r, j.cfg.LeftKeys, j.ctx) },
		func(r io.Reader) error { return j.sides[1].restore(r, j.cfg.RightKeys, j.ctx) })
	if err != nil {
		return fmt.Errorf("interval join restore: %w", err)
	}
	return nil
}
