package table

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/table/printer"
	"github.com/spry-engine/spry/types"
)

// ResultKind tells what a statement produced and so how a client shows it.
type ResultKind int

// The result kinds.
const (
	// ResultOK is a statement run for its effect (DDL, SET, USE): clients
	// print "[INFO] Execute statement succeed." (its one row is "OK").
	ResultOK ResultKind = iota
	// ResultRows carries rows: queries, SHOW, DESCRIBE, EXPLAIN.
	ResultRows
	// ResultJob is a submitted job (INSERT, STATEMENT SET) awaited by Wait.
	ResultJob
)

// String names the kind for logs and test failures (OK, ROWS, JOB).
func (k ResultKind) String() string {
	switch k {
	case ResultOK:
		return "OK"
	case ResultRows:
		return "ROWS"
	case ResultJob:
		return "JOB"
	}
	return "UNKNOWN"
}

// Result is the outcome of one statement. Rows are read with Next until
// io.EOF; a job is awaited with Wait and stopped with Cancel. A Result is
// read by one goroutine; Cancel may be called from any.
type Result struct {
	Kind   ResultKind
	Schema *types.Schema
	// Changelog is true when rows carry row kinds that clients must show:
	// every streaming query (Flink's tableau shows the op column for them),
	// false for batch queries and metadata statements.
	Changelog bool
	// JobID identifies the job of a query or INSERT; empty otherwise.
	JobID string
	// Bounded is true when the statement ends by itself: metadata results,
	// batch jobs, and streaming jobs whose sources are all bounded. An
	// unbounded query or INSERT runs until cancelled.
	Bounded bool

	src  stream
	once sync.Once
}

// stream is what feeds a Result: a fixed list of batches or a running job.
type stream interface {
	next(ctx context.Context) (*types.Batch, error)
	wait() error
	cancel()
}

// Next returns the next batch of rows, or io.EOF at the end. For a job it
// blocks until rows arrive; a failed job's error is returned once its rows
// are drained.
func (r *Result) Next(ctx context.Context) (*types.Batch, error) {
	if r.src == nil {
		return nil, io.EOF
	}
	return r.src.next(ctx)
}

// Wait blocks until the statement's job ends and returns its error. For a
// bounded INSERT it returns when the sinks have finished; for results
// without a job it returns nil at once.
func (r *Result) Wait() error {
	if r.src == nil {
		return nil
	}
	return r.src.wait()
}

// Cancel stops the statement's job, if any; Next then returns io.EOF or
// the cancellation error. It is safe to call more than once.
func (r *Result) Cancel() {
	if r.src == nil {
		return
	}
	r.once.Do(r.src.cancel)
}

// Collect reads every remaining batch. It is for tests and small results:
// on an unbounded query it blocks until ctx is done or the job is cancelled.
func (r *Result) Collect(ctx context.Context) ([]*types.Batch, error) {
	var out []*types.Batch
	for {
		b, err := r.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if b != nil && b.Len() > 0 {
			out = append(out, b)
		}
	}
}

// Row is one result row with its kind, as Flink's Row: +I[a, 1].
type Row struct {
	Kind   types.RowKind
	Values []any
}

// Format prints the row as Flink's Row.toString does: +I[Apache Flink, 2],
// NULL as null, TIMESTAMP_LTZ values in loc (nil: UTC).
func (r Row) Format(s *types.Schema, loc *time.Location) string {
	return printer.RowString(r.Kind, r.Values, s, loc, "null")
}

// Rows reads every remaining row (see Collect for the caveats).
func (r *Result) Rows(ctx context.Context) ([]Row, error) {
	bs, err := r.Collect(ctx)
	var out []Row
	for _, b := range bs {
		for i := 0; i < b.Len(); i++ {
			out = append(out, Row{Kind: b.Kind(i), Values: b.Row(i)})
		}
	}
	return out, err
}

// staticStream serves batches known in advance (SHOW, DESCRIBE, EXPLAIN).
type staticStream struct {
	batches []*types.Batch
}

func (s *staticStream) next(ctx context.Context) (*types.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(s.batches) == 0 {
		return nil, io.EOF
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	return b, nil
}

func (s *staticStream) wait() error { return nil }
func (s *staticStream) cancel()     { s.batches = nil }

// okResult is the result of a statement run for its effect; like Flink's
// TableResult of DDL it holds one row "OK" in a column "result".
func okResult() *Result {
	return stringRows([]string{"result"}, [][]string{{"OK"}}, ResultOK)
}

// stringRows makes a static result of STRING columns.
func stringRows(names []string, rows [][]string, kind ResultKind) *Result {
	fs := make([]types.Field, len(names))
	for i, n := range names {
		fs[i] = types.Field{Name: n, Type: types.String}
	}
	s := types.NewSchema(fs...)
	bb := types.NewBatchBuilder(s)
	row := make([]any, len(names))
	for _, r := range rows {
		for i, v := range r {
			row[i] = v
		}
		bb.Add(types.Insert, row)
	}
	return &Result{Kind: kind, Schema: s, Bounded: true, src: &staticStream{batches: []*types.Batch{bb.Build()}}}
}

// valueRows makes a static result from Go values typed by schema s.
func valueRows(s *types.Schema, rows [][]any) *Result {
	bb := types.NewBatchBuilder(s)
	for _, r := range rows {
		bb.Add(types.Insert, r)
	}
	return &Result{Kind: ResultRows, Schema: s, Bounded: true, src: &staticStream{batches: []*types.Batch{bb.Build()}}}
}

// Progress returns the row counters of the statement's running job, one
// per vertex in graph order, or nil when the result has no job. Front ends
// poll it to show progress on long bounded jobs.
func (r *Result) Progress() []*runtime.VertexProgress {
	if js, ok := r.src.(*jobStream); ok && js.job != nil {
		return js.job.Progress()
	}
	return nil
}
