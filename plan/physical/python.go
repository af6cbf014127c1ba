package physical

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/pyudf/worker"
	"github.com/spry-engine/spry/runtime/ops"
)

// pythonProgram flattens Python call trees into a worker program: calls
// in evaluation order (arguments first), each function shipped once, and
// the input columns the worker receives.
type pythonProgram struct {
	prog     worker.Program
	payloads [][]byte
	argCols  []int
	fnIdx    map[*pyfn.Function]int
	colIdx   map[int]int
	opts     worker.Options
}

func newPythonProgram(mode string) *pythonProgram {
	return &pythonProgram{prog: worker.Program{Mode: mode}, fnIdx: map[*pyfn.Function]int{}, colIdx: map[int]int{}}
}

func (p *pythonProgram) function(f *pyfn.Function) int {
	if i, ok := p.fnIdx[f]; ok {
		return i
	}
	if len(p.fnIdx) == 0 {
		var o map[string]string
		if f.Options != nil {
			o = f.Options()
		}
		p.opts = worker.FromConfig(o)
	}
	i := len(p.prog.Functions)
	p.fnIdx[f] = i
	p.prog.Functions = append(p.prog.Functions, worker.FunctionInfo{Name: f.Name, Kind: string(f.Kind), FuncType: f.FuncType, Deterministic: f.Deterministic})
	p.payloads = append(p.payloads, f.Payload)
	return i
}

func (p *pythonProgram) column(c int) int {
	if i, ok := p.colIdx[c]; ok {
		return i
	}
	i := len(p.argCols)
	p.colIdx[c] = i
	p.argCols = append(p.argCols, c)
	return i
}

// add appends c and its nested calls, returning c's call index.
func (p *pythonProgram) add(c *pyfn.Call) (int, error) {
	spec := worker.CallSpec{Fn: p.function(c.Fn)}
	for _, a := range c.Args {
		switch a := a.(type) {
		case *pyfn.Call:
			k, err := p.add(a)
			if err != nil {
				return 0, err
			}
			spec.Args = append(spec.Args, worker.Arg{Call: &k})
		case *expr.ColumnRef:
			k := p.column(a.Index)
			spec.Args = append(spec.Args, worker.Arg{Col: &k})
		default:
			return 0, errorf(ErrInternal, "a Python call argument must be a column or a Python call, got "+a.String())
		}
	}
	p.prog.Calls = append(p.prog.Calls, spec)
	return len(p.prog.Calls) - 1, nil
}

func (t *translator) pythonCalc(n *plan.PythonCalc) (*Node, error) {
	in, err := t.translate(n.Input)
	if err != nil {
		return nil, err
	}
	if err := sameWidth(in, n.Input, "PythonCalc"); err != nil {
		return nil, err
	}
	p := newPythonProgram("scalar")
	for _, c := range n.Calls {
		k, err := p.add(c)
		if err != nil {
			return nil, err
		}
		p.prog.Outputs = append(p.prog.Outputs, k)
	}
	desc := "select=[" + n.SelectList(in.Schema) + "]"
	cfg := &ops.PythonCalcConfig{Program: p.prog, Payloads: p.payloads, ArgCols: p.argCols, Forward: n.Forward,
		Options: p.opts, InSchema: in.Schema, OutSchema: n.Out, Display: "PythonCalc(" + desc + ")"}
	return &Node{
		Name: "PythonCalc", Desc: desc, Inputs: []*Node{in}, Schema: n.Out,
		Spec: &ops.Spec{Kind: ops.KindPythonCalc, Config: cfg}, Parallelism: in.Parallelism,
	}, nil
}

func (t *translator) pythonCorrelate(n *plan.PythonCorrelate) (*Node, error) {
	in, err := t.translate(n.Input)
	if err != nil {
		return nil, err
	}
	if err := sameWidth(in, n.Input, "PythonCorrelate"); err != nil {
		return nil, err
	}
	p := newPythonProgram("table")
	args := make([]expr.Expr, len(n.Args))
	for i, a := range n.Args {
		args[i] = a
	}
	k, err := p.add(&pyfn.Call{Fn: n.Fn, Args: args})
	if err != nil {
		return nil, err
	}
	p.prog.Outputs = []int{k}
	out := n.Schema()
	desc := n.Desc(in.Schema)
	cfg := &ops.PythonCorrelateConfig{Program: p.prog, Payloads: p.payloads, ArgCols: p.argCols, Left: n.Left,
		Options: p.opts, InSchema: in.Schema, OutSchema: out, Display: "PythonCorrelate(" + desc + ")"}
	return &Node{
		Name: "PythonCorrelate", Desc: desc, Inputs: []*Node{in}, Schema: out,
		Spec: &ops.Spec{Kind: ops.KindPythonCorrelate, Config: cfg}, Parallelism: in.Parallelism,
	}, nil
}
