package types

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Go values of SQL data, used on row-at-a-time paths (literals, printing,
// tests, connectors that are row-based by nature). Hot paths work on Arrow
// arrays instead. A nil any is SQL NULL. The Go type of each kind:
//
//	BOOLEAN bool; TINYINT int8; SMALLINT int16; INT int32; BIGINT int64
//	FLOAT float32; DOUBLE float64; DECIMAL decimal128.Num (scale from the type)
//	CHAR/VARCHAR string; BINARY/VARBINARY []byte
//	DATE int32 (days since epoch); TIME int32 (ms of day)
//	TIMESTAMP, TIMESTAMP_LTZ int64 (µs since epoch)
//	INTERVAL YEAR TO MONTH int32 (months); INTERVAL DAY TO SECOND int64 (ms)
//	ARRAY, MULTISET []any (a multiset repeats elements); MAP []MapEntry; ROW []any

// MapEntry is one key/value pair of a MAP value.
type MapEntry struct{ Key, Value any }

// Value returns element i of an Arrow array as a Go value (nil for NULL).
func Value(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return a.Value(i)
	case *array.Int16:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Float32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Decimal128:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Binary:
		return append([]byte(nil), a.Value(i)...)
	case *array.Date32:
		return int32(a.Value(i))
	case *array.Time32:
		return int32(a.Value(i))
	case *array.Timestamp:
		return int64(a.Value(i))
	case *array.MonthInterval:
		return int32(a.Value(i))
	case *array.Duration:
		return int64(a.Value(i))
	case *array.Map:
		start, end := a.ValueOffsets(i)
		keys, items := a.Keys(), a.Items()
		out := make([]MapEntry, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, MapEntry{Value(keys, int(j)), Value(items, int(j))})
		}
		return out
	case *array.List:
		start, end := a.ValueOffsets(i)
		vals := a.ListValues()
		out := make([]any, 0, end-start)
		for j := start; j < end; j++ {
			out = append(out, Value(vals, int(j)))
		}
		return out
	case *array.Struct:
		out := make([]any, a.NumField())
		for f := range out {
			out[f] = Value(a.Field(f), i)
		}
		return out
	case *array.Null:
		return nil
	}
	panic(fmt.Sprintf("types: no Go value for arrow %s", a.DataType()))
}

// Append appends Go value v (nil for NULL) to an Arrow builder made for the
// type by NewBuilder. The value must already have the Go type of the
// column's kind; use expr's casts to convert first.
func Append(b array.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		b.Append(v.(bool))
	case *array.Int8Builder:
		b.Append(v.(int8))
	case *array.Int16Builder:
		b.Append(v.(int16))
	case *array.Int32Builder:
		b.Append(v.(int32))
	case *array.Int64Builder:
		b.Append(v.(int64))
	case *array.Float32Builder:
		b.Append(v.(float32))
	case *array.Float64Builder:
		b.Append(v.(float64))
	case *array.Decimal128Builder:
		b.Append(v.(decimal128.Num))
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.BinaryBuilder:
		b.Append(v.([]byte))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v.(int32)))
	case *array.Time32Builder:
		b.Append(arrow.Time32(v.(int32)))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v.(int64)))
	case *array.MonthIntervalBuilder:
		b.Append(arrow.MonthInterval(v.(int32)))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(v.(int64)))
	case *array.MapBuilder:
		b.Append(true)
		switch m := v.(type) {
		case []MapEntry:
			for _, e := range m {
				Append(b.KeyBuilder(), e.Key)
				Append(b.ItemBuilder(), e.Value)
			}
		case []any: // MULTISET given as repeated elements
			counts := map[any]int32{}
			var order []any
			for _, e := range m {
				if _, ok := counts[e]; !ok {
					order = append(order, e)
				}
				counts[e]++
			}
			for _, e := range order {
				Append(b.KeyBuilder(), e)
				Append(b.ItemBuilder(), counts[e])
			}
		}
	case *array.ListBuilder:
		b.Append(true)
		for _, e := range v.([]any) {
			Append(b.ValueBuilder(), e)
		}
	case *array.StructBuilder:
		b.Append(true)
		for f, e := range v.([]any) {
			Append(b.FieldBuilder(f), e)
		}
	case *array.NullBuilder:
		b.AppendNull()
	default:
		panic(fmt.Sprintf("types: cannot append %T to %T", v, b))
	}
}

// NewBuilder returns an Arrow builder for logical type t.
func NewBuilder(t DataType) array.Builder {
	return array.NewBuilder(memory.DefaultAllocator, ArrowType(t))
}

// BatchBuilder assembles a batch row by row from Go values. It is for slow
// paths (VALUES, tests, row-based connectors), not operators.
type BatchBuilder struct {
	schema *Schema
	cols   []array.Builder
	kinds  []RowKind
	rows   int
	update bool
}

// NewBatchBuilder makes a builder for schema s.
func NewBatchBuilder(s *Schema) *BatchBuilder {
	bb := &BatchBuilder{schema: s, cols: make([]array.Builder, len(s.Fields))}
	for i, f := range s.Fields {
		bb.cols[i] = NewBuilder(f.Type)
	}
	return bb
}

// Add appends one row with kind k.
func (bb *BatchBuilder) Add(k RowKind, row []any) {
	for i, v := range row {
		Append(bb.cols[i], v)
	}
	bb.kinds = append(bb.kinds, k)
	if k != Insert {
		bb.update = true
	}
	bb.rows++
}

// Column returns the builder of column i, for callers that append typed
// values directly; they must call AddKind once per row.
func (bb *BatchBuilder) Column(i int) array.Builder { return bb.cols[i] }

// AddKind records one row appended through Column.
func (bb *BatchBuilder) AddKind(k RowKind) {
	bb.kinds = append(bb.kinds, k)
	if k != Insert {
		bb.update = true
	}
	bb.rows++
}

// Len returns the rows added since the last Build.
func (bb *BatchBuilder) Len() int { return bb.rows }

// Build returns the batch and resets the builder.
func (bb *BatchBuilder) Build() *Batch {
	cols := make([]arrow.Array, len(bb.cols))
	for i, c := range bb.cols {
		cols[i] = c.NewArray()
	}
	var kinds []RowKind
	if bb.update {
		kinds = bb.kinds
	}
	b := &Batch{Schema: bb.schema, Cols: cols, Kinds: kinds, rows: bb.rows}
	bb.kinds, bb.rows, bb.update = nil, 0, false
	return b
}
