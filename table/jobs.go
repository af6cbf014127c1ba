package table

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/sql"
)

// jobRegistry holds the session's jobs, running and ended, in start order.
type jobRegistry struct {
	mu   sync.Mutex
	list []*jobRun
}

// maxEndedJobs bounds the ended jobs a registry remembers, so that a
// long-lived process (a gateway, a test suite) does not keep every job it
// ever ran; running jobs are always kept.
const maxEndedJobs = 1000

func (g *jobRegistry) add(r *jobRun) {
	if g != &processJobs {
		processJobs.add(r)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.list = append(g.list, r)
	g.prune()
}

// prune forgets the oldest ended jobs beyond maxEndedJobs; g.mu is held.
func (g *jobRegistry) prune() {
	ended := 0
	for _, j := range g.list {
		if isDone(j) {
			ended++
		}
	}
	if ended <= maxEndedJobs {
		return
	}
	kept := g.list[:0]
	for _, j := range g.list {
		if ended > maxEndedJobs && isDone(j) {
			ended--
			continue
		}
		kept = append(kept, j)
	}
	clear(g.list[len(kept):])
	g.list = kept
}

func isDone(r *jobRun) bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

func (g *jobRegistry) all() []*jobRun {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*jobRun(nil), g.list...)
}

func (g *jobRegistry) get(id string) (*jobRun, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, r := range g.list {
		if r.id == id {
			return r, nil
		}
	}
	return nil, &UnknownJobError{ID: id}
}

// UnknownJobError reports a job id that is not one of the session's jobs.
type UnknownJobError struct{ ID string }

func (e *UnknownJobError) Error() string {
	return fmt.Sprintf("Could not find job '%s'. SHOW JOBS lists the jobs of this session.", e.ID)
}

// JobInfo describes one job of the session.
type JobInfo struct {
	ID     string
	Name   string
	Status JobStatus
	Start  time.Time
	// End is when the job reached its final state; zero while it runs.
	End time.Time
	// Restarts counts the executions after the first.
	Restarts int
}

// processJobs holds every job of every session of the process, for the
// REST API and the CLI commands that reach jobs by id alone.
var processJobs jobRegistry

func (g *jobRegistry) infos() []JobInfo {
	var out []JobInfo
	for _, r := range g.all() {
		out = append(out, r.info())
	}
	return out
}

func (r *jobRun) info() JobInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return JobInfo{ID: r.id, Name: r.name, Status: r.status, Start: r.start, End: r.ended, Restarts: r.restarts}
}

// Jobs lists the session's jobs (running and ended), oldest first.
func (e *Environment) Jobs() []JobInfo { return e.jobs.infos() }

// AllJobs lists the jobs of every session of the process, oldest first.
func AllJobs() []JobInfo { return processJobs.infos() }

// Savepoint triggers a savepoint of a running job of the session into
// dir, or into state.savepoints.dir when dir is empty, and returns its
// path.
func (e *Environment) Savepoint(ctx context.Context, jobID, dir string) (string, error) {
	r, err := e.jobs.get(jobID)
	if err != nil {
		return "", err
	}
	return r.savepointTo(ctx, dir)
}

// StopJob stops a job of the session: with savepoint it first takes a
// savepoint into dir (or state.savepoints.dir) and returns its path, with
// drain the sources advance event time to the end before it; without
// savepoint the job is cancelled.
func (e *Environment) StopJob(ctx context.Context, jobID string, savepoint bool, dir string, drain bool) (string, error) {
	r, err := e.jobs.get(jobID)
	if err != nil {
		return "", err
	}
	return r.stopWith(ctx, savepoint, dir, drain)
}

// TriggerSavepoint is Environment.Savepoint for a job of any session of
// the process (the REST API's POST /jobs/:id/savepoints).
func TriggerSavepoint(ctx context.Context, jobID, dir string) (string, error) {
	r, err := processJobs.get(jobID)
	if err != nil {
		return "", err
	}
	return r.savepointTo(ctx, dir)
}

// StopJob is Environment.StopJob for a job of any session of the process
// (the REST API's POST /jobs/:id/stop).
func StopJob(ctx context.Context, jobID string, savepoint bool, dir string, drain bool) (string, error) {
	r, err := processJobs.get(jobID)
	if err != nil {
		return "", err
	}
	return r.stopWith(ctx, savepoint, dir, drain)
}

// CheckpointStats returns the checkpoints and savepoints (completed and
// failed, oldest first) of the current execution of a job of any session
// of the process.
func CheckpointStats(jobID string) ([]runtime.CheckpointStats, error) {
	r, err := processJobs.get(jobID)
	if err != nil {
		return nil, err
	}
	return r.current().CheckpointStats(), nil
}

func (r *jobRun) savepointTo(ctx context.Context, dir string) (string, error) {
	dir, err := r.cfg.savepointDir(dir)
	if err != nil {
		return "", err
	}
	return r.Savepoint(ctx, dir)
}

func (r *jobRun) stopWith(ctx context.Context, savepoint bool, dir string, drain bool) (string, error) {
	if !savepoint {
		r.Cancel()
		return "", nil
	}
	dir, err := r.cfg.savepointDir(dir)
	if err != nil {
		return "", err
	}
	return r.StopWithSavepoint(ctx, dir, drain)
}

// showJobs is SHOW JOBS with Flink's columns.
func (e *Environment) showJobs() *Result {
	var rows [][]string
	for _, j := range e.Jobs() {
		rows = append(rows, []string{j.ID, j.Name, string(j.Status), instantString(j.Start)})
	}
	return stringRows([]string{"job id", "job name", "status", "start time"}, rows, ResultRows)
}

// instantString formats t as Java's Instant.toString, as Flink prints
// start times: UTC, milliseconds only when not zero.
func instantString(t time.Time) string {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}

// execStopJob runs STOP JOB '<id>' [WITH SAVEPOINT] [WITH DRAIN]. With a
// savepoint the result is its path in a column "savepoint path", as
// Flink's; otherwise OK.
func (e *Environment) execStopJob(ctx context.Context, s *sql.StopJob) (*Result, error) {
	p, err := e.StopJob(ctx, s.ID.Value, s.Savepoint, "", s.Drain)
	if err != nil {
		return nil, err
	}
	if !s.Savepoint {
		return okResult(), nil
	}
	return stringRows([]string{"savepoint path"}, [][]string{{p}}, ResultRows), nil
}

// restartLogger is where restart warnings go: the session's logger, else
// slog's default (a restart must not go unnoticed).
func (e *Environment) restartLogger() *slog.Logger {
	if e.jobLogger != nil {
		return e.jobLogger
	}
	return slog.Default()
}
