package functions

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Conditional functions: CASE, IF, COALESCE, IFNULL, NULLIF, GREATEST and
// LEAST. Each computes, per row, which argument supplies the value (a
// "pick", -1 for NULL), then gathers the values with one typed loop.
//
// Arguments arrive evaluated (expr.Call evaluates every argument first), so
// a branch that fails on rows it does not select, such as
// CASE WHEN x <> 0 THEN 1 / x END, still fails.

// choose gathers out[i] = srcs[pick[i]][i] for arrays of logical type t;
// pick[i] < 0 yields NULL.
func choose(t types.DataType, srcs []arrow.Array, pick []int32) arrow.Array {
	rows := len(pick)
	valid := make([]byte, bitutil.BytesForBits(int64(rows)))
	for i, p := range pick {
		if p >= 0 && srcs[p].IsValid(i) {
			bitutil.SetBit(valid, i)
		}
	}
	vb, nulls := finishValidity(valid, rows)
	switch types.ArrowType(t).ID() {
	case arrow.NULL:
		return nullArray(t, rows)
	case arrow.INT8:
		return chooseFixed[int8](t, srcs, pick, vb, nulls)
	case arrow.INT16:
		return chooseFixed[int16](t, srcs, pick, vb, nulls)
	case arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.INTERVAL_MONTHS:
		return chooseFixed[int32](t, srcs, pick, vb, nulls)
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
		return chooseFixed[int64](t, srcs, pick, vb, nulls)
	case arrow.FLOAT32:
		return chooseFixed[float32](t, srcs, pick, vb, nulls)
	case arrow.FLOAT64:
		return chooseFixed[float64](t, srcs, pick, vb, nulls)
	case arrow.DECIMAL128:
		return chooseFixed[decimal128.Num](t, srcs, pick, vb, nulls)
	case arrow.BOOL:
		bits := make([]byte, len(valid))
		for i, p := range pick {
			if p >= 0 && srcs[p].IsValid(i) && srcs[p].(*array.Boolean).Value(i) {
				bitutil.SetBit(bits, i)
			}
		}
		return newBoolArray(bits, rows, vb, nulls)
	case arrow.STRING, arrow.BINARY:
		gets := make([]func(int) string, len(srcs))
		size := 0
		for i, s := range srcs {
			gets[i] = strAt(s)
			size = max(size, stringDataLen(s))
		}
		out := newStrCol(rows, size)
		for i, p := range pick {
			if p >= 0 && srcs[p].IsValid(i) {
				out.add(gets[p](i))
			} else {
				out.null()
			}
		}
		return out.finish(types.ArrowType(t).ID() == arrow.BINARY)
	}
	// Nested types: the generic row path.
	b := types.NewBuilder(t)
	for i, p := range pick {
		if p < 0 {
			b.AppendNull()
			continue
		}
		types.Append(b, types.Value(srcs[p], i))
	}
	return b.NewArray()
}

func chooseFixed[T fixed](t types.DataType, srcs []arrow.Array, pick []int32, vb *memory.Buffer, nulls int) arrow.Array {
	vals := make([][]T, len(srcs))
	for i, s := range srcs {
		vals[i] = fixedValues[T](s)
	}
	out := make([]T, len(pick))
	for i, p := range pick {
		if p >= 0 {
			out[i] = vals[p][i]
		}
	}
	return newFixedArray(types.ArrowType(t), out, vb, nulls)
}

// boolTrue reports whether row i of a BOOLEAN (or NULL) array is TRUE.
func boolTrue(a arrow.Array, i int) bool {
	b, ok := a.(*array.Boolean)
	return ok && b.IsValid(i) && b.Value(i)
}

// commonOf derives the common type of the given argument positions.
func commonOf(name string, args []expr.Arg, idx []int, expected string) (types.DataType, error) {
	ts := make([]types.DataType, len(idx))
	for i, j := range idx {
		ts[i] = args[j].Type
	}
	t, ok := CommonType(ts...)
	if !ok {
		return t, typeError(name, args, expected)
	}
	return t.WithoutTimeAttr(), nil
}

// bindPicked finishes a bind: values at positions idx are cast to t, and
// pickFn computes the picks (indexes into in[] of the casted arguments).
func bindPicked(args []expr.Arg, t types.DataType, idx []int, pickFn func(in []arrow.Array, rows int, pick []int32)) (expr.Kernel, error) {
	to := argTypesOf(args)
	for _, j := range idx {
		to[j] = t
	}
	k := func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
		pick := make([]int32, rows)
		pickFn(in, rows, pick)
		return choose(t, in, pick), nil
	}
	return castArgs(k, argTypesOf(args), to)
}

func caseBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "CASE(cond1, value1, ..., else) with BOOLEAN conditions"
	if len(args) < 3 || len(args)%2 == 0 {
		return types.Null, nil, typeError("CASE", args, sig)
	}
	var vals []int
	for i := 0; i+1 < len(args); i += 2 {
		if !isBoolArg(args[i].Type) {
			return types.Null, nil, typeError("CASE", args, sig)
		}
		vals = append(vals, i+1)
	}
	elseIdx := len(args) - 1
	vals = append(vals, elseIdx)
	t, err := commonOf("CASE", args, vals, sig)
	if err != nil {
		return t, nil, err
	}
	k, err := bindPicked(args, t, vals, func(in []arrow.Array, rows int, pick []int32) {
		for r := 0; r < rows; r++ {
			pick[r] = int32(elseIdx)
			for c := 0; c+1 < len(in); c += 2 {
				if boolTrue(in[c], r) {
					pick[r] = int32(c + 1)
					break
				}
			}
		}
	})
	return t, k, err
}

func ifBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) != 3 || !isBoolArg(args[0].Type) {
		return types.Null, nil, typeError("IF", args, "IF(BOOLEAN, value1, value2)")
	}
	return caseBind(args)
}

func coalesceBind(name string, n int) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) < 1 || (n > 0 && len(args) != n) {
			return types.Null, nil, typeError(name, args, name+"(value1, value2, ...)")
		}
		idx := make([]int, len(args))
		notNull := false
		for i := range idx {
			idx[i] = i
			notNull = notNull || !args[i].Type.Nullable()
		}
		t, err := commonOf(name, args, idx, name+"(value1, value2, ...) with values of a common type")
		if err != nil {
			return t, nil, err
		}
		t = t.WithNullable(!notNull)
		k, err := bindPicked(args, t, idx, func(in []arrow.Array, rows int, pick []int32) {
			for r := range pick {
				pick[r] = -1
				for j, a := range in {
					if a.IsValid(r) {
						pick[r] = int32(j)
						break
					}
				}
			}
		})
		return t, k, err
	}
}

func nullifBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) != 2 {
		return types.Null, nil, typeError("NULLIF", args, "NULLIF(value1, value2)")
	}
	ct, ok := compareType(args[0].Type, args[1].Type)
	if !ok {
		return types.Null, nil, typeError("NULLIF", args, "NULLIF(value1, value2) with comparable values")
	}
	t := args[0].Type.WithNullable(true).WithoutTimeAttr()
	conv, err := castKernel(t, ct, false)
	if err != nil {
		return t, nil, err
	}
	k := func(ctx *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
		a, err := conv(ctx, in[:1], rows)
		if err != nil {
			return nil, err
		}
		eq := cmpBits(cmpEq, ct, a, in[1])
		pick := make([]int32, rows)
		for i := range pick {
			if in[0].IsValid(i) && in[1].IsValid(i) && bitutil.BitIsSet(eq, i) {
				pick[i] = -1
			}
		}
		return choose(t, in[:1], pick), nil
	}
	ck, err := castArgs(k, argTypesOf(args), []types.DataType{t, ct})
	return t, ck, err
}

// extremeBind is GREATEST (greater) or LEAST: NULL if any argument is NULL.
func extremeBind(name string, greater bool) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) < 1 {
			return types.Null, nil, typeError(name, args, name+"(value1, value2, ...)")
		}
		idx := make([]int, len(args))
		for i := range idx {
			idx[i] = i
		}
		t, err := commonOf(name, args, idx, name+"(value1, value2, ...) with comparable values")
		if err != nil || t.Kind.IsNested() {
			return t, nil, typeError(name, args, name+"(value1, value2, ...) with comparable values")
		}
		k := func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
			acc := in[0]
			pick := make([]int32, rows)
			for _, next := range in[1:] {
				c := rowComparator(t, next, acc)
				for r := range pick {
					switch {
					case !acc.IsValid(r) || !next.IsValid(r):
						pick[r] = -1
					case (greater && c(r, r) > 0) || (!greater && c(r, r) < 0):
						pick[r] = 1
					default:
						pick[r] = 0
					}
				}
				acc = choose(t, []arrow.Array{acc, next}, pick)
			}
			return acc, nil
		}
		to := make([]types.DataType, len(args))
		for i := range to {
			to[i] = t
		}
		ck, err := castArgs(k, argTypesOf(args), to)
		return t, ck, err
	}
}

func init() {
	doc := func(syntax, desc string, ex ...string) expr.Doc {
		return expr.Doc{Category: "Conditional", Syntax: syntax, Description: desc, Examples: ex}
	}
	register(
		&expr.ScalarFunction{Name: "CASE", Bind: caseBind, Doc: doc("CASE WHEN cond1 THEN value1 [WHEN cond2 THEN value2]* [ELSE valueZ] END",
			"Returns the value of the first condition that is TRUE, else valueZ (NULL without ELSE). The simple form CASE x WHEN a THEN ... compares x = a. The binder passes CASE(cond1, value1, ..., else).",
			"CASE WHEN 1 > 2 THEN 'a' ELSE 'b' END → 'b'", "CASE WHEN NULL THEN 1 END → NULL")},
		&expr.ScalarFunction{Name: "IF", Bind: ifBind, Doc: doc("IF(condition, true_value, false_value)",
			"Returns true_value if condition is TRUE, otherwise (FALSE or NULL) false_value.", "IF(5 > 3, 5, 3) → 5", "IF(NULL, 1, 2) → 2")},
		&expr.ScalarFunction{Name: "COALESCE", Bind: coalesceBind("COALESCE", 0), Doc: doc("COALESCE(value1, value2, ...)",
			"Returns the first argument that is not NULL, or NULL if all are NULL. The result is NOT NULL if any argument is.", "COALESCE(NULL, 'default') → 'default'", "COALESCE(NULL, NULL, 3) → 3")},
		&expr.ScalarFunction{Name: "IFNULL", Bind: coalesceBind("IFNULL", 2), Doc: doc("IFNULL(input, null_replacement)",
			"Returns null_replacement if input is NULL, otherwise input; the result has the common type of both.", "IFNULL(NULL, 5) → 5", "IFNULL(1, 5) → 1")},
		&expr.ScalarFunction{Name: "NULLIF", Bind: nullifBind, Doc: doc("NULLIF(value1, value2)",
			"Returns NULL if value1 equals value2, otherwise value1.", "NULLIF(5, 5) → NULL", "NULLIF(5, 0) → 5")},
		&expr.ScalarFunction{Name: "GREATEST", Bind: extremeBind("GREATEST", true), Doc: doc("GREATEST(value1, value2, ...)",
			"Returns the greatest of the arguments, or NULL if any argument is NULL.", "GREATEST(1, 5, 3) → 5", "GREATEST(1, NULL) → NULL")},
		&expr.ScalarFunction{Name: "LEAST", Bind: extremeBind("LEAST", false), Doc: doc("LEAST(value1, value2, ...)",
			"Returns the least of the arguments, or NULL if any argument is NULL.", "LEAST(1, 5, 3) → 1", "LEAST('b', 'a') → 'a'")},
	)
}
