// Package pyudf registers Python user-defined functions in a session: the
// Go side of PyFlink's create_temporary_function and friends. A
// registered function is an ordinary catalog function whose calls the
// planner moves into PythonCalc / PythonCorrelate operators, which run
// them in worker processes (package pyudf/worker). The contract with the
// gateway and the Python package is docs/python_udf.md.
package pyudf

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/pyudf/pyagg"
	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// FunctionSpec describes a Python function as the gateway's
// create_function receives it (JSON field names as in the protocol).
type FunctionSpec struct {
	// Name is "f" or a qualified "cat.db.f" (a catalog function).
	Name string `json:"name"`
	// Kind is scalar, table, aggregate or table_aggregate.
	Kind string `json:"kind"`
	// FuncType is general (default) or pandas.
	FuncType string `json:"func_type"`
	// InputTypes are Flink SQL type strings; empty accepts the call's types.
	InputTypes []string `json:"input_types"`
	// ResultType is the result of a scalar or aggregate function.
	ResultType string `json:"result_type"`
	// ResultTypes are the columns of a table function.
	ResultTypes []string `json:"result_types"`
	// ResultNames optionally name a table function's columns (f0, f1, ...
	// otherwise, as Flink).
	ResultNames []string `json:"result_names"`
	// AccumulatorType is an aggregate's accumulator type (optional).
	AccumulatorType string `json:"accumulator_type"`
	// Deterministic defaults to true.
	Deterministic *bool `json:"deterministic"`
	// TemporarySystem registers a temporary system function; otherwise a
	// temporary catalog function in the current database.
	TemporarySystem bool `json:"temporary_system"`
}

// Error reports a function specification Register rejects.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Register registers the Python function described by spec, whose
// cloudpickled object is payload, in env's catalog.
func Register(env *table.Environment, spec FunctionSpec, payload []byte) error {
	fn, err := Resolve(spec, payload)
	if err != nil {
		return err
	}
	cfg := env.Config()
	fn.Options = cfg.All
	parts := strings.Split(spec.Name, ".")
	cf := &catalog.Function{Language: "PYTHON", ClassName: spec.Name, Temporary: true, System: spec.TemporarySystem}
	switch fn.Kind {
	case pyfn.Scalar:
		cf.Scalar = fn.ScalarImpl()
	case pyfn.Table:
		cf.Table = fn.TableImpl()
	case pyfn.Aggregate, pyfn.TableAggregate:
		// A table aggregate is registered as an aggregate so the binder
		// finds it; it plans it as a TableAggregate (flat_aggregate).
		cf.Aggregate = pyagg.Impl(fn)
	default:
		return &Error{fmt.Sprintf("Python %s functions are not supported yet (function %s)", fn.Kind, spec.Name)}
	}
	m := env.Catalog()
	if spec.TemporarySystem {
		if len(parts) != 1 {
			return &Error{fmt.Sprintf("A temporary system function name must not be qualified: %s", spec.Name)}
		}
		cf.Name = catalog.ObjectPath{Object: spec.Name}
		// PyFlink replaces a temporary system function of the same name.
		_ = m.DropFunction(parts, true, true, true)
		return m.CreateFunction(cf, false)
	}
	path, err := m.Qualify(parts)
	if err != nil {
		return err
	}
	cf.Name = path
	return m.CreateFunction(cf, false)
}

// Resolve checks spec and parses its types into a pyfn.Function.
func Resolve(spec FunctionSpec, payload []byte) (*pyfn.Function, error) {
	if spec.Name == "" {
		return nil, &Error{"a Python function needs a name"}
	}
	fn := &pyfn.Function{Name: spec.Name[strings.LastIndexByte(spec.Name, '.')+1:], Kind: pyfn.Kind(strings.ToLower(spec.Kind)),
		FuncType: strings.ToLower(spec.FuncType), Deterministic: spec.Deterministic == nil || *spec.Deterministic, Payload: payload}
	if fn.Kind == "" {
		fn.Kind = pyfn.Scalar
	}
	if fn.FuncType == "" {
		fn.FuncType = "general"
	}
	if fn.FuncType != "general" && fn.FuncType != "pandas" {
		return nil, &Error{fmt.Sprintf("func_type of Python function %s must be 'general' or 'pandas', got '%s'", spec.Name, spec.FuncType)}
	}
	if spec.InputTypes != nil {
		fn.InputTypes = []types.DataType{}
		for _, s := range spec.InputTypes {
			t, err := ParseType(s)
			if err != nil {
				return nil, err
			}
			fn.InputTypes = append(fn.InputTypes, t)
		}
	}
	switch fn.Kind {
	case pyfn.Scalar, pyfn.Aggregate:
		if spec.ResultType == "" {
			return nil, &Error{fmt.Sprintf("Python function %s needs a result_type", spec.Name)}
		}
		t, err := ParseType(spec.ResultType)
		if err != nil {
			return nil, err
		}
		fn.Result = []types.Field{{Name: "EXPR$0", Type: t}}
	case pyfn.Table, pyfn.TableAggregate:
		rts := spec.ResultTypes
		if len(rts) == 0 && spec.ResultType != "" {
			rts = []string{spec.ResultType}
		}
		if len(rts) == 0 {
			return nil, &Error{fmt.Sprintf("Python table function %s needs result_types", spec.Name)}
		}
		for i, s := range rts {
			t, err := ParseType(s)
			if err != nil {
				return nil, err
			}
			name := fmt.Sprintf("f%d", i)
			if i < len(spec.ResultNames) && spec.ResultNames[i] != "" {
				name = spec.ResultNames[i]
			}
			fn.Result = append(fn.Result, types.Field{Name: name, Type: t})
		}
		// PyFlink declares a table aggregate's rows as one ROW type.
		if fn.Kind == pyfn.TableAggregate && len(fn.Result) == 1 && fn.Result[0].Type.Kind == types.KindRow {
			fn.Result = append([]types.Field(nil), fn.Result[0].Type.Fields...)
		}
	default:
		return nil, &Error{fmt.Sprintf("kind of Python function %s must be scalar, table, aggregate or table_aggregate, got '%s'", spec.Name, spec.Kind)}
	}
	return fn, nil
}

// ParseType parses a Flink SQL type string (BIGINT, VARCHAR(10),
// ARRAY<INT>, ROW<a INT, b STRING>, ... NOT NULL) with the SQL parser.
func ParseType(s string) (types.DataType, error) {
	e, err := sql.ParseExpr("CAST(NULL AS " + s + ")")
	if err != nil {
		return types.DataType{}, &Error{fmt.Sprintf("invalid data type '%s': %v", s, err)}
	}
	c, ok := e.(*sql.CastExpr)
	if !ok {
		return types.DataType{}, &Error{fmt.Sprintf("invalid data type '%s'", s)}
	}
	t, err := plan.ConvertType(c.Type)
	if err != nil {
		return types.DataType{}, &Error{fmt.Sprintf("invalid data type '%s': %v", s, err)}
	}
	return t, nil
}
