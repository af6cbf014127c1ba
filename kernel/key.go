package kernel

import (
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// AppendKey appends an encoding of row's values in cols to buf and returns
// it. Equal keys (as SQL GROUP BY sees them: NULLs equal, -0.0 = 0.0, all
// NaNs alike) give equal bytes and different keys different bytes, so the
// result can key a Go map; looking up m[string(buf)] does not allocate.
func AppendKey(buf []byte, cols []arrow.Array, row int) []byte {
	for _, c := range cols {
		buf = appendValue(buf, c, row)
	}
	return buf
}

// appendValue encodes one value: a NULL marker byte, or a present marker
// followed by the value. Variable-width values carry their length first so
// that ("ab", "c") and ("a", "bc") differ.
func appendValue(buf []byte, c arrow.Array, i int) []byte {
	if c.IsNull(i) {
		return append(buf, 0)
	}
	buf = append(buf, 1)
	switch a := c.(type) {
	case *array.Int8:
		return append(buf, byte(a.Value(i)))
	case *array.Int16:
		return binary.LittleEndian.AppendUint16(buf, uint16(a.Value(i)))
	case *array.Int32:
		return binary.LittleEndian.AppendUint32(buf, uint32(a.Value(i)))
	case *array.Int64:
		return binary.LittleEndian.AppendUint64(buf, uint64(a.Value(i)))
	case *array.Float32:
		return binary.LittleEndian.AppendUint64(buf, normFloat(float64(a.Value(i))))
	case *array.Float64:
		return binary.LittleEndian.AppendUint64(buf, normFloat(a.Value(i)))
	case *array.Decimal128:
		v := a.Value(i)
		buf = binary.LittleEndian.AppendUint64(buf, v.LowBits())
		return binary.LittleEndian.AppendUint64(buf, uint64(v.HighBits()))
	case *array.Boolean:
		if a.Value(i) {
			return append(buf, 1)
		}
		return append(buf, 0)
	case *array.String:
		s := a.Value(i)
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		return append(buf, s...)
	case *array.Binary:
		s := a.Value(i)
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		return append(buf, s...)
	case *array.Date32:
		return binary.LittleEndian.AppendUint32(buf, uint32(a.Value(i)))
	case *array.Time32:
		return binary.LittleEndian.AppendUint32(buf, uint32(a.Value(i)))
	case *array.Timestamp:
		return binary.LittleEndian.AppendUint64(buf, uint64(a.Value(i)))
	case *array.MonthInterval:
		return binary.LittleEndian.AppendUint32(buf, uint32(a.Value(i)))
	case *array.Duration:
		return binary.LittleEndian.AppendUint64(buf, uint64(a.Value(i)))
	case *array.Map: // before List: a Map is a List of key/value structs
		start, end := a.ValueOffsets(i)
		buf = binary.AppendUvarint(buf, uint64(end-start))
		keys, items := a.Keys(), a.Items()
		for j := start; j < end; j++ {
			buf = appendValue(buf, keys, int(j))
			buf = appendValue(buf, items, int(j))
		}
		return buf
	case *array.List:
		start, end := a.ValueOffsets(i)
		buf = binary.AppendUvarint(buf, uint64(end-start))
		vals := a.ListValues()
		for j := start; j < end; j++ {
			buf = appendValue(buf, vals, int(j))
		}
		return buf
	case *array.Struct:
		for f := 0; f < a.NumField(); f++ {
			buf = appendValue(buf, a.Field(f), i)
		}
		return buf
	}
	// Other Arrow types are not produced by types.ArrowType; encode their
	// printed form so keys still compare by value.
	s := c.ValueStr(i)
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}
