package ops

import (
	"context"
	"log/slog"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// Collector receives an operator's output. Emit may block when the next
// exchange is full (back-pressure).
type Collector interface {
	Emit(b *types.Batch) error
}

// OpContext is what an operator instance gets when it opens.
type OpContext struct {
	Ctx         context.Context
	Subtask     int
	Parallelism int
	// MaxParallelism is the number of key groups; keyed state is sharded by
	// key group so it can be redistributed when parallelism changes.
	MaxParallelism int
	Eval           *expr.Context
	// Batch mode: inputs are bounded and results are final (no retractions).
	Batch  bool
	Logger *slog.Logger
	// BatchSize is the preferred number of rows per batch for operators
	// that build batches themselves (sources, VALUES, sort output).
	BatchSize int
	// Metrics is the operator subtask's metric group (may be nil: a nil
	// group hands out counters nobody reads).
	Metrics *metrics.Group
	// Now returns the job's processing time in µs since the epoch. Jobs
	// read the wall clock; time-scripted tests drive it by hand, so every
	// processing-time decision (PROCTIME(), proctime windows, state TTL)
	// must read this clock, never time.Now.
	Now func() int64
	// StateBackend is state.backend: "hashmap" (state on the heap, the
	// default) or "pebble" (state in a local pebble store under StateDir,
	// for state larger than memory).
	StateBackend string
	// StateDir is this subtask's own local working directory for state
	// (created by the runtime, removed when the job ends); "" when the
	// job keeps all state on the heap.
	StateDir string
	// Checkpointing says the job takes checkpoints (streaming jobs with
	// execution.checkpointing set): exactly-once sinks refuse to run
	// without them.
	Checkpointing bool
}

// ProcessingTimeOperator is implemented by operators with processing-time
// timers (proctime windows, state TTL cleanup, idle detection). The
// runtime calls OnProcessingTime with the job clock's time at least every
// few tens of milliseconds while the job runs, and before it handles a
// barrier.
type ProcessingTimeOperator interface {
	OnProcessingTime(now int64, out Collector) error
}

// Operator is one step of a job, run by a single goroutine per subtask.
// Embed BaseOperator for no-op defaults of the optional hooks.
type Operator interface {
	Open(ctx *OpContext) error
	// ProcessBatch handles a batch arriving on input (0, or 1 for the right
	// side of a two-input operator).
	ProcessBatch(input int, b *types.Batch, out Collector) error
	// ProcessWatermark is called when the operator's combined input
	// watermark advances to ts (µs since epoch).
	ProcessWatermark(ts int64, out Collector) error
	// EndInput is called once per input when a bounded input ends; batch
	// operators (sort, hash aggregation) emit their results here.
	EndInput(input int, out Collector) error
	Close() error
	// String prints the operator in one line, as EXPLAIN shows it.
	String() string
}

// BaseOperator gives the optional hooks no-op defaults.
type BaseOperator struct{}

// Open does nothing.
func (BaseOperator) Open(*OpContext) error { return nil }

// ProcessWatermark does nothing; the runtime forwards watermarks itself.
func (BaseOperator) ProcessWatermark(int64, Collector) error { return nil }

// EndInput does nothing.
func (BaseOperator) EndInput(int, Collector) error { return nil }

// Close does nothing.
func (BaseOperator) Close() error { return nil }
