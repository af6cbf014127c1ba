package functions

import (
	"fmt"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Set-like array functions (ARRAY_EXCEPT, ARRAY_INTERSECT), ARRAY_SORT,
// and adding an element with ARRAY_APPEND / ARRAY_PREPEND.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "ARRAY_EXCEPT", Doc: docOf("Collection", "ARRAY_EXCEPT(array1, array2)",
			"Returns the distinct elements of array1 that are not in array2, in the order of array1; NULL if either is NULL.",
			"ARRAY_EXCEPT(ARRAY[1, 2, 2, 3], ARRAY[3]) → [1, 2]"), Bind: bindArraySet("ARRAY_EXCEPT", false)},
		&expr.ScalarFunction{Name: "ARRAY_INTERSECT", Doc: docOf("Collection", "ARRAY_INTERSECT(array1, array2)",
			"Returns the distinct elements of array1 that are also in array2, in the order of array1; NULL if either is NULL.",
			"ARRAY_INTERSECT(ARRAY[1, 2, 2, 3], ARRAY[2, 3, 4]) → [2, 3]"), Bind: bindArraySet("ARRAY_INTERSECT", true)},
		&expr.ScalarFunction{Name: "ARRAY_SORT", Doc: docOf("Collection", "ARRAY_SORT(array[, ascending[, nullsFirst]])",
			"Sorts array, ascending by default; NULLs come first when ascending and last when descending unless nullsFirst says otherwise. NULL if any argument is NULL.",
			"ARRAY_SORT(ARRAY[3, NULL, 1]) → [NULL, 1, 3]", "ARRAY_SORT(ARRAY[3, NULL, 1], FALSE) → [3, 1, NULL]"), Bind: bindArraySort},
		&expr.ScalarFunction{Name: "ARRAY_APPEND", Doc: docOf("Collection", "ARRAY_APPEND(array, element)",
			"Returns array with element (which may be NULL) added at the end; NULL if array is NULL.",
			"ARRAY_APPEND(ARRAY[1, 2], 3) → [1, 2, 3]"), Bind: bindArrayAdd("ARRAY_APPEND", false)},
		&expr.ScalarFunction{Name: "ARRAY_PREPEND", Doc: docOf("Collection", "ARRAY_PREPEND(array, element)",
			"Returns array with element (which may be NULL) added at the start; NULL if array is NULL.",
			"ARRAY_PREPEND(ARRAY[1, 2], 0) → [0, 1, 2]"), Bind: bindArrayAdd("ARRAY_PREPEND", true)},
	)
}

func bindArraySet(name string, keep bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig := name + "(ARRAY<T>, ARRAY<T>)"
		if err := checkSig(name, sig, args, 2, 2, isArrayArg); err != nil {
			return types.Null, nil, err
		}
		ct, to, ok := commonArgs(args, 0, 1)
		if !ok {
			return types.Null, nil, sigErr(name, args, sig)
		}
		res := ct.WithNullable(argsNullable(args))
		k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			c1, o1 := listParts(a[0])
			c2, o2 := listParts(a[1])
			k1, k2 := keyer(c1), keyer(c2)
			other, seen := map[string]bool{}, map[string]bool{}
			var kb []byte
			valid := validBits(rows, a...)
			out := newListOut(rows)
			for i := 0; i < rows; i++ {
				if !bitutil.BitIsSet(valid, i) {
					out.null()
					continue
				}
				clear(other)
				clear(seen)
				s, e := o2(i)
				for j := s; j < e; j++ {
					kb = k2(kb[:0], int(j))
					other[string(kb)] = true
				}
				s, e = o1(i)
				for j := s; j < e; j++ {
					kb = k1(kb[:0], int(j))
					if seen[string(kb)] || other[string(kb)] != keep {
						continue
					}
					seen[string(kb)] = true
					out.idx = append(out.idx, j)
				}
				out.commit()
			}
			return out.finish(res, c1)
		}
		k, err := castArgs(k, argTypes(args), to)
		return res, k, err
	}
}

func bindArraySort(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	isBool := func(t types.DataType) bool { return t.Kind == types.KindBoolean || t.Kind == types.KindNull }
	if err := checkSig("ARRAY_SORT", "ARRAY_SORT(ARRAY[, BOOLEAN[, BOOLEAN]])", args, 1, 3, isArrayArg, isBool, isBool); err != nil {
		return types.Null, nil, err
	}
	res := args[0].Type.WithNullable(argsNullable(args))
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		child, offs := listParts(a[0])
		if child == nil {
			return nullArray(res, rows), nil
		}
		less := lessAt(child)
		if less == nil {
			return nil, fmt.Errorf("ARRAY_SORT: elements of type %s cannot be compared", res.Elem)
		}
		flag := func(j, i int, def bool) bool {
			if j >= len(a) {
				return def
			}
			return a[j].(*array.Boolean).Value(i)
		}
		valid := validBits(rows, a...)
		out := newListOut(rows)
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				out.null()
				continue
			}
			asc := flag(1, i, true)
			nullsFirst := flag(2, i, asc)
			s, e := offs(i)
			var nulls, vals []int64
			for j := s; j < e; j++ {
				if child.IsNull(int(j)) {
					nulls = append(nulls, j)
				} else {
					vals = append(vals, j)
				}
			}
			sort.SliceStable(vals, func(x, y int) bool {
				if asc {
					return less(int(vals[x]), int(vals[y]))
				}
				return less(int(vals[y]), int(vals[x]))
			})
			if nullsFirst {
				out.idx = append(append(out.idx, nulls...), vals...)
			} else {
				out.idx = append(append(out.idx, vals...), nulls...)
			}
			out.commit()
		}
		return out.finish(res, child)
	}
	return res, k, nil
}

func bindArrayAdd(name string, front bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig := name + "(ARRAY<T>, T)"
		if len(args) != 2 || !isArrayArg(args[0].Type) {
			return types.Null, nil, sigErr(name, args, sig)
		}
		et, ok := CommonType(*args[0].Type.Elem, args[1].Type)
		if !ok {
			return types.Null, nil, sigErr(name, args, sig)
		}
		res := types.ArrayOf(et).WithNullable(args[0].Type.Nullable())
		k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			child, offs := listParts(a[0])
			all, err := array.Concatenate([]arrow.Array{child, a[1]}, memory.DefaultAllocator)
			if err != nil {
				return nil, err
			}
			defer all.Release()
			base := int64(child.Len())
			out := newListOut(rows)
			for i := 0; i < rows; i++ {
				if a[0].IsNull(i) {
					out.null()
					continue
				}
				if front {
					out.idx = append(out.idx, base+int64(i))
				}
				for s, e := offs(i); s < e; s++ {
					out.idx = append(out.idx, s)
				}
				if !front {
					out.idx = append(out.idx, base+int64(i))
				}
				out.commit()
			}
			return out.finish(res, all)
		}
		k, err := castArgs(k, argTypes(args), []types.DataType{types.ArrayOf(et), et})
		return res, k, err
	}
}
