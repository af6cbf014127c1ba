package streamtest

import (
	"context"
	"io"

	"github.com/spry-engine/spry/connector/script"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// item is one thing a query's output delivered: a batch of rows, or a
// barrier reported by one of par output subtasks.
type item struct {
	batch   *types.Batch
	barrier int64 // 0 for rows
	par     int
}

// output reads what a running query emits: next returns io.EOF once the
// query has ended without error.
type output interface {
	next(ctx context.Context) (item, error)
}

// collectOutput reads a SELECT's rows and barrier markers from its Result
// (the Collect operator sends markers in order with the rows).
type collectOutput struct{ res *table.Result }

func (o collectOutput) next(ctx context.Context) (item, error) {
	b, err := o.res.Next(ctx)
	if err != nil {
		return item{}, err
	}
	if id, ok := ops.BarrierOf(b); ok {
		return item{barrier: id, par: 1}, nil
	}
	return item{batch: b}, nil
}

// sinkOutput reads an INSERT INTO a script table: the sink's rows and
// barriers come through script.Outputs, the job's outcome from Wait.
type sinkOutput struct {
	out     <-chan script.Output
	done    chan error // the job's outcome, once
	jobDone bool
	jobErr  error
}

func newSinkOutput(res *table.Result) *sinkOutput {
	o := &sinkOutput{out: script.Outputs(), done: make(chan error, 1)}
	go func() { o.done <- res.Wait() }()
	return o
}

func (o *sinkOutput) next(ctx context.Context) (item, error) {
	for {
		var x script.Output
		if o.jobDone {
			// The job is over: what the sinks wrote is all buffered.
			select {
			case x = <-o.out:
			default:
				if o.jobErr != nil {
					return item{}, o.jobErr
				}
				return item{}, io.EOF
			}
		} else {
			select {
			case x = <-o.out:
			case err := <-o.done:
				o.jobDone, o.jobErr = true, err
				continue
			case <-ctx.Done():
				return item{}, ctx.Err()
			}
		}
		if x.Barrier == script.EndOfOutput {
			continue // the job's end follows
		}
		return item{batch: x.Batch, barrier: x.Barrier, par: x.Parallelism}, nil
	}
}
