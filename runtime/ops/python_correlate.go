package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/pyudf/worker"
	"github.com/spry-engine/spry/types"
)

// PythonCorrelateConfig configures a PythonCorrelate: a Python table
// function joined with its input rows (LATERAL TABLE, join_lateral).
type PythonCorrelateConfig struct {
	// Program is a single table call over the input columns ArgCols.
	Program  worker.Program
	Payloads [][]byte
	ArgCols  []int
	Left     bool
	Options  worker.Options
	// InSchema is the input; OutSchema the input's columns then the
	// function's.
	InSchema  *types.Schema
	OutSchema *types.Schema
	Display   string
}

// OutputSchema returns the input columns followed by the function's.
func (c *PythonCorrelateConfig) OutputSchema() *types.Schema { return c.OutSchema }

// pythonCorrelate is a Correlate whose table kernel is a worker round
// trip, so stitching, LEFT padding and row kinds are Correlate's.
type pythonCorrelate struct {
	Operator
	cfg    *PythonCorrelateConfig
	w      *pyWorker
	argSch *arrow.Schema
	chunk  int
}

// NewPythonCorrelate returns the operator for cfg.
func NewPythonCorrelate(cfg *PythonCorrelateConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil || cfg.OutSchema == nil {
		return nil, &SpecError{KindPythonCorrelate, "input and output schemas are required"}
	}
	p := &pythonCorrelate{cfg: cfg, argSch: argSchema(cfg.InSchema, cfg.ArgCols)}
	args := make([]expr.Expr, len(cfg.ArgCols))
	for i, c := range cfg.ArgCols {
		f := cfg.InSchema.Fields[c]
		args[i] = &expr.ColumnRef{Index: c, Name: f.Name, T: f.Type}
	}
	inner, err := NewCorrelate(&CorrelateConfig{Kernel: p.kernel, Args: args, Left: cfg.Left, InSchema: cfg.InSchema, OutSchema: cfg.OutSchema})
	if err != nil {
		return nil, err
	}
	p.Operator = inner
	return p, nil
}

// Open starts the worker, then the correlate.
func (p *pythonCorrelate) Open(ctx *OpContext) error {
	res := &types.Schema{Fields: append(append([]types.Field(nil), p.cfg.OutSchema.Fields[p.cfg.InSchema.Len():]...),
		types.Field{Name: "$parent", Type: types.Int.NotNullable()})}
	for i := range res.Fields[:len(res.Fields)-1] {
		res.Fields[i].Type = res.Fields[i].Type.WithNullable(true)
	}
	w, err := startWorker(ctx, p.cfg.Options, p.cfg.Display, p.cfg.Program, p.cfg.Payloads, types.ArrowSchema(res))
	if err != nil {
		return err
	}
	p.w = w
	p.chunk = chunkRows(p.cfg.Options)
	return p.Operator.Open(ctx)
}

// kernel runs the table function over args in chunks; parents index the
// whole batch.
func (p *pythonCorrelate) kernel(_ *expr.Context, args []arrow.Array, rows int) ([]arrow.Array, []int32, error) {
	var parts [][]arrow.Array
	var parent []int32
	for lo := 0; lo < rows || lo == 0 && rows == 0; lo += p.chunk {
		hi := min(lo+p.chunk, rows)
		in := args
		if lo > 0 || hi < rows {
			in = make([]arrow.Array, len(args))
			for i, a := range args {
				in[i] = array.NewSlice(a, int64(lo), int64(hi))
			}
		}
		res, err := p.w.eval(p.argSch, in, hi-lo)
		if err != nil {
			return nil, nil, err
		}
		if len(res) == 0 {
			return nil, nil, fmt.Errorf("%s: the Python worker returned no parent column", p.cfg.Display)
		}
		par, ok := res[len(res)-1].(*array.Int32)
		if !ok {
			return nil, nil, fmt.Errorf("%s: the Python worker's parent column is %s, want int32", p.cfg.Display, res[len(res)-1].DataType())
		}
		for _, v := range par.Int32Values() {
			parent = append(parent, v+int32(lo))
		}
		parts = append(parts, res[:len(res)-1])
		if rows == 0 {
			break
		}
	}
	if len(parts) == 1 {
		return p.typed(parts[0]), parent, nil
	}
	out := make([]arrow.Array, len(parts[0]))
	for c := range out {
		cols := make([]arrow.Array, len(parts))
		for i, part := range parts {
			cols[i] = part[c]
		}
		a, err := array.Concatenate(cols, memory.DefaultAllocator)
		if err != nil {
			return nil, nil, err
		}
		out[c] = a
	}
	return p.typed(out), parent, nil
}

func (p *pythonCorrelate) typed(cols []arrow.Array) []arrow.Array {
	n := p.cfg.InSchema.Len()
	for i, c := range cols {
		if n+i < p.cfg.OutSchema.Len() {
			cols[i] = sameType(c, p.cfg.OutSchema.Fields[n+i].Type)
		}
	}
	return cols
}

// Close closes the correlate and stops the worker.
func (p *pythonCorrelate) Close() error {
	err := p.Operator.Close()
	if p.w != nil {
		if werr := p.w.close(); err == nil {
			err = werr
		}
		p.w = nil
	}
	return err
}

func (p *pythonCorrelate) String() string { return p.cfg.Display }
