package functions

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Array and map functions (ARRAY_*, MAP_*, SPLIT). All return NULL when an
// array or map argument is NULL; elements compare by value with NULL
// equal to NULL, as Flink's implementations do.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "ARRAY_CONTAINS", Doc: docOf("Collection", "ARRAY_CONTAINS(array, value)",
			"Returns TRUE if array contains value (which may be NULL).", "ARRAY_CONTAINS(ARRAY[1, 2], 2) → TRUE"), Bind: bindArraySearch("ARRAY_CONTAINS")},
		&expr.ScalarFunction{Name: "ARRAY_POSITION", Doc: docOf("Collection", "ARRAY_POSITION(array, value)",
			"Returns the 1-based position of the first occurrence of value in array, or 0 if absent.", "ARRAY_POSITION(ARRAY[5, 6, 6], 6) → 2"), Bind: bindArraySearch("ARRAY_POSITION")},
		&expr.ScalarFunction{Name: "ARRAY_REMOVE", Doc: docOf("Collection", "ARRAY_REMOVE(array, value)",
			"Removes every element equal to value (which may be NULL) from array.", "ARRAY_REMOVE(ARRAY[1, 2, 1], 1) → [2]"), Bind: bindArraySearch("ARRAY_REMOVE")},
		&expr.ScalarFunction{Name: "ARRAY_DISTINCT", Doc: docOf("Collection", "ARRAY_DISTINCT(array)",
			"Returns array without duplicates, keeping the first occurrence of each element.", "ARRAY_DISTINCT(ARRAY[1, 2, 1, NULL, NULL]) → [1, 2, NULL]"), Bind: bindArrayReshape("ARRAY_DISTINCT")},
		&expr.ScalarFunction{Name: "ARRAY_REVERSE", Doc: docOf("Collection", "ARRAY_REVERSE(array)",
			"Returns array with its elements in reverse order.", "ARRAY_REVERSE(ARRAY[1, 2, 3]) → [3, 2, 1]"), Bind: bindArrayReshape("ARRAY_REVERSE")},
		&expr.ScalarFunction{Name: "ARRAY_SLICE", Doc: docOf("Collection", "ARRAY_SLICE(array, start[, end])",
			"Returns the elements from start to end inclusive (1-based; 0 means the first, negative counts from the end; end defaults to the last); empty when start is after end.",
			"ARRAY_SLICE(ARRAY[1, 2, 3, 4], 2, 3) → [2, 3]", "ARRAY_SLICE(ARRAY[1, 2, 3, 4], -2) → [3, 4]"), Bind: bindArrayReshape("ARRAY_SLICE")},
		&expr.ScalarFunction{Name: "ARRAY_CONCAT", Doc: docOf("Collection", "ARRAY_CONCAT(array1, array2, ...)",
			"Concatenates the arrays; NULL if any of them is NULL.", "ARRAY_CONCAT(ARRAY[1], ARRAY[2, 3]) → [1, 2, 3]"), Bind: bindArrayCombine("ARRAY_CONCAT")},
		&expr.ScalarFunction{Name: "ARRAY_UNION", Doc: docOf("Collection", "ARRAY_UNION(array1, array2)",
			"Returns the distinct elements of both arrays, in order of first occurrence.", "ARRAY_UNION(ARRAY[1, 2], ARRAY[2, 3]) → [1, 2, 3]"), Bind: bindArrayCombine("ARRAY_UNION")},
		&expr.ScalarFunction{Name: "ARRAY_JOIN", Doc: docOf("Collection", "ARRAY_JOIN(array, delimiter[, nullReplacement])",
			"Joins the strings of array with delimiter; NULL elements are skipped unless nullReplacement is given.",
			"ARRAY_JOIN(ARRAY['a', NULL, 'b'], ',') → 'a,b'", "ARRAY_JOIN(ARRAY['a', NULL, 'b'], ',', '?') → 'a,?,b'"), Bind: bindArrayJoin},
		&expr.ScalarFunction{Name: "ARRAY_MAX", Doc: docOf("Collection", "ARRAY_MAX(array)",
			"Returns the largest non-NULL element of array; NULL if there is none.", "ARRAY_MAX(ARRAY[3, NULL, 7]) → 7"), Bind: bindArrayExtreme("ARRAY_MAX", true)},
		&expr.ScalarFunction{Name: "ARRAY_MIN", Doc: docOf("Collection", "ARRAY_MIN(array)",
			"Returns the smallest non-NULL element of array; NULL if there is none.", "ARRAY_MIN(ARRAY[3, NULL, 7]) → 3"), Bind: bindArrayExtreme("ARRAY_MIN", false)},
		&expr.ScalarFunction{Name: "SPLIT", Doc: docOf("Collection", "SPLIT(string, delimiter)",
			"Splits string at each occurrence of delimiter into an array of strings (every character when delimiter is empty); adjacent, leading or trailing delimiters give empty strings.",
			"SPLIT('a,b,,c', ',') → [a, b, , c]"), Bind: bindSplit},
	)
}

func isArrayArg(t types.DataType) bool { return t.Kind == types.KindArray }

// bindArraySearch binds the (array, value) functions; value is cast to the
// element type.
func bindArraySearch(name string) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig := name + "(ARRAY<T>, T)"
		if len(args) != 2 || !isArrayArg(args[0].Type) || !CanCastImplicitly(args[1].Type, *args[0].Type.Elem) {
			return types.Null, nil, sigErr(name, args, sig)
		}
		at := args[0].Type
		search := func(a []arrow.Array, fn func(i int, hits []bool)) {
			child, offs := listParts(a[0])
			ck, nk := keyer(child), keyer(a[1])
			var cb, nb []byte
			var hits []bool
			for i := 0; i < a[0].Len(); i++ {
				if isNullAt(a[0], i) {
					continue
				}
				nb = nk(nb[:0], i)
				s, e := offs(i)
				hits = hits[:0]
				for j := s; j < e; j++ {
					cb = ck(cb[:0], int(j))
					hits = append(hits, string(cb) == string(nb))
				}
				fn(i, hits)
			}
		}
		var res types.DataType
		var k expr.Kernel
		switch name {
		case "ARRAY_CONTAINS", "ARRAY_POSITION":
			pos := name == "ARRAY_POSITION"
			res = types.Boolean
			if pos {
				res = types.Int
			}
			res = res.WithNullable(at.Nullable())
			k = func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
				valid := validBits(rows, a[:1]...)
				vals := make([]int32, rows)
				search(a, func(i int, hits []bool) {
					for j, h := range hits {
						if h {
							vals[i] = int32(j + 1)
							return
						}
					}
				})
				if pos {
					return fixedCol(arrow.PrimitiveTypes.Int32, vals, valid), nil
				}
				bits := make([]byte, len(valid))
				for i, v := range vals {
					if v > 0 {
						bits[i/8] |= 1 << (i % 8)
					}
				}
				return boolCol(bits, valid, rows), nil
			}
		default: // ARRAY_REMOVE
			res = at
			k = func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
				child, offs := listParts(a[0])
				out := newListOut(rows)
				row := 0
				search(a, func(i int, hits []bool) {
					for ; row < i; row++ {
						out.null()
					}
					s, _ := offs(i)
					for j, h := range hits {
						if !h {
							out.idx = append(out.idx, s+int64(j))
						}
					}
					out.commit()
					row++
				})
				for ; row < rows; row++ {
					out.null()
				}
				return out.finish(res, child)
			}
		}
		k, err := castArgs(k, argTypes(args), []types.DataType{at, *at.Elem})
		return res, k, err
	}
}

// bindArrayReshape binds the functions that pick elements of one array.
func bindArrayReshape(name string) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig, maxArgs := name+"(ARRAY)", 1
		if name == "ARRAY_SLICE" {
			sig, maxArgs = name+"(ARRAY, INT[, INT])", 3
		}
		if err := checkSig(name, sig, args, 1, maxArgs, isArrayArg, isIntArg, isIntArg); err != nil {
			return types.Null, nil, err
		}
		if name == "ARRAY_SLICE" && len(args) < 2 {
			return types.Null, nil, sigErr(name, args, sig)
		}
		res := args[0].Type.WithNullable(argsNullable(args))
		k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			child, offs := listParts(a[0])
			valid := validBits(rows, a...)
			var start, end func(int) int64
			if len(a) > 1 {
				start = intAt(a[1])
			}
			if len(a) > 2 {
				end = intAt(a[2])
			}
			key := keyer(child)
			out := newListOut(rows)
			seen := map[string]bool{}
			var kb []byte
			for i := 0; i < rows; i++ {
				if valid[i/8]&(1<<(i%8)) == 0 {
					out.null()
					continue
				}
				s, e := offs(i)
				switch name {
				case "ARRAY_REVERSE":
					for j := e - 1; j >= s; j-- {
						out.idx = append(out.idx, j)
					}
				case "ARRAY_DISTINCT":
					clear(seen)
					for j := s; j < e; j++ {
						if kb = key(kb[:0], int(j)); !seen[string(kb)] {
							seen[string(kb)] = true
							out.idx = append(out.idx, j)
						}
					}
				case "ARRAY_SLICE":
					from, to := sliceBounds(e-s, start(i), end, i)
					for j := from; j <= to; j++ {
						out.idx = append(out.idx, s+j)
					}
				}
				out.commit()
			}
			return out.finish(res, child)
		}
		return res, k, nil
	}
}

// sliceBounds turns ARRAY_SLICE offsets into 0-based inclusive bounds for
// an array of n elements (to < from when the slice is empty).
func sliceBounds(n, start int64, end func(int) int64, i int) (int64, int64) {
	norm := func(p int64) int64 {
		switch {
		case p == 0:
			return 0
		case p < 0:
			return n + p
		}
		return p - 1
	}
	from, to := norm(start), n-1
	if end != nil {
		to = norm(end(i))
	}
	if from < 0 {
		from = 0
	}
	if to >= n {
		to = n - 1
	}
	return from, to
}

// bindArrayCombine binds ARRAY_CONCAT and ARRAY_UNION over arrays of a
// common type.
func bindArrayCombine(name string) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		sig := name + "(ARRAY<T>, ARRAY<T>, ...)"
		minArgs, maxArgs := 1, -1
		if name == "ARRAY_UNION" {
			minArgs, maxArgs = 2, 2
		}
		if err := checkSig(name, sig, args, minArgs, maxArgs, isArrayArg); err != nil {
			return types.Null, nil, err
		}
		ct, to, ok := commonArgs(args, 0, 1)
		if !ok {
			return types.Null, nil, sigErr(name, args, sig)
		}
		res := ct.WithNullable(argsNullable(args))
		union := name == "ARRAY_UNION"
		k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			children := make([]arrow.Array, len(a))
			offsets := make([]func(int) (int64, int64), len(a))
			bases := make([]int64, len(a))
			var base int64
			for j := range a {
				children[j], offsets[j] = listParts(a[j])
				bases[j] = base
				base += int64(children[j].Len())
			}
			all, err := array.Concatenate(children, memory.DefaultAllocator)
			if err != nil {
				return nil, err
			}
			defer all.Release()
			key := keyer(all)
			seen := map[string]bool{}
			var kb []byte
			valid := validBits(rows, a...)
			out := newListOut(rows)
			for i := 0; i < rows; i++ {
				if valid[i/8]&(1<<(i%8)) == 0 {
					out.null()
					continue
				}
				clear(seen)
				for j := range a {
					s, e := offsets[j](i)
					for x := s; x < e; x++ {
						g := bases[j] + x
						if union {
							if kb = key(kb[:0], int(g)); seen[string(kb)] {
								continue
							}
							seen[string(kb)] = true
						}
						out.idx = append(out.idx, g)
					}
				}
				out.commit()
			}
			return out.finish(res, all)
		}
		k, err := castArgs(k, argTypes(args), to)
		return res, k, err
	}
}

func bindArrayJoin(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "ARRAY_JOIN(ARRAY<STRING>, STRING[, STRING])"
	isStrArray := func(t types.DataType) bool { return t.Kind == types.KindArray && isStrArg(*t.Elem) }
	if err := checkSig("ARRAY_JOIN", sig, args, 2, 3, isStrArray, isStrArg, isStrArg); err != nil {
		return types.Null, nil, err
	}
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		child, offs := listParts(a[0])
		cs, delim := strAt(child), strAt(a[1])
		var repl func(int) string
		if len(a) == 3 {
			repl = strAt(a[2])
		}
		return func(i int, dst []byte) ([]byte, bool) {
			s, e := offs(i)
			first := true
			for j := s; j < e; j++ {
				null := isNullAt(child, int(j))
				if null && repl == nil {
					continue
				}
				if !first {
					dst = append(dst, delim(i)...)
				}
				first = false
				if null {
					dst = append(dst, repl(i)...)
				} else {
					dst = append(dst, cs(int(j))...)
				}
			}
			return dst, true
		}
	})
	return types.String.WithNullable(argsNullable(args)), k, nil
}

func bindArrayExtreme(name string, max bool) func([]expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 1 || !isArrayArg(args[0].Type) {
			return types.Null, nil, sigErr(name, args, name+"(ARRAY)")
		}
		res := args[0].Type.Elem.WithNullable(true)
		k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
			child, offs := listParts(a[0])
			if child == nil {
				return nullArray(res, rows), nil
			}
			less := lessAt(child)
			if less == nil {
				return nil, fmt.Errorf("%s: elements of type %s cannot be compared", name, res)
			}
			idx := make([]int64, rows)
			for i := range idx {
				idx[i] = -1
				if isNullAt(a[0], i) {
					continue
				}
				s, e := offs(i)
				for j := s; j < e; j++ {
					if child.IsNull(int(j)) {
						continue
					}
					if b := idx[i]; b < 0 || (max && less(int(b), int(j))) || (!max && less(int(j), int(b))) {
						idx[i] = j
					}
				}
			}
			return takeOf(child, idx)
		}
		return res, k, nil
	}
}

func bindSplit(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("SPLIT", "SPLIT(STRING, STRING)", args, 2, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	res := types.ArrayOf(types.String).WithNullable(argsNullable(args))
	k := func(_ *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		lb := array.NewListBuilder(memory.DefaultAllocator, arrow.BinaryTypes.String)
		defer lb.Release()
		sb := lb.ValueBuilder().(*array.StringBuilder)
		s, d := strAt(a[0]), strAt(a[1])
		valid := validBits(rows, a...)
		for i := 0; i < rows; i++ {
			if valid[i/8]&(1<<(i%8)) == 0 {
				lb.AppendNull()
				continue
			}
			lb.Append(true)
			v, delim := s(i), d(i)
			if delim == "" {
				for _, r := range v {
					sb.Append(string(r))
				}
				continue
			}
			for {
				j := strings.Index(v, delim)
				if j < 0 {
					sb.Append(v)
					break
				}
				sb.Append(v[:j])
				v = v[j+len(delim):]
			}
		}
		return lb.NewArray(), nil
	}
	return res, k, nil
}
