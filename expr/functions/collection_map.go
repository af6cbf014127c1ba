package functions

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Map functions: MAP_KEYS, MAP_VALUES, MAP_ENTRIES and MAP_FROM_ARRAYS.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "MAP_KEYS", Doc: docOf("Collection", "MAP_KEYS(map)",
			"Returns the keys of map as an array.", "MAP_KEYS(MAP['a', 1, 'b', 2]) → [a, b]"), Bind: bindMapPart("MAP_KEYS")},
		&expr.ScalarFunction{Name: "MAP_VALUES", Doc: docOf("Collection", "MAP_VALUES(map)",
			"Returns the values of map as an array.", "MAP_VALUES(MAP['a', 1, 'b', 2]) → [1, 2]"), Bind: bindMapPart("MAP_VALUES")},
		&expr.ScalarFunction{Name: "MAP_ENTRIES", Doc: docOf("Collection", "MAP_ENTRIES(map)",
			"Returns the entries of map as an array of ROW<key, value>.", "MAP_ENTRIES(MAP['a', 1]) → [(a, 1)]"), Bind: bindMapPart("MAP_ENTRIES")},
		&expr.ScalarFunction{Name: "MAP_FROM_ARRAYS", Doc: docOf("Collection", "MAP_FROM_ARRAYS(keys, values)",
			"Builds a map from an array of keys and an array of values of the same length; an error if the lengths differ.",
			"MAP_FROM_ARRAYS(ARRAY['a', 'b'], ARRAY[1, 2]) → {a=1, b=2}"), Bind: bindMapFromArrays},
	)
}

func bindMapPart(name string) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 1 || args[0].Type.Kind != types.KindMap {
			return types.Null, nil, sigErr(name, args, name+"(MAP)")
		}
		mt := args[0].Type
		var res types.DataType
		switch name {
		case "MAP_KEYS":
			res = types.ArrayOf(*mt.Elem)
		case "MAP_VALUES":
			res = types.ArrayOf(*mt.Value)
		default:
			res = types.ArrayOf(types.RowOf(types.Field{Name: "key", Type: *mt.Elem}, types.Field{Name: "value", Type: *mt.Value}))
		}
		res = res.WithNullable(mt.Nullable())
		k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			m, ok := a[0].(*array.Map)
			if !ok {
				return nullArray(res, rows), nil
			}
			var child arrow.ArrayData
			switch name {
			case "MAP_KEYS":
				child = m.Keys().Data()
			case "MAP_VALUES":
				child = m.Items().Data()
			default:
				entries := m.ListValues().Data()
				child = array.NewData(types.ArrowType(*res.Elem), entries.Len(), entries.Buffers(), entries.Children(), entries.NullN(), entries.Offset())
				defer child.Release()
			}
			start := m.Data().Offset()
			offs := m.Offsets()[start : start+rows+1]
			valid := validBits(rows, a...)
			return nestedCol(res, rows, valid, offs, child), nil
		}
		return res, k, nil
	}
}

func bindMapFromArrays(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("MAP_FROM_ARRAYS", "MAP_FROM_ARRAYS(ARRAY<K>, ARRAY<V>)", args, 2, 2, isArrayArg); err != nil {
		return types.Null, nil, err
	}
	res := types.MapOf(*args[0].Type.Elem, *args[1].Type.Elem).WithNullable(argsNullable(args))
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		kc, ko := listParts(a[0])
		vc, vo := listParts(a[1])
		valid := validBits(rows, a...)
		out := newListOut(rows)
		var vidx []int64
		for i := 0; i < rows; i++ {
			if valid[i/8]&(1<<(i%8)) == 0 {
				out.null()
				continue
			}
			ks, ke := ko(i)
			vs, ve := vo(i)
			if ke-ks != ve-vs {
				return nil, fmt.Errorf("MAP_FROM_ARRAYS: row %d has %d keys but %d values; the arrays must have the same length", i, ke-ks, ve-vs)
			}
			for j := int64(0); j < ke-ks; j++ {
				out.idx = append(out.idx, ks+j)
				vidx = append(vidx, vs+j)
			}
			out.commit()
		}
		keys, err := takeOf(kc, out.idx)
		if err != nil {
			return nil, err
		}
		defer keys.Release()
		vals, err := takeOf(vc, vidx)
		if err != nil {
			return nil, err
		}
		defer vals.Release()
		return mapOf(res, out, keys, vals), nil
	}
	return res, k, nil
}
