package ops

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/state"
	"github.com/spry-engine/spry/types"
)

// colCodec writes one value of an Arrow column into a disk entry and reads
// values back into a column, exactly (unlike kernel.AppendKey, which
// normalises floats for grouping). Fixed-width and string values are
// copied as bytes with typed loops; nested values (rare in accumulator
// state) go through state.EncodeValue.
type colCodec interface {
	// encode appends row i of a to buf.
	encode(buf []byte, a arrow.Array, i int) []byte
	// decode reads one value from buf into the column being built and
	// returns the rest of buf.
	decode(buf []byte) ([]byte, error)
	// finish returns the column built by decode and starts a new one.
	finish() arrow.Array
}

func newColCodec(t types.DataType) colCodec {
	switch types.ArrowType(t).(type) {
	case *arrow.Int8Type:
		return &fixedCodec[int8]{t: t}
	case *arrow.Int16Type:
		return &fixedCodec[int16]{t: t}
	case *arrow.Int32Type, *arrow.Date32Type, *arrow.Time32Type, *arrow.MonthIntervalType:
		return &fixedCodec[int32]{t: t}
	case *arrow.Int64Type, *arrow.TimestampType, *arrow.DurationType, *arrow.Time64Type:
		return &fixedCodec[int64]{t: t}
	case *arrow.Float32Type:
		return &fixedCodec[float32]{t: t}
	case *arrow.Float64Type:
		return &fixedCodec[float64]{t: t}
	case *arrow.Decimal128Type:
		return &fixedCodec[decimal128.Num]{t: t}
	case *arrow.StringType, *arrow.BinaryType:
		return &bytesCodec{t: t}
	}
	return &valueCodec{t: t}
}

var errShortEntry = fmt.Errorf("aggregation state on disk: entry truncated")

// fixedCodec stores a presence byte and the value's bytes (native byte
// order: stores are local to one machine and its checkpoints restore on
// the same architectures, all little-endian).
type fixedCodec[T arrow.FixedWidthType] struct {
	t     types.DataType
	vals  []T
	valid []bool
	nulls int
}

func (c *fixedCodec[T]) encode(buf []byte, a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		return append(buf, 0)
	}
	v := arrow.GetValues[T](a.Data(), 1)[i]
	return append(append(buf, 1), unsafe.Slice((*byte)(unsafe.Pointer(&v)), unsafe.Sizeof(v))...)
}

func (c *fixedCodec[T]) decode(buf []byte) ([]byte, error) {
	if len(buf) == 0 {
		return nil, errShortEntry
	}
	var v T
	if buf[0] == 0 {
		c.vals, c.valid = append(c.vals, v), append(c.valid, false)
		c.nulls++
		return buf[1:], nil
	}
	n := int(unsafe.Sizeof(v))
	if len(buf) < 1+n {
		return nil, errShortEntry
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), n), buf[1:1+n])
	c.vals, c.valid = append(c.vals, v), append(c.valid, true)
	return buf[1+n:], nil
}

func (c *fixedCodec[T]) finish() arrow.Array {
	n := len(c.vals)
	d := array.NewData(types.ArrowType(c.t), n,
		[]*memory.Buffer{diskValidity(c.valid, c.nulls), memory.NewBufferBytes(arrow.GetBytes(c.vals))}, nil, c.nulls, 0)
	defer d.Release()
	c.vals, c.valid, c.nulls = nil, c.valid[:0], 0
	return array.MakeFromData(d)
}

// diskValidity builds a validity bitmap, nil when nothing is NULL.
func diskValidity(valid []bool, nulls int) *memory.Buffer {
	if nulls == 0 {
		return nil
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(valid))))
	for i, ok := range valid {
		if ok {
			bitutil.SetBit(bits, i)
		}
	}
	return memory.NewBufferBytes(bits)
}

// bytesCodec stores STRING and BYTES values length-prefixed.
type bytesCodec struct {
	t       types.DataType
	offsets []int32
	data    []byte
	valid   []bool
	nulls   int
}

func (c *bytesCodec) encode(buf []byte, a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		return append(buf, 0)
	}
	var v []byte
	switch x := a.(type) {
	case *array.String:
		s := x.Value(i)
		buf = binary.AppendUvarint(append(buf, 1), uint64(len(s)))
		return append(buf, s...)
	case *array.Binary:
		v = x.Value(i)
	}
	buf = binary.AppendUvarint(append(buf, 1), uint64(len(v)))
	return append(buf, v...)
}

func (c *bytesCodec) decode(buf []byte) ([]byte, error) {
	if len(c.offsets) == 0 {
		c.offsets = append(c.offsets, 0)
	}
	if len(buf) == 0 {
		return nil, errShortEntry
	}
	if buf[0] == 0 {
		c.offsets, c.valid = append(c.offsets, int32(len(c.data))), append(c.valid, false)
		c.nulls++
		return buf[1:], nil
	}
	l, w := binary.Uvarint(buf[1:])
	if w <= 0 || l > uint64(len(buf)-1-w) {
		return nil, errShortEntry
	}
	start := 1 + w
	c.data = append(c.data, buf[start:start+int(l)]...)
	c.offsets, c.valid = append(c.offsets, int32(len(c.data))), append(c.valid, true)
	return buf[start+int(l):], nil
}

func (c *bytesCodec) finish() arrow.Array {
	if len(c.offsets) == 0 {
		c.offsets = append(c.offsets, 0)
	}
	n := len(c.offsets) - 1
	d := array.NewData(types.ArrowType(c.t), n, []*memory.Buffer{diskValidity(c.valid, c.nulls),
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.offsets)), memory.NewBufferBytes(c.data)}, nil, c.nulls, 0)
	defer d.Release()
	c.offsets, c.data, c.valid, c.nulls = nil, nil, c.valid[:0], 0
	return array.MakeFromData(d)
}

// valueCodec stores any other type through its Go value.
type valueCodec struct {
	t types.DataType
	b array.Builder
}

func (c *valueCodec) encode(buf []byte, a arrow.Array, i int) []byte {
	out, err := state.EncodeValue(buf, types.Value(a, i), c.t)
	if err != nil {
		return append(buf, 0) // types.Value yields only encodable values
	}
	return out
}

func (c *valueCodec) decode(buf []byte) ([]byte, error) {
	if c.b == nil {
		c.b = types.NewBuilder(c.t)
	}
	v, rest, err := state.DecodeValue(buf, c.t)
	if err != nil {
		return nil, err
	}
	types.Append(c.b, v)
	return rest, nil
}

func (c *valueCodec) finish() arrow.Array {
	if c.b == nil {
		c.b = types.NewBuilder(c.t)
	}
	return c.b.NewArray()
}
