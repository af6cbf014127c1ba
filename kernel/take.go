package kernel

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// Take returns the rows of a at the positions idx, in that order (a
// position may repeat). Every index must be within [0, a.Len()).
func Take(a arrow.Array, idx []int32) arrow.Array {
	switch a := a.(type) {
	case *array.Int8:
		return takeFixed(a, a.Values(), idx)
	case *array.Int16:
		return takeFixed(a, a.Values(), idx)
	case *array.Int32:
		return takeFixed(a, a.Values(), idx)
	case *array.Int64:
		return takeFixed(a, a.Values(), idx)
	case *array.Float32:
		return takeFixed(a, a.Values(), idx)
	case *array.Float64:
		return takeFixed(a, a.Values(), idx)
	case *array.Date32:
		return takeFixed(a, a.Date32Values(), idx)
	case *array.Time32:
		return takeFixed(a, a.Time32Values(), idx)
	case *array.Timestamp:
		return takeFixed(a, a.TimestampValues(), idx)
	case *array.MonthInterval:
		return takeFixed(a, a.MonthIntervalValues(), idx)
	case *array.Duration:
		return takeFixed(a, a.DurationValues(), idx)
	case *array.Decimal128:
		return takeFixed(a, a.Values(), idx)
	case *array.Boolean:
		return takeBool(a, idx)
	case *array.String:
		return takeBinary(a, a.ValueOffsets(), a.ValueBytes(), idx)
	case *array.Binary:
		return takeBinary(a, a.ValueOffsets(), a.ValueBytes(), idx)
	case *array.Null:
		return array.NewNull(len(idx))
	case *array.Struct:
		return takeStruct(a, idx)
	}
	return takeGeneric(a, idx)
}

// TakeBatch returns the rows of b at positions idx, row kinds included.
func TakeBatch(b *types.Batch, idx []int32) *types.Batch {
	cols := make([]arrow.Array, len(b.Cols))
	for i, c := range b.Cols {
		cols[i] = Take(c, idx)
	}
	var kinds []types.RowKind
	if b.Kinds != nil {
		kinds = make([]types.RowKind, len(idx))
		for i, j := range idx {
			kinds[i] = b.Kinds[j]
		}
	}
	return types.NewBatch(b.Schema, cols, kinds, len(idx))
}

// takeValidity builds the validity bitmap of the taken rows, or nil when no
// row is NULL.
func takeValidity(a arrow.Array, idx []int32) (*memory.Buffer, int) {
	if a.NullN() == 0 {
		return nil, 0
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(idx))))
	nulls := 0
	// Read the input bitmap directly: IsValid per row is an interface
	// call.
	src, off := a.NullBitmapBytes(), a.Data().Offset()
	for i, j := range idx {
		if k := off + int(j); src == nil || src[k>>3]&(1<<(k&7)) != 0 {
			bits[i>>3] |= 1 << (i & 7)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return memory.NewBufferBytes(bits), nulls
}

func takeFixed[T decimal128.Num | int8 | int16 | int32 | int64 | float32 | float64 |
	arrow.Date32 | arrow.Time32 | arrow.Timestamp | arrow.MonthInterval | arrow.Duration](a arrow.Array, vals []T, idx []int32) arrow.Array {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = vals[j]
	}
	valid, nulls := takeValidity(a, idx)
	data := array.NewData(a.DataType(), len(idx),
		[]*memory.Buffer{valid, memory.NewBufferBytes(arrow.GetBytes(out))}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

func takeBool(a *array.Boolean, idx []int32) arrow.Array {
	bits := make([]byte, bitutil.BytesForBits(int64(len(idx))))
	for i, j := range idx {
		if a.Value(int(j)) {
			bitutil.SetBit(bits, i)
		}
	}
	valid, nulls := takeValidity(a, idx)
	data := array.NewData(a.DataType(), len(idx),
		[]*memory.Buffer{valid, memory.NewBufferBytes(bits)}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// takeBinary gathers variable-width values given the array's (sliced)
// offsets and the bytes those offsets index from offs[0].
func takeBinary(a arrow.Array, offs []int32, data []byte, idx []int32) arrow.Array {
	base := int32(0)
	if len(offs) > 0 {
		base = offs[0]
	}
	size := 0
	for _, j := range idx {
		size += int(offs[j+1] - offs[j])
	}
	outOffs := make([]int32, len(idx)+1)
	outData := make([]byte, 0, size)
	for i, j := range idx {
		outData = append(outData, data[offs[j]-base:offs[j+1]-base]...)
		outOffs[i+1] = int32(len(outData))
	}
	valid, nulls := takeValidity(a, idx)
	d := array.NewData(a.DataType(), len(idx),
		[]*memory.Buffer{valid, memory.NewBufferBytes(arrow.GetBytes(outOffs)), memory.NewBufferBytes(outData)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// takeGeneric handles nested types through Arrow's compute kernels.
func takeGeneric(a arrow.Array, idx []int32) arrow.Array {
	ia := array.NewInt32Data(array.NewData(arrow.PrimitiveTypes.Int32, len(idx),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.GetBytes(idx))}, nil, 0, 0))
	defer ia.Release()
	out, err := compute.TakeArray(context.Background(), a, ia)
	if err != nil {
		// Take is only called with in-range indexes on types the engine
		// produces, so a failure here is a programming error.
		panic(fmt.Sprintf("kernel: take on %s: %v", a.DataType(), err))
	}
	return out
}
