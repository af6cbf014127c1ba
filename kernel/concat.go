package kernel

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// Concat joins batches of one schema into one batch. Row kinds are kept;
// the result has nil Kinds when every input does. Concat of no batches is
// nil.
func Concat(batches []*types.Batch) *types.Batch {
	switch len(batches) {
	case 0:
		return nil
	case 1:
		return batches[0]
	}
	first := batches[0]
	rows, changelog := 0, false
	for _, b := range batches {
		rows += b.Len()
		changelog = changelog || b.Kinds != nil
	}
	cols := make([]arrow.Array, len(first.Cols))
	parts := make([]arrow.Array, len(batches))
	for c := range cols {
		for i, b := range batches {
			parts[i] = b.Cols[c]
		}
		a, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			// Batches of one schema always concatenate; an error means a
			// caller mixed schemas.
			panic("kernel: concat: " + err.Error())
		}
		cols[c] = a
	}
	var kinds []types.RowKind
	if changelog {
		kinds = make([]types.RowKind, 0, rows)
		for _, b := range batches {
			if b.Kinds != nil {
				kinds = append(kinds, b.Kinds...)
			} else {
				for i := 0; i < b.Len(); i++ {
					kinds = append(kinds, types.Insert)
				}
			}
		}
	}
	return types.NewBatch(first.Schema, cols, kinds, rows)
}
