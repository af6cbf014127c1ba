package functions

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Helpers shared by the string, temporal, JSON, hash and collection
// families. They build result columns straight into Arrow buffers, so a
// kernel type-asserts its arguments once and then runs a plain loop.

// isNullAt reports whether row i of a is NULL, treating Null arrays as all NULL.
func isNullAt(a arrow.Array, i int) bool {
	return a.DataType().ID() == arrow.NULL || a.IsNull(i)
}

// strCol is a utf8 (or binary) column under construction: rows are
// appended in order, either committed with data or left NULL.
type strCol struct {
	valid []byte
	offs  []int32
	data  []byte
	n     int
}

// newStrCol starts a column of rows values with a data capacity hint.
func newStrCol(rows, hint int) *strCol {
	return &strCol{
		valid: make([]byte, bitutil.BytesForBits(int64(rows))),
		offs:  append(make([]int32, 0, rows+1), 0),
		data:  make([]byte, 0, hint),
	}
}

// null appends a NULL row.
func (c *strCol) null() {
	c.offs = append(c.offs, int32(len(c.data)))
	c.n++
}

// commit ends a non-NULL row whose bytes were appended to c.data.
func (c *strCol) commit() {
	bitutil.SetBit(c.valid, c.n)
	c.offs = append(c.offs, int32(len(c.data)))
	c.n++
}

// add appends a non-NULL row holding s.
func (c *strCol) add(s string) {
	c.data = append(c.data, s...)
	c.commit()
}

// finish returns the column as a utf8 array, or binary if bin is set.
func (c *strCol) finish(bin bool) arrow.Array {
	dt := arrow.DataType(arrow.BinaryTypes.String)
	if bin {
		dt = arrow.BinaryTypes.Binary
	}
	// An exact null count (and no bitmap when there are none) keeps
	// consumers that read Data().NullN() directly, such as Arrow's MAP
	// key check, from seeing the unknown count.
	vb, nulls := finishValidity(c.valid, c.n)
	d := array.NewData(dt, c.n, []*memory.Buffer{
		vb,
		memory.NewBufferBytes(arrow.GetBytes(c.offs)),
		memory.NewBufferBytes(c.data),
	}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// fixedCol wraps values and a validity bitmap (nil: no NULLs) as an array
// of type dt.
func fixedCol[T arrow.FixedWidthType](dt arrow.DataType, vals []T, valid []byte) arrow.Array {
	vb, nulls := validBuf(valid)
	d := array.NewData(dt, len(vals), []*memory.Buffer{vb,
		memory.NewBufferBytes(arrow.GetBytes(vals)),
	}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// boolCol wraps value and validity bitmaps of rows booleans.
func boolCol(vals, valid []byte, rows int) arrow.Array {
	vb, nulls := validBuf(valid)
	d := array.NewData(arrow.FixedWidthTypes.Boolean, rows, []*memory.Buffer{vb,
		memory.NewBufferBytes(vals),
	}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// validBuf wraps a validity bitmap; a nil bitmap means no NULLs.
func validBuf(valid []byte) (*memory.Buffer, int) {
	if valid == nil {
		return nil, 0
	}
	return memory.NewBufferBytes(valid), array.UnknownNullCount
}

// intAt returns an accessor reading any integer column as int64.
func intAt(a arrow.Array) func(int) int64 {
	switch a := a.(type) {
	case *array.Int8:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int16:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int32:
		return func(i int) int64 { return int64(a.Value(i)) }
	case *array.Int64:
		return a.Value
	}
	return func(int) int64 { return 0 }
}

// rowFunc computes one row; it appends a string result to dst, or
// reports ok=false for NULL.
type rowFunc func(i int, dst []byte) (out []byte, ok bool)

// strKernel builds a kernel that is NULL when any argument is NULL and
// otherwise runs the row function prep made for this call's arguments.
func strKernel(bin bool, prep func(args []arrow.Array) rowFunc) expr.Kernel {
	return strKernelCtx(bin, func(_ *expr.Context, a []arrow.Array) rowFunc { return prep(a) })
}

// strKernelCtx is strKernel for row functions that need the context
// (session zone, current time).
func strKernelCtx(bin bool, prep func(ctx *expr.Context, args []arrow.Array) rowFunc) expr.Kernel {
	return func(ctx *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		valid := validBits(rows, args...)
		out := newStrCol(rows, rowsDataHint(args))
		fn := prep(ctx, args)
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				out.null()
				continue
			}
			if d, ok := fn(i, out.data); ok {
				out.data = d
				out.commit()
			} else {
				out.null()
			}
		}
		if err := checkStrColumn(out); err != nil {
			return nil, err
		}
		return out.finish(bin), nil
	}
}

// rowsDataHint guesses the result's byte size from the first string argument.
func rowsDataHint(args []arrow.Array) int {
	for _, a := range args {
		if s, ok := a.(*array.String); ok {
			return len(s.ValueBytes())
		}
	}
	return 0
}

// numKernel builds a strict kernel with a fixed-width result of type dt.
func numKernel[T arrow.FixedWidthType](dt arrow.DataType, prep func(args []arrow.Array) func(i int) (T, bool)) expr.Kernel {
	return numKernelCtx(dt, func(_ *expr.Context, a []arrow.Array) func(int) (T, bool) { return prep(a) })
}

// numKernelCtx is numKernel for row functions that need the context.
func numKernelCtx[T arrow.FixedWidthType](dt arrow.DataType, prep func(ctx *expr.Context, args []arrow.Array) func(i int) (T, bool)) expr.Kernel {
	return func(ctx *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		valid := validBits(rows, args...)
		vals := make([]T, rows)
		fn := prep(ctx, args)
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				continue
			}
			v, ok := fn(i)
			if !ok {
				bitutil.ClearBit(valid, i)
				continue
			}
			vals[i] = v
		}
		return fixedCol(dt, vals, valid), nil
	}
}

// boolKernel builds a strict BOOLEAN kernel.
func boolKernel(prep func(args []arrow.Array) func(i int) (v, ok bool)) expr.Kernel {
	return func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		valid := validBits(rows, args...)
		vals := make([]byte, len(valid))
		fn := prep(args)
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				continue
			}
			v, ok := fn(i)
			switch {
			case !ok:
				bitutil.ClearBit(valid, i)
			case v:
				bitutil.SetBit(vals, i)
			}
		}
		return boolCol(vals, valid, rows), nil
	}
}

// Argument checks used by Bind functions.

func isStrArg(t types.DataType) bool { return t.Kind.IsString() || t.Kind == types.KindNull }
func isBinArg(t types.DataType) bool { return t.Kind.IsBinary() || t.Kind == types.KindNull }
func isIntArg(t types.DataType) bool { return t.Kind.IsInteger() || t.Kind == types.KindNull }

// argsNullable reports whether any argument type admits NULL.
func argsNullable(args []expr.Arg) bool {
	for _, a := range args {
		if a.Type.Nullable() {
			return true
		}
	}
	return false
}

// sigErr reports a wrong signature for fn.
func sigErr(fn string, args []expr.Arg, expected string) error {
	got := make([]types.DataType, len(args))
	for i, a := range args {
		got[i] = a.Type
	}
	return &expr.TypeError{Func: fn, Got: got, Expected: expected}
}

// checkSig verifies len(args) is in [min, max] and each argument passes
// the check for its position (the last check repeats for variadic tails).
func checkSig(fn, expected string, args []expr.Arg, min, max int, checks ...func(types.DataType) bool) error {
	if len(args) < min || (max >= 0 && len(args) > max) {
		return sigErr(fn, args, expected)
	}
	for i, a := range args {
		c := checks[len(checks)-1]
		if i < len(checks) {
			c = checks[i]
		}
		if !c(a.Type) {
			return sigErr(fn, args, expected)
		}
	}
	return nil
}

// constStr returns the value of a constant string argument.
func constStr(a expr.Arg) (string, bool) {
	if !a.IsConst {
		return "", false
	}
	s, ok := a.Const.(string)
	return s, ok
}

// registerAll adds scalar functions to the built-in registry.
func registerAll(fs ...*expr.ScalarFunction) {
	for _, f := range fs {
		expr.Builtins.RegisterScalar(f)
	}
}
