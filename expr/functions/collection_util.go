package functions

import (
	"context"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Helpers of the collection functions: gathering child elements into new
// ARRAY and MAP columns, and comparing elements by value.

// takeOf gathers src[idx[k]] for each k; a negative index gives NULL.
func takeOf(src arrow.Array, idx []int64) (arrow.Array, error) {
	valid := make([]byte, bitutil.BytesForBits(int64(len(idx))))
	hasNull := false
	for k, j := range idx {
		if j >= 0 {
			bitutil.SetBit(valid, k)
		} else {
			idx[k], hasNull = 0, true
		}
	}
	if !hasNull {
		valid = nil
	}
	ia := fixedCol(arrow.PrimitiveTypes.Int64, idx, valid)
	defer ia.Release()
	if len(idx) == 0 || src.Len() == 0 {
		return array.MakeArrayOfNull(memory.DefaultAllocator, src.DataType(), len(idx)), nil
	}
	return compute.TakeArray(context.Background(), src, ia)
}

// listOut accumulates a list (or map) column as offsets into a gathered
// child plus the child indices to gather.
type listOut struct {
	valid []byte
	offs  []int32
	idx   []int64
	n     int
}

func newListOut(rows int) *listOut {
	return &listOut{valid: make([]byte, bitutil.BytesForBits(int64(rows))), offs: append(make([]int32, 0, rows+1), 0)}
}

// null ends a NULL row; commit ends a row holding the indices added since.
func (l *listOut) null() { l.offs = append(l.offs, int32(len(l.idx))); l.n++ }
func (l *listOut) commit() {
	bitutil.SetBit(l.valid, l.n)
	l.offs = append(l.offs, int32(len(l.idx)))
	l.n++
}

// finish gathers the child from src and returns a column of type t (an
// ARRAY or MAP logical type).
func (l *listOut) finish(t types.DataType, src arrow.Array) (arrow.Array, error) {
	child, err := takeOf(src, l.idx)
	if err != nil {
		return nil, err
	}
	defer child.Release()
	return nestedCol(t, l.n, l.valid, l.offs, child.Data()), nil
}

// nestedCol wraps offsets and a child as an ARRAY or MAP column of type t.
func nestedCol(t types.DataType, rows int, valid []byte, offs []int32, child arrow.ArrayData) arrow.Array {
	at := types.ArrowType(t)
	if mt, ok := at.(*arrow.MapType); ok && !arrow.TypeEqual(child.DataType(), mt.ValueType()) {
		cd := child.Children()
		child = array.NewData(mt.ValueType(), child.Len(), child.Buffers(), cd, child.NullN(), child.Offset())
		defer child.Release()
	}
	vb, nulls := validBuf(valid)
	d := array.NewData(at, rows, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.GetBytes(offs))},
		[]arrow.ArrayData{child}, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// listParts returns the child values and row offsets of an ARRAY or MAP column.
func listParts(a arrow.Array) (child arrow.Array, offsets func(i int) (int64, int64)) {
	switch a := a.(type) {
	case *array.Map:
		return a.List.ListValues(), a.ValueOffsets
	case *array.List:
		return a.ListValues(), a.ValueOffsets
	}
	return nil, func(int) (int64, int64) { return 0, 0 }
}

// keyer returns a function appending a canonical key of row i of a: two
// rows have equal keys exactly when their values are equal (NULLs equal
// each other), so keys serve both equality tests and hash sets.
func keyer(a arrow.Array) func(dst []byte, i int) []byte {
	var val func(dst []byte, i int) []byte
	switch a := a.(type) {
	case *array.String:
		val = func(dst []byte, i int) []byte { return append(dst, a.Value(i)...) }
	case *array.Binary:
		val = func(dst []byte, i int) []byte { return append(dst, a.Value(i)...) }
	case *array.Boolean:
		val = func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }
	case *array.Float32:
		val = func(dst []byte, i int) []byte { return strconv.AppendFloat(dst, float64(a.Value(i)), 'g', -1, 32) }
	case *array.Float64:
		val = func(dst []byte, i int) []byte { return strconv.AppendFloat(dst, a.Value(i), 'g', -1, 64) }
	case *array.Decimal128:
		val = func(dst []byte, i int) []byte {
			v := a.Value(i)
			return strconv.AppendInt(strconv.AppendUint(dst, v.LowBits(), 16), v.HighBits(), 16)
		}
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64:
		n := intAt(a)
		val = func(dst []byte, i int) []byte { return strconv.AppendInt(dst, n(i), 10) }
	case *array.Date32:
		val = func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(a.Value(i)), 10) }
	case *array.Time32:
		val = func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(a.Value(i)), 10) }
	case *array.Timestamp:
		val = func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(a.Value(i)), 10) }
	default: // nested and rare types: their printed Go value
		val = func(dst []byte, i int) []byte { return fmt.Appendf(dst, "%#v", types.Value(a, i)) }
	}
	return func(dst []byte, i int) []byte {
		if isNullAt(a, i) {
			return append(dst, 0)
		}
		return val(append(dst, 1), i)
	}
}

// lessAt returns a strict ordering of two rows of a (neither NULL), or nil
// when the type has no order.
func lessAt(a arrow.Array) func(i, j int) bool {
	switch a := a.(type) {
	case *array.String:
		return func(i, j int) bool { return a.Value(i) < a.Value(j) }
	case *array.Binary:
		return func(i, j int) bool { return string(a.Value(i)) < string(a.Value(j)) }
	case *array.Boolean:
		return func(i, j int) bool { return !a.Value(i) && a.Value(j) }
	case *array.Float32:
		return func(i, j int) bool { return a.Value(i) < a.Value(j) }
	case *array.Float64:
		return func(i, j int) bool { return a.Value(i) < a.Value(j) }
	case *array.Decimal128:
		return func(i, j int) bool { return a.Value(i).Less(a.Value(j)) }
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64:
		n := intAt(a)
		return func(i, j int) bool { return n(i) < n(j) }
	case *array.Date32:
		return func(i, j int) bool { return a.Value(i) < a.Value(j) }
	case *array.Time32:
		return func(i, j int) bool { return a.Value(i) < a.Value(j) }
	case *array.Timestamp:
		return func(i, j int) bool { return a.Value(i) < a.Value(j) }
	}
	return nil
}

// commonArgs finds the common type of args[from:] (every step-th one) and
// returns it with the per-argument target types for castArgs.
func commonArgs(args []expr.Arg, from, step int) (types.DataType, []types.DataType, bool) {
	var ts []types.DataType
	for j := from; j < len(args); j += step {
		ts = append(ts, args[j].Type)
	}
	ct, ok := CommonType(ts...)
	if !ok {
		return types.Null, nil, false
	}
	to := make([]types.DataType, len(args))
	for j := range args {
		to[j] = args[j].Type
		if j >= from && (j-from)%step == 0 {
			to[j] = ct
		}
	}
	return ct, to, true
}

func argTypes(args []expr.Arg) []types.DataType {
	ts := make([]types.DataType, len(args))
	for j, a := range args {
		ts[j] = a.Type
	}
	return ts
}
