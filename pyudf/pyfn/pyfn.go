// Package pyfn describes Python user-defined functions to the planner and
// the runtime: the resolved signature and pickled payload of a function
// (Function) and the bound call of one (Call). It sits below plan and
// runtime/ops so both can read it; registration, which needs the session,
// lives in package pyudf, and the worker processes in pyudf/worker.
package pyfn

import (
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Kind is a Python function's kind, as PyFlink names it.
type Kind string

// The kinds of Python functions.
const (
	Scalar         Kind = "scalar"
	Table          Kind = "table"
	Aggregate      Kind = "aggregate"
	TableAggregate Kind = "table_aggregate"
)

// Function is a registered Python function: what the planner needs to
// type its calls and what the worker needs to run it.
type Function struct {
	Name string
	Kind Kind
	// FuncType is "general" (row at a time) or "pandas" (vectorized).
	FuncType string
	// InputTypes are the declared argument types; nil accepts any.
	InputTypes []types.DataType
	// Result holds one field for a scalar or aggregate function and the
	// output columns of a table function.
	Result []types.Field
	// Deterministic functions may be evaluated once for equal arguments.
	Deterministic bool
	// Payload is the cloudpickled function as spry.table.udf_serialize
	// produced it; the engine never looks inside.
	Payload []byte
	// Options returns the session's current options, read when a job is
	// planned (python.executable, python.files, python.fn-execution.*), so a
	// SET after registration still applies.
	Options func() map[string]string
}

// NotPlannedError is returned when a Python call is evaluated by a Go
// operator: the planner must have split it into a PythonCalc.
type NotPlannedError struct{ Name string }

func (e *NotPlannedError) Error() string {
	return fmt.Sprintf("Python function %s cannot be evaluated outside a PythonCalc or PythonCorrelate operator", e.Name)
}

// impls maps the expr-level implementations the catalog holds back to
// their Python function, so the binder and the optimizer can tell a Python
// function from a Go one without the catalog knowing about Python.
var impls sync.Map

// Of returns the Python function behind a catalog implementation
// (*expr.ScalarFunction, *expr.TableFunction or *expr.AggregateFunction),
// or nil when impl is a Go function.
func Of(impl any) *Function {
	if impl == nil {
		return nil
	}
	if f, ok := impls.Load(impl); ok {
		return f.(*Function)
	}
	return nil
}

// ScalarImpl returns the catalog implementation of a scalar function: its
// Bind types calls (checking declared argument types), its kernel refuses
// to run.
func (f *Function) ScalarImpl() *expr.ScalarFunction {
	sf := &expr.ScalarFunction{
		Name:             f.Name,
		Doc:              expr.Doc{Category: "User-defined", Syntax: f.signature(), Description: "A Python scalar function."},
		NonDeterministic: true, // never constant-folded: it runs in a worker
		Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
			if err := f.CheckArgs(args); err != nil {
				return types.DataType{}, nil, err
			}
			return f.Result[0].Type, f.refuse, nil
		},
	}
	impls.Store(sf, f)
	return sf
}

// TableImpl returns the catalog implementation of a table function.
func (f *Function) TableImpl() *expr.TableFunction {
	tf := &expr.TableFunction{
		Name: f.Name,
		Doc:  expr.Doc{Category: "User-defined", Syntax: f.signature(), Description: "A Python table function."},
		Bind: func(args []expr.Arg) ([]types.Field, expr.TableKernel, error) {
			if err := f.CheckArgs(args); err != nil {
				return nil, nil, err
			}
			return f.Result, func(*expr.Context, []arrow.Array, int) ([]arrow.Array, []int32, error) {
				return nil, nil, &NotPlannedError{f.Name}
			}, nil
		},
	}
	impls.Store(tf, f)
	return tf
}

// Store records impl (a catalog implementation built elsewhere, such as
// a Python aggregate's) as belonging to f, for Of.
func Store(impl any, f *Function) { impls.Store(impl, f) }

func (f *Function) refuse(*expr.Context, []arrow.Array, int) (arrow.Array, error) {
	return nil, &NotPlannedError{f.Name}
}

// CheckArgs checks call arguments against the declared input types:
// PyFlink converts values to the declared types, so any argument whose
// type casts implicitly (same family, or NULL) is accepted.
func (f *Function) CheckArgs(args []expr.Arg) error {
	if f.InputTypes == nil {
		return nil
	}
	bad := len(args) != len(f.InputTypes)
	for i := 0; !bad && i < len(args); i++ {
		a, p := args[i].Type, f.InputTypes[i]
		bad = !(a.Kind == types.KindNull || a.EqualIgnoringNull(p) || sameFamily(a, p))
	}
	if !bad {
		return nil
	}
	got := make([]types.DataType, len(args))
	for i, a := range args {
		got[i] = a.Type
	}
	return &expr.TypeError{Func: strings.ToUpper(f.Name), Got: got, Expected: f.signature()}
}

func sameFamily(a, p types.DataType) bool {
	switch {
	case a.Kind.IsNumeric() && p.Kind.IsNumeric(), a.Kind.IsString() && p.Kind.IsString(),
		a.Kind.IsBinary() && p.Kind.IsBinary(), a.Kind.IsTimestamp() && p.Kind.IsTimestamp():
		return true
	}
	return a.Kind == p.Kind
}

func (f *Function) signature() string {
	if f.InputTypes == nil {
		return f.Name + "(...)"
	}
	s := make([]string, len(f.InputTypes))
	for i, t := range f.InputTypes {
		s[i] = t.String()
	}
	return f.Name + "(" + strings.Join(s, ", ") + ")"
}
