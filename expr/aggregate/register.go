package aggregate

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Sum0Name is the name of the internal SUM that returns 0 instead of NULL
// for an empty group; the planner uses it to merge COUNT partials in
// two-phase aggregation, and Flink's EXPLAIN prints it under this name.
const Sum0Name = "$SUM0"

func init() {
	for _, f := range Functions() {
		expr.Builtins.RegisterAggregate(f)
	}
}

// Functions returns fresh definitions of the built-in aggregates, so tests
// and embedders can fill a registry of their own.
func Functions() []*expr.AggregateFunction {
	return []*expr.AggregateFunction{
		{Name: "COUNT", Bind: bindCount, Doc: doc("COUNT([ ALL | DISTINCT ] expression1 [, expression2]*) | COUNT(*)",
			"Returns the number of input rows for which the expressions are not NULL (COUNT(*) counts all rows). Use DISTINCT for one unique instance of each value. Returns BIGINT NOT NULL; 0 for no rows.",
			"COUNT(*) over 3 rows → 3", "COUNT(x) over (1, NULL, 2) → 2")},
		{Name: "SUM", Bind: bindSum(modeSum), Doc: doc("SUM([ ALL | DISTINCT ] expression)",
			"Returns the sum of the numeric expression across all input rows, NULL if there are none. The result has the argument's type (DECIMAL(38, s) for DECIMAL(p, s)); integers wrap on overflow as in Java.",
			"SUM(x) over (1, 2, NULL) → 3")},
		{Name: Sum0Name, Bind: bindSum(modeSum0), Doc: doc("$SUM0(expression)",
			"Internal: like SUM but returns 0 instead of NULL when there are no input values. Used to merge partial COUNTs.",
			"$SUM0(x) over no rows → 0")},
		{Name: "AVG", Bind: bindSum(modeAvg), Doc: doc("AVG([ ALL | DISTINCT ] expression)",
			"Returns the average (arithmetic mean) of the numeric expression across all input rows, NULL if there are none. Integer arguments give an integer result (integer division); AVG of DECIMAL(p, s) is DECIMAL(38, max(s, 6)).",
			"AVG(x) over INT (1, 2) → 1", "AVG(x) over DOUBLE (1, 2) → 1.5")},
		{Name: "MIN", Bind: bindValue(fnMin), Doc: doc("MIN([ ALL | DISTINCT ] expression)",
			"Returns the minimum value of the expression across all input rows, NULL if there are none.",
			"MIN(x) over (3, 1, 2) → 1")},
		{Name: "MAX", Bind: bindValue(fnMax), Doc: doc("MAX([ ALL | DISTINCT ] expression)",
			"Returns the maximum value of the expression across all input rows, NULL if there are none.",
			"MAX(x) over (3, 1, 2) → 3")},
		{Name: "FIRST_VALUE", Bind: bindValue(fnFirst), Doc: doc("FIRST_VALUE(expression)",
			"Returns the first non-NULL value of the expression in arrival order, NULL if there is none.",
			"FIRST_VALUE(x) over (NULL, 'a', 'b') → 'a'")},
		{Name: "LAST_VALUE", Bind: bindValue(fnLast), Doc: doc("LAST_VALUE(expression)",
			"Returns the last non-NULL value of the expression in arrival order, NULL if there is none.",
			"LAST_VALUE(x) over ('a', 'b', NULL) → 'b'")},
		{Name: "STDDEV_POP", Bind: bindVar(false, true), Doc: doc("STDDEV_POP([ ALL | DISTINCT ] expression)",
			"Returns the population standard deviation of the numeric expression across all input rows, in the argument's type.",
			"STDDEV_POP(x) over DOUBLE (1, 2, 3, 4) → 1.118033988749895")},
		{Name: "STDDEV_SAMP", Bind: bindVar(true, true), Doc: doc("STDDEV_SAMP([ ALL | DISTINCT ] expression)",
			"Returns the sample standard deviation of the numeric expression across all input rows, NULL for fewer than two rows.",
			"STDDEV_SAMP(x) over DOUBLE (1, 2, 3, 4) → 1.2909944487358056")},
		{Name: "STDDEV", Bind: bindVar(true, true), Doc: doc("STDDEV([ ALL | DISTINCT ] expression)",
			"Synonym of STDDEV_SAMP.", "STDDEV(x) over DOUBLE (1, 3) → 1.4142135623730951")},
		{Name: "VAR_POP", Bind: bindVar(false, false), Doc: doc("VAR_POP([ ALL | DISTINCT ] expression)",
			"Returns the population variance (square of the population standard deviation) of the numeric expression across all input rows.",
			"VAR_POP(x) over DOUBLE (1, 2, 3, 4) → 1.25")},
		{Name: "VAR_SAMP", Bind: bindVar(true, false), Doc: doc("VAR_SAMP([ ALL | DISTINCT ] expression)",
			"Returns the sample variance (square of the sample standard deviation) of the numeric expression across all input rows, NULL for fewer than two rows.",
			"VAR_SAMP(x) over DOUBLE (1, 2, 3, 4) → 1.6666666666666667")},
		{Name: "VARIANCE", Bind: bindVar(true, false), Doc: doc("VARIANCE([ ALL | DISTINCT ] expression)",
			"Synonym of VAR_SAMP.", "VARIANCE(x) over DOUBLE (1, 3) → 2.0")},
		{Name: "LISTAGG", Bind: bindListAgg, Doc: doc("LISTAGG(expression [, separator])",
			"Concatenates the non-NULL string values and places the separator (a string literal, ',' by default) between them; NULL if there are none.",
			"LISTAGG(x) over ('a', 'b') → 'a,b'", "LISTAGG(x, '-') over ('a', 'b') → 'a-b'")},
		{Name: "COLLECT", Bind: bindCollect(false), Doc: doc("COLLECT([ ALL | DISTINCT ] expression)",
			"Returns a multiset of the non-NULL values of the expression; an empty multiset if there are none.",
			"COLLECT(x) over ('a', 'a', 'b') → {a=2, b=1}")},
		{Name: "ARRAY_AGG", Bind: bindCollect(true), Doc: doc("ARRAY_AGG([ ALL | DISTINCT ] expression)",
			"Returns an array of the values of the expression in arrival order, NULL values included; NULL if there are no input rows. Use DISTINCT for one unique instance of each value.",
			"ARRAY_AGG(x) over (1, NULL, 2) → [1, NULL, 2]")},
		{Name: "SINGLE_VALUE", Bind: bindSingle, Doc: doc("SINGLE_VALUE(expression)",
			"Internal, for scalar subqueries: returns the value of the only input row, NULL if there are no rows, and fails if there is more than one.",
			"SINGLE_VALUE(x) over (5) → 5")},
	}
}

func doc(syntax, desc string, examples ...string) expr.Doc {
	return expr.Doc{Category: "Aggregate", Syntax: syntax, Description: desc, Examples: examples}
}

func argTypes(args []expr.Arg) []types.DataType {
	out := make([]types.DataType, len(args))
	for i, a := range args {
		out[i] = a.Type
	}
	return out
}

func typeErr(name, expected string, args []expr.Arg) error {
	return &expr.TypeError{Func: name, Got: argTypes(args), Expected: expected}
}

// wrap applies DISTINCT to f when asked.
func wrap(distinct bool, f expr.AccumulatorFactory, args []expr.Arg) expr.AccumulatorFactory {
	if !distinct {
		return f
	}
	return Distinct(f, argTypes(args))
}

func bindCount(args []expr.Arg, distinct bool) (types.DataType, expr.AccumulatorFactory, error) {
	if distinct && len(args) == 0 {
		return types.Null, nil, typeErr("COUNT", "COUNT(*), COUNT([DISTINCT] <ANY>, ...)", args)
	}
	return types.BigInt.NotNullable(), wrap(distinct, countFactory{}, args), nil
}

func bindSum(mode sumMode) func([]expr.Arg, bool) (types.DataType, expr.AccumulatorFactory, error) {
	name := map[sumMode]string{modeSum: "SUM", modeSum0: Sum0Name, modeAvg: "AVG"}[mode]
	return func(args []expr.Arg, distinct bool) (types.DataType, expr.AccumulatorFactory, error) {
		if len(args) != 1 || !args[0].Type.Kind.IsNumeric() {
			return types.Null, nil, typeErr(name, name+"(<NUMERIC>)", args)
		}
		t := args[0].Type.WithNullable(true)
		var f expr.AccumulatorFactory
		switch {
		case t.Kind == types.KindDecimal:
			out := types.Decimal(types.MaxDecimalPrecision, t.Scale)
			if mode == modeAvg {
				out.Scale = max(t.Scale, 6)
			}
			t, f = out, &decSumFactory{mode: mode, scale: int32(args[0].Type.Scale), out: out}
		case t.Kind.IsInteger():
			f = &sumFactory[int64]{mode: mode, out: t, sumT: types.BigInt.NotNullable(), read: toInt64}
		case t.Kind == types.KindFloat && mode != modeAvg:
			f = &sumFactory[float32]{mode: mode, out: t, sumT: types.Float.NotNullable(), read: toFloat32}
		default:
			f = &sumFactory[float64]{mode: mode, out: t, sumT: types.Double.NotNullable(), read: toFloat64}
		}
		if mode == modeSum0 {
			t = t.NotNullable()
			switch f := f.(type) {
			case *decSumFactory:
				f.out = t
			case *sumFactory[int64]:
				f.out = t
			case *sumFactory[float32]:
				f.out = t
			case *sumFactory[float64]:
				f.out = t
			}
		}
		return t, wrap(distinct, f, args), nil
	}
}

func bindVar(sample, sqrt bool) func([]expr.Arg, bool) (types.DataType, expr.AccumulatorFactory, error) {
	return func(args []expr.Arg, distinct bool) (types.DataType, expr.AccumulatorFactory, error) {
		if len(args) != 1 || !args[0].Type.Kind.IsNumeric() {
			return types.Null, nil, typeErr("STDDEV", "<NUMERIC>", args)
		}
		t := args[0].Type.WithNullable(true)
		var f expr.AccumulatorFactory
		switch {
		case t.Kind.IsInteger():
			f = &varFactory[int64]{sample: sample, sqrt: sqrt, out: t, sumT: types.BigInt.NotNullable(), read: toInt64}
		case t.Kind == types.KindDecimal:
			t = types.Decimal(types.MaxDecimalPrecision, max(t.Scale, 6))
			f = &varFactory[float64]{sample: sample, sqrt: sqrt, out: t, sumT: types.Double.NotNullable(), read: toFloat64}
		default:
			f = &varFactory[float64]{sample: sample, sqrt: sqrt, out: t, sumT: types.Double.NotNullable(), read: toFloat64}
		}
		return t, wrap(distinct, f, args), nil
	}
}

func bindValue(fn valueFn) func([]expr.Arg, bool) (types.DataType, expr.AccumulatorFactory, error) {
	name := [...]string{"MIN", "MAX", "FIRST_VALUE", "LAST_VALUE"}[fn]
	return func(args []expr.Arg, distinct bool) (types.DataType, expr.AccumulatorFactory, error) {
		if len(args) != 1 || !flatKind(args[0].Type) {
			return types.Null, nil, typeErr(name, name+"(<COMPARABLE_TYPE>)", args)
		}
		t := args[0].Type.WithNullable(true).WithoutTimeAttr()
		return t, wrap(distinct, newValueFactory(fn, t), args), nil
	}
}

func bindListAgg(args []expr.Arg, distinct bool) (types.DataType, expr.AccumulatorFactory, error) {
	const sig = "LISTAGG(<CHARACTER>), LISTAGG(<CHARACTER>, <CHARACTER_LITERAL>)"
	if len(args) < 1 || len(args) > 2 || !args[0].Type.Kind.IsString() {
		return types.Null, nil, typeErr("LISTAGG", sig, args)
	}
	sep := ","
	if len(args) == 2 {
		s, ok := args[1].Const.(string)
		if !args[1].IsConst || !ok {
			return types.Null, nil, typeErr("LISTAGG", sig, args)
		}
		sep = s
	}
	// Only the first argument is aggregated; DISTINCT looks at it alone.
	return types.String, wrap(distinct, &listAggFactory{sep: sep}, args[:1]), nil
}

func bindCollect(isArray bool) func([]expr.Arg, bool) (types.DataType, expr.AccumulatorFactory, error) {
	name := "COLLECT"
	if isArray {
		name = "ARRAY_AGG"
	}
	return func(args []expr.Arg, distinct bool) (types.DataType, expr.AccumulatorFactory, error) {
		if len(args) != 1 || args[0].Type.Kind == types.KindNull {
			return types.Null, nil, typeErr(name, name+"(<ANY>)", args)
		}
		elem := args[0].Type.WithoutTimeAttr()
		f := &collectFactory{elem: elem, array: isArray}
		if isArray {
			return types.ArrayOf(elem), wrap(distinct, f, args), nil
		}
		return types.MultisetOf(elem.NotNullable()).NotNullable(), wrap(distinct, f, args), nil
	}
}

func bindSingle(args []expr.Arg, distinct bool) (types.DataType, expr.AccumulatorFactory, error) {
	if len(args) != 1 {
		return types.Null, nil, typeErr("SINGLE_VALUE", "SINGLE_VALUE(<ANY>)", args)
	}
	t := args[0].Type.WithNullable(true).WithoutTimeAttr()
	return t, &singleFactory{t: t}, nil
}
