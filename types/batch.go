package types

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Batch is a slice of a stream: equal-length columns plus each row's kind.
// Batches are immutable once built; operators make new ones.
type Batch struct {
	Schema *Schema
	Cols   []arrow.Array
	// Kinds holds one RowKind per row. A nil Kinds means every row is +I,
	// which keeps insert-only streams free of the extra column.
	Kinds []RowKind
	rows  int
}

// NewBatch makes a batch; rows must equal every column's length.
func NewBatch(schema *Schema, cols []arrow.Array, kinds []RowKind, rows int) *Batch {
	return &Batch{Schema: schema, Cols: cols, Kinds: kinds, rows: rows}
}

// Len returns the number of rows.
func (b *Batch) Len() int { return b.rows }

// Kind returns the row kind of row i.
func (b *Batch) Kind(i int) RowKind {
	if b.Kinds == nil {
		return Insert
	}
	return b.Kinds[i]
}

// InsertOnly reports whether every row is +I.
func (b *Batch) InsertOnly() bool {
	for _, k := range b.Kinds {
		if k != Insert {
			return false
		}
	}
	return true
}

// Validate checks that the columns agree with the schema and the row count.
func (b *Batch) Validate() error {
	if len(b.Cols) != len(b.Schema.Fields) {
		return fmt.Errorf("batch has %d columns, schema has %d", len(b.Cols), len(b.Schema.Fields))
	}
	for i, c := range b.Cols {
		if c.Len() != b.rows {
			return fmt.Errorf("column %s has %d rows, batch has %d", b.Schema.Fields[i].Name, c.Len(), b.rows)
		}
		if want := ArrowType(b.Schema.Fields[i].Type); !arrow.TypeEqual(c.DataType(), want) {
			return fmt.Errorf("column %s is %s, schema says %s (%s)", b.Schema.Fields[i].Name, c.DataType(), want, b.Schema.Fields[i].Type)
		}
	}
	if b.Kinds != nil && len(b.Kinds) != b.rows {
		return fmt.Errorf("batch has %d row kinds for %d rows", len(b.Kinds), b.rows)
	}
	return nil
}

// Slice returns rows [i, j) sharing memory with b.
func (b *Batch) Slice(i, j int) *Batch {
	cols := make([]arrow.Array, len(b.Cols))
	for c, a := range b.Cols {
		cols[c] = array.NewSlice(a, int64(i), int64(j))
	}
	var kinds []RowKind
	if b.Kinds != nil {
		kinds = b.Kinds[i:j]
	}
	return &Batch{Schema: b.Schema, Cols: cols, Kinds: kinds, rows: j - i}
}

// Record returns the batch's columns as an Arrow record (row kinds are not
// included; see RecordWithKinds).
func (b *Batch) Record() arrow.RecordBatch {
	return array.NewRecordBatch(ArrowSchema(b.Schema), b.Cols, int64(b.rows))
}

// RowKindColumn is the name of the extra int8 column carrying row kinds when
// a changelog batch is sent over Arrow IPC.
const RowKindColumn = "__spry_row_kind"

// RecordWithKinds returns an Arrow record with an extra trailing int8 column
// RowKindColumn holding each row's kind.
func (b *Batch) RecordWithKinds() arrow.RecordBatch {
	bld := array.NewInt8Builder(memory.DefaultAllocator)
	bld.Resize(b.rows)
	for i := 0; i < b.rows; i++ {
		bld.UnsafeAppend(int8(b.Kind(i)))
	}
	kinds := bld.NewArray()
	as := ArrowSchema(b.Schema)
	fs := append(as.Fields(), arrow.Field{Name: RowKindColumn, Type: arrow.PrimitiveTypes.Int8})
	cols := append(append([]arrow.Array(nil), b.Cols...), kinds)
	return array.NewRecordBatch(arrow.NewSchema(fs, nil), cols, int64(b.rows))
}

// Row returns row i as Go values (see Value); it is for tests, printing and
// other paths where per-row cost does not matter.
func (b *Batch) Row(i int) []any {
	out := make([]any, len(b.Cols))
	for c, a := range b.Cols {
		out[c] = Value(a, i)
	}
	return out
}

// Empty returns a batch with no rows for the schema.
func Empty(s *Schema) *Batch {
	cols := make([]arrow.Array, len(s.Fields))
	for i, f := range s.Fields {
		bld := array.NewBuilder(memory.DefaultAllocator, ArrowType(f.Type))
		cols[i] = bld.NewArray()
	}
	return &Batch{Schema: s, Cols: cols}
}
