package aggregate

import (
	"cmp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// codec moves values of one physical type between Arrow arrays and Go
// slices, so MIN/MAX/FIRST_VALUE/LAST_VALUE are written once, generically,
// and still run typed loops over whole columns.
type codec[T comparable] struct {
	// read returns the batch's values (NULL slots hold garbage), converted
	// into *scratch where the Arrow buffer cannot be used as is.
	read func(a arrow.Array, scratch *[]T) []T
	// build makes an array of type t; valid nil means no NULLs.
	build func(t types.DataType, vals []T, valid []bool) arrow.Array
	// add appends one value to a builder of the type (map keys, lists).
	add  func(b array.Builder, v T)
	less func(a, b T) bool
	// keep makes a value safe to store beyond the batch (strings read
	// from Arrow buffers are views).
	keep func(v T) T
}

func same[T any](v T) T { return v }

func fixedCodec[T int8 | int16 | int32 | int64 | float32 | float64]() *codec[T] {
	return &codec[T]{
		read:  func(a arrow.Array, _ *[]T) []T { return fixedValues[T](a) },
		build: buildFixed[T],
		add:   addFixed[T],
		less:  cmp.Less[T],
		keep:  same[T],
	}
}

// addFixed appends v to a primitive, temporal or interval builder.
func addFixed[T int8 | int16 | int32 | int64 | float32 | float64](b array.Builder, v T) {
	switch b := b.(type) {
	case *array.Int8Builder:
		b.Append(int8(v))
	case *array.Int16Builder:
		b.Append(int16(v))
	case *array.Int32Builder:
		b.Append(int32(v))
	case *array.Int64Builder:
		b.Append(int64(v))
	case *array.Float32Builder:
		b.Append(float32(v))
	case *array.Float64Builder:
		b.Append(float64(v))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v))
	case *array.Time32Builder:
		b.Append(arrow.Time32(v))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v))
	case *array.MonthIntervalBuilder:
		b.Append(arrow.MonthInterval(v))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(v))
	}
}

var decimalCodec = &codec[decimal128.Num]{
	read:  func(a arrow.Array, _ *[]decimal128.Num) []decimal128.Num { return decimalValues(a) },
	build: buildFixed[decimal128.Num],
	add:   func(b array.Builder, v decimal128.Num) { b.(*array.Decimal128Builder).Append(v) },
	less:  func(a, b decimal128.Num) bool { return a.Less(b) },
	keep:  same[decimal128.Num],
}

var stringCodec = &codec[string]{
	read: func(a arrow.Array, scratch *[]string) []string {
		out := resize(scratch, a.Len())
		switch a := a.(type) {
		case *array.String:
			for i := range out {
				out[i] = a.Value(i)
			}
		case *array.Binary:
			for i := range out {
				out[i] = unsafeString(a.Value(i))
			}
		}
		return out
	},
	build: func(t types.DataType, vals []string, valid []bool) arrow.Array {
		b := types.NewBuilder(t)
		defer b.Release()
		b.Reserve(len(vals))
		for i, v := range vals {
			if valid != nil && !valid[i] {
				b.AppendNull()
				continue
			}
			addString(b, v)
		}
		return b.NewArray()
	},
	add:  addString,
	less: func(a, b string) bool { return a < b },
	keep: strings.Clone,
}

func addString(b array.Builder, v string) {
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(v)
	case *array.BinaryBuilder:
		b.Append([]byte(v))
	}
}

var boolCodec = &codec[bool]{
	read: func(a arrow.Array, scratch *[]bool) []bool {
		out := resize(scratch, a.Len())
		ba := a.(*array.Boolean)
		for i := range out {
			out[i] = ba.Value(i)
		}
		return out
	},
	build: func(t types.DataType, vals []bool, valid []bool) arrow.Array {
		b := array.NewBooleanBuilder(memory.DefaultAllocator)
		defer b.Release()
		b.AppendValues(vals, valid)
		return b.NewArray()
	},
	add:  func(b array.Builder, v bool) { b.(*array.BooleanBuilder).Append(v) },
	less: func(a, b bool) bool { return !a && b },
	keep: same[bool],
}

// flatKind reports whether MIN/MAX/FIRST_VALUE/LAST_VALUE accept t.
func flatKind(t types.DataType) bool {
	return t.Kind != types.KindNull && !t.Kind.IsNested()
}
