package gateway

import (
	"encoding/base64"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/types"
)

// JSON rows are the second payload format of fetch and register_rows
// (docs/gateway.md, "JSON rows"). They exist so that a Python client can
// read and send small results without importing pyarrow, which costs a
// Python process a third of a second and dominated the time of a short
// `spry run` job. Only flat types have a JSON form; a result with another
// column type is always sent as Arrow.
//
// Value forms: NULL null; BOOLEAN true/false; integers numbers; FLOAT and
// DOUBLE numbers or NaN, Infinity, -Infinity (the tokens Python's json
// module reads); CHAR/VARCHAR strings; DECIMAL strings with scale digits;
// DATE days since 1970-01-01; TIME milliseconds of the day; TIMESTAMP and
// TIMESTAMP_LTZ microseconds since the epoch; BINARY/VARBINARY base64.

// FormatJSON and FormatArrow are the values of fetch's "format" param
// and result field.
const (
	FormatArrow = "arrow"
	FormatJSON  = "json"
)

// jsonKind reports whether values of type t have a JSON rows form.
func jsonKind(t types.DataType) bool {
	switch t.Kind {
	case types.KindNull, types.KindBoolean, types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt,
		types.KindFloat, types.KindDouble, types.KindDecimal, types.KindChar, types.KindVarChar,
		types.KindBinary, types.KindVarBinary, types.KindDate, types.KindTime, types.KindTimestamp, types.KindTimestampLTZ:
		return true
	}
	return false
}

// jsonSchema reports whether every column of s has a JSON rows form.
func jsonSchema(s *types.Schema) bool {
	if s == nil {
		return false
	}
	for _, f := range s.Fields {
		if !jsonKind(f.Type) {
			return false
		}
	}
	return true
}

// encodeRowsJSON writes batches as {"kinds": [...] | null, "rows": [[...], ...]}:
// kinds is null when every row is +I or withKinds is false. Each column is
// appended with one typed loop per batch, so no value is boxed.
func encodeRowsJSON(s *types.Schema, batches []*types.Batch, withKinds bool) ([]byte, error) {
	n := 0
	insertOnly := true
	for _, b := range batches {
		n += b.Len()
		if !b.InsertOnly() {
			insertOnly = false
		}
	}
	buf := make([]byte, 0, 64+n*16*max(1, len(s.Fields)))
	buf = append(buf, `{"kinds":`...)
	if withKinds && !insertOnly {
		buf = append(buf, '[')
		first := true
		for _, b := range batches {
			for i := 0; i < b.Len(); i++ {
				if !first {
					buf = append(buf, ',')
				}
				first = false
				buf = strconv.AppendInt(buf, int64(b.Kind(i)), 10)
			}
		}
		buf = append(buf, ']')
	} else {
		buf = append(buf, "null"...)
	}
	buf = append(buf, `,"rows":[`...)
	first := true
	for _, b := range batches {
		rows := rowBuffers(b.Len(), len(s.Fields))
		for c, col := range b.Cols {
			if err := appendColumn(rows, col, s.Fields[c].Type); err != nil {
				return nil, err
			}
		}
		for _, r := range rows {
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = append(buf, '[')
			if len(r) > 0 {
				buf = append(buf, r[:len(r)-1]...) // drop the last value's comma
			}
			buf = append(buf, ']')
		}
	}
	buf = append(buf, "]}"...)
	return buf, nil
}

// rowBuffers returns one byte slice per row, carved from one allocation.
func rowBuffers(rows, cols int) [][]byte {
	out := make([][]byte, rows)
	per := 12 * max(1, cols)
	backing := make([]byte, 0, rows*per)
	for i := range out {
		out[i] = backing[i*per : i*per : (i+1)*per]
	}
	return out
}

// appendColumn appends each row's value of col, followed by a comma, to
// rows[i]: one typed loop per Arrow type.
func appendColumn(rows [][]byte, col arrow.Array, t types.DataType) error {
	nulls := col.NullN() > 0
	for i := range rows {
		if nulls && col.IsNull(i) {
			rows[i] = append(rows[i], "null,"...)
		}
	}
	skip := func(i int) bool { return nulls && col.IsNull(i) }
	switch a := col.(type) {
	case *array.Null:
	case *array.Boolean:
		for i := range rows {
			if !skip(i) {
				rows[i] = append(strconv.AppendBool(rows[i], a.Value(i)), ',')
			}
		}
	case *array.Int8:
		for i, v := range a.Int8Values() {
			if !skip(i) {
				rows[i] = append(strconv.AppendInt(rows[i], int64(v), 10), ',')
			}
		}
	case *array.Int16:
		for i, v := range a.Int16Values() {
			if !skip(i) {
				rows[i] = append(strconv.AppendInt(rows[i], int64(v), 10), ',')
			}
		}
	case *array.Int32:
		for i, v := range a.Int32Values() {
			if !skip(i) {
				rows[i] = append(strconv.AppendInt(rows[i], int64(v), 10), ',')
			}
		}
	case *array.Int64:
		for i, v := range a.Int64Values() {
			if !skip(i) {
				rows[i] = append(strconv.AppendInt(rows[i], v, 10), ',')
			}
		}
	case *array.Float32:
		for i, v := range a.Float32Values() {
			if !skip(i) {
				rows[i] = append(appendFloat(rows[i], float64(v)), ',')
			}
		}
	case *array.Float64:
		for i, v := range a.Float64Values() {
			if !skip(i) {
				rows[i] = append(appendFloat(rows[i], v), ',')
			}
		}
	case *array.String:
		for i := range rows {
			if !skip(i) {
				rows[i] = append(appendJSONString(rows[i], a.Value(i)), ',')
			}
		}
	case *array.LargeString:
		for i := range rows {
			if !skip(i) {
				rows[i] = append(appendJSONString(rows[i], a.Value(i)), ',')
			}
		}
	case *array.Binary:
		for i := range rows {
			if !skip(i) {
				b := append(rows[i], '"')
				b = base64.StdEncoding.AppendEncode(b, a.Value(i))
				rows[i] = append(b, '"', ',')
			}
		}
	case *array.Decimal128:
		for i := range rows {
			if !skip(i) {
				b := append(rows[i], '"')
				b = append(b, types.FormatDecimal(a.Value(i), t.Scale)...)
				rows[i] = append(b, '"', ',')
			}
		}
	case *array.Date32:
		for i, v := range a.Date32Values() {
			if !skip(i) {
				rows[i] = append(strconv.AppendInt(rows[i], int64(v), 10), ',')
			}
		}
	case *array.Time32:
		unit := a.DataType().(*arrow.Time32Type).Unit
		for i, v := range a.Time32Values() {
			if !skip(i) {
				ms := int64(v)
				if unit == arrow.Second {
					ms *= 1000
				}
				rows[i] = append(strconv.AppendInt(rows[i], ms, 10), ',')
			}
		}
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		for i, v := range a.TimestampValues() {
			if !skip(i) {
				rows[i] = append(strconv.AppendInt(rows[i], toMicros(int64(v), unit), 10), ',')
			}
		}
	default:
		return &ProtocolError{"no JSON rows form for Arrow type " + col.DataType().String() + " (type " + t.String() + ")"}
	}
	return nil
}

// toMicros converts a timestamp value of unit to microseconds.
func toMicros(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1_000_000
	case arrow.Millisecond:
		return v * 1_000
	case arrow.Nanosecond:
		return v / 1_000
	}
	return v
}

// appendFloat writes the shortest text that reads back as f (Python's
// float repr), with Python's tokens for the values JSON has none for.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, 'g', -1, 64)
	for _, c := range b[start:] {
		if c == '.' || c == 'e' {
			return b
		}
	}
	// "3" would read back as a Python int: keep it a float.
	return append(b, '.', '0')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string; invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
