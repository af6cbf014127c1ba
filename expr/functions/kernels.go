package functions

import (
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Shared kernel helpers. They let a function be written as a typed loop over
// Go slices that alias the Arrow buffers: an array is type-asserted once per
// call, values are never boxed, and validity is combined bitmap-wide.

// fixed is the set of Go types stored as a plain value buffer in Arrow:
// integers (also DATE, TIME, TIMESTAMP and intervals, whose Arrow values
// are int32/int64 underneath), floats and DECIMAL.
type fixed interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64 | decimal128.Num
}

// number is the set of Go types SQL arithmetic runs on directly.
type number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64
}

// fixedValues returns the values of a fixed-width array as a []T aliasing
// its buffer (offset applied). Values of NULL rows are undefined.
func fixedValues[T fixed](a arrow.Array) []T {
	d := a.Data()
	bufs := d.Buffers()
	if len(bufs) < 2 || bufs[1] == nil || bufs[1].Len() == 0 {
		return make([]T, d.Len())
	}
	b := bufs[1].Bytes()
	var z T
	size := int(unsafe.Sizeof(z))
	if len(b) < (d.Offset()+d.Len())*size {
		// All-NULL arrays may share a short zero buffer; values are unused.
		return make([]T, d.Len())
	}
	all := unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/size)
	return all[d.Offset() : d.Offset()+d.Len()]
}

// newFixedArray wraps vals as an Arrow array of type dt. valid may be nil
// (no NULLs); nulls is its number of cleared bits.
func newFixedArray[T fixed](dt arrow.DataType, vals []T, valid *memory.Buffer, nulls int) arrow.Array {
	var b []byte
	if len(vals) > 0 {
		var z T
		b = unsafe.Slice((*byte)(unsafe.Pointer(&vals[0])), len(vals)*int(unsafe.Sizeof(z)))
	}
	if valid == nil {
		nulls = 0
	}
	data := array.NewData(dt, len(vals), []*memory.Buffer{valid, memory.NewBufferBytes(b)}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// newBoolArray wraps a value bitmap of rows bits as a BOOLEAN array.
func newBoolArray(bits []byte, rows int, valid *memory.Buffer, nulls int) arrow.Array {
	if valid == nil {
		nulls = 0
	}
	data := array.NewData(arrow.FixedWidthTypes.Boolean, rows, []*memory.Buffer{valid, memory.NewBufferBytes(bits)}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// nullArray returns rows NULLs of logical type t.
func nullArray(t types.DataType, rows int) arrow.Array {
	return array.MakeArrayOfNull(memory.DefaultAllocator, types.ArrowType(t), rows)
}

// unionValidity returns the validity bitmap of a row-wise combination of
// arrs that is NULL wherever any input is NULL (the usual SQL rule), with
// its null count. It returns nil when no row is NULL.
func unionValidity(rows int, arrs ...arrow.Array) (*memory.Buffer, int) {
	var out []byte
	for _, a := range arrs {
		if a.NullN() == 0 {
			continue
		}
		if out == nil {
			out = make([]byte, bitutil.BytesForBits(int64(rows)))
			if a.DataType().ID() == arrow.NULL {
				return memory.NewBufferBytes(out), rows
			}
			bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), rows, out, 0)
			continue
		}
		if a.DataType().ID() == arrow.NULL {
			clear(out)
			return memory.NewBufferBytes(out), rows
		}
		bitutil.BitmapAnd(out, a.NullBitmapBytes(), 0, int64(a.Data().Offset()), out, 0, int64(rows))
	}
	if out == nil {
		return nil, 0
	}
	return memory.NewBufferBytes(out), rows - bitutil.CountSetBits(out, 0, rows)
}

// validBits returns a fresh, writable validity bitmap equal to the union of
// arrs (all bits set when none has NULLs), for kernels that add NULLs of
// their own (overflow, TRY_CAST failures).
func validBits(rows int, arrs ...arrow.Array) []byte {
	if buf, _ := unionValidity(rows, arrs...); buf != nil {
		return buf.Bytes()
	}
	out := make([]byte, bitutil.BytesForBits(int64(rows)))
	bitutil.SetBitsTo(out, 0, int64(rows), true)
	return out
}

// finishValidity turns a validity bitmap into the (buffer, nulls) pair the
// array constructors take, dropping it when no row is NULL.
func finishValidity(valid []byte, rows int) (*memory.Buffer, int) {
	nulls := rows - bitutil.CountSetBits(valid, 0, rows)
	if nulls == 0 {
		return nil, 0
	}
	return memory.NewBufferBytes(valid), nulls
}

// mapUnary applies a total function to every value of a (NULL rows are
// computed on garbage and masked), producing an array of type dt.
func mapUnary[I, O fixed](a arrow.Array, dt arrow.DataType, f func(I) O) arrow.Array {
	in := fixedValues[I](a)
	out := make([]O, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	valid, nulls := unionValidity(len(in), a)
	return newFixedArray(dt, out, valid, nulls)
}

// mapUnaryOpt applies f to the non-NULL values of a; f reports ok=false to
// produce NULL, or an error to fail the whole call.
func mapUnaryOpt[I, O fixed](a arrow.Array, dt arrow.DataType, f func(I) (O, bool, error)) (arrow.Array, error) {
	in := fixedValues[I](a)
	out := make([]O, len(in))
	valid := validBits(len(in), a)
	for i, v := range in {
		if !bitutil.BitIsSet(valid, i) {
			continue
		}
		r, ok, err := f(v)
		if err != nil {
			return nil, err
		}
		if ok {
			out[i] = r
		} else {
			bitutil.ClearBit(valid, i)
		}
	}
	vb, nulls := finishValidity(valid, len(in))
	return newFixedArray(dt, out, vb, nulls), nil
}

// mapBinary applies a total function row-wise to a and b.
func mapBinary[A, B, O fixed](a, b arrow.Array, dt arrow.DataType, f func(A, B) O) arrow.Array {
	x, y := fixedValues[A](a), fixedValues[B](b)
	out := make([]O, len(x))
	for i := range out {
		out[i] = f(x[i], y[i])
	}
	valid, nulls := unionValidity(len(x), a, b)
	return newFixedArray(dt, out, valid, nulls)
}

// mapBinaryOpt applies f to rows where neither a nor b is NULL; ok=false
// yields NULL and an error fails the call.
func mapBinaryOpt[A, B, O fixed](a, b arrow.Array, dt arrow.DataType, f func(A, B) (O, bool, error)) (arrow.Array, error) {
	x, y := fixedValues[A](a), fixedValues[B](b)
	out := make([]O, len(x))
	valid := validBits(len(x), a, b)
	for i := range out {
		if !bitutil.BitIsSet(valid, i) {
			continue
		}
		r, ok, err := f(x[i], y[i])
		if err != nil {
			return nil, err
		}
		if ok {
			out[i] = r
		} else {
			bitutil.ClearBit(valid, i)
		}
	}
	vb, nulls := finishValidity(valid, len(x))
	return newFixedArray(dt, out, vb, nulls), nil
}

// mapString applies f to every non-NULL row of a string or binary array:
// f appends the row's result to dst and returns it, ok=false for NULL.
// The result is STRING, or BYTES when binary is set.
func mapString(a arrow.Array, binary bool, f func(dst []byte, s string) ([]byte, bool, error)) (arrow.Array, error) {
	rows := a.Len()
	get := strAt(a)
	out := newStrCol(rows, stringDataLen(a))
	for i := 0; i < rows; i++ {
		if !a.IsValid(i) {
			out.null()
			continue
		}
		d, ok, err := f(out.data, get(i))
		if err != nil {
			return nil, err
		}
		if ok {
			out.data = d
			out.commit()
		} else {
			out.null()
		}
	}
	if err := checkStrColumn(out); err != nil {
		return nil, err
	}
	return out.finish(binary), nil
}

// strAt returns an accessor for row i of a STRING or BYTES array
// (binary values are viewed as strings without copying).
func strAt(a arrow.Array) func(i int) string {
	switch a := a.(type) {
	case *array.String:
		return a.Value
	case *array.Binary:
		return a.ValueString
	}
	return func(int) string { return "" }
}

// stringDataLen is the size of a string/binary array's data, a capacity
// hint for outputs of similar size.
func stringDataLen(a arrow.Array) int {
	switch a := a.(type) {
	case *array.String:
		return len(a.ValueBytes())
	case *array.Binary:
		return len(a.ValueBytes())
	}
	return 0
}

// castArgs returns a kernel that first converts argument i from from[i] to
// to[i] (with CAST semantics) and then runs k. Arguments whose types already
// agree are passed through untouched.
func castArgs(k expr.Kernel, from, to []types.DataType) (expr.Kernel, error) {
	casts := make([]expr.Kernel, len(from))
	need := false
	for i := range from {
		if i >= len(to) || from[i].EqualIgnoringNull(to[i]) {
			continue
		}
		c, err := castKernel(from[i], to[i], false)
		if err != nil {
			return nil, err
		}
		casts[i], need = c, true
	}
	if !need {
		return k, nil
	}
	return func(ctx *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		conv := make([]arrow.Array, len(args))
		for i, a := range args {
			if i < len(casts) && casts[i] != nil {
				c, err := casts[i](ctx, []arrow.Array{a}, rows)
				if err != nil {
					return nil, err
				}
				a = c
			}
			conv[i] = a
		}
		return k(ctx, conv, rows)
	}, nil
}

// argTypesOf returns the types of args.
func argTypesOf(args []expr.Arg) []types.DataType {
	ts := make([]types.DataType, len(args))
	for i, a := range args {
		ts[i] = a.Type
	}
	return ts
}

// anyNullable reports whether any argument type admits NULL.
func anyNullable(ts ...types.DataType) bool {
	for _, t := range ts {
		if t.Nullable() {
			return true
		}
	}
	return false
}

// constInt returns a constant integer argument's value.
func constInt(a expr.Arg) (int64, bool) {
	if !a.IsConst {
		return 0, false
	}
	return expr.IntValue(a.Const)
}

// constUpper returns a constant string argument upper-cased (units and
// keywords the binder passes as literals).
func constUpper(a expr.Arg) (string, bool) {
	if !a.IsConst {
		return "", false
	}
	s, ok := a.Const.(string)
	return strings.ToUpper(s), ok
}

// typeError builds the *expr.TypeError a Bind returns for a bad signature.
func typeError(name string, args []expr.Arg, expected string) error {
	return &expr.TypeError{Func: name, Got: argTypesOf(args), Expected: expected}
}

// register adds functions to the built-in registry.
func register(fs ...*expr.ScalarFunction) {
	for _, f := range fs {
		expr.Builtins.RegisterScalar(f)
	}
}
