// Package pyagg runs Python aggregate functions (udaf, pandas udaf) as
// the engine's group-vectorized accumulators: the aggregation operator
// keeps assigning groups, and a worker process keeps one Python
// accumulator per group. State (for checkpoints and two-phase
// aggregation) is each accumulator pickled into a BYTES column, so the
// engine's snapshots cover it.
package pyagg

import (
	"context"
	"fmt"
	"runtime"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/pyudf/worker"
	"github.com/spry-engine/spry/types"
)

// Impl returns the catalog implementation of a Python aggregate function.
func Impl(f *pyfn.Function) *expr.AggregateFunction {
	af := &expr.AggregateFunction{
		Name:               f.Name,
		Doc:                expr.Doc{Category: "User-defined", Syntax: f.Name + "(...)", Description: "A Python aggregate function."},
		SupportsRetraction: true, // a function without retract fails when asked to
		Bind: func(args []expr.Arg, distinct bool) (types.DataType, expr.AccumulatorFactory, error) {
			if err := f.CheckArgs(args); err != nil {
				return types.DataType{}, nil, err
			}
			if distinct {
				return types.DataType{}, nil, fmt.Errorf("DISTINCT is not supported for Python aggregate function %s", f.Name)
			}
			if f.Kind == pyfn.TableAggregate {
				// The binder plans a table aggregate call of its own
				// select item as a TableAggregate; anywhere else it has no
				// single value.
				return types.DataType{}, nil, fmt.Errorf("table aggregate function %s must be a select item of its own, next to group keys only (SELECT k, %s(...) FROM t GROUP BY k), as flat_aggregate renders it", f.Name, f.Name)
			}
			ts := make([]types.DataType, len(args))
			for i, a := range args {
				ts[i] = a.Type
			}
			return ResultType(f), &factory{f: f, args: ts}, nil
		},
	}
	pyfn.Store(af, f)
	return af
}

// ResultType is an aggregate's result, or for a table aggregate the
// ARRAY of its emitted rows, as the worker's aggregate program returns
// emit_value's rows for a group.
func ResultType(f *pyfn.Function) types.DataType {
	if f.Kind != pyfn.TableAggregate {
		return f.Result[0].Type
	}
	fs := make([]types.Field, len(f.Result))
	for i, fd := range f.Result {
		fs[i] = types.Field{Name: fd.Name, Type: fd.Type.WithNullable(true)}
	}
	return types.ArrayOf(types.RowOf(fs...))
}

type factory struct {
	f    *pyfn.Function
	args []types.DataType
}

// New returns an accumulator; its worker starts with the first request.
func (fa *factory) New() expr.Accumulator { return &acc{fa: fa} }

// StateTypes is one BYTES column: the pickled accumulator.
func (fa *factory) StateTypes() []types.DataType { return []types.DataType{types.Bytes} }

// acc forwards each request to its worker. The accumulator interface has
// no close, so the worker is stopped when the accumulator is collected.
type acc struct {
	fa *factory
	h  *handle
}

// handle owns the process, apart from acc so a cleanup can stop it.
type handle struct {
	p   *worker.Process
	err error
}

func schema(op string, fields ...arrow.Field) *arrow.Schema {
	md := arrow.NewMetadata([]string{"spry.op"}, []string{op})
	return arrow.NewSchema(fields, &md)
}

func (a *acc) worker() (*worker.Process, error) {
	if a.h != nil {
		return a.h.p, a.h.err
	}
	f := a.fa.f
	var opts map[string]string
	if f.Options != nil {
		opts = f.Options()
	}
	res := types.ArrowSchema(&types.Schema{Fields: []types.Field{{Name: "value", Type: ResultType(f).WithNullable(true)}}})
	p, err := worker.Start(context.Background(), worker.Setup{Options: worker.FromConfig(opts),
		Operator: "GroupAggregate(" + f.Name + ")", Parallelism: 1,
		Program:  worker.Program{Mode: "aggregate", Functions: []worker.FunctionInfo{{Name: f.Name, Kind: string(f.Kind), FuncType: f.FuncType, Deterministic: f.Deterministic}}},
		Payloads: [][]byte{f.Payload}, Result: res})
	a.h = &handle{p: p, err: err}
	if err == nil {
		runtime.AddCleanup(a, func(h *handle) { h.p.Kill() }, a.h)
	}
	return p, err
}

func (a *acc) call(s *arrow.Schema, cols []arrow.Array, rows int) ([]arrow.Array, error) {
	p, err := a.worker()
	if err != nil {
		return nil, err
	}
	out, err := p.Eval(s, cols, rows, nil)
	if err != nil {
		p.Kill()
		a.h.err = err
	}
	return out, err
}

func groupColumn(groups []uint32) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(len(groups))
	for _, g := range groups {
		b.UnsafeAppend(int64(g))
	}
	return b.NewArray()
}

// Update sends the rows with a group, with their retraction flags.
func (a *acc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	keep := make([]int32, 0, len(groups))
	for i, g := range groups {
		if g != expr.NoGroup {
			keep = append(keep, int32(i))
		}
	}
	if len(keep) == 0 {
		return nil
	}
	gs := make([]uint32, len(keep))
	rb := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer rb.Release()
	for j, i := range keep {
		gs[j] = groups[i]
		rb.Append(retract != nil && retract[i])
	}
	cols := []arrow.Array{groupColumn(gs), rb.NewArray()}
	fields := []arrow.Field{{Name: "group", Type: arrow.PrimitiveTypes.Int64}, {Name: "retract", Type: arrow.FixedWidthTypes.Boolean}}
	for i, c := range args {
		if len(keep) < len(groups) {
			c = kernel.Take(c, keep)
		}
		cols = append(cols, c)
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("a%d", i), Type: c.DataType(), Nullable: true})
	}
	_, err := a.call(schema("update", fields...), cols, len(keep))
	return err
}

var groupField = arrow.Field{Name: "group", Type: arrow.PrimitiveTypes.Int64}

// Result returns get_value of each group.
func (a *acc) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	out, err := a.call(schema("result", groupField), []arrow.Array{groupColumn(groups)}, len(groups))
	if err != nil {
		return nil, err
	}
	if len(out) != 1 || out[0].Len() != len(groups) {
		return nil, fmt.Errorf("Python aggregate %s returned a malformed result", a.fa.f.Name)
	}
	return out[0], nil
}

// State returns the pickled accumulators.
func (a *acc) State(groups []uint32) ([]arrow.Array, error) {
	if len(groups) == 0 {
		return []arrow.Array{array.NewBuilder(memory.DefaultAllocator, arrow.BinaryTypes.Binary).NewArray()}, nil
	}
	out, err := a.call(schema("state", groupField), []arrow.Array{groupColumn(groups)}, len(groups))
	if err != nil {
		return nil, err
	}
	if len(out) != 1 || out[0].Len() != len(groups) {
		return nil, fmt.Errorf("Python aggregate %s returned a malformed state", a.fa.f.Name)
	}
	return out, nil
}

// Merge folds pickled accumulators into groups.
func (a *acc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	if len(groups) == 0 {
		return nil
	}
	s := schema("merge", groupField, arrow.Field{Name: "state", Type: arrow.BinaryTypes.Binary, Nullable: true})
	_, err := a.call(s, []arrow.Array{groupColumn(groups), state[0]}, len(groups))
	return err
}

// Reset forgets the groups.
func (a *acc) Reset(groups []uint32) {
	if a.h == nil || a.h.err != nil || len(groups) == 0 {
		return
	}
	_, _ = a.call(schema("reset", groupField), []arrow.Array{groupColumn(groups)}, len(groups))
}
