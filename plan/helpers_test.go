package plan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// The plan tests run against a small registry of stand-in functions, so
// they check planning alone and do not depend on the kernels.

func init() {
	shout := &expr.ScalarFunction{Name: "SHOUT", Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
		if len(args) != 1 || !args[0].Type.Kind.IsString() {
			return types.Null, nil, &expr.TypeError{Func: "SHOUT", Got: typesOf(args), Expected: "SHOUT(STRING)"}
		}
		return types.String, noKernel, nil
	}}
	if err := catalog.RegisterGoFunction("com.example.Shout", shout); err != nil {
		panic(err)
	}
	connector.Register(&connector.Factory{
		Name: "plantest",
		Options: []connector.Option{
			{Key: "rows", Type: connector.TypeInt},
			{Key: "filter-push-down", Type: connector.TypeBool},
		},
	})
}

func boolT(args []types.DataType) types.DataType {
	nullable := false
	for _, a := range args {
		nullable = nullable || a.Nullable()
	}
	return types.Boolean.WithNullable(nullable)
}

func typesOf(args []expr.Arg) []types.DataType {
	out := make([]types.DataType, len(args))
	for i, a := range args {
		out[i] = a.Type
	}
	return out
}

var noKernel expr.Kernel = func(*expr.Context, []arrow.Array, int) (arrow.Array, error) {
	return nil, fmt.Errorf("no kernel in tests")
}

// addInt adds INT columns, so constant folding has a real kernel to run.
var addInt expr.Kernel = func(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
	a, b := args[0].(*array.Int32), args[1].(*array.Int32)
	bld := array.NewInt32Builder(memory.DefaultAllocator)
	for i := 0; i < rows; i++ {
		if a.IsNull(i) || b.IsNull(i) {
			bld.AppendNull()
		} else {
			bld.Append(a.Value(i) + b.Value(i))
		}
	}
	return bld.NewArray(), nil
}

func testRegistry() *expr.Registry {
	r := expr.NewRegistry()
	scalar := func(name string, f func(ts []types.DataType) (types.DataType, error)) {
		r.RegisterScalar(&expr.ScalarFunction{Name: name, Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
			t, err := f(typesOf(args))
			if err != nil {
				return t, nil, err
			}
			k := noKernel
			if name == "+" && t.Kind == types.KindInt {
				k = addInt
			}
			return t, k, nil
		}})
	}
	numeric := func(name string) {
		scalar(name, func(ts []types.DataType) (types.DataType, error) {
			if len(ts) != 2 || !ts[0].Kind.IsNumeric() || !ts[1].Kind.IsNumeric() || !ts[0].EqualIgnoringNull(ts[1]) {
				if len(ts) == 2 && ts[0].Kind.IsTimestamp() && ts[1].Kind.IsInterval() {
					return ts[0], nil
				}
				return types.Null, &expr.TypeError{Func: name, Got: ts, Expected: "<NUMERIC> " + name + " <NUMERIC>"}
			}
			return ts[0].WithNullable(ts[0].Nullable() || ts[1].Nullable()), nil
		})
	}
	for _, op := range []string{"+", "-", "*", "/", "%"} {
		numeric(op)
	}
	for _, op := range []string{"=", "<>", "<", "<=", ">", ">=", "IS_DISTINCT_FROM", "IS_NOT_DISTINCT_FROM", "IN", "LIKE", "SIMILAR", "AND", "OR"} {
		scalar(op, func(ts []types.DataType) (types.DataType, error) { return boolT(ts), nil })
	}
	for _, op := range []string{"IS_NULL", "IS_NOT_NULL", "IS_TRUE", "IS_NOT_TRUE", "IS_FALSE", "IS_NOT_FALSE", "IS_JSON"} {
		scalar(op, func([]types.DataType) (types.DataType, error) { return types.Boolean.NotNullable(), nil })
	}
	scalar("NOT", func(ts []types.DataType) (types.DataType, error) { return boolT(ts), nil })
	scalar("NEGATE", func(ts []types.DataType) (types.DataType, error) { return ts[0], nil })
	scalar("CASE", func(ts []types.DataType) (types.DataType, error) { return ts[1], nil })
	scalar("COALESCE", func(ts []types.DataType) (types.DataType, error) {
		return ts[0].WithNullable(ts[len(ts)-1].Nullable()), nil
	})
	for _, s := range []string{"||", "UPPER", "LOWER", "TRIM", "LTRIM", "RTRIM", "SUBSTRING", "OVERLAY", "JSON_VALUE", "JSON_QUERY", "JSON_OBJECT", "JSON_ARRAY", "CONCAT"} {
		scalar(s, func(ts []types.DataType) (types.DataType, error) { return types.String, nil })
	}
	for _, s := range []string{"CHAR_LENGTH", "POSITION", "EXTRACT"} {
		scalar(s, func(ts []types.DataType) (types.DataType, error) { return types.BigInt, nil })
	}
	for _, s := range []string{"FLOOR", "CEIL", "ABS"} {
		scalar(s, func(ts []types.DataType) (types.DataType, error) { return ts[0], nil })
	}
	scalar("JSON_EXISTS", func([]types.DataType) (types.DataType, error) { return types.Boolean, nil })
	scalar("ITEM", func(ts []types.DataType) (types.DataType, error) {
		if ts[0].Kind == types.KindMap {
			return ts[0].Value.WithNullable(true), nil
		}
		return ts[0].Elem.WithNullable(true), nil
	})
	scalar("FIELD", func(ts []types.DataType) (types.DataType, error) { return types.String, nil })
	scalar("ARRAY", func(ts []types.DataType) (types.DataType, error) { return types.ArrayOf(ts[0]).NotNullable(), nil })
	scalar("MAP", func(ts []types.DataType) (types.DataType, error) { return types.MapOf(ts[0], ts[1]).NotNullable(), nil })
	scalar("ROW", func(ts []types.DataType) (types.DataType, error) {
		fs := make([]types.Field, len(ts))
		for i, t := range ts {
			fs[i] = types.Field{Name: fmt.Sprintf("EXPR$%d", i), Type: t}
		}
		return types.RowOf(fs...).NotNullable(), nil
	})
	r.RegisterScalar(&expr.ScalarFunction{Name: "RAND", NonDeterministic: true, Bind: func([]expr.Arg) (types.DataType, expr.Kernel, error) {
		return types.Double.NotNullable(), noKernel, nil
	}})
	scalar("PROCTIME", func([]types.DataType) (types.DataType, error) {
		t := types.TimestampLTZ.NotNullable()
		t.TimeAttr = types.TimeAttrProctime
		return t, nil
	})
	agg := func(name string, f func(ts []types.DataType) types.DataType) {
		r.RegisterAggregate(&expr.AggregateFunction{Name: name, Bind: func(args []expr.Arg, _ bool) (types.DataType, expr.AccumulatorFactory, error) {
			return f(typesOf(args)), nil, nil
		}})
	}
	agg("COUNT", func([]types.DataType) types.DataType { return types.BigInt.NotNullable() })
	agg("SUM", func(ts []types.DataType) types.DataType { return ts[0].WithNullable(true) })
	agg("MAX", func(ts []types.DataType) types.DataType { return ts[0].WithNullable(true) })
	agg("MIN", func(ts []types.DataType) types.DataType { return ts[0].WithNullable(true) })
	agg("AVG", func(ts []types.DataType) types.DataType { return ts[0].WithNullable(true) })
	agg("SINGLE_VALUE", func(ts []types.DataType) types.DataType { return ts[0].WithNullable(true) })
	r.RegisterTable(&expr.TableFunction{Name: "SPLIT", Bind: func(args []expr.Arg) ([]types.Field, expr.TableKernel, error) {
		return []types.Field{{Name: "f0", Type: types.String}}, nil, nil
	}})
	return r
}

// testSetup is the DDL every binder test starts from.
const testSetup = `
CREATE TABLE words (word STRING, cnt INT, ts TIMESTAMP(3)) WITH ('connector' = 'plantest');
CREATE TABLE orders (
  id BIGINT, customer STRING, amount DECIMAL(10, 2), price DOUBLE, tags ARRAY<STRING>, ts TIMESTAMP(3),
  total AS amount * 2,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'plantest', 'filter-push-down' = 'true');
CREATE TABLE customers (name STRING, city STRING, age INT NOT NULL) WITH ('connector' = 'plantest', 'filter-push-down' = 'true');
CREATE TABLE sink_counts (word STRING, c BIGINT) WITH ('connector' = 'plantest');
CREATE TABLE sink_wide (word STRING, c BIGINT, note STRING) WITH ('connector' = 'plantest');
CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 100;
`

// newTestBinder returns a binder over a fresh catalog with testSetup applied.
func newTestBinder() (*Binder, error) {
	b := NewBinder(catalog.New(), DefaultConfig())
	b.Functions = testRegistry()
	if err := runScript(b, testSetup); err != nil {
		return nil, err
	}
	return b, nil
}

func runScript(b *Binder, src string) error {
	stmts, err := sql.Parse(src)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		if _, err := b.Apply(st); err != nil {
			if pe, ok := err.(*Error); ok {
				return fmt.Errorf("%s", pe.Pretty(src))
			}
			return err
		}
	}
	return nil
}

// planOf parses and binds one statement and prints its plan or error.
func planOf(b *Binder, src string) string {
	st, err := sql.ParseOne(src)
	if err != nil {
		return "PARSE ERROR: " + err.Error()
	}
	if ok, err := b.Apply(st); ok {
		if err != nil {
			return errText(err, src)
		}
		return "OK"
	}
	n, err := b.BindStatement(st)
	if err != nil {
		return errText(err, src)
	}
	return Explain(n) + schemaLine(n)
}

func schemaLine(n Node) string {
	return "schema: " + n.Schema().String() + "\n"
}

func errText(err error, src string) string {
	if pe, ok := err.(*Error); ok {
		return "ERROR: " + pe.Pretty(strings.TrimSpace(src)) + "\n"
	}
	return "ERROR: " + err.Error() + "\n"
}
