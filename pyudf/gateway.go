package pyudf

import (
	"github.com/spry-engine/spry/gateway"
	"github.com/spry-engine/spry/table"
)

// The gateway's create_function registers through Register once this
// package is linked in (cmd/spry imports it).
func init() {
	gateway.RegisterPythonFunction = func(env *table.Environment, s gateway.FunctionSpec) error {
		return Register(env, FunctionSpec{Name: s.Name, Kind: s.Kind, FuncType: s.FuncType, InputTypes: s.InputTypes,
			ResultType: s.ResultType, ResultTypes: s.ResultTypes, ResultNames: s.ResultNames,
			AccumulatorType: s.AccumulatorType, Deterministic: s.Deterministic,
			TemporarySystem: s.TemporarySystem}, s.Payload)
	}
}
