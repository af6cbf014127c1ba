package plan

import (
	"strconv"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/types"
)

// PythonCalc evaluates Python scalar calls in a worker process (Flink's
// PythonCalc): its output is the Forward columns of its input followed by
// one column per call. A call's arguments are input columns or nested
// Python calls, so chained calls (f(g(x))) take one worker round trip.
type PythonCalc struct {
	Input   Node
	Forward []int
	Calls   []*pyfn.Call
	Out     *types.Schema
}

// Schema returns the forwarded columns and the call results.
func (p *PythonCalc) Schema() *types.Schema { return p.Out }

// Inputs returns the input.
func (p *PythonCalc) Inputs() []Node { return []Node{p.Input} }

// WithInputs copies p over in[0].
func (p *PythonCalc) WithInputs(in []Node) Node { c := *p; c.Input = in[0]; return &c }

// String prints the node as Flink's EXPLAIN: PythonCalc(select=[...]).
func (p *PythonCalc) String() string {
	return "PythonCalc(select=[" + p.SelectList(p.Input.Schema()) + "])"
}

// SelectList prints the forwarded columns and the calls by name, with
// "AS name" for the calls, as Flink's Calc select list.
func (p *PythonCalc) SelectList(in *types.Schema) string {
	parts := make([]string, 0, len(p.Out.Fields))
	for i, f := range p.Forward {
		name := colNameOf(in, f)
		if o := p.Out.Fields[i].Name; o != name {
			name += " AS " + o
		}
		parts = append(parts, name)
	}
	for i, c := range p.Calls {
		parts = append(parts, FormatNamed(c, in)+" AS "+p.Out.Fields[len(p.Forward)+i].Name)
	}
	return strings.Join(parts, ", ")
}

// PythonCorrelate joins each input row with the rows a Python table
// function returns for it (Flink's PythonCorrelate); Args are input
// column references. The output is the input columns then Fields.
type PythonCorrelate struct {
	Input  Node
	Fn     *pyfn.Function
	Args   []*expr.ColumnRef
	Fields []types.Field
	Left   bool
}

// Schema returns the input columns followed by the function's columns.
func (c *PythonCorrelate) Schema() *types.Schema {
	in := c.Input.Schema()
	out := &types.Schema{Fields: append(append([]types.Field(nil), in.Fields...), c.Fields...)}
	if c.Left {
		for i := in.Len(); i < out.Len(); i++ {
			out.Fields[i].Type = out.Fields[i].Type.WithNullable(true)
		}
	}
	return out
}

// Inputs returns the input.
func (c *PythonCorrelate) Inputs() []Node { return []Node{c.Input} }

// WithInputs copies c over in[0].
func (c *PythonCorrelate) WithInputs(in []Node) Node { d := *c; d.Input = in[0]; return &d }

// String prints the node as Flink's EXPLAIN.
func (c *PythonCorrelate) String() string {
	return "PythonCorrelate(" + c.Desc(c.Input.Schema()) + ")"
}

// Desc prints invocation, select list and join type as Flink's Correlate.
func (c *PythonCorrelate) Desc(in *types.Schema) string {
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = colNameOf(in, a.Index)
	}
	jt := "INNER"
	if c.Left {
		jt = "LEFT"
	}
	names := append(append([]string(nil), in.Names()...), fieldNames(c.Fields)...)
	return "invocation=[" + c.Fn.Name + "(" + strings.Join(args, ", ") + ")], select=[" + strings.Join(names, ", ") + "], joinType=[" + jt + "]"
}

func fieldNames(fs []types.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

func colNameOf(s *types.Schema, i int) string {
	if s != nil && i >= 0 && i < len(s.Fields) {
		return s.Fields[i].Name
	}
	return "$" + strconv.Itoa(i)
}

// namedRef prints a column reference by its name.
type namedRef struct {
	*expr.ColumnRef
	name string
}

func (n namedRef) String() string { return n.name }

// FormatNamed prints e with column references replaced by the names of
// in's columns, as Flink's physical plans print expressions.
func FormatNamed(e expr.Expr, in *types.Schema) string {
	named := RewriteExpr(e, func(x expr.Expr) expr.Expr {
		if c, ok := x.(*expr.ColumnRef); ok {
			return namedRef{c, colNameOf(in, c.Index)}
		}
		return nil
	})
	return FormatExpr(named)
}
