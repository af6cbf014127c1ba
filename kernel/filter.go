package kernel

import (
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/types"
)

// Filter keeps the rows of b where mask is TRUE; NULL counts as FALSE, as
// in a SQL WHERE clause. It returns b itself when every row passes.
func Filter(b *types.Batch, mask *array.Boolean) *types.Batch {
	idx := MaskIndices(mask, nil)
	if len(idx) == b.Len() {
		return b
	}
	return TakeBatch(b, idx)
}

// MaskIndices appends to dst the positions where mask is TRUE (NULL counts
// as FALSE) and returns it.
func MaskIndices(mask *array.Boolean, dst []int32) []int32 {
	n := mask.Len()
	if dst == nil {
		dst = make([]int32, 0, n)
	}
	if mask.NullN() == 0 {
		for i := 0; i < n; i++ {
			if mask.Value(i) {
				dst = append(dst, int32(i))
			}
		}
		return dst
	}
	for i := 0; i < n; i++ {
		if mask.IsValid(i) && mask.Value(i) {
			dst = append(dst, int32(i))
		}
	}
	return dst
}
