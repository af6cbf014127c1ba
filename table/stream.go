package table

import (
	"context"
	"io"

	"github.com/spry-engine/spry/types"
)

// jobStream feeds a Result from a running job: a query's rows from its
// collect channel, or, for an INSERT, a fixed row once the job is done.
type jobStream struct {
	job   *jobRun
	rows  <-chan *types.Batch // nil for INSERT jobs
	final stream              // rows shown after an INSERT job ends
	done  bool
}

func (s *jobStream) next(ctx context.Context) (*types.Batch, error) {
	if s.done {
		return nil, io.EOF
	}
	if s.rows == nil {
		// An INSERT has no rows to wait on: wait for the job itself, but
		// no longer than the caller allows (an unbounded INSERT never ends).
		select {
		case <-s.job.Done():
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if err := s.wait(); err != nil {
			s.done = true
			return nil, err
		}
		if s.final == nil {
			s.done = true
			return nil, io.EOF
		}
		return s.final.next(ctx)
	}
	select {
	case b, ok := <-s.rows:
		if ok {
			return b, nil
		}
		s.done = true
		if err := s.job.Wait(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// wait waits for the job; for a query it discards unread rows so the job
// is not held back by a reader that will not come.
func (s *jobStream) wait() error {
	if s.rows != nil {
		go func() {
			for range s.rows {
			}
		}()
	}
	return s.job.Wait()
}

func (s *jobStream) cancel() { s.job.Cancel() }
