package aggregate

import (
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// fixedValues reinterprets the value buffer of a fixed-width array as []T
// without copying (date, time, timestamp and interval arrays read as their
// int32/int64 storage).
func fixedValues[T arrow.FixedWidthType](a arrow.Array) []T {
	if a.Len() == 0 {
		return nil
	}
	return arrow.GetValues[T](a.Data(), 1)
}

// validityBuffer packs valid into an Arrow validity bitmap; it returns nil
// and 0 nulls when every value is valid (or valid is nil).
func validityBuffer(valid []bool) (*memory.Buffer, int) {
	if valid == nil {
		return nil, 0
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(valid))))
	nulls := 0
	for i, v := range valid {
		if v {
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

// buildFixed wraps vals (which the array takes ownership of) as an array of
// logical type t; valid[i] false marks NULL, a nil valid means no NULLs.
func buildFixed[T arrow.FixedWidthType](t types.DataType, vals []T, valid []bool) arrow.Array {
	vbuf, nulls := validityBuffer(valid)
	data := array.NewData(types.ArrowType(t), len(vals),
		[]*memory.Buffer{vbuf, memory.NewBufferBytes(arrow.GetBytes(vals))}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// convert copies a numeric slice into another numeric type (Java's
// narrowing casts: integers wrap, floats truncate toward zero).
func convert[O, I int8 | int16 | int32 | int64 | float32 | float64](in []I) []O {
	out := make([]O, len(in))
	for i, v := range in {
		out[i] = O(v)
	}
	return out
}

// toInt64 returns an integer array's values widened to int64 into
// *scratch (grown as needed); an int64 array is returned without copying.
func toInt64(a arrow.Array, scratch *[]int64) []int64 {
	switch a := a.(type) {
	case *array.Int64:
		return a.Int64Values()
	case *array.Int8:
		return widen(a.Int8Values(), scratch)
	case *array.Int16:
		return widen(a.Int16Values(), scratch)
	case *array.Int32:
		return widen(a.Int32Values(), scratch)
	}
	return nil
}

// toFloat64 returns a numeric array's values as float64 (decimals through
// their scale), converted into *scratch unless the array is DOUBLE.
func toFloat64(a arrow.Array, scratch *[]float64) []float64 {
	switch a := a.(type) {
	case *array.Float64:
		return a.Float64Values()
	case *array.Float32:
		return widen(a.Float32Values(), scratch)
	case *array.Int8:
		return widen(a.Int8Values(), scratch)
	case *array.Int16:
		return widen(a.Int16Values(), scratch)
	case *array.Int32:
		return widen(a.Int32Values(), scratch)
	case *array.Int64:
		return widen(a.Int64Values(), scratch)
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		out := resize(scratch, a.Len())
		for i, v := range a.Values() {
			out[i] = v.ToFloat64(scale)
		}
		return out
	}
	return nil
}

// toFloat32 returns a FLOAT array's values.
func toFloat32(a arrow.Array, _ *[]float32) []float32 {
	if f, ok := a.(*array.Float32); ok {
		return f.Float32Values()
	}
	return nil
}

func widen[O, I int8 | int16 | int32 | int64 | float32 | float64](in []I, scratch *[]O) []O {
	out := resize(scratch, len(in))
	for i, v := range in {
		out[i] = O(v)
	}
	return out
}

// resize sets *s to length n, reallocating only when it is too small, and
// returns it. Scratch buffers are passed by pointer so a zero-copy view of
// an Arrow buffer can never end up as a scratch buffer and be overwritten.
func resize[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	return *s
}

// grow extends s with zero values to at least n elements.
func grow[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		return s[:n]
	}
	c := 2 * cap(s)
	if c < n {
		c = n
	}
	out := make([]T, n, c)
	copy(out, s)
	return out
}

// groupsLen returns one more than the largest group index in groups (NoGroup
// aside), the size per-group slices must have.
func groupsLen(groups []uint32) int {
	m := -1
	for _, g := range groups {
		if g != expr.NoGroup && int(g) > m {
			m = int(g)
		}
	}
	return m + 1
}

// isRetract reports whether row i withdraws its values.
func isRetract(retract []bool, i int) bool { return retract != nil && retract[i] }

// unsafeString views b as a string without copying; callers clone before
// keeping it.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// decimalAt reads a decimal array's values.
func decimalValues(a arrow.Array) []decimal128.Num {
	return a.(*array.Decimal128).Values()
}
