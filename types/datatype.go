package types

import (
	"fmt"
	"math"
	"strings"
)

// MaxLength is the length Flink gives STRING (VARCHAR) and BYTES (VARBINARY).
const MaxLength = math.MaxInt32

// Default parameters of parameterised types when none are written, as in Flink.
const (
	DefaultDecimalPrecision   = 10
	DefaultTimestampPrecision = 6
	DefaultTimePrecision      = 0
	MaxDecimalPrecision       = 38
)

// TimeAttr marks a TIMESTAMP column as an event-time or processing-time
// attribute; Flink prints these as *ROWTIME* and *PROCTIME*.
type TimeAttr uint8

// Time attribute markers.
const (
	TimeAttrNone TimeAttr = iota
	TimeAttrRowtime
	TimeAttrProctime
)

// DataType is a logical SQL type. The zero value is the NULL type. Types are
// small values: copy them freely, compare them with Equal.
type DataType struct {
	Kind     Kind
	NotNull  bool
	Length   int       // CHAR, VARCHAR, BINARY, VARBINARY
	Prec     int       // DECIMAL precision, TIME/TIMESTAMP fractional precision, interval second precision
	Scale    int       // DECIMAL scale
	TimeAttr TimeAttr  // TIMESTAMP / TIMESTAMP_LTZ only
	Elem     *DataType // ARRAY and MULTISET element, MAP key
	Value    *DataType // MAP value
	Fields   []Field   // ROW fields
}

// Field is a named, typed column of a row type or schema.
type Field struct {
	Name        string
	Type        DataType
	Description string
}

// Constructors for the common types. All are nullable; call NotNullable() to
// make one NOT NULL.
var (
	Null         = DataType{Kind: KindNull}
	Boolean      = DataType{Kind: KindBoolean}
	TinyInt      = DataType{Kind: KindTinyInt}
	SmallInt     = DataType{Kind: KindSmallInt}
	Int          = DataType{Kind: KindInt}
	BigInt       = DataType{Kind: KindBigInt}
	Float        = DataType{Kind: KindFloat}
	Double       = DataType{Kind: KindDouble}
	String       = DataType{Kind: KindVarChar, Length: MaxLength}
	Bytes        = DataType{Kind: KindVarBinary, Length: MaxLength}
	Date         = DataType{Kind: KindDate}
	IntervalYM   = DataType{Kind: KindIntervalYearMonth}
	IntervalDT   = DataType{Kind: KindIntervalDayTime, Prec: 3}
	TimestampMs  = DataType{Kind: KindTimestamp, Prec: 3}
	TimestampLTZ = DataType{Kind: KindTimestampLTZ, Prec: 3}
)

// Decimal returns DECIMAL(p, s).
func Decimal(p, s int) DataType { return DataType{Kind: KindDecimal, Prec: p, Scale: s} }

// Char returns CHAR(n).
func Char(n int) DataType { return DataType{Kind: KindChar, Length: n} }

// VarChar returns VARCHAR(n).
func VarChar(n int) DataType { return DataType{Kind: KindVarChar, Length: n} }

// Binary returns BINARY(n).
func Binary(n int) DataType { return DataType{Kind: KindBinary, Length: n} }

// VarBinary returns VARBINARY(n).
func VarBinary(n int) DataType { return DataType{Kind: KindVarBinary, Length: n} }

// Time returns TIME(p).
func Time(p int) DataType { return DataType{Kind: KindTime, Prec: p} }

// Timestamp returns TIMESTAMP(p).
func Timestamp(p int) DataType { return DataType{Kind: KindTimestamp, Prec: p} }

// TimestampLTZp returns TIMESTAMP_LTZ(p).
func TimestampLTZp(p int) DataType { return DataType{Kind: KindTimestampLTZ, Prec: p} }

// ArrayOf returns ARRAY<elem>.
func ArrayOf(elem DataType) DataType { return DataType{Kind: KindArray, Elem: &elem} }

// MultisetOf returns MULTISET<elem>.
func MultisetOf(elem DataType) DataType { return DataType{Kind: KindMultiset, Elem: &elem} }

// MapOf returns MAP<key, value>.
func MapOf(key, value DataType) DataType { return DataType{Kind: KindMap, Elem: &key, Value: &value} }

// RowOf returns ROW<fields...>.
func RowOf(fields ...Field) DataType { return DataType{Kind: KindRow, Fields: fields} }

// Nullable reports whether the type admits NULL.
func (t DataType) Nullable() bool { return !t.NotNull }

// NotNullable returns t marked NOT NULL.
func (t DataType) NotNullable() DataType { t.NotNull = true; return t }

// WithNullable returns t with nullability set to n.
func (t DataType) WithNullable(n bool) DataType { t.NotNull = !n; return t }

// WithoutTimeAttr returns t with any rowtime/proctime marker removed.
func (t DataType) WithoutTimeAttr() DataType { t.TimeAttr = TimeAttrNone; return t }

// Equal reports whether t and u are the same type, nullability included.
func (t DataType) Equal(u DataType) bool {
	return t.EqualIgnoringNull(u) && t.NotNull == u.NotNull
}

// EqualIgnoringNull reports whether t and u are the same type apart from
// top-level nullability and time attribute markers.
func (t DataType) EqualIgnoringNull(u DataType) bool {
	if t.Kind != u.Kind || t.Length != u.Length || t.Prec != u.Prec || t.Scale != u.Scale {
		return false
	}
	if (t.Elem == nil) != (u.Elem == nil) || (t.Value == nil) != (u.Value == nil) || len(t.Fields) != len(u.Fields) {
		return false
	}
	if t.Elem != nil && !t.Elem.Equal(*u.Elem) {
		return false
	}
	if t.Value != nil && !t.Value.Equal(*u.Value) {
		return false
	}
	for i := range t.Fields {
		if t.Fields[i].Name != u.Fields[i].Name || !t.Fields[i].Type.Equal(u.Fields[i].Type) {
			return false
		}
	}
	return true
}

// String prints the type as Flink does: INT NOT NULL, STRING,
// DECIMAL(10, 2), TIMESTAMP(3) *ROWTIME*, ARRAY<INT>, ROW<`a` INT>.
func (t DataType) String() string {
	var b strings.Builder
	t.write(&b)
	return b.String()
}

func (t DataType) write(b *strings.Builder) {
	switch t.Kind {
	case KindChar, KindBinary:
		fmt.Fprintf(b, "%s(%d)", t.Kind, t.Length)
	case KindVarChar:
		if t.Length == MaxLength {
			b.WriteString("STRING")
		} else {
			fmt.Fprintf(b, "VARCHAR(%d)", t.Length)
		}
	case KindVarBinary:
		if t.Length == MaxLength {
			b.WriteString("BYTES")
		} else {
			fmt.Fprintf(b, "VARBINARY(%d)", t.Length)
		}
	case KindDecimal:
		fmt.Fprintf(b, "DECIMAL(%d, %d)", t.Prec, t.Scale)
	case KindTime, KindTimestamp, KindTimestampLTZ:
		fmt.Fprintf(b, "%s(%d)", t.Kind, t.Prec)
	case KindIntervalYearMonth:
		b.WriteString("INTERVAL YEAR(2) TO MONTH")
	case KindIntervalDayTime:
		fmt.Fprintf(b, "INTERVAL DAY(2) TO SECOND(%d)", t.Prec)
	case KindArray, KindMultiset:
		b.WriteString(t.Kind.String())
		b.WriteByte('<')
		t.Elem.write(b)
		b.WriteByte('>')
	case KindMap:
		b.WriteString("MAP<")
		t.Elem.write(b)
		b.WriteString(", ")
		t.Value.write(b)
		b.WriteByte('>')
	case KindRow:
		b.WriteString("ROW<")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(QuoteIdent(f.Name))
			b.WriteByte(' ')
			f.Type.write(b)
		}
		b.WriteByte('>')
	default:
		b.WriteString(t.Kind.String())
	}
	if t.NotNull && t.Kind != KindNull {
		b.WriteString(" NOT NULL")
	}
	switch t.TimeAttr {
	case TimeAttrRowtime:
		b.WriteString(" *ROWTIME*")
	case TimeAttrProctime:
		b.WriteString(" *PROCTIME*")
	}
}

// QuoteIdent quotes an identifier with backticks, doubling any backtick inside.
func QuoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}
