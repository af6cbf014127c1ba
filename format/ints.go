package format

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/types"
)

// IntBits returns the width in bits that a text format parses a value of
// integer-backed kind k with (TINYINT 8, SMALLINT 16, INT and INTERVAL
// YEAR TO MONTH 32, BIGINT and INTERVAL DAY TO SECOND 64), so an
// out-of-range number is a parse error as in Flink rather than a silent
// wrap on append.
func IntBits(k types.Kind) int {
	switch k {
	case types.KindTinyInt:
		return 8
	case types.KindSmallInt:
		return 16
	case types.KindInt, types.KindIntervalYearMonth:
		return 32
	}
	return 64
}

// IntAppender returns the function appending an int64 (already checked
// against IntBits) to b, one of the integer-backed builders of
// types.ArrowType. Decoders choose it once per column so appending a value
// costs no type switch. It fails for any other builder.
func IntAppender(b array.Builder) (func(int64), error) {
	switch b := b.(type) {
	case *array.Int8Builder:
		return func(v int64) { b.Append(int8(v)) }, nil
	case *array.Int16Builder:
		return func(v int64) { b.Append(int16(v)) }, nil
	case *array.Int32Builder:
		return func(v int64) { b.Append(int32(v)) }, nil
	case *array.Int64Builder:
		return b.Append, nil
	case *array.MonthIntervalBuilder:
		return func(v int64) { b.Append(arrow.MonthInterval(v)) }, nil
	case *array.DurationBuilder:
		return func(v int64) { b.Append(arrow.Duration(v)) }, nil
	}
	return nil, fmt.Errorf("format: no integer appender for Arrow type %s", b.Type())
}
