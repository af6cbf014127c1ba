package plan

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/sql"
)

// pythonCall binds a call of a Python scalar function into a pyfn.Call,
// which the PythonCalcSplit rule later moves into a PythonCalc. ok is
// false when the name resolves to no Python function (in Flink's order:
// temporary system functions, built-ins, catalog functions).
func (b *Binder) pythonCall(e *sql.FuncCall, sc *scope) (_ expr.Expr, ok bool, _ error) {
	f := b.userFunc(e.Name)
	if f == nil || f.Scalar == nil {
		return nil, false, nil
	}
	pf := pyfn.Of(f.Scalar)
	if pf == nil {
		return nil, false, nil
	}
	if !f.System && len(e.Name) == 1 && b.Functions.Scalar(e.Name[0]) != nil {
		return nil, false, nil
	}
	if e.Star || e.Distinct || e.Filter != nil {
		return nil, true, errorf(e.Pos, ErrOther, "%s is not an aggregate function", pf.Name)
	}
	args, err := b.exprs(e.Args, sc)
	if err != nil {
		return nil, true, err
	}
	if err := pf.CheckArgs(bindArgs(args)); err != nil {
		return nil, true, &Error{Pos: e.Pos, Kind: ErrType, Msg: err.Error()}
	}
	return &pyfn.Call{Fn: pf, Args: args, T: pf.Result[0].Type}, true, nil
}
