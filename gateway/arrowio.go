package gateway

import (
	"bytes"
	"fmt"
	"github.com/spry-engine/spry/internal/arrowcheck"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/types"
)

// RowKindColumn names the int8 column fetch adds with with_kinds.
const RowKindColumn = "$row_kind"

// encodeBatches writes batches of schema s as one Arrow IPC stream, with
// a trailing row-kind column when withKinds.
func encodeBatches(s *types.Schema, batches []*types.Batch, withKinds bool) ([]byte, error) {
	as := types.ArrowSchema(s)
	if withKinds {
		fs := append(as.Fields(), arrow.Field{Name: RowKindColumn, Type: arrow.PrimitiveTypes.Int8})
		md := as.Metadata()
		as = arrow.NewSchema(fs, &md)
	}
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(as))
	for _, b := range batches {
		cols := b.Cols
		if withKinds {
			cols = append(append(make([]arrow.Array, 0, len(cols)+1), cols...), kindArray(b))
		}
		rec := array.NewRecordBatch(as, cols, int64(b.Len()))
		err := w.Write(rec)
		rec.Release()
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("encoding rows as Arrow IPC: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// kindArray is the batch's row kinds as int8 values (Flink's byte values).
func kindArray(b *types.Batch) arrow.Array {
	bld := array.NewInt8Builder(memory.DefaultAllocator)
	defer bld.Release()
	bld.Resize(b.Len())
	if b.Kinds == nil {
		for i := 0; i < b.Len(); i++ {
			bld.UnsafeAppend(int8(types.Insert))
		}
	} else {
		for _, k := range b.Kinds {
			bld.UnsafeAppend(int8(k))
		}
	}
	return bld.NewArray()
}

// decodeStream reads an Arrow IPC stream: its schema and record batches
// (retained; the caller releases them).
func decodeStream(p []byte) (*arrow.Schema, []arrow.RecordBatch, error) {
	if err := arrowcheck.Check(p); err != nil {
		return nil, nil, &ProtocolError{fmt.Sprintf("payload is not an Arrow IPC stream: %v", err)}
	}
	r, err := ipc.NewReader(bytes.NewReader(p))
	if err != nil {
		return nil, nil, &ProtocolError{fmt.Sprintf("payload is not an Arrow IPC stream: %v", err)}
	}
	defer r.Release()
	var recs []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		recs = append(recs, rec)
	}
	if err := r.Err(); err != nil {
		for _, rec := range recs {
			rec.Release()
		}
		return nil, nil, &ProtocolError{fmt.Sprintf("reading the Arrow IPC stream: %v", err)}
	}
	return r.Schema(), recs, nil
}
