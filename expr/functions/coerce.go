package functions

import (
	"github.com/spry-engine/spry/types"
)

// Type coercion rules, after Flink's LogicalTypeCasts (implicit casts) and
// LogicalTypeMerging (common types and DECIMAL result types).

// numericRank orders the numeric kinds along Flink's implicit widening
// chain TINYINT → SMALLINT → INT → BIGINT → DECIMAL → FLOAT → DOUBLE.
func numericRank(k types.Kind) int {
	switch k {
	case types.KindTinyInt:
		return 1
	case types.KindSmallInt:
		return 2
	case types.KindInt:
		return 3
	case types.KindBigInt:
		return 4
	case types.KindDecimal:
		return 5
	case types.KindFloat:
		return 6
	case types.KindDouble:
		return 7
	}
	return 0
}

// CanCastImplicitly reports whether a value of type from may be used where
// type to is expected without an explicit CAST, following Flink's
// LogicalTypeCasts: NULL to anything, numeric widening (every numeric to
// DECIMAL and DOUBLE; exact numerics and DECIMAL to FLOAT), CHAR and
// VARCHAR to VARCHAR, BINARY and VARBINARY to VARBINARY, TIMESTAMP to DATE
// and TIME, TIMESTAMP to/from TIMESTAMP_LTZ, and constructed types whose
// children convert implicitly. Nullability is ignored.
func CanCastImplicitly(from, to types.DataType) bool {
	if from.Kind == types.KindNull || from.EqualIgnoringNull(to) {
		return true
	}
	fk, tk := from.Kind, to.Kind
	switch {
	case fk.IsNumeric() && tk.IsNumeric():
		switch tk {
		case types.KindDecimal, types.KindDouble:
			return true
		case types.KindFloat:
			return fk != types.KindDouble
		}
		return fk.IsInteger() && numericRank(fk) <= numericRank(tk)
	case tk == types.KindChar:
		return fk == types.KindChar
	case tk == types.KindVarChar:
		return fk.IsString()
	case tk == types.KindBinary:
		return fk == types.KindBinary
	case tk == types.KindVarBinary:
		return fk.IsBinary()
	case tk == types.KindDate:
		return fk == types.KindTimestamp
	case tk == types.KindTime:
		return fk == types.KindTime || fk == types.KindTimestamp
	case tk.IsTimestamp():
		return fk.IsTimestamp()
	case tk.IsInterval():
		return fk == tk
	case fk != tk:
		return false
	case tk == types.KindArray || tk == types.KindMultiset:
		return CanCastImplicitly(*from.Elem, *to.Elem)
	case tk == types.KindMap:
		return CanCastImplicitly(*from.Elem, *to.Elem) && CanCastImplicitly(*from.Value, *to.Value)
	case tk == types.KindRow:
		if len(from.Fields) != len(to.Fields) {
			return false
		}
		for i := range from.Fields {
			if !CanCastImplicitly(from.Fields[i].Type, to.Fields[i].Type) {
				return false
			}
		}
		return true
	}
	return false
}

// CommonType returns the least restrictive type all of ts convert to, as
// Flink derives it for UNION, CASE, COALESCE, IN and comparison operands.
// NULL-typed inputs adapt to the others; the result is nullable if any input
// is. It reports false when the types have nothing in common.
func CommonType(ts ...types.DataType) (types.DataType, bool) {
	var res types.DataType
	have, nullable := false, false
	for _, t := range ts {
		nullable = nullable || t.Nullable()
		if t.Kind == types.KindNull {
			continue
		}
		t = t.WithoutTimeAttr()
		if !have {
			res, have = t, true
			continue
		}
		r, ok := commonPair(res, t)
		if !ok {
			return types.Null, false
		}
		res = r
	}
	if !have {
		return types.Null, true
	}
	return res.WithNullable(nullable), true
}

func commonPair(a, b types.DataType) (types.DataType, bool) {
	a, b = a.WithNullable(true), b.WithNullable(true)
	if a.EqualIgnoringNull(b) {
		return a, true
	}
	ak, bk := a.Kind, b.Kind
	switch {
	case ak.IsNumeric() && bk.IsNumeric():
		return commonNumeric(a, b), true
	case ak.IsString() && bk.IsString():
		// Fixed lengths that differ widen to VARCHAR rather than pad.
		n := max(a.Length, b.Length)
		if ak == types.KindChar && bk == types.KindChar && a.Length == b.Length {
			return types.Char(n), true
		}
		return types.VarChar(n), true
	case ak.IsBinary() && bk.IsBinary():
		n := max(a.Length, b.Length)
		if ak == types.KindBinary && bk == types.KindBinary && a.Length == b.Length {
			return types.Binary(n), true
		}
		return types.VarBinary(n), true
	case ak.IsTimestamp() && bk.IsTimestamp():
		if ak == types.KindTimestampLTZ || bk == types.KindTimestampLTZ {
			return types.TimestampLTZp(max(a.Prec, b.Prec)), true
		}
		return types.Timestamp(max(a.Prec, b.Prec)), true
	case ak == types.KindDate && bk.IsTimestamp():
		return b, true
	case ak.IsTimestamp() && bk == types.KindDate:
		return a, true
	case ak == bk && (ak == types.KindTime || ak.IsInterval()):
		a.Prec = max(a.Prec, b.Prec)
		return a, true
	case ak == bk && (ak == types.KindArray || ak == types.KindMultiset):
		e, ok := CommonType(*a.Elem, *b.Elem)
		if ak == types.KindArray {
			return types.ArrayOf(e), ok
		}
		return types.MultisetOf(e), ok
	case ak == types.KindMap && bk == types.KindMap:
		k, ok1 := CommonType(*a.Elem, *b.Elem)
		v, ok2 := CommonType(*a.Value, *b.Value)
		return types.MapOf(k, v), ok1 && ok2
	case ak == types.KindRow && bk == types.KindRow && len(a.Fields) == len(b.Fields):
		// Field names come from the first row type.
		fs := make([]types.Field, len(a.Fields))
		for i, f := range a.Fields {
			t, ok := CommonType(f.Type, b.Fields[i].Type)
			if !ok {
				return types.Null, false
			}
			fs[i] = types.Field{Name: f.Name, Type: t, Description: f.Description}
		}
		return types.RowOf(fs...), true
	}
	return types.Null, false
}

// commonNumeric widens two numeric types: DOUBLE wins, FLOAT wins over
// integers (DECIMAL with FLOAT gives DOUBLE), DECIMAL keeps enough integer
// and fractional digits for both, integers take the wider kind.
func commonNumeric(a, b types.DataType) types.DataType {
	ak, bk := a.Kind, b.Kind
	switch {
	case ak == types.KindDouble || bk == types.KindDouble:
		return types.Double
	case ak == types.KindFloat || bk == types.KindFloat:
		if ak == types.KindDecimal || bk == types.KindDecimal {
			return types.Double
		}
		return types.Float
	case ak == types.KindDecimal || bk == types.KindDecimal:
		p1, s1 := decimalOf(a)
		p2, s2 := decimalOf(b)
		d, s := max(p1-s1, p2-s2), max(s1, s2)
		if d+s > types.MaxDecimalPrecision {
			s = max(types.MaxDecimalPrecision-d, 0) // keep the integer digits
		}
		return types.Decimal(min(d+s, types.MaxDecimalPrecision), s)
	}
	if numericRank(ak) >= numericRank(bk) {
		return a
	}
	return b
}

// decimalOf returns the DECIMAL precision and scale that holds every value
// of an exact numeric type.
func decimalOf(t types.DataType) (p, s int) {
	switch t.Kind {
	case types.KindTinyInt:
		return 3, 0
	case types.KindSmallInt:
		return 5, 0
	case types.KindInt:
		return 10, 0
	case types.KindBigInt:
		return 19, 0
	case types.KindBoolean:
		return 1, 0
	}
	return t.Prec, t.Scale
}

// adjustDecimal caps a derived DECIMAL at 38 digits, giving up scale (down
// to 6 digits) before integer digits, as Flink's adjustPrecisionScale.
func adjustDecimal(p, s int) types.DataType {
	if p <= types.MaxDecimalPrecision {
		return types.Decimal(p, s)
	}
	intDigits := p - s
	s = max(types.MaxDecimalPrecision-intDigits, min(s, 6))
	return types.Decimal(types.MaxDecimalPrecision, s)
}
