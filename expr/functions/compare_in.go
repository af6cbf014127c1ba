package functions

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// IN(x, a, b, ...) with SQL's three-valued result: TRUE if x equals an
// item, else NULL if x or any item is NULL, else FALSE. When every item is
// a constant the items are hashed once into a set, so each row costs one
// lookup instead of one comparison per item.

func inBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) < 2 {
		return types.Null, nil, typeError("IN", args, "value IN (value1, value2, ...)")
	}
	ts := argTypesOf(args)
	t, ok := CommonType(ts...)
	if !ok || t.Kind.IsNested() {
		// A string among numbers or dates compares in the other type.
		t, ok = types.Null, true
		for _, a := range ts {
			if t.Kind == types.KindNull || t.Kind.IsString() {
				t = a
			}
		}
		for _, a := range ts {
			if _, ok2 := compareType(t, a); !ok2 {
				ok = false
			}
		}
		if !ok || t.Kind.IsNested() {
			return types.Null, nil, typeError("IN", args, "value IN (value1, value2, ...) with items of compatible types")
		}
	}
	t = t.WithNullable(true)
	allConst := true
	for _, a := range args[1:] {
		allConst = allConst && a.IsConst
	}
	var k expr.Kernel
	if allConst && t.Kind != types.KindNull {
		k = inSetKernel(t)
	} else {
		k = func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
			return inScan(t, in, rows), nil
		}
	}
	to := make([]types.DataType, len(ts))
	for i := range to {
		to[i] = t
	}
	ck, err := castArgs(k, ts, to)
	return types.Boolean.WithNullable(anyNullable(ts...)), ck, err
}

// inScan ORs the equalities x = item with three-valued logic.
func inScan(t types.DataType, in []arrow.Array, rows int) arrow.Array {
	if t.Kind == types.KindNull {
		return nullArray(types.Boolean, rows)
	}
	eqs := make([]arrow.Array, len(in)-1)
	for i, item := range in[1:] {
		bits := cmpBits(cmpEq, t, in[0], item)
		valid, nulls := unionValidity(rows, in[0], item)
		eqs[i] = newBoolArray(bits, rows, valid, nulls)
	}
	if len(eqs) == 1 {
		return eqs[0]
	}
	return logicFold(false, eqs, rows)
}

// inSetKernel builds the set from the constant items on first use.
func inSetKernel(t types.DataType) expr.Kernel {
	var once sync.Once
	var lookup func(x arrow.Array, rows int, hasNull bool) arrow.Array
	var hasNull bool
	return func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
		if rows == 0 {
			return inScan(t, in, rows), nil
		}
		once.Do(func() {
			for _, item := range in[1:] {
				hasNull = hasNull || item.IsNull(0)
			}
			switch types.ArrowType(t).ID() {
			case arrow.INT8:
				lookup = inSet(in[1:], fixedAt[int8])
			case arrow.INT16:
				lookup = inSet(in[1:], fixedAt[int16])
			case arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.INTERVAL_MONTHS:
				lookup = inSet(in[1:], fixedAt[int32])
			case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
				lookup = inSet(in[1:], fixedAt[int64])
			case arrow.FLOAT32:
				lookup = inSet(in[1:], fixedAt[float32])
			case arrow.FLOAT64:
				lookup = inSet(in[1:], fixedAt[float64])
			case arrow.DECIMAL128:
				lookup = inSet(in[1:], fixedAt[decimal128.Num])
			case arrow.STRING, arrow.BINARY:
				lookup = inSet(in[1:], strAt)
			case arrow.BOOL:
				lookup = inSet(in[1:], func(a arrow.Array) func(int) bool { return a.(*array.Boolean).Value })
			}
		})
		if lookup == nil {
			return inScan(t, in, rows), nil
		}
		return lookup(in[0], rows, hasNull), nil
	}
}

func fixedAt[T fixed](a arrow.Array) func(int) T {
	v := fixedValues[T](a)
	return func(i int) T { return v[i] }
}

// inSet hashes the non-NULL constant items (row 0 of each array) and
// returns the per-batch lookup.
func inSet[T comparable](items []arrow.Array, at func(arrow.Array) func(int) T) func(x arrow.Array, rows int, hasNull bool) arrow.Array {
	set := make(map[T]struct{}, len(items))
	for _, item := range items {
		if item.IsValid(0) {
			set[at(item)(0)] = struct{}{}
		}
	}
	return func(x arrow.Array, rows int, hasNull bool) arrow.Array {
		get := at(x)
		valid := validBits(rows, x)
		bits := make([]byte, len(valid))
		for i := 0; i < rows; i++ {
			if !bitutil.BitIsSet(valid, i) {
				continue
			}
			if _, ok := set[get(i)]; ok {
				bitutil.SetBit(bits, i)
			} else if hasNull {
				bitutil.ClearBit(valid, i)
			}
		}
		vb, nulls := finishValidity(valid, rows)
		return newBoolArray(bits, rows, vb, nulls)
	}
}

func init() {
	register(&expr.ScalarFunction{
		Name: "IN",
		Bind: inBind,
		Doc: expr.Doc{
			Category:    "Comparison",
			Syntax:      "value IN (value1, value2, ...)",
			Description: "Returns TRUE if value equals an item of the list; otherwise NULL if value or any item is NULL, else FALSE.",
			Examples:    []string{"2 IN (1, 2, 3) → TRUE", "4 IN (1, 2, NULL) → NULL", "NULL IN (1, 2) → NULL"},
		},
	})
}
