package ops

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
)

// appendSortKey appends an order-preserving encoding of row's values in
// the key columns: bytes.Compare of two encodings orders the rows as
// kernel.SortIndices does with keys (NULLs placed by NullsFirst whatever
// the direction). Top-N state keeps these bytes in one arena, so keeping
// a partition sorted compares bytes instead of boxed values.
func appendSortKey(buf []byte, cols []arrow.Array, keys []kernel.SortKey, row int) []byte {
	for _, k := range keys {
		c := cols[k.Col]
		if c.IsNull(row) {
			if k.NullsFirst {
				buf = append(buf, 0)
			} else {
				buf = append(buf, 2)
			}
			continue
		}
		buf = append(buf, 1)
		start := len(buf)
		buf = appendOrderedValue(buf, c, row)
		if k.Desc {
			for i := start; i < len(buf); i++ {
				buf[i] = ^buf[i]
			}
		}
	}
	return buf
}

func appendSigned(buf []byte, v int64, bytes int) []byte {
	u := uint64(v) ^ (1 << (bytes*8 - 1))
	for i := bytes - 1; i >= 0; i-- {
		buf = append(buf, byte(u>>(8*i)))
	}
	return buf
}

// orderedFloat maps a double to bits whose unsigned order is the SQL
// order: -0.0 equals 0.0 and NaN sorts above every number.
func orderedFloat(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	if f != f {
		return math.MaxUint64
	}
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// appendEscaped writes s so that no encoding is a prefix of another:
// 0x00 becomes 0x00 0xFF and the value ends with 0x00 0x00.
func appendEscaped[S string | []byte](buf []byte, s S) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		buf = append(buf, c)
		if c == 0 {
			buf = append(buf, 0xFF)
		}
	}
	return append(buf, 0, 0)
}

func appendOrderedValue(buf []byte, c arrow.Array, i int) []byte {
	switch a := c.(type) {
	case *array.Int8:
		return appendSigned(buf, int64(a.Value(i)), 1)
	case *array.Int16:
		return appendSigned(buf, int64(a.Value(i)), 2)
	case *array.Int32:
		return appendSigned(buf, int64(a.Value(i)), 4)
	case *array.Int64:
		return appendSigned(buf, a.Value(i), 8)
	case *array.Date32:
		return appendSigned(buf, int64(a.Value(i)), 4)
	case *array.Time32:
		return appendSigned(buf, int64(a.Value(i)), 4)
	case *array.Timestamp:
		return appendSigned(buf, int64(a.Value(i)), 8)
	case *array.MonthInterval:
		return appendSigned(buf, int64(a.Value(i)), 4)
	case *array.Duration:
		return appendSigned(buf, int64(a.Value(i)), 8)
	case *array.Float32:
		return binary.BigEndian.AppendUint64(buf, orderedFloat(float64(a.Value(i))))
	case *array.Float64:
		return binary.BigEndian.AppendUint64(buf, orderedFloat(a.Value(i)))
	case *array.Decimal128:
		v := a.Value(i)
		buf = appendSigned(buf, v.HighBits(), 8)
		return binary.BigEndian.AppendUint64(buf, v.LowBits())
	case *array.Boolean:
		if a.Value(i) {
			return append(buf, 1)
		}
		return append(buf, 0)
	case *array.String:
		return appendEscaped(buf, a.Value(i))
	case *array.Binary:
		return appendEscaped(buf, a.Value(i))
	}
	// Nested values have no SQL order; their canonical encoding at least
	// groups equal values.
	return appendEscaped(buf, kernel.AppendKey(nil, []arrow.Array{c}, i))
}
