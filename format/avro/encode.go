package avro

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Encoder writes rows in Avro binary encoding with the schema Derive gives
// for the table, as Flink's AvroRowDataSerializationSchema does.
type Encoder struct {
	schema *types.Schema
	prefix []byte // the Confluent wire-format header, if any
}

var _ format.Encoder = (*Encoder)(nil)

// NewEncoder builds an 'avro' encoder for schema.
func NewEncoder(schema *types.Schema, _ map[string]string) (format.Encoder, error) {
	if _, err := Derive(schema); err != nil {
		return nil, err
	}
	return &Encoder{schema: schema}, nil
}

// EncodeError is a value the derived schema cannot hold.
type EncodeError struct{ Msg string }

func (e *EncodeError) Error() string { return "avro format: " + e.Msg }

// Encode appends row row of b as one Avro datum.
func (e *Encoder) Encode(b *types.Batch, row int, dst []byte) ([]byte, error) {
	dst = append(dst, e.prefix...)
	var err error
	for i, f := range e.schema.Fields {
		if dst, err = appendValue(dst, f.Type, b.Cols[i], row); err != nil {
			return dst, fmt.Errorf("field '%s': %w", f.Name, err)
		}
	}
	return dst, nil
}

func appendValue(dst []byte, t types.DataType, col arrow.Array, row int) ([]byte, error) {
	if t.Nullable() {
		if col.IsNull(row) {
			return append(dst, 0), nil // union branch 0: "null"
		}
		dst = append(dst, 2) // branch 1, zigzag-encoded
	} else if col.IsNull(row) {
		return dst, &EncodeError{fmt.Sprintf("NULL in NOT NULL column of type %s", t)}
	}
	switch c := col.(type) {
	case *array.Boolean:
		if c.Value(row) {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case *array.Int8:
		return appendLong(dst, int64(c.Value(row))), nil
	case *array.Int16:
		return appendLong(dst, int64(c.Value(row))), nil
	case *array.Int32:
		return appendLong(dst, int64(c.Value(row))), nil
	case *array.Int64:
		return appendLong(dst, c.Value(row)), nil
	case *array.Float32:
		return binary.LittleEndian.AppendUint32(dst, math.Float32bits(c.Value(row))), nil
	case *array.Float64:
		return binary.LittleEndian.AppendUint64(dst, math.Float64bits(c.Value(row))), nil
	case *array.String:
		s := c.Value(row)
		return append(appendLong(dst, int64(len(s))), s...), nil
	case *array.Binary:
		v := c.Value(row)
		return append(appendLong(dst, int64(len(v))), v...), nil
	case *array.Decimal128:
		return appendDecimal(dst, c.Value(row)), nil
	case *array.Date32:
		return appendLong(dst, int64(c.Value(row))), nil
	case *array.Time32:
		return appendLong(dst, int64(c.Value(row))), nil
	case *array.Timestamp:
		us := int64(c.Value(row))
		if t.Prec > 3 {
			return appendLong(dst, us), nil
		}
		ms := us / 1000
		if us%1000 < 0 { // floor, as Instant.toEpochMilli
			ms--
		}
		return appendLong(dst, ms), nil
	case *array.List:
		start, end := c.ValueOffsets(row)
		return appendItems(dst, *t.Elem, c.ListValues(), nil, int(start), int(end))
	case *array.Map:
		start, end := c.ValueOffsets(row)
		vt := types.Int.NotNullable()
		if t.Kind == types.KindMap {
			vt = *t.Value
		}
		return appendItems(dst, vt, c.Items(), c.Keys(), int(start), int(end))
	case *array.Struct:
		var err error
		for i, f := range t.Fields {
			if dst, err = appendValue(dst, f.Type, c.Field(i), row); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	return dst, &EncodeError{fmt.Sprintf("unsupported column type %s", t)}
}

// appendItems writes one block of array items (keys nil) or map entries,
// then the empty block that ends them.
func appendItems(dst []byte, t types.DataType, vals, keys arrow.Array, start, end int) ([]byte, error) {
	if end > start {
		dst = appendLong(dst, int64(end-start))
		for i := start; i < end; i++ {
			if keys != nil {
				if keys.IsNull(i) {
					return dst, &EncodeError{"NULL map key"}
				}
				k := keys.(*array.String).Value(i)
				dst = append(appendLong(dst, int64(len(k))), k...)
			}
			var err error
			if dst, err = appendValue(dst, t, vals, i); err != nil {
				return dst, err
			}
		}
	}
	return append(dst, 0), nil
}

// appendDecimal writes the unscaled value as Java's
// BigInteger.toByteArray does: minimal big-endian two's complement.
func appendDecimal(dst []byte, n decimal128.Num) []byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(n.HighBits()))
	binary.BigEndian.PutUint64(b[8:], n.LowBits())
	i := 0
	for i < 15 && ((b[i] == 0 && b[i+1]&0x80 == 0) || (b[i] == 0xff && b[i+1]&0x80 != 0)) {
		i++
	}
	return append(appendLong(dst, int64(16-i)), b[i:]...)
}
