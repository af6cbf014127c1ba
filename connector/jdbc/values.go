package jdbc

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Values cross database/sql as `any` (the package's own interface), so a
// parameter or a scanned value is boxed once per cell; the columns on the
// Spry side are still built whole, with typed appends.

// argOf returns row i of column c as a driver parameter.
func (d *dialect) argOf(c arrow.Array, t types.DataType, i int) (any, error) {
	if c.IsNull(i) {
		return nil, nil
	}
	switch a := c.(type) {
	case *array.Boolean:
		return a.Value(i), nil
	case *array.Int8:
		return int64(a.Value(i)), nil
	case *array.Int16:
		return int64(a.Value(i)), nil
	case *array.Int32:
		return int64(a.Value(i)), nil
	case *array.Int64:
		return a.Value(i), nil
	case *array.Float32:
		return float64(a.Value(i)), nil
	case *array.Float64:
		return a.Value(i), nil
	case *array.Decimal128:
		return types.FormatDecimal(a.Value(i), t.Scale), nil
	case *array.String:
		return a.Value(i), nil
	case *array.Binary:
		return a.Value(i), nil
	case *array.Date32:
		days := int32(a.Value(i))
		if d.driver == "sqlite" {
			return types.FormatDate(days), nil
		}
		return time.Unix(int64(days)*86400, 0).UTC(), nil
	case *array.Time32:
		return types.FormatTime(int32(a.Value(i)), 3), nil
	case *array.Timestamp:
		us := int64(a.Value(i))
		if d.driver == "sqlite" {
			// SQLite keeps times as text; its canonical layout sorts
			// and compares correctly.
			return string(appendTimestamp(nil, us)), nil
		}
		return time.UnixMicro(us).UTC(), nil
	}
	return nil, fmt.Errorf("type %s cannot be written to a JDBC table", t)
}

// appendTimestamp writes yyyy-MM-dd HH:mm:ss[.ffffff].
func appendTimestamp(dst []byte, us int64) []byte {
	t := time.UnixMicro(us).UTC()
	if t.Nanosecond() == 0 {
		return t.AppendFormat(dst, "2006-01-02 15:04:05")
	}
	return t.AppendFormat(dst, "2006-01-02 15:04:05.999999")
}

// checkWritable rejects column types the sink cannot write, at open
// rather than at the first row.
func checkWritable(s *types.Schema) error {
	for _, f := range s.Fields {
		switch f.Type.Kind {
		case types.KindArray, types.KindMap, types.KindMultiset, types.KindRow, types.KindIntervalDayTime,
			types.KindIntervalYearMonth, types.KindNull:
			return fmt.Errorf("column %s: type %s is not supported by the JDBC connector", f.Name, f.Type)
		}
	}
	return nil
}

// appendCell appends a scanned value to builder b of Spry type t, converting
// from whatever Go type the driver returned.
func appendCell(b array.Builder, t types.DataType, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	if bs, ok := v.([]byte); ok && t.Kind != types.KindBinary && t.Kind != types.KindVarBinary {
		v = string(bs)
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		switch x := v.(type) {
		case bool:
			bb.Append(x)
		case int64:
			bb.Append(x != 0)
		case string:
			x = strings.TrimSpace(strings.ToLower(x))
			bb.Append(x == "1" || x == "t" || x == "true")
		default:
			return badCell(t, v)
		}
	case *array.Int8Builder:
		n, err := toInt(v, t, math.MinInt8, math.MaxInt8)
		bb.Append(int8(n))
		return err
	case *array.Int16Builder:
		n, err := toInt(v, t, math.MinInt16, math.MaxInt16)
		bb.Append(int16(n))
		return err
	case *array.Int32Builder:
		n, err := toInt(v, t, math.MinInt32, math.MaxInt32)
		bb.Append(int32(n))
		return err
	case *array.Int64Builder:
		n, err := toInt(v, t, math.MinInt64, math.MaxInt64)
		bb.Append(n)
		return err
	case *array.Float32Builder:
		f, err := toFloat(v, t)
		bb.Append(float32(f))
		return err
	case *array.Float64Builder:
		f, err := toFloat(v, t)
		bb.Append(f)
		return err
	case *array.Decimal128Builder:
		return appendDecimal(bb, t, v)
	case *array.StringBuilder:
		switch x := v.(type) {
		case string:
			bb.Append(x)
		case time.Time:
			bb.Append(string(appendTimestamp(nil, x.UnixMicro())))
		default:
			bb.Append(fmt.Sprint(x))
		}
	case *array.BinaryBuilder:
		switch x := v.(type) {
		case []byte:
			bb.Append(x)
		case string:
			bb.AppendString(x)
		default:
			return badCell(t, v)
		}
	case *array.Date32Builder:
		switch x := v.(type) {
		case time.Time:
			y, m, d := x.Date()
			bb.Append(arrow.Date32(format.DaysFromCivil(int64(y), int64(m), int64(d))))
		case string:
			days, err := format.ParseDate([]byte(strings.TrimSpace(x[:min(len(x), 10)])), true)
			if err != nil {
				return err
			}
			bb.Append(arrow.Date32(days))
		default:
			return badCell(t, v)
		}
	case *array.Time32Builder:
		switch x := v.(type) {
		case time.Time:
			h, m, s := x.Clock()
			bb.Append(arrow.Time32(((h*60+m)*60+s)*1000 + x.Nanosecond()/1e6))
		case string:
			ms, err := format.ParseTime([]byte(strings.TrimSpace(x)), true)
			if err != nil {
				return err
			}
			bb.Append(arrow.Time32(ms))
		default:
			return badCell(t, v)
		}
	case *array.TimestampBuilder:
		switch x := v.(type) {
		case time.Time:
			if t.Kind == types.KindTimestamp {
				// A zone-less TIMESTAMP keeps its wall clock.
				x = time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
			}
			bb.Append(arrow.Timestamp(x.UnixMicro()))
		case string:
			us, err := parseTimestampText(x)
			if err != nil {
				return err
			}
			bb.Append(arrow.Timestamp(us))
		case int64:
			bb.Append(arrow.Timestamp(x * 1000)) // epoch milliseconds
		default:
			return badCell(t, v)
		}
	default:
		return fmt.Errorf("type %s cannot be read from a JDBC table", t)
	}
	return nil
}

// parseTimestampText reads the text forms databases print timestamps in:
// "2024-01-02 03:04:05[.ffffff]", with 'T' and an optional zone suffix.
func parseTimestampText(s string) (int64, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMicro(), nil
		}
	}
	return format.ParseTimestamp([]byte(s), format.SQLTimestamp)
}

func appendDecimal(b *array.Decimal128Builder, t types.DataType, v any) error {
	var n decimal128.Num
	var ok bool
	var err error
	switch x := v.(type) {
	case string:
		n, ok, err = format.ParseDecimal([]byte(strings.TrimSpace(x)), t.Prec, t.Scale)
	case int64:
		n, ok, err = format.ParseDecimal(strconv.AppendInt(nil, x, 10), t.Prec, t.Scale)
	case float64:
		n, ok, err = format.ParseDecimal(strconv.AppendFloat(nil, x, 'g', -1, 64), t.Prec, t.Scale)
	default:
		return badCell(t, v)
	}
	if err != nil {
		return err
	}
	if !ok { // out of precision: NULL, as Flink's DecimalData
		b.AppendNull()
		return nil
	}
	b.Append(n)
	return nil
}

func toInt(v any, t types.DataType, lo, hi int64) (int64, error) {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case float64:
		n = int64(x)
	case bool:
		if x {
			n = 1
		}
	case string:
		var err error
		if n, err = strconv.ParseInt(strings.TrimSpace(x), 10, 64); err != nil {
			return 0, badCell(t, v)
		}
	default:
		return 0, badCell(t, v)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("value %d is out of range of %s", n, t)
	}
	return n, nil
}

func toFloat(v any, t types.DataType) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, badCell(t, v)
		}
		return f, nil
	}
	return 0, badCell(t, v)
}

func badCell(t types.DataType, v any) error {
	return fmt.Errorf("cannot read a %T value (%v) as %s", v, v, t)
}
