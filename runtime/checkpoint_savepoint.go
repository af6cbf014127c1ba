package runtime

import (
	"context"
	"errors"
	"time"
)

// savepoint triggers a savepoint into dir and waits until it completes.
func (c *coordinator) savepoint(ctx context.Context, dir string, mode stopMode) (string, error) {
	if dir == "" {
		return "", &CheckpointError{Msg: "no savepoint directory: give one or set state.savepoints.dir"}
	}
	select {
	case <-c.job.done:
		return "", &CheckpointError{Msg: "the job has ended"}
	default:
	}
	if err := ctx.Err(); err != nil {
		// Given up before it started: nothing stopped.
		return "", &CheckpointError{Msg: "savepoint not triggered", Err: context.Cause(ctx)}
	}
	p, err := c.trigger(true, dir, mode)
	if err != nil {
		return "", err
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		c.failPending(p, context.Cause(ctx))
		return "", c.stopFailed(mode, p.err)
	case <-c.job.done:
		c.failPending(p, errors.New("the job ended before the savepoint completed"))
		return "", p.err
	}
	if p.err != nil {
		return "", c.stopFailed(mode, p.err)
	}
	if mode != stopNone {
		c.awaitNotified(ctx, p.id)
		p.store.Close()
	}
	return p.path, nil
}

// awaitNotified waits (a bounded time) until every running task has told
// its operators of checkpoint id, so sinks commit before the job stops.
func (c *coordinator) awaitNotified(ctx context.Context, id int64) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		all := true
		c.mu.Lock()
		for _, t := range c.tasks {
			if _, ended := c.finals[t]; !ended && t.ck.notified.Load() < id {
				all = false
			}
		}
		c.mu.Unlock()
		if all {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-c.job.done:
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// stopFailed handles a failed savepoint: after a stop-with-savepoint
// the sources that took its barrier no longer read, so, as Flink does,
// the job fails and its restart strategy resumes it from the latest
// checkpoint. It returns err.
func (c *coordinator) stopFailed(mode stopMode, err error) error {
	if mode != stopNone {
		c.job.fail(&CheckpointError{Msg: "stop-with-savepoint failed after the sources stopped; failing the job so that it restarts", Err: err})
	}
	return err
}
