package table

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/types"
)

// JobStatus is a job's state as Flink names it (SHOW JOBS, REST API).
type JobStatus string

// The job states Spry reports.
const (
	JobRunning    JobStatus = "RUNNING"
	JobRestarting JobStatus = "RESTARTING"
	JobFinished   JobStatus = "FINISHED"
	JobFailed     JobStatus = "FAILED"
	JobCanceled   JobStatus = "CANCELED"
)

// attemptFunc starts one execution of a job's planned program, restored
// from restore ("" for none), with a fresh job graph; rows is the
// attempt's collect channel (nil for INSERT jobs).
type attemptFunc func(restore string) (job *runtime.Job, rows <-chan *types.Batch, err error)

// jobRun is one job of the session across all its executions: it runs
// the job again after a failure while its restart strategy allows,
// restoring the latest completed checkpoint. Results, SHOW JOBS and the
// REST API hold it rather than one execution, so Wait waits for the final
// outcome and Cancel stops the restarts too.
type jobRun struct {
	id, name string
	start    time.Time
	cfg      *Config // the session's, for state.savepoints.dir
	strategy RestartStrategy
	attempt  attemptFunc
	logger   *slog.Logger
	metrics  *metrics.Registry
	// now is the strategy's clock; sleep waits before a restart and
	// returns early when Cancel closes stop.
	now   func() time.Time
	sleep func(stop <-chan struct{}, d time.Duration)

	out  chan *types.Batch // the result's rows across executions; nil for INSERT jobs
	stop chan struct{}     // closed by Cancel
	done chan struct{}     // closed when the final outcome is known

	mu       sync.Mutex
	cur      *runtime.Job
	status   JobStatus
	err      error
	restarts int
	ended    time.Time
	stopped  bool // Cancel or STOP: no more restarts
	drained  bool // stopped with a savepoint: ends FINISHED
	// stopping is set while a stop-with-savepoint is in progress: it is
	// no user stop yet, since a stop that fails after the sources stopped
	// fails the job (runtime.CheckpointError) so that it restarts.
	stopping bool
	stopOnce sync.Once
}

// newJobRun starts the first execution (an error there is the statement's
// error) and then watches it in the background.
func newJobRun(id, name string, collect bool, strategy RestartStrategy, restore string, logger *slog.Logger,
	reg *metrics.Registry, attempt attemptFunc) (*jobRun, error) {
	job, rows, err := attempt(restore)
	if err != nil {
		return nil, err
	}
	r := &jobRun{
		id: id, name: name, start: time.Now(), strategy: strategy, attempt: attempt, logger: logger, metrics: reg,
		now: time.Now, sleep: sleepOrStop, stop: make(chan struct{}), done: make(chan struct{}),
		cur: job, status: JobRunning,
	}
	if collect {
		r.out = make(chan *types.Batch, 16)
	}
	go r.loop(job, rows, restore)
	return r, nil
}

func sleepOrStop(stop <-chan struct{}, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-stop:
	}
}

// loop waits for each execution and decides what follows it.
func (r *jobRun) loop(job *runtime.Job, rows <-chan *types.Batch, restore string) {
	defer close(r.done)
	if r.out != nil {
		defer close(r.out)
	}
	for {
		if rows != nil {
			r.forward(rows)
		}
		err := job.Wait()
		if p := job.LatestCheckpoint(); p != "" {
			restore = p
		}
		r.mu.Lock()
		stopped, drained := r.stopped, r.drained
		r.mu.Unlock()
		var stopFailed *runtime.CheckpointError
		switch {
		case err == nil || drained && errors.Is(err, runtime.ErrCanceled) && !errors.As(err, &stopFailed):
			r.end(JobFinished, nil)
			return
		case stopped:
			r.end(JobCanceled, err)
			return
		}
		delay, ok := r.strategy.NotifyFailure(r.now())
		if !ok {
			r.end(JobFailed, r.giveUp(err))
			return
		}
		r.mu.Lock()
		r.restarts++
		n := r.restarts
		r.status = JobRestarting
		r.mu.Unlock()
		msg := fmt.Sprintf("Restarting job %s from checkpoint %s (attempt %d)", r.name, restore, n)
		if restore == "" {
			msg = fmt.Sprintf("Restarting job %s without a checkpoint (attempt %d)", r.name, n)
		}
		r.logger.Warn(msg, "job", r.name, "jobId", r.id, "delay", delay, "cause", err)
		r.sleep(r.stop, delay)
		if r.isStopped() {
			r.end(JobCanceled, err)
			return
		}
		job, rows, err = r.attempt(restore)
		if err != nil {
			r.end(JobFailed, r.giveUp(err))
			return
		}
		r.mu.Lock()
		r.cur, r.status = job, JobRunning
		stopped = r.stopped
		r.mu.Unlock()
		if stopped {
			job.Cancel()
		}
	}
}

// forward copies one execution's rows to the result until the execution
// closes its channel; after Cancel nobody reads, so rows are dropped.
func (r *jobRun) forward(rows <-chan *types.Batch) {
	for b := range rows {
		select {
		case r.out <- b:
		case <-r.stop:
		}
	}
}

func (r *jobRun) isStopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}

// giveUp is the final error of a job its strategy will not restart. With
// no restart strategy the job's own error is returned unchanged.
func (r *jobRun) giveUp(err error) error {
	if _, none := r.strategy.(NoRestart); none {
		return err
	}
	r.mu.Lock()
	n := r.restarts
	r.mu.Unlock()
	return &RecoveryError{Job: r.name, Strategy: r.strategy.String(), Restarts: n, Err: err}
}

func (r *jobRun) end(s JobStatus, err error) {
	r.mu.Lock()
	r.status, r.err, r.ended = s, err, time.Now()
	r.mu.Unlock()
}

// RecoveryError is the final error of a job whose restart strategy
// refused another restart; Err is the last execution's error.
type RecoveryError struct {
	Job      string
	Strategy string
	Restarts int
	Err      error
}

func (e *RecoveryError) Error() string {
	return fmt.Sprintf("Job %s failed after %d restart attempt(s); recovery is suppressed by %s: %v", e.Job, e.Restarts, e.Strategy, e.Err)
}

// Unwrap returns the last execution's error.
func (e *RecoveryError) Unwrap() error { return e.Err }

// Done is closed when the job has reached its final state.
func (r *jobRun) Done() <-chan struct{} { return r.done }

// Wait blocks until the final outcome and returns its error.
func (r *jobRun) Wait() error {
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Cancel cancels the current execution and any restart.
func (r *jobRun) Cancel() {
	r.mu.Lock()
	r.stopped = true
	cur := r.cur
	r.mu.Unlock()
	r.stopOnce.Do(func() { close(r.stop) })
	cur.Cancel()
}

// current returns the running execution.
func (r *jobRun) current() *runtime.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur
}

// Status returns the job's state.
func (r *jobRun) Status() JobStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// Progress returns the current execution's row counters.
func (r *jobRun) Progress() []*runtime.VertexProgress { return r.current().Progress() }

// Metrics returns the registry shared by every execution, so counters
// add up over restarts.
func (r *jobRun) Metrics() *metrics.Registry { return r.metrics }

// Savepoint triggers a savepoint of the current execution into dir.
func (r *jobRun) Savepoint(ctx context.Context, dir string) (string, error) {
	if s := r.Status(); s != JobRunning {
		return "", &JobStateError{ID: r.id, Status: s, Op: "trigger a savepoint"}
	}
	return r.current().Savepoint(ctx, dir)
}

// StopWithSavepoint takes a savepoint and then stops the job for good;
// the job ends FINISHED. If the savepoint fails the job keeps running.
func (r *jobRun) StopWithSavepoint(ctx context.Context, dir string, drain bool) (string, error) {
	r.mu.Lock()
	if r.status != JobRunning {
		s := r.status
		r.mu.Unlock()
		return "", &JobStateError{ID: r.id, Status: s, Op: "stop it with a savepoint"}
	}
	if r.stopping {
		r.mu.Unlock()
		return "", &JobStateError{ID: r.id, Status: JobRunning, Op: "stop it with a savepoint while another stop is in progress"}
	}
	r.stopping, r.drained = true, true
	cur := r.cur
	r.mu.Unlock()
	p, err := cur.StopWithSavepoint(ctx, dir, drain)
	r.mu.Lock()
	r.stopping = false
	if err != nil {
		r.drained = false
		r.mu.Unlock()
		return "", err
	}
	r.stopped = true
	r.mu.Unlock()
	r.stopOnce.Do(func() { close(r.stop) })
	return p, nil
}

// JobStateError reports an operation on a job in a state that does not
// allow it (a savepoint of a finished job).
type JobStateError struct {
	ID     string
	Status JobStatus
	Op     string
}

func (e *JobStateError) Error() string {
	return fmt.Sprintf("Cannot %s of job %s: the job is %s, not RUNNING.", e.Op, e.ID, e.Status)
}
