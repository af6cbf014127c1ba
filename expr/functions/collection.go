package functions

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Collection constructors and accessors: ARRAY[...], MAP[...], ROW(...),
// arr[i] / map[k] (ITEM), row.field (FIELD), CARDINALITY and ELEMENT.
//
// Nested results are assembled from index lists: a kernel decides, per
// output row, which elements of its inputs' child arrays to keep, and one
// Arrow Take gathers them, so element values are never boxed.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "ARRAY", Doc: docOf("Collection", "ARRAY[value1, value2, ...]",
			"Builds an array of the values, converted to their common type.", "ARRAY[1, 2, 3] → [1, 2, 3]"), Bind: bindArrayCtor},
		&expr.ScalarFunction{Name: "MAP", Doc: docOf("Collection", "MAP[key1, value1, key2, value2, ...]",
			"Builds a map from key/value pairs, keys and values each converted to their common type.", "MAP['a', 1, 'b', 2] → {a=1, b=2}"), Bind: bindMapCtor},
		&expr.ScalarFunction{Name: "ROW", Doc: docOf("Collection", "ROW(value1, value2, ...)",
			"Builds a row from the values; its fields are named EXPR$0, EXPR$1, ...", "ROW(1, 'a') → (1, a)"), Bind: bindRowCtor},
		&expr.ScalarFunction{Name: "ITEM", Doc: docOf("Collection", "array[index] or map[key]",
			"Returns the element at a 1-based index of an array (NULL when out of range), or the value of a key in a map (NULL when absent).",
			"ARRAY[10, 20][2] → 20", "MAP['a', 1]['a'] → 1"), Bind: bindItem},
		&expr.ScalarFunction{Name: "FIELD", Doc: docOf("Collection", "row.field",
			"Returns the named field of a row; NULL when the row is NULL.", "ROW(1, 'a').EXPR$1 → 'a'"), Bind: bindField},
		&expr.ScalarFunction{Name: "CARDINALITY", Doc: docOf("Collection", "CARDINALITY(array | map)",
			"Returns the number of elements of an array or entries of a map.", "CARDINALITY(ARRAY[1, 2]) → 2"), Bind: bindCardinality},
		&expr.ScalarFunction{Name: "ELEMENT", Doc: docOf("Collection", "ELEMENT(array)",
			"Returns the sole element of an array; NULL if the array is empty, an error if it has more than one element.", "ELEMENT(ARRAY[7]) → 7"), Bind: bindElement},
	)
}

func bindArrayCtor(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	elem, to, ok := commonArgs(args, 0, 1)
	if len(args) == 0 || !ok {
		return types.Null, nil, sigErr("ARRAY", args, "ARRAY[T, T, ...] with values of a common type")
	}
	res := types.ArrayOf(elem).NotNullable()
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		all, err := array.Concatenate(a, memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
		defer all.Release()
		out := newListOut(rows)
		for i := 0; i < rows; i++ {
			for j := range a {
				out.idx = append(out.idx, int64(j*rows+i))
			}
			out.commit()
		}
		return out.finish(res, all)
	}
	k, err := castArgs(k, argTypes(args), to)
	return res, k, err
}

func bindMapCtor(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "MAP[K, V, K, V, ...] with keys and values each of a common type"
	if len(args) == 0 || len(args)%2 != 0 {
		return types.Null, nil, sigErr("MAP", args, sig)
	}
	kt, to, ok1 := commonArgs(args, 0, 2)
	vt, to2, ok2 := commonArgs(args, 1, 2)
	if !ok1 || !ok2 {
		return types.Null, nil, sigErr("MAP", args, sig)
	}
	for j := 1; j < len(args); j += 2 {
		to[j] = to2[j]
	}
	res := types.MapOf(kt, vt).NotNullable()
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		var ks, vs []arrow.Array
		for j := 0; j < len(a); j += 2 {
			ks, vs = append(ks, a[j]), append(vs, a[j+1])
		}
		keys, err := array.Concatenate(ks, memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
		defer keys.Release()
		vals, err := array.Concatenate(vs, memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
		defer vals.Release()
		pairs := len(ks)
		out := newListOut(rows)
		for i := 0; i < rows; i++ {
			for j := 0; j < pairs; j++ {
				out.idx = append(out.idx, int64(j*rows+i))
			}
			out.commit()
		}
		return finishMap(res, out, keys, vals)
	}
	k, err := castArgs(k, argTypes(args), to)
	return res, k, err
}

// finishMap gathers keys and values with out's indices into a MAP column.
func finishMap(t types.DataType, out *listOut, keys, vals arrow.Array) (arrow.Array, error) {
	idx2 := append([]int64(nil), out.idx...)
	kc, err := takeOf(keys, out.idx)
	if err != nil {
		return nil, err
	}
	defer kc.Release()
	vc, err := takeOf(vals, idx2)
	if err != nil {
		return nil, err
	}
	defer vc.Release()
	return mapOf(t, out, kc, vc), nil
}

// mapOf assembles gathered keys and values (one per entry) into a MAP
// column with out's rows and offsets.
func mapOf(t types.DataType, out *listOut, keys, vals arrow.Array) arrow.Array {
	st := types.ArrowType(t).(*arrow.MapType).ValueType()
	entries := array.NewData(st, keys.Len(), []*memory.Buffer{nil}, []arrow.ArrayData{keys.Data(), vals.Data()}, 0, 0)
	defer entries.Release()
	return nestedCol(t, out.n, out.valid, out.offs, entries)
}

func bindRowCtor(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) == 0 {
		return types.Null, nil, sigErr("ROW", args, "ROW(ANY, ...)")
	}
	fs := make([]types.Field, len(args))
	for j, a := range args {
		fs[j] = types.Field{Name: "EXPR$" + strconv.Itoa(j), Type: a.Type}
	}
	res := types.RowOf(fs...).NotNullable()
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		cd := make([]arrow.ArrayData, len(a))
		for j, c := range a {
			cd[j] = c.Data()
		}
		d := array.NewData(types.ArrowType(res), rows, []*memory.Buffer{nil}, cd, 0, 0)
		defer d.Release()
		return array.MakeFromData(d), nil
	}
	return res, k, nil
}

func bindItem(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "ITEM(ARRAY<T>, INT) or ITEM(MAP<K, V>, K)"
	if len(args) != 2 {
		return types.Null, nil, sigErr("ITEM", args, sig)
	}
	switch t := args[0].Type; t.Kind {
	case types.KindArray:
		if !isIntArg(args[1].Type) {
			return types.Null, nil, sigErr("ITEM", args, sig)
		}
		res := t.Elem.WithNullable(true)
		return res, func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			child, offs := listParts(a[0])
			n := intAt(a[1])
			idx := make([]int64, rows)
			for i := range idx {
				idx[i] = -1
				if isNullAt(a[0], i) || isNullAt(a[1], i) {
					continue
				}
				s, e := offs(i)
				if p := n(i); p >= 1 && p <= e-s {
					idx[i] = s + p - 1
				}
			}
			if child == nil {
				return nullArray(res, rows), nil
			}
			return takeOf(child, idx)
		}, nil
	case types.KindMap:
		to := []types.DataType{t, *t.Elem}
		if !CanCastImplicitly(args[1].Type, *t.Elem) {
			return types.Null, nil, sigErr("ITEM", args, sig)
		}
		res := t.Value.WithNullable(true)
		k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			m, ok := a[0].(*array.Map)
			if !ok {
				return nullArray(res, rows), nil
			}
			keys, offs := m.Keys(), m.ValueOffsets
			kk, nk := keyer(keys), keyer(a[1])
			var kb, nb []byte
			idx := make([]int64, rows)
			for i := range idx {
				idx[i] = -1
				if m.IsNull(i) || isNullAt(a[1], i) {
					continue
				}
				nb = nk(nb[:0], i)
				s, e := offs(i)
				for j := s; j < e; j++ {
					if kb = kk(kb[:0], int(j)); string(kb) == string(nb) {
						idx[i] = j
						break
					}
				}
			}
			return takeOf(m.Items(), idx)
		}
		k, err := castArgs(k, argTypes(args), to)
		return res, k, err
	}
	return types.Null, nil, sigErr("ITEM", args, sig)
}

func bindField(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "FIELD(ROW, 'name')"
	if len(args) != 2 || args[0].Type.Kind != types.KindRow {
		return types.Null, nil, sigErr("FIELD", args, sig)
	}
	name, ok := constStr(args[1])
	pos := -1
	for j, f := range args[0].Type.Fields {
		if f.Name == name {
			pos = j
			break
		}
	}
	if pos < 0 {
		for j, f := range args[0].Type.Fields {
			if strings.EqualFold(f.Name, name) {
				pos = j
				break
			}
		}
	}
	if !ok || pos < 0 {
		return types.Null, nil, fmt.Errorf("row type %s has no field '%s'", args[0].Type, name)
	}
	ft := args[0].Type.Fields[pos].Type
	res := ft.WithNullable(ft.Nullable() || args[0].Type.Nullable())
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		s, ok := a[0].(*array.Struct)
		if !ok {
			return nullArray(res, rows), nil
		}
		f := s.Field(pos)
		if s.NullN() == 0 {
			f.Retain()
			return f, nil
		}
		if v, ok := fieldWithParentNulls(f, s); ok {
			return v, nil
		}
		idx := make([]int64, rows)
		for i := range idx {
			idx[i] = int64(i)
			if s.IsNull(i) {
				idx[i] = -1
			}
		}
		return takeOf(f, idx)
	}
	return res, k, nil
}

func bindCardinality(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) != 1 || (args[0].Type.Kind != types.KindArray && args[0].Type.Kind != types.KindMap && args[0].Type.Kind != types.KindMultiset) {
		return types.Null, nil, sigErr("CARDINALITY", args, "CARDINALITY(ARRAY) or CARDINALITY(MAP)")
	}
	if args[0].Type.Kind == types.KindMultiset {
		// A MULTISET is a map element → count: its cardinality counts
		// every occurrence, not the distinct elements.
		return types.Int.WithNullable(args[0].Type.Nullable()), numKernel(arrow.PrimitiveTypes.Int32, multisetSize), nil
	}
	k := numKernel(arrow.PrimitiveTypes.Int32, func(a []arrow.Array) func(int) (int32, bool) {
		_, offs := listParts(a[0])
		return func(i int) (int32, bool) {
			s, e := offs(i)
			return int32(e - s), true
		}
	})
	return types.Int.WithNullable(args[0].Type.Nullable()), k, nil
}

// multisetSize sums the occurrence counts of each row's multiset.
func multisetSize(a []arrow.Array) func(int) (int32, bool) {
	m, ok := a[0].(*array.Map)
	if !ok {
		return func(int) (int32, bool) { return 0, true }
	}
	counts, _ := m.Items().(*array.Int32)
	return func(i int) (int32, bool) {
		s, e := m.ValueOffsets(i)
		var n int32
		for j := s; j < e; j++ {
			if counts != nil && counts.IsValid(int(j)) {
				n += counts.Value(int(j))
			}
		}
		return n, true
	}
}

func bindElement(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) != 1 || args[0].Type.Kind != types.KindArray {
		return types.Null, nil, sigErr("ELEMENT", args, "ELEMENT(ARRAY)")
	}
	res := args[0].Type.Elem.WithNullable(true)
	return res, func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		child, offs := listParts(a[0])
		idx := make([]int64, rows)
		for i := range idx {
			idx[i] = -1
			if isNullAt(a[0], i) {
				continue
			}
			switch s, e := offs(i); {
			case e-s == 1:
				idx[i] = s
			case e-s > 1:
				return nil, fmt.Errorf("ELEMENT: the array in row %d has %d elements; it must have at most one", i, e-s)
			}
		}
		if child == nil {
			return nullArray(res, rows), nil
		}
		return takeOf(child, idx)
	}, nil
}
