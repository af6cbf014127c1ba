package json

import (
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// ErrNullMapKey is returned when a MAP value has a NULL key and
// map-null-key.mode is FAIL.
var ErrNullMapKey = errors.New("JSON format doesn't support to serialize map data with null keys. " +
	"You can drop null key entries or encode null in literals by specifying map-null-key.mode option.")

// Encoder writes rows as JSON objects the way Flink's
// JsonRowDataSerializationSchema does: fields in schema order, NULL as
// null, BYTES as base64, temporal values as strings.
type Encoder struct {
	schema *types.Schema
	cfg    config
	names  [][]byte // quoted field names with the colon
}

var _ format.Encoder = (*Encoder)(nil)

// NewEncoder builds an encoder for schema with the json options opts
// (without the 'json.' prefix).
func NewEncoder(schema *types.Schema, opts map[string]string) (format.Encoder, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	e := &Encoder{schema: schema, cfg: cfg}
	for _, f := range schema.Fields {
		e.names = append(e.names, append(appendString(nil, f.Name), ':'))
	}
	return e, nil
}

// Encode appends row row of b as one JSON object.
func (e *Encoder) Encode(b *types.Batch, row int, dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	first := true
	for i, col := range b.Cols {
		if e.cfg.ignoreNulls && col.IsNull(row) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, e.names[i]...)
		var err error
		if dst, err = e.value(dst, e.schema.Fields[i].Type, col, row); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

func (e *Encoder) value(dst []byte, t types.DataType, a arrow.Array, i int) ([]byte, error) {
	if a.IsNull(i) {
		return append(dst, "null"...), nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return strconv.AppendBool(dst, a.Value(i)), nil
	case *array.Int8:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int16:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int32:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int64:
		return strconv.AppendInt(dst, a.Value(i), 10), nil
	case *array.MonthInterval:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Duration:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Float32:
		return appendFloat(dst, float64(a.Value(i)), 32), nil
	case *array.Float64:
		return appendFloat(dst, a.Value(i), 64), nil
	case *array.Decimal128:
		return format.AppendDecimal(dst, a.Value(i), t.Scale, e.cfg.decimalPlain), nil
	case *array.String:
		return appendString(dst, a.Value(i)), nil
	case *array.Binary:
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, a.Value(i))
		return append(dst, '"'), nil
	case *array.Date32:
		dst = append(dst, '"')
		return append(format.AppendDate(dst, int32(a.Value(i))), '"'), nil
	case *array.Time32:
		dst = append(dst, '"')
		return append(format.AppendTime(dst, int32(a.Value(i))), '"'), nil
	case *array.Timestamp:
		dst = append(dst, '"')
		dst = format.AppendTimestamp(dst, int64(a.Value(i)), e.cfg.tsLayout(t.Kind == types.KindTimestampLTZ))
		return append(dst, '"'), nil
	case *array.List:
		start, end := a.ValueOffsets(i)
		dst = append(dst, '[')
		var err error
		for j := start; j < end; j++ {
			if j > start {
				dst = append(dst, ',')
			}
			if dst, err = e.value(dst, *t.Elem, a.ListValues(), int(j)); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case *array.Map:
		return e.mapValue(dst, t, a, i)
	case *array.Struct:
		dst = append(dst, '{')
		var err error
		for f := 0; f < a.NumField(); f++ {
			if f > 0 {
				dst = append(dst, ',')
			}
			dst = append(appendString(dst, t.Fields[f].Name), ':')
			if dst, err = e.value(dst, t.Fields[f].Type, a.Field(f), i); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	return append(dst, "null"...), nil
}

func (e *Encoder) mapValue(dst []byte, t types.DataType, a *array.Map, i int) ([]byte, error) {
	start, end := a.ValueOffsets(i)
	keys, items := a.Keys(), a.Items()
	vt := types.Int
	if t.Kind == types.KindMap {
		vt = *t.Value
	}
	dst = append(dst, '{')
	first := true
	var err error
	for j := int(start); j < int(end); j++ {
		var key string
		if keys.IsNull(j) {
			switch e.cfg.nullKeyMode {
			case mapNullKeyFail:
				return dst, ErrNullMapKey
			case mapNullKeyDrop:
				continue
			}
			key = e.cfg.nullKeyLit
		} else {
			key = keyText(*t.Elem, keys, j)
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(appendString(dst, key), ':')
		if dst, err = e.value(dst, vt, items, j); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// keyText renders a map key as Flink does (the key's string form).
func keyText(t types.DataType, a arrow.Array, j int) string {
	if s, ok := a.(*array.String); ok {
		return s.Value(j)
	}
	return types.Format(types.Value(a, j), t, nil, "null")
}

// appendFloat writes a float as Jackson does: Java's Double.toString, and
// the non-finite values as quoted strings.
func appendFloat(dst []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		dst = append(dst, '"')
		return append(append(dst, types.FormatJavaDouble(f, bits)...), '"')
	}
	return append(dst, types.FormatJavaDouble(f, bits)...)
}

const hexDigits = "0123456789ABCDEF"

// appendString writes a JSON string escaped as Jackson does: quote,
// backslash and control characters; other characters (non-ASCII, '/',
// '<') are written as they are.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			if c < utf8.RuneSelf {
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 { // invalid UTF-8: replace
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\ufffd"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
