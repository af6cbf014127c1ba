package functions

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spry-engine/spry/expr"
)

// maxStringBytes bounds one string value that a function builds from a
// count the query supplies (REPEAT, LPAD, RPAD). Flink would try and fail
// with an OutOfMemoryError; a bound turns REPEAT('x', 2147483647) into a
// clear error before gigabytes are allocated for every row.
const maxStringBytes = 1 << 28

// StringTooLongError reports a string result larger than Spry can build:
// one value over maxStringBytes, or a column over the 2 GiB that Arrow's
// 32-bit offsets address.
type StringTooLongError struct {
	// Func is the function's SQL name; empty for the column limit.
	Func string
	// Bytes is the size asked for, Limit the bound it passes.
	Bytes, Limit int64
}

func (e *StringTooLongError) Error() string {
	if e.Func == "" {
		return fmt.Sprintf("string column of %d bytes exceeds the limit of %d bytes per batch", e.Bytes, e.Limit)
	}
	return fmt.Sprintf("%s result of %d bytes exceeds the limit of %d bytes per string", e.Func, e.Bytes, e.Limit)
}

// checkStrBytes fails when a value of n bytes may not be built.
func checkStrBytes(name string, n int64) error {
	if n > maxStringBytes {
		return &StringTooLongError{Func: name, Bytes: n, Limit: maxStringBytes}
	}
	return nil
}

// satMul multiplies non-negative sizes, saturating at math.MaxInt64.
func satMul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// satAdd adds non-negative sizes, saturating at math.MaxInt64.
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// checkStrColumn fails when a column's bytes overflow Arrow's offsets.
func checkStrColumn(c *strCol) error {
	if int64(len(c.data)) > math.MaxInt32 {
		return &StringTooLongError{Bytes: int64(len(c.data)), Limit: math.MaxInt32}
	}
	return nil
}

// rowFuncErr is a rowFunc that can fail the whole call.
type rowFuncErr func(i int, dst []byte) (out []byte, ok bool, err error)

// strKernelErr is strKernel for row functions that can fail (a size bound);
// the plain strKernel keeps its loop free of the extra result.
func strKernelErr(bin bool, prep func(args []arrow.Array) rowFuncErr) expr.Kernel {
	return func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		valid := validBits(rows, args...)
		out := newStrCol(rows, rowsDataHint(args))
		fn := prep(args)
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				out.null()
				continue
			}
			d, ok, err := fn(i, out.data)
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
		return out.finish(bin), nil
	}
}
