package types

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// ArrowType returns the fixed Arrow representation of a logical type:
//
//	BOOLEAN                 bool
//	TINYINT..BIGINT         int8, int16, int32, int64
//	FLOAT, DOUBLE           float32, float64
//	DECIMAL(p, s)           decimal128(p, s)
//	CHAR, VARCHAR           utf8
//	BINARY, VARBINARY       binary
//	DATE                    date32 (days since 1970-01-01)
//	TIME(p)                 time32[ms] (milliseconds of the day, as Flink)
//	TIMESTAMP(p)            timestamp[us] (wall-clock microseconds, no zone)
//	TIMESTAMP_LTZ(p)        timestamp[us, UTC] (an instant)
//	INTERVAL YEAR TO MONTH  month_interval (int32 months)
//	INTERVAL DAY TO SECOND  duration[ms] (int64 milliseconds, as Flink)
//	ARRAY<T>                list<T>
//	MULTISET<T>             map<T, int32> (element → count)
//	MAP<K, V>               map<K, V>
//	ROW<...>                struct<...>
//	NULL                    null
//
// Timestamps keep microseconds: TIMESTAMP(7..9) values are truncated to
// microseconds.
func ArrowType(t DataType) arrow.DataType {
	switch t.Kind {
	case KindNull:
		return arrow.Null
	case KindBoolean:
		return arrow.FixedWidthTypes.Boolean
	case KindTinyInt:
		return arrow.PrimitiveTypes.Int8
	case KindSmallInt:
		return arrow.PrimitiveTypes.Int16
	case KindInt:
		return arrow.PrimitiveTypes.Int32
	case KindBigInt:
		return arrow.PrimitiveTypes.Int64
	case KindFloat:
		return arrow.PrimitiveTypes.Float32
	case KindDouble:
		return arrow.PrimitiveTypes.Float64
	case KindDecimal:
		return &arrow.Decimal128Type{Precision: int32(t.Prec), Scale: int32(t.Scale)}
	case KindChar, KindVarChar:
		return arrow.BinaryTypes.String
	case KindBinary, KindVarBinary:
		return arrow.BinaryTypes.Binary
	case KindDate:
		return arrow.FixedWidthTypes.Date32
	case KindTime:
		return arrow.FixedWidthTypes.Time32ms
	case KindTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case KindTimestampLTZ:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case KindIntervalYearMonth:
		return arrow.FixedWidthTypes.MonthInterval
	case KindIntervalDayTime:
		return arrow.FixedWidthTypes.Duration_ms
	case KindArray:
		return arrow.ListOf(ArrowType(*t.Elem))
	case KindMultiset:
		return arrow.MapOf(ArrowType(*t.Elem), arrow.PrimitiveTypes.Int32)
	case KindMap:
		return arrow.MapOf(ArrowType(*t.Elem), ArrowType(*t.Value))
	case KindRow:
		fs := make([]arrow.Field, len(t.Fields))
		for i, f := range t.Fields {
			fs[i] = arrow.Field{Name: f.Name, Type: ArrowType(f.Type), Nullable: f.Type.Nullable()}
		}
		return arrow.StructOf(fs...)
	}
	panic(fmt.Sprintf("types: no arrow type for %s", t))
}

// ArrowSchema converts a schema to an Arrow schema. The logical type of
// each column is kept in field metadata under "spry.type" so that a batch
// sent over Arrow IPC (to the Python gateway or workers) keeps CHAR
// lengths, time attributes and NOT NULL.
func ArrowSchema(s *Schema) *arrow.Schema {
	fs := make([]arrow.Field, len(s.Fields))
	for i, f := range s.Fields {
		fs[i] = arrow.Field{
			Name:     f.Name,
			Type:     ArrowType(f.Type),
			Nullable: f.Type.Nullable(),
			Metadata: arrow.NewMetadata([]string{"spry.type"}, []string{f.Type.String()}),
		}
	}
	return arrow.NewSchema(fs, nil)
}

// FromArrow returns the logical type that best represents an Arrow type; it
// is used for data arriving from outside (pandas, Parquet) without Spry
// metadata.
func FromArrow(at arrow.DataType) (DataType, error) {
	switch a := at.(type) {
	case *arrow.NullType:
		return Null, nil
	case *arrow.BooleanType:
		return Boolean, nil
	case *arrow.Int8Type:
		return TinyInt, nil
	case *arrow.Int16Type:
		return SmallInt, nil
	case *arrow.Int32Type:
		return Int, nil
	case *arrow.Int64Type:
		return BigInt, nil
	case *arrow.Float32Type:
		return Float, nil
	case *arrow.Float64Type:
		return Double, nil
	case *arrow.Decimal128Type:
		return Decimal(int(a.Precision), int(a.Scale)), nil
	case *arrow.StringType, *arrow.LargeStringType:
		return String, nil
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return Bytes, nil
	case *arrow.Date32Type, *arrow.Date64Type:
		return Date, nil
	case *arrow.Time32Type, *arrow.Time64Type:
		return Time(0), nil
	case *arrow.TimestampType:
		p := map[arrow.TimeUnit]int{arrow.Second: 0, arrow.Millisecond: 3, arrow.Microsecond: 6, arrow.Nanosecond: 9}[a.Unit]
		if a.TimeZone != "" {
			return TimestampLTZp(p), nil
		}
		return Timestamp(p), nil
	case *arrow.MonthIntervalType:
		return IntervalYM, nil
	case *arrow.DurationType:
		return IntervalDT, nil
	case *arrow.ListType:
		e, err := FromArrow(a.Elem())
		return ArrayOf(e), err
	case *arrow.MapType:
		k, err := FromArrow(a.KeyType())
		if err != nil {
			return Null, err
		}
		v, err := FromArrow(a.ItemType())
		return MapOf(k, v), err
	case *arrow.StructType:
		fs := make([]Field, a.NumFields())
		for i, f := range a.Fields() {
			ft, err := FromArrow(f.Type)
			if err != nil {
				return Null, err
			}
			fs[i] = Field{Name: f.Name, Type: ft.WithNullable(f.Nullable)}
		}
		return RowOf(fs...), nil
	}
	return Null, fmt.Errorf("arrow type %s has no Spry equivalent", at)
}
