package kernel

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Choose builds the column whose row i is row i of arrs[choice[i]]: the
// row-wise selection of a CASE whose branches are all computed over the
// whole batch. Every array has len(choice) rows and the same type. ok is
// false for types without a typed path here; the caller then gathers.
func Choose(choice []int32, arrs []arrow.Array) (out arrow.Array, ok bool) {
	if len(arrs) == 0 {
		return nil, false
	}
	switch arrs[0].(type) {
	case *array.Int8:
		return chooseFixed(arrs, choice, func(a arrow.Array) []int8 { return a.(*array.Int8).Values() })
	case *array.Int16:
		return chooseFixed(arrs, choice, func(a arrow.Array) []int16 { return a.(*array.Int16).Values() })
	case *array.Int32:
		return chooseFixed(arrs, choice, func(a arrow.Array) []int32 { return a.(*array.Int32).Values() })
	case *array.Int64:
		return chooseFixed(arrs, choice, func(a arrow.Array) []int64 { return a.(*array.Int64).Values() })
	case *array.Float32:
		return chooseFixed(arrs, choice, func(a arrow.Array) []float32 { return a.(*array.Float32).Values() })
	case *array.Float64:
		return chooseFixed(arrs, choice, func(a arrow.Array) []float64 { return a.(*array.Float64).Values() })
	case *array.Date32:
		return chooseFixed(arrs, choice, func(a arrow.Array) []arrow.Date32 { return a.(*array.Date32).Date32Values() })
	case *array.Time32:
		return chooseFixed(arrs, choice, func(a arrow.Array) []arrow.Time32 { return a.(*array.Time32).Time32Values() })
	case *array.Timestamp:
		return chooseFixed(arrs, choice, func(a arrow.Array) []arrow.Timestamp { return a.(*array.Timestamp).TimestampValues() })
	case *array.Duration:
		return chooseFixed(arrs, choice, func(a arrow.Array) []arrow.Duration { return a.(*array.Duration).DurationValues() })
	case *array.MonthInterval:
		return chooseFixed(arrs, choice, func(a arrow.Array) []arrow.MonthInterval {
			return a.(*array.MonthInterval).MonthIntervalValues()
		})
	case *array.Decimal128:
		return chooseFixed(arrs, choice, func(a arrow.Array) []decimal128.Num { return a.(*array.Decimal128).Values() })
	case *array.String:
		return chooseBinary(arrs, choice, func(a arrow.Array) ([]int32, []byte) {
			s := a.(*array.String)
			return s.ValueOffsets(), s.ValueBytes()
		})
	case *array.Binary:
		return chooseBinary(arrs, choice, func(a arrow.Array) ([]int32, []byte) {
			s := a.(*array.Binary)
			return s.ValueOffsets(), s.ValueBytes()
		})
	}
	return nil, false
}

// chooseValidity builds the validity of the chosen rows, or nil when none
// is NULL.
func chooseValidity(arrs []arrow.Array, choice []int32) (*memory.Buffer, int) {
	hasNull := false
	for _, a := range arrs {
		if a.NullN() > 0 {
			hasNull = true
		}
	}
	if !hasNull {
		return nil, 0
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(choice))))
	nulls := 0
	for i, k := range choice {
		if arrs[k].IsValid(i) {
			bitutil.SetBit(bits, i)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return memory.NewBufferBytes(bits), nulls
}

func chooseFixed[T decimal128.Num | int8 | int16 | int32 | int64 | float32 | float64 |
	arrow.Date32 | arrow.Time32 | arrow.Timestamp | arrow.MonthInterval | arrow.Duration](arrs []arrow.Array, choice []int32, values func(arrow.Array) []T) (arrow.Array, bool) {
	n := len(choice)
	for _, a := range arrs {
		if !arrow.TypeEqual(a.DataType(), arrs[0].DataType()) || a.Len() != n {
			return nil, false
		}
	}
	vals := make([][]T, len(arrs))
	for k, a := range arrs {
		vals[k] = values(a)
	}
	out := make([]T, n)
	for i, k := range choice {
		out[i] = vals[k][i]
	}
	valid, nulls := chooseValidity(arrs, choice)
	d := array.NewData(arrs[0].DataType(), n,
		[]*memory.Buffer{valid, memory.NewBufferBytes(arrow.GetBytes(out))}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d), true
}

func chooseBinary(arrs []arrow.Array, choice []int32, values func(arrow.Array) ([]int32, []byte)) (arrow.Array, bool) {
	n := len(choice)
	for _, a := range arrs {
		if !arrow.TypeEqual(a.DataType(), arrs[0].DataType()) || a.Len() != n {
			return nil, false
		}
	}
	offs := make([][]int32, len(arrs))
	data := make([][]byte, len(arrs))
	for k, a := range arrs {
		offs[k], data[k] = values(a)
	}
	size := 0
	for i, k := range choice {
		size += int(offs[k][i+1] - offs[k][i])
	}
	outOffs := make([]int32, n+1)
	outData := make([]byte, 0, size)
	for i, k := range choice {
		o, base := offs[k], offs[k][0]
		outData = append(outData, data[k][o[i]-base:o[i+1]-base]...)
		outOffs[i+1] = int32(len(outData))
	}
	valid, nulls := chooseValidity(arrs, choice)
	d := array.NewData(arrs[0].DataType(), n,
		[]*memory.Buffer{valid, memory.NewBufferBytes(arrow.GetBytes(outOffs)), memory.NewBufferBytes(outData)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d), true
}
