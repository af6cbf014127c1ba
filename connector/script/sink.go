package script

import (
	"context"
	"math"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/values"
	"github.com/spry-engine/spry/types"
)

// OptSinkChangelogMode names the row kinds a script sink accepts, as
// Flink's test values connector's option of the same name.
const OptSinkChangelogMode = "sink-changelog-mode-enforced"

// EndOfOutput is the barrier id a script sink subtask reports when its
// input ended.
const EndOfOutput = math.MaxInt64

// Output is what script sinks write, in order: rows (Batch set) and, per
// sink subtask, each barrier passing (Barrier set, Batch nil), then
// EndOfOutput when its input ends. Parallelism is the sink's, so a reader
// knows how many subtasks report each barrier.
type Output struct {
	Batch       *types.Batch
	Barrier     int64
	Parallelism int
}

// outputCapacity bounds the sink output a reader has not taken yet.
const outputCapacity = 1024

// Outputs returns the channel script sinks write to until the next Reset.
func Outputs() <-chan Output {
	regMu.Lock()
	defer regMu.Unlock()
	return outputs
}

func currentOutputs() chan Output {
	regMu.Lock()
	defer regMu.Unlock()
	return outputs
}

// sink writes its rows and barriers to Outputs.
type sink struct {
	par int
	out chan Output
}

var _ connector.Sink = (*sink)(nil)

func newSink(*connector.Table) (connector.Sink, error) { return &sink{}, nil }

func sinkMode(o map[string]string) types.ChangelogMode {
	m, err := values.ParseChangelogMode(orDefault(o, OptSinkChangelogMode, "I,UB,UA,D"))
	if err != nil {
		return types.ModeAll
	}
	return m
}

// Open takes the output channel of the current script session.
func (s *sink) Open(_ context.Context, task connector.Task) error {
	s.par = max(task.Parallelism, 1)
	s.out = currentOutputs()
	return nil
}

func (s *sink) send(ctx context.Context, o Output) error {
	select {
	case s.out <- o:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Write hands b to the reader.
func (s *sink) Write(ctx context.Context, b *types.Batch) error {
	return s.send(ctx, Output{Batch: b, Parallelism: s.par})
}

// OnBarrier reports a barrier after the rows before it.
func (s *sink) OnBarrier(ctx context.Context, id int64) error {
	return s.send(ctx, Output{Barrier: id, Parallelism: s.par})
}

// Finish reports the end of the sink's input.
func (s *sink) Finish(ctx context.Context) error {
	return s.send(ctx, Output{Barrier: EndOfOutput, Parallelism: s.par})
}

// Close does nothing.
func (s *sink) Close() error { return nil }
