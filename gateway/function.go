package gateway

import (
	"encoding/json"
	"fmt"

	"github.com/spry-engine/spry/table"
)

// FunctionSpec is a Python function to register, as create_function
// describes it (docs/gateway.md).
type FunctionSpec struct {
	Name            string   `json:"name"`
	Kind            string   `json:"kind"`
	FuncType        string   `json:"func_type"`
	InputTypes      []string `json:"input_types"`
	ResultType      string   `json:"result_type"`
	ResultTypes     []string `json:"result_types"`
	ResultNames     []string `json:"result_names"`
	AccumulatorType string   `json:"accumulator_type"`
	Deterministic   *bool    `json:"deterministic"`
	TemporarySystem bool     `json:"temporary_system"`
	// Payload is the cloudpickled function object.
	Payload []byte `json:"-"`
	// Params are the call's params as sent, for fields added after this
	// struct was written.
	Params json.RawMessage `json:"-"`
}

// RegisterPythonFunction registers a Python function in a session. It is
// a variable so that the gateway does not depend on how Python functions
// execute: the Python UDF package sets it (nil: Python functions are not
// available in this build).
var RegisterPythonFunction func(env *table.Environment, spec FunctionSpec) error

func createFunction(s *session, params json.RawMessage, payloads [][]byte) (any, [][]byte, error) {
	p := FunctionSpec{Kind: "scalar", FuncType: "general"}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if err := required("name", p.Name); err != nil {
		return nil, nil, err
	}
	if len(payloads) != 1 {
		return nil, nil, &ProtocolError{fmt.Sprintf("create_function takes 1 payload (the pickled function), got %d", len(payloads))}
	}
	switch p.Kind {
	case "scalar", "table", "aggregate", "table_aggregate":
	default:
		return nil, nil, &ProtocolError{fmt.Sprintf("unknown function kind %q: expected scalar, table, aggregate or table_aggregate", p.Kind)}
	}
	p.Payload, p.Params = payloads[0], params
	if RegisterPythonFunction == nil {
		return nil, nil, &table.UnsupportedError{What: "Python functions (this engine was built without Python UDF support)"}
	}
	return nil, nil, RegisterPythonFunction(s.env, p)
}
