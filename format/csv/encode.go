package csv

import (
	"encoding/base64"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Encoder writes rows as CSV records the way Flink's CSV format (Jackson's
// CSV writer) does: booleans as true/false, floats as Java prints them,
// timestamps in SQL form, BYTES as base64, ARRAY and ROW elements joined by
// array-element-delimiter, NULL as the null literal (or nothing).
type Encoder struct {
	schema *types.Schema
	cfg    config
	field  []byte
}

var _ format.Encoder = (*Encoder)(nil)

// NewEncoder builds an encoder for schema with the csv options opts
// (without the 'csv.' prefix).
func NewEncoder(schema *types.Schema, opts map[string]string) (format.Encoder, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	for _, f := range schema.Fields {
		if f.Type.Kind == types.KindMap || f.Type.Kind == types.KindMultiset {
			return nil, &ConfigError{"unsupported type: " + f.Type.String()}
		}
	}
	return &Encoder{schema: schema, cfg: cfg}, nil
}

// Encode appends row row of b as one record, without the line break.
func (e *Encoder) Encode(b *types.Batch, row int, dst []byte) ([]byte, error) {
	for i, col := range b.Cols {
		if i > 0 {
			dst = append(dst, e.cfg.delim)
		}
		if col.IsNull(row) {
			if e.cfg.nullLiteral != nil {
				dst = e.quoted(dst, []byte(*e.cfg.nullLiteral), false)
			}
			continue
		}
		e.field = e.text(e.field[:0], e.schema.Fields[i].Type, col, row)
		_, isString := col.(*array.String)
		dst = e.quoted(dst, e.field, isString)
	}
	return dst, nil
}

// text renders one non-null value without quoting.
func (e *Encoder) text(dst []byte, t types.DataType, a arrow.Array, i int) []byte {
	switch a := a.(type) {
	case *array.Boolean:
		return strconv.AppendBool(dst, a.Value(i))
	case *array.Int8:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.AppendInt(dst, a.Value(i), 10)
	case *array.MonthInterval:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Duration:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10)
	case *array.Float32:
		return append(dst, types.FormatJavaDouble(float64(a.Value(i)), 32)...)
	case *array.Float64:
		return append(dst, types.FormatJavaDouble(a.Value(i), 64)...)
	case *array.Decimal128:
		return format.AppendDecimal(dst, a.Value(i), t.Scale, !e.cfg.sciDecimals)
	case *array.String:
		return append(dst, a.Value(i)...)
	case *array.Binary:
		return base64.StdEncoding.AppendEncode(dst, a.Value(i))
	case *array.Date32:
		return format.AppendDate(dst, int32(a.Value(i)))
	case *array.Time32:
		return format.AppendTime(dst, int32(a.Value(i)))
	case *array.Timestamp:
		l := format.SQLTimestamp
		if t.Kind == types.KindTimestampLTZ {
			l = format.SQLTimestampLTZ
		}
		return format.AppendTimestamp(dst, int64(a.Value(i)), l)
	case *array.List:
		start, end := a.ValueOffsets(i)
		for j := start; j < end; j++ {
			if j > start {
				dst = append(dst, e.cfg.arrayDelim...)
			}
			dst = e.element(dst, *t.Elem, a.ListValues(), int(j))
		}
		return dst
	case *array.Struct:
		for f := 0; f < a.NumField(); f++ {
			if f > 0 {
				dst = append(dst, e.cfg.arrayDelim...)
			}
			dst = e.element(dst, t.Fields[f].Type, a.Field(f), i)
		}
		return dst
	}
	return dst
}

func (e *Encoder) element(dst []byte, t types.DataType, a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		if e.cfg.nullLiteral != nil {
			return append(dst, *e.cfg.nullLiteral...)
		}
		return dst
	}
	return e.text(dst, t, a, i)
}

// quoted appends s, quoting it when it holds the delimiter, the quote or
// escape character, a line break or surrounding spaces; an empty string is
// quoted so that it reads back apart from NULL.
func (e *Encoder) quoted(dst, s []byte, isString bool) []byte {
	c := &e.cfg
	need := isString && len(s) == 0
	for k, ch := range s {
		if ch == c.delim || int(ch) == c.quote || int(ch) == c.escape || ch == '\n' || ch == '\r' ||
			(ch == ' ' && (k == 0 || k == len(s)-1)) {
			need = true
			break
		}
	}
	if !need {
		return append(dst, s...)
	}
	if c.quote < 0 { // quoting disabled: escape what must be escaped, if we can
		for _, ch := range s {
			if c.escape >= 0 && (ch == c.delim || int(ch) == c.escape || ch == '\n') {
				dst = append(dst, byte(c.escape))
			}
			dst = append(dst, ch)
		}
		return dst
	}
	q := byte(c.quote)
	dst = append(dst, q)
	for _, ch := range s {
		switch {
		case int(ch) == c.quote && c.escape >= 0:
			dst = append(dst, byte(c.escape))
		case int(ch) == c.quote:
			dst = append(dst, q)
		case int(ch) == c.escape:
			dst = append(dst, byte(c.escape))
		}
		dst = append(dst, ch)
	}
	return append(dst, q)
}
