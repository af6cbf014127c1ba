package functions

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Boolean logic with SQL's three values, and the IS [NOT] NULL/TRUE/FALSE
// predicates, which never return NULL. AND/OR work a byte (8 rows) at a
// time on the value and validity bitmaps.

// boolBits returns a BOOLEAN (or NULL-typed) array's value and validity
// bitmaps aligned to bit 0 (copies when the array is an offset slice).
func boolBits(a arrow.Array) (vals, valid []byte) {
	n := a.Len()
	nb := bitutil.BytesForBits(int64(n))
	valid = make([]byte, nb)
	if a.DataType().ID() == arrow.NULL {
		return make([]byte, nb), valid
	}
	b := a.(*array.Boolean)
	off := a.Data().Offset()
	vals = make([]byte, nb)
	bitutil.CopyBitmap(a.Data().Buffers()[1].Bytes(), off, n, vals, 0)
	if a.NullN() == 0 {
		bitutil.SetBitsTo(valid, 0, int64(n), true)
	} else {
		bitutil.CopyBitmap(b.NullBitmapBytes(), off, n, valid, 0)
	}
	return vals, valid
}

// logicFold combines boolean columns with AND (and=true) or OR.
func logicFold(and bool, args []arrow.Array, rows int) arrow.Array {
	val, valid := boolBits(args[0])
	for _, a := range args[1:] {
		vals2, valid2 := boolBits(a)
		for i := range val {
			v1, m1, v2, m2 := val[i], valid[i], vals2[i], valid2[i]
			var t, f byte
			if and {
				f = (m1 &^ v1) | (m2 &^ v2)
				t = (m1 & v1) & (m2 & v2)
			} else {
				t = (m1 & v1) | (m2 & v2)
				f = (m1 &^ v1) & (m2 &^ v2)
			}
			val[i], valid[i] = t, t|f
		}
	}
	vb, nulls := finishValidity(valid, rows)
	return newBoolArray(val, rows, vb, nulls)
}

func isBoolArg(t types.DataType) bool { return t.Kind == types.KindBoolean || t.Kind == types.KindNull }

func logicBind(name string, and bool) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) < 2 {
			return types.Null, nil, typeError(name, args, name+"(BOOLEAN, BOOLEAN, ...)")
		}
		for _, a := range args {
			if !isBoolArg(a.Type) {
				return types.Null, nil, typeError(name, args, name+"(BOOLEAN, BOOLEAN, ...)")
			}
		}
		return types.Boolean.WithNullable(anyNullable(argTypesOf(args)...)), func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
			return logicFold(and, in, rows), nil
		}, nil
	}
}

func notBind(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) != 1 || !isBoolArg(args[0].Type) {
		return types.Null, nil, typeError("NOT", args, "NOT BOOLEAN")
	}
	return types.Boolean.WithNullable(args[0].Type.Nullable()), func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
		val, valid := boolBits(in[0])
		for i := range val {
			val[i] = ^val[i] & valid[i]
		}
		vb, nulls := finishValidity(valid, rows)
		return newBoolArray(val, rows, vb, nulls), nil
	}, nil
}

// predicate is one of the IS ... tests: it maps a row's (value, valid)
// bytes to the result byte.
type predicate func(val, valid byte) byte

func predicateBind(name string, anyType bool, p predicate) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 1 || (!anyType && !isBoolArg(args[0].Type)) {
			sig := name + "(BOOLEAN)"
			if anyType {
				sig = name + "(ANY)"
			}
			return types.Null, nil, typeError(name, args, sig)
		}
		return types.Boolean.NotNullable(), func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
			a := in[0]
			var val, valid []byte
			if anyType {
				valid = validBits(rows, a)
				val = valid
			} else {
				val, valid = boolBits(a)
			}
			out := make([]byte, len(valid))
			for i := range out {
				out[i] = p(val[i], valid[i])
			}
			return newBoolArray(out, rows, nil, 0), nil
		}, nil
	}
}

func init() {
	doc := func(syntax, desc string, ex ...string) expr.Doc {
		return expr.Doc{Category: "Logical", Syntax: syntax, Description: desc, Examples: ex}
	}
	register(
		&expr.ScalarFunction{Name: "AND", Bind: logicBind("AND", true), Doc: doc("boolean1 AND boolean2",
			"Returns TRUE if both are TRUE, FALSE if either is FALSE, otherwise NULL (three-valued logic).", "TRUE AND NULL → NULL", "FALSE AND NULL → FALSE")},
		&expr.ScalarFunction{Name: "OR", Bind: logicBind("OR", false), Doc: doc("boolean1 OR boolean2",
			"Returns TRUE if either is TRUE, FALSE if both are FALSE, otherwise NULL (three-valued logic).", "TRUE OR NULL → TRUE", "FALSE OR NULL → NULL")},
		&expr.ScalarFunction{Name: "NOT", Bind: notBind, Doc: doc("NOT boolean",
			"Returns TRUE if boolean is FALSE, FALSE if it is TRUE, and NULL if it is NULL.", "NOT TRUE → FALSE", "NOT NULL → NULL")},
		&expr.ScalarFunction{Name: "IS_NULL", Bind: predicateBind("IS_NULL", true, func(_, m byte) byte { return ^m }), Doc: doc("value IS NULL",
			"Returns TRUE if value is NULL, FALSE otherwise.", "NULL IS NULL → TRUE", "1 IS NULL → FALSE")},
		&expr.ScalarFunction{Name: "IS_NOT_NULL", Bind: predicateBind("IS_NOT_NULL", true, func(_, m byte) byte { return m }), Doc: doc("value IS NOT NULL",
			"Returns TRUE if value is not NULL, FALSE otherwise.", "1 IS NOT NULL → TRUE")},
		&expr.ScalarFunction{Name: "IS_TRUE", Bind: predicateBind("IS_TRUE", false, func(v, m byte) byte { return v & m }), Doc: doc("boolean IS TRUE",
			"Returns TRUE if boolean is TRUE, FALSE if it is FALSE or NULL.", "NULL IS TRUE → FALSE", "TRUE IS TRUE → TRUE")},
		&expr.ScalarFunction{Name: "IS_NOT_TRUE", Bind: predicateBind("IS_NOT_TRUE", false, func(v, m byte) byte { return ^(v & m) }), Doc: doc("boolean IS NOT TRUE",
			"Returns TRUE if boolean is FALSE or NULL, FALSE if it is TRUE.", "NULL IS NOT TRUE → TRUE")},
		&expr.ScalarFunction{Name: "IS_FALSE", Bind: predicateBind("IS_FALSE", false, func(v, m byte) byte { return m &^ v }), Doc: doc("boolean IS FALSE",
			"Returns TRUE if boolean is FALSE, FALSE if it is TRUE or NULL.", "FALSE IS FALSE → TRUE", "NULL IS FALSE → FALSE")},
		&expr.ScalarFunction{Name: "IS_NOT_FALSE", Bind: predicateBind("IS_NOT_FALSE", false, func(v, m byte) byte { return ^(m &^ v) }), Doc: doc("boolean IS NOT FALSE",
			"Returns TRUE if boolean is TRUE or NULL, FALSE if it is FALSE.", "NULL IS NOT FALSE → TRUE")},
	)
}
