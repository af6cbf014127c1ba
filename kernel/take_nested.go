package kernel

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// takeStruct gathers a ROW column field by field with Take. Arrow's generic
// take kernel would also do it, but it runs each child on its own goroutine
// (whose stacks then grow, a cost the CPU profiles of Nexmark showed) and
// over-allocates variable-width buffers; ROW columns are common (Nexmark's
// events are three of them), so they get the typed path.
func takeStruct(a *array.Struct, idx []int32) arrow.Array {
	children := make([]arrow.ArrayData, a.NumField())
	for i := range children {
		c := Take(a.Field(i), idx)
		children[i] = c.Data()
		defer c.Release()
	}
	valid, nulls := takeValidity(a, idx)
	d := array.NewData(a.DataType(), len(idx), []*memory.Buffer{valid}, children, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}
