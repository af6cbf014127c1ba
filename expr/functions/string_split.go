package functions

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spry-engine/spry/expr"
)

// splitIndexConst is SPLIT_INDEX with a constant non-empty delimiter and
// index (Nexmark q22's SPLIT_INDEX(url, '/', 3)): one typed loop over the
// column that finds the piece with IndexByte and copies it into the
// result, instead of a row function with a delimiter closure per row.
// Other inputs (BINARY) take the generic kernel.
func splitIndexConst(delim string, idx int64, generic expr.Kernel) expr.Kernel {
	return func(ctx *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
		in, ok := args[0].(*array.String)
		if !ok {
			return generic(ctx, args, rows)
		}
		valid := validBits(rows, args[0])
		// Pieces are short next to their strings: start small and let
		// append grow rather than clear a buffer the input's size.
		out := newStrCol(rows, stringDataLen(in)/8+64)
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				out.null()
				continue
			}
			v := in.Value(i)
			if piece, ok := splitPiece(v, delim, idx); ok {
				out.add(piece)
			} else {
				out.null()
			}
		}
		return out.finish(false), nil
	}
}

// splitPiece returns piece idx (from 0) of v split at delim; false when v
// is empty or has fewer pieces.
func splitPiece(v, delim string, idx int64) (string, bool) {
	if idx < 0 || v == "" {
		return "", false
	}
	if len(delim) == 1 {
		d := delim[0]
		for ; idx > 0; idx-- {
			j := strings.IndexByte(v, d)
			if j < 0 {
				return "", false
			}
			v = v[j+1:]
		}
		if j := strings.IndexByte(v, d); j >= 0 {
			v = v[:j]
		}
		return v, true
	}
	for ; idx > 0; idx-- {
		j := strings.Index(v, delim)
		if j < 0 {
			return "", false
		}
		v = v[j+len(delim):]
	}
	if j := strings.Index(v, delim); j >= 0 {
		v = v[:j]
	}
	return v, true
}
