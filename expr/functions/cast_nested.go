package functions

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Casts between constructed types, element by element as Flink's
// ArrayToArray, MapToMap and RowToRow rules: ARRAY<INT> → ARRAY<BIGINT>,
// ROW<a INT> → ROW<x STRING> (fields by position, the target's names).
// Only the child columns are converted; offsets and validity are reused.

func castNested(from, to types.DataType) castFn {
	switch {
	case from.Kind == types.KindArray && to.Kind == types.KindArray,
		from.Kind == types.KindMultiset && to.Kind == types.KindMultiset && from.Elem.EqualIgnoringNull(*to.Elem):
		if to.Kind == types.KindMultiset {
			return castIdentity
		}
		elem := castFunc(*from.Elem, *to.Elem)
		if elem == nil {
			return nil
		}
		return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			l := a.(*array.List)
			vals, err := elem(ctx, l.ListValues(), try)
			if err != nil {
				return nil, err
			}
			d := l.Data()
			data := array.NewData(types.ArrowType(to), d.Len(), d.Buffers(), []arrow.ArrayData{vals.Data()}, d.NullN(), d.Offset())
			defer data.Release()
			return array.MakeFromData(data), nil
		}
	case from.Kind == types.KindMap && to.Kind == types.KindMap:
		kf, vf := castFunc(*from.Elem, *to.Elem), castFunc(*from.Value, *to.Value)
		if kf == nil || vf == nil {
			return nil
		}
		return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			m := a.(*array.Map)
			keys, err := kf(ctx, m.Keys(), try)
			if err != nil {
				return nil, err
			}
			items, err := vf(ctx, m.Items(), try)
			if err != nil {
				return nil, err
			}
			mt := types.ArrowType(to).(*arrow.MapType)
			entries := array.NewData(mt.Elem(), keys.Len(), []*memory.Buffer{nil}, []arrow.ArrayData{keys.Data(), items.Data()}, 0, 0)
			defer entries.Release()
			d := m.Data()
			data := array.NewData(mt, d.Len(), d.Buffers(), []arrow.ArrayData{entries}, d.NullN(), d.Offset())
			defer data.Release()
			return array.MakeFromData(data), nil
		}
	case from.Kind == types.KindRow && to.Kind == types.KindRow && len(from.Fields) == len(to.Fields):
		fs := make([]castFn, len(from.Fields))
		for i := range fs {
			if fs[i] = castFunc(from.Fields[i].Type, to.Fields[i].Type); fs[i] == nil {
				return nil
			}
		}
		return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			s := a.(*array.Struct)
			children := make([]arrow.ArrayData, len(fs))
			for i, f := range fs {
				c, err := f(ctx, s.Field(i), try)
				if err != nil {
					return nil, err
				}
				children[i] = c.Data()
			}
			valid, nulls := unionValidity(a.Len(), a)
			data := array.NewData(types.ArrowType(to), a.Len(), []*memory.Buffer{valid}, children, nulls, 0)
			defer data.Release()
			return array.MakeFromData(data), nil
		}
	}
	return nil
}
