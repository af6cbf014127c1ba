package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/pyudf/worker"
	"github.com/spry-engine/spry/types"
)

// The Python operator kinds (their cases are in Build).
const (
	KindPythonCalc      Kind = "PythonCalc"      // *PythonCalcConfig: Python scalar functions in a worker
	KindPythonCorrelate Kind = "PythonCorrelate" // *PythonCorrelateConfig: LATERAL TABLE(python_udtf)
)

// PythonCalcConfig configures a PythonCalc: Python scalar calls evaluated
// by a worker process per subtask.
type PythonCalcConfig struct {
	// Program is what the worker evaluates; its input columns are the
	// operator's input columns ArgCols.
	Program worker.Program
	// Payloads are the pickled functions of Program.Functions.
	Payloads [][]byte
	ArgCols  []int
	// Forward are the input columns passed through before the results.
	Forward []int
	// Options are the worker options (python.* configuration).
	Options   worker.Options
	InSchema  *types.Schema
	OutSchema *types.Schema
	// Display is the operator's EXPLAIN line, named in UDF errors.
	Display string
}

// OutputSchema returns the forwarded columns followed by the results.
func (c *PythonCalcConfig) OutputSchema() *types.Schema { return c.OutSchema }

// pythonCalc bundles input rows into chunks of arrow.batch.size rows
// and keeps up to bundle.size rows in flight, so the worker computes while
// the engine reads on; results are emitted in input order with the
// chunk's forwarded columns and row kinds. Held rows are flushed when the
// input runs dry, after bundle.time, at watermarks, barriers and the end
// of input.
type pythonCalc struct {
	BaseOperator
	cfg    *PythonCalcConfig
	w      *pyWorker
	argSch *arrow.Schema
	chunk  int
	now    func() int64
	// held are input rows not yet sent; heldAt is when the first came.
	held     []*types.Batch
	heldRows int
	heldAt   int64
	// inFlight are the chunks sent and not yet answered, oldest first.
	inFlight     []*types.Batch
	inFlightRows int
}

var (
	_ BufferingOperator      = (*pythonCalc)(nil)
	_ ProcessingTimeOperator = (*pythonCalc)(nil)
)

// NewPythonCalc returns the operator for cfg.
func NewPythonCalc(cfg *PythonCalcConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil || cfg.OutSchema == nil {
		return nil, &SpecError{KindPythonCalc, "input and output schemas are required"}
	}
	if cfg.OutSchema.Len() != len(cfg.Forward)+len(cfg.Program.Outputs) {
		return nil, &SpecError{KindPythonCalc, fmt.Sprintf("output has %d columns for %d forwarded and %d results", cfg.OutSchema.Len(), len(cfg.Forward), len(cfg.Program.Outputs))}
	}
	return &pythonCalc{cfg: cfg, argSch: argSchema(cfg.InSchema, cfg.ArgCols)}, nil
}

// argSchema is the Arrow schema of the columns sent to a worker.
func argSchema(in *types.Schema, cols []int) *arrow.Schema {
	s := &types.Schema{}
	for i, c := range cols {
		f := in.Fields[c]
		f.Name = fmt.Sprintf("a%d", i)
		s.Fields = append(s.Fields, f)
	}
	return types.ArrowSchema(s)
}

// chunkRows is the most rows one worker request carries: arrow.batch.size,
// itself at most bundle.size.
func chunkRows(o worker.Options) int {
	n := o.ArrowBatchSize
	if o.BundleSize > 0 && (n <= 0 || o.BundleSize < n) {
		n = o.BundleSize
	}
	if n <= 0 {
		n = 10000
	}
	return n
}

// Open starts the subtask's worker.
func (p *pythonCalc) Open(ctx *OpContext) error {
	res := &types.Schema{Fields: p.cfg.OutSchema.Fields[len(p.cfg.Forward):]}
	w, err := startWorker(ctx, p.cfg.Options, p.cfg.Display, p.cfg.Program, p.cfg.Payloads, types.ArrowSchema(res))
	if err != nil {
		return err
	}
	p.w = w
	p.chunk = chunkRows(p.cfg.Options)
	p.now = ctx.Now
	return nil
}

// ProcessBatch holds b and sends every full chunk.
func (p *pythonCalc) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	if b.Len() == 0 {
		return nil
	}
	if p.heldRows == 0 && p.now != nil {
		p.heldAt = p.now()
	}
	p.held = append(p.held, b)
	p.heldRows += b.Len()
	for p.heldRows >= p.chunk {
		if err := p.send(p.chunk, out); err != nil {
			return err
		}
	}
	return nil
}

// send sends the first n held rows and, past bundle.size rows in flight,
// emits the oldest answers.
func (p *pythonCalc) send(n int, out Collector) error {
	var parts []*types.Batch
	for got := 0; got < n; {
		h := p.held[0]
		take := min(n-got, h.Len())
		if take == h.Len() {
			parts = append(parts, h)
			p.held = p.held[1:]
		} else {
			parts = append(parts, h.Slice(0, take))
			p.held[0] = h.Slice(take, h.Len())
		}
		got += take
	}
	p.heldRows -= n
	part := parts[0]
	if len(parts) > 1 {
		part = kernel.Concat(parts)
	}
	args := make([]arrow.Array, len(p.cfg.ArgCols))
	for i, c := range p.cfg.ArgCols {
		args[i] = part.Cols[c]
	}
	if err := p.w.send(p.argSch, args, part.Len()); err != nil {
		return err
	}
	p.inFlight = append(p.inFlight, part)
	p.inFlightRows += part.Len()
	for p.inFlightRows > p.cfg.Options.BundleSize && len(p.inFlight) > 1 {
		if err := p.receive(out); err != nil {
			return err
		}
	}
	return nil
}

// receive emits the oldest chunk in flight with its results.
func (p *pythonCalc) receive(out Collector) error {
	part := p.inFlight[0]
	p.inFlight = p.inFlight[1:]
	p.inFlightRows -= part.Len()
	res, err := p.w.receive()
	if err != nil {
		return err
	}
	if len(res) != len(p.cfg.Program.Outputs) {
		return fmt.Errorf("%s: the Python worker returned %d columns, want %d", p.cfg.Display, len(res), len(p.cfg.Program.Outputs))
	}
	cols := make([]arrow.Array, 0, p.cfg.OutSchema.Len())
	for _, f := range p.cfg.Forward {
		cols = append(cols, part.Cols[f])
	}
	for i, r := range res {
		if r.Len() != part.Len() {
			return fmt.Errorf("%s: the Python worker returned %d rows for %d", p.cfg.Display, r.Len(), part.Len())
		}
		cols = append(cols, sameType(r, p.cfg.OutSchema.Fields[len(p.cfg.Forward)+i].Type))
	}
	return out.Emit(types.NewBatch(p.cfg.OutSchema, cols, part.Kinds, part.Len()))
}

// FlushBuffered sends the held rows and emits every answer.
func (p *pythonCalc) FlushBuffered(out Collector) error {
	if p.heldRows > 0 {
		if err := p.send(p.heldRows, out); err != nil {
			return err
		}
	}
	for len(p.inFlight) > 0 {
		if err := p.receive(out); err != nil {
			return err
		}
	}
	return nil
}

// OnProcessingTime flushes rows held for longer than bundle.time.
func (p *pythonCalc) OnProcessingTime(now int64, out Collector) error {
	if p.heldRows > 0 && now-p.heldAt >= p.cfg.Options.BundleTime.Microseconds() {
		return p.FlushBuffered(out)
	}
	return nil
}

// ProcessWatermark emits every held row before the watermark passes on.
func (p *pythonCalc) ProcessWatermark(_ int64, out Collector) error { return p.FlushBuffered(out) }

// EndInput emits every held row.
func (p *pythonCalc) EndInput(_ int, out Collector) error { return p.FlushBuffered(out) }

// sameType relabels a worker's result with the declared Arrow type when
// only names or nullability flags differ (a struct's field names, a
// timestamp's zone); arrays of another physical type are returned as
// they are and fail where they are read.
func sameType(a arrow.Array, t types.DataType) arrow.Array {
	want := types.ArrowType(t)
	if arrow.TypeEqual(a.DataType(), want) || a.DataType().ID() != want.ID() {
		return a
	}
	d := a.Data()
	return array.MakeFromData(array.NewData(want, d.Len(), d.Buffers(), d.Children(), d.NullN(), d.Offset()))
}

// Close stops the worker, running the functions' close().
func (p *pythonCalc) Close() error {
	if p.w == nil {
		return nil
	}
	err := p.w.close()
	p.w = nil
	return err
}

func (p *pythonCalc) String() string { return p.cfg.Display }
