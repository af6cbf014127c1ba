package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// Unnest is the built-in UNNEST table function: an ARRAY gives one row
// per element, a MAP one row per entry (key, value), a MULTISET each
// element as many times as it occurs; elements of ROW type are expanded
// into their fields, as Flink does. A NULL collection gives no rows.
var Unnest = &expr.TableFunction{
	Name: "UNNEST",
	Doc: expr.Doc{
		Category: "Table",
		Syntax:   "UNNEST(collection) [WITH ORDINALITY]",
		Description: "Returns one row per element of an ARRAY or MULTISET, or one row (key, value) per entry of a MAP; " +
			"ROW elements are expanded into their fields. Used as `FROM t CROSS JOIN UNNEST(t.arr) AS u(x)`.",
		Examples: []string{
			"SELECT id, x FROM t CROSS JOIN UNNEST(t.arr) AS u(x)",
			"SELECT k, v FROM t CROSS JOIN UNNEST(t.m) AS u(k, v)",
		},
	},
	Bind: bindUnnest,
}

func init() { expr.Builtins.RegisterTable(Unnest) }

// UnnestFields returns the columns UNNEST produces for a collection type:
// f0 (and f1 for a map's values), or a ROW element's fields.
func UnnestFields(t types.DataType) ([]types.Field, bool) {
	switch t.Kind {
	case types.KindArray, types.KindMultiset:
		if t.Elem.Kind == types.KindRow {
			return append([]types.Field(nil), t.Elem.Fields...), true
		}
		return []types.Field{{Name: "f0", Type: *t.Elem}}, true
	case types.KindMap:
		return []types.Field{{Name: "f0", Type: *t.Elem}, {Name: "f1", Type: *t.Value}}, true
	}
	return nil, false
}

func bindUnnest(args []expr.Arg) ([]types.Field, expr.TableKernel, error) {
	if len(args) != 1 {
		got := make([]types.DataType, len(args))
		for i, a := range args {
			got[i] = a.Type
		}
		return nil, nil, &expr.TypeError{Func: "UNNEST", Got: got, Expected: "UNNEST(ARRAY), UNNEST(MAP), UNNEST(MULTISET)"}
	}
	t := args[0].Type
	fields, ok := UnnestFields(t)
	if !ok {
		return nil, nil, &expr.TypeError{Func: "UNNEST", Got: []types.DataType{t}, Expected: "UNNEST(ARRAY), UNNEST(MAP), UNNEST(MULTISET)"}
	}
	multiset := t.Kind == types.KindMultiset
	rowElem := t.Kind != types.KindMap && t.Elem.Kind == types.KindRow
	return fields, func(_ *expr.Context, in []arrow.Array, rows int) ([]arrow.Array, []int32, error) {
		return unnest(in[0], rows, multiset, rowElem)
	}, nil
}

// unnest expands a list or map column.
func unnest(a arrow.Array, rows int, multiset, rowElem bool) ([]arrow.Array, []int32, error) {
	var parent, idx []int32
	switch c := a.(type) {
	case *array.Map: // before List: a Map is a List
		var counts *array.Int32
		if multiset {
			counts, _ = c.Items().(*array.Int32)
			if counts == nil {
				return nil, nil, fmt.Errorf("UNNEST: multiset counts are %s, want int32", c.Items().DataType())
			}
		}
		for i := 0; i < rows; i++ {
			if c.IsNull(i) {
				continue
			}
			s, e := c.ValueOffsets(i)
			for j := int32(s); j < int32(e); j++ {
				times := int32(1)
				if counts != nil {
					times = 0
					if counts.IsValid(int(j)) {
						times = counts.Value(int(j))
					}
				}
				for ; times > 0; times-- {
					parent, idx = append(parent, int32(i)), append(idx, j)
				}
			}
		}
		if multiset {
			return elements(c.Keys(), idx, rowElem), parent, nil
		}
		return []arrow.Array{kernel.Take(c.Keys(), idx), kernel.Take(c.Items(), idx)}, parent, nil
	case *array.List:
		for i := 0; i < rows; i++ {
			if c.IsNull(i) {
				continue
			}
			s, e := c.ValueOffsets(i)
			for j := int32(s); j < int32(e); j++ {
				parent, idx = append(parent, int32(i)), append(idx, j)
			}
		}
		return elements(c.ListValues(), idx, rowElem), parent, nil
	}
	return nil, nil, fmt.Errorf("UNNEST: argument is %s, want a list or map", a.DataType())
}

// elements takes the elements at idx; ROW elements become one column per
// field, NULL where the element itself is NULL.
func elements(vals arrow.Array, idx []int32, rowElem bool) []arrow.Array {
	st, ok := vals.(*array.Struct)
	if !rowElem || !ok {
		return []arrow.Array{kernel.Take(vals, idx)}
	}
	fidx := idx
	if st.NullN() > 0 {
		fidx = make([]int32, len(idx))
		for i, j := range idx {
			fidx[i] = j
			if st.IsNull(int(j)) {
				fidx[i] = -1
			}
		}
	}
	out := make([]arrow.Array, st.NumField())
	for f := range out {
		out[f] = takeOrNull(st.Field(f), fidx)
	}
	return out
}
