package functions

import (
	"cmp"
	"reflect"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Comparison operators. Both operands are converted to their common type
// (INT vs DECIMAL vs DOUBLE widen; DATE vs TIMESTAMP; a string compared
// with a number, date or boolean is cast to that type, as Calcite does),
// then compared with a typed loop.

type cmpOp int

const (
	cmpEq cmpOp = iota
	cmpNe
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

func (op cmpOp) holds(c int) bool {
	switch op {
	case cmpEq:
		return c == 0
	case cmpNe:
		return c != 0
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	}
	return c >= 0
}

// compareType returns the type two operands are compared in.
func compareType(a, b types.DataType) (types.DataType, bool) {
	ak, bk := a.Kind, b.Kind
	castable := func(k types.Kind) bool {
		return k.IsNumeric() || k.IsTemporal() || k == types.KindBoolean
	}
	switch {
	case ak.IsString() && castable(bk):
		return b.WithNullable(true), true
	case bk.IsString() && castable(ak):
		return a.WithNullable(true), true
	}
	t, ok := CommonType(a, b)
	if !ok || t.Kind.IsNested() {
		return t, false
	}
	return t.WithNullable(true).WithoutTimeAttr(), true
}

// cmpBits compares two arrays of the same logical type t row by row and
// returns the bitmap of rows where op holds (NULL rows are undefined).
func cmpBits(op cmpOp, t types.DataType, a, b arrow.Array) []byte {
	n := a.Len()
	bits := make([]byte, bitutil.BytesForBits(int64(n)))
	if t.Kind.IsNested() {
		// ARRAY, MAP, MULTISET and ROW support only (in)equality: a slow,
		// row-at-a-time deep comparison.
		for i := 0; i < n; i++ {
			if a.IsValid(i) && b.IsValid(i) && reflect.DeepEqual(types.Value(a, i), types.Value(b, i)) == (op == cmpEq) {
				bitutil.SetBit(bits, i)
			}
		}
		return bits
	}
	switch types.ArrowType(t).ID() {
	case arrow.INT8:
		cmpOrdered(op, fixedValues[int8](a), fixedValues[int8](b), bits)
	case arrow.INT16:
		cmpOrdered(op, fixedValues[int16](a), fixedValues[int16](b), bits)
	case arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.INTERVAL_MONTHS:
		cmpOrdered(op, fixedValues[int32](a), fixedValues[int32](b), bits)
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
		cmpOrdered(op, fixedValues[int64](a), fixedValues[int64](b), bits)
	case arrow.FLOAT32:
		cmpOrdered(op, fixedValues[float32](a), fixedValues[float32](b), bits)
	case arrow.FLOAT64:
		cmpOrdered(op, fixedValues[float64](a), fixedValues[float64](b), bits)
	case arrow.STRING, arrow.BINARY:
		x, y := strAt(a), strAt(b)
		if op == cmpEq || op == cmpNe {
			want := op == cmpEq
			for i := 0; i < n; i++ {
				if (x(i) == y(i)) == want {
					bitutil.SetBit(bits, i)
				}
			}
			break
		}
		for i := 0; i < n; i++ {
			if op.holds(strings.Compare(x(i), y(i))) {
				bitutil.SetBit(bits, i)
			}
		}
	default:
		c := rowComparator(t, a, b)
		for i := 0; i < n; i++ {
			if a.IsValid(i) && b.IsValid(i) && op.holds(c(i, i)) {
				bitutil.SetBit(bits, i)
			}
		}
	}
	return bits
}

// cmpOrdered runs one typed loop per operator so the compiler can keep
// each tight.
func cmpOrdered[T cmp.Ordered](op cmpOp, x, y []T, bits []byte) {
	y = y[:len(x)]
	switch op {
	case cmpEq:
		for i := range x {
			if x[i] == y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case cmpNe:
		for i := range x {
			if x[i] != y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case cmpLt:
		for i := range x {
			if x[i] < y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case cmpLe:
		for i := range x {
			if x[i] <= y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	case cmpGt:
		for i := range x {
			if x[i] > y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	default:
		for i := range x {
			if x[i] >= y[i] {
				bitutil.SetBit(bits, i)
			}
		}
	}
}

// rowComparator returns a three-way comparison of row i of a with row j of
// b, both of flat type t. Java's Double.compare order is not used: SQL
// comparisons follow IEEE (as Flink's generated code does).
func rowComparator(t types.DataType, a, b arrow.Array) func(i, j int) int {
	switch types.ArrowType(t).ID() {
	case arrow.BOOL:
		x, y := a.(*array.Boolean), b.(*array.Boolean)
		return func(i, j int) int { return boolCmp(x.Value(i), y.Value(j)) }
	case arrow.DECIMAL128:
		x, y := fixedValues[decimal128.Num](a), fixedValues[decimal128.Num](b)
		return func(i, j int) int { return x[i].Cmp(y[j]) }
	case arrow.INT8:
		return orderedComparator(fixedValues[int8](a), fixedValues[int8](b))
	case arrow.INT16:
		return orderedComparator(fixedValues[int16](a), fixedValues[int16](b))
	case arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.INTERVAL_MONTHS:
		return orderedComparator(fixedValues[int32](a), fixedValues[int32](b))
	case arrow.INT64, arrow.TIMESTAMP, arrow.DURATION:
		return orderedComparator(fixedValues[int64](a), fixedValues[int64](b))
	case arrow.FLOAT32:
		return orderedComparator(fixedValues[float32](a), fixedValues[float32](b))
	case arrow.FLOAT64:
		return orderedComparator(fixedValues[float64](a), fixedValues[float64](b))
	case arrow.STRING, arrow.BINARY:
		x, y := strAt(a), strAt(b)
		return func(i, j int) int { return strings.Compare(x(i), y(j)) }
	}
	return func(int, int) int { return 0 }
}

func orderedComparator[T cmp.Ordered](x, y []T) func(i, j int) int {
	return func(i, j int) int {
		switch {
		case x[i] < y[j]:
			return -1
		case x[i] > y[j]:
			return 1
		}
		return 0
	}
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// compareBind binds a comparison; distinct selects IS [NOT] DISTINCT FROM,
// which treats NULLs as comparable values and never returns NULL.
func compareBind(name string, op cmpOp, distinct bool) func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	return func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 2 {
			return types.Null, nil, typeError(name, args, name+"(COMPARABLE, COMPARABLE)")
		}
		t, ok := compareType(args[0].Type, args[1].Type)
		if !ok && (op == cmpEq || op == cmpNe) && t.Kind.IsNested() {
			t, ok = t.WithNullable(true), true
		}
		if !ok {
			return types.Null, nil, typeError(name, args, name+"(COMPARABLE, COMPARABLE) with operands of compatible types")
		}
		k := func(_ *expr.Context, in []arrow.Array, rows int) (arrow.Array, error) {
			a, b := in[0], in[1]
			if t.Kind == types.KindNull {
				if distinct {
					bits := make([]byte, bitutil.BytesForBits(int64(rows)))
					if op == cmpEq {
						bitutil.SetBitsTo(bits, 0, int64(rows), true)
					}
					return newBoolArray(bits, rows, nil, 0), nil
				}
				return nullArray(types.Boolean, rows), nil
			}
			bits := cmpBits(op, t, a, b)
			if !distinct {
				valid, nulls := unionValidity(rows, a, b)
				return newBoolArray(bits, rows, valid, nulls), nil
			}
			// IS NOT DISTINCT FROM is op == cmpEq: both NULL, or both valid and equal.
			for i := 0; i < rows; i++ {
				va, vb := a.IsValid(i), b.IsValid(i)
				eq := (!va && !vb) || (va && vb && bitutil.BitIsSet(bits, i) == (op == cmpEq))
				bitutil.SetBitTo(bits, i, eq == (op == cmpEq))
			}
			return newBoolArray(bits, rows, nil, 0), nil
		}
		ck, err := castArgs(k, argTypesOf(args), []types.DataType{t, t})
		rt := types.Boolean.WithNullable(anyNullable(args[0].Type, args[1].Type))
		if distinct {
			rt = types.Boolean.NotNullable()
		}
		return rt, ck, err
	}
}

func init() {
	doc := func(syntax, desc string, ex ...string) expr.Doc {
		return expr.Doc{Category: "Comparison", Syntax: syntax, Description: desc, Examples: ex}
	}
	register(
		&expr.ScalarFunction{Name: "=", Bind: compareBind("=", cmpEq, false), Doc: doc("value1 = value2",
			"Returns TRUE if value1 equals value2, NULL if either is NULL. Operands of different numeric or temporal types are widened first.", "1 = 1.0 → TRUE", "'a' = NULL → NULL")},
		&expr.ScalarFunction{Name: "<>", Bind: compareBind("<>", cmpNe, false), Doc: doc("value1 <> value2",
			"Returns TRUE if value1 is not equal to value2, NULL if either is NULL.", "1 <> 2 → TRUE")},
		&expr.ScalarFunction{Name: "<", Bind: compareBind("<", cmpLt, false), Doc: doc("value1 < value2",
			"Returns TRUE if value1 is less than value2, NULL if either is NULL.", "1 < 2 → TRUE", "'abc' < 'abd' → TRUE")},
		&expr.ScalarFunction{Name: "<=", Bind: compareBind("<=", cmpLe, false), Doc: doc("value1 <= value2",
			"Returns TRUE if value1 is less than or equal to value2, NULL if either is NULL.", "2 <= 2 → TRUE")},
		&expr.ScalarFunction{Name: ">", Bind: compareBind(">", cmpGt, false), Doc: doc("value1 > value2",
			"Returns TRUE if value1 is greater than value2, NULL if either is NULL.", "DATE '2024-01-02' > DATE '2024-01-01' → TRUE")},
		&expr.ScalarFunction{Name: ">=", Bind: compareBind(">=", cmpGe, false), Doc: doc("value1 >= value2",
			"Returns TRUE if value1 is greater than or equal to value2, NULL if either is NULL.", "1 >= 2 → FALSE")},
		&expr.ScalarFunction{Name: "IS_DISTINCT_FROM", Bind: compareBind("IS_DISTINCT_FROM", cmpNe, true), Doc: doc("value1 IS DISTINCT FROM value2",
			"Returns TRUE if the values differ, treating NULL as a comparable value: never returns NULL.", "1 IS DISTINCT FROM NULL → TRUE", "NULL IS DISTINCT FROM NULL → FALSE")},
		&expr.ScalarFunction{Name: "IS_NOT_DISTINCT_FROM", Bind: compareBind("IS_NOT_DISTINCT_FROM", cmpEq, true), Doc: doc("value1 IS NOT DISTINCT FROM value2",
			"Returns TRUE if the values are equal or both NULL: never returns NULL.", "NULL IS NOT DISTINCT FROM NULL → TRUE", "1 IS NOT DISTINCT FROM 2 → FALSE")},
	)
}
