package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// ColumnsUsed marks in used (one entry per input column) the columns that
// e reads. It returns false when e holds a node it cannot see into (an
// Expr implementation of another package), in which case any column may
// be read. Operators use it to gather only the columns an expression needs
// when they narrow a batch to some rows.
func ColumnsUsed(e Expr, used []bool) bool {
	switch e := e.(type) {
	case *ColumnRef:
		if e.Index < 0 || e.Index >= len(used) {
			return false
		}
		used[e.Index] = true
		return true
	case *Literal:
		return true
	case *Call:
		for _, a := range e.Args {
			if !ColumnsUsed(a, used) {
				return false
			}
		}
		return true
	case Parent:
		for _, k := range e.Children() {
			if !ColumnsUsed(k, used) {
				return false
			}
		}
		return true
	}
	return false
}

// Parent is implemented by expression nodes other than Call that have
// sub-expressions (Case, CAST), so generic walks can see through them.
type Parent interface {
	Expr
	Children() []Expr
	WithChildren([]Expr) Expr
}

// TakeUsed returns the rows idx of b, gathering only the columns marked in
// used; the others become placeholder NULL columns of the right length,
// which nothing reads. used nil gathers every column.
func TakeUsed(b *types.Batch, idx []int32, used []bool) *types.Batch {
	if used == nil {
		return kernel.TakeBatch(b, idx)
	}
	cols := make([]arrow.Array, len(b.Cols))
	for i, c := range b.Cols {
		if i < len(used) && used[i] {
			cols[i] = kernel.Take(c, idx)
		} else {
			cols[i] = array.NewNull(len(idx))
		}
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
