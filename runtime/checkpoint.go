package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Checkpoints (Flink's model): a coordinator injects numbered barriers at
// every running source; each task snapshots its operators when the
// barrier passes (after aligning its inputs in ExactlyOnce mode), uploads
// the snapshot asynchronously and acknowledges; once every task has
// acknowledged, the coordinator writes the checkpoint's _metadata (which
// completes it) and tells every task, whose operators then commit
// (ops.CheckpointListener). See package state/checkpoint for the layout
// and format, checkpoint_coord.go for the coordinator, checkpoint_task.go
// for the task side and checkpoint_restore.go for restoring.

// CheckpointingMode is execution.checkpointing.mode.
type CheckpointingMode uint8

// The checkpointing modes.
const (
	// ExactlyOnce aligns barriers: a task with several input channels
	// holds back a channel's messages after its barrier until every
	// channel delivered it, so state reflects exactly the rows before the
	// barrier.
	ExactlyOnce CheckpointingMode = iota
	// AtLeastOnce does not hold channels back: a task processes on and
	// snapshots when the last channel's barrier arrives; after a restore,
	// rows that overtook a barrier are processed again.
	AtLeastOnce
)

func (m CheckpointingMode) String() string {
	if m == AtLeastOnce {
		return "AT_LEAST_ONCE"
	}
	return "EXACTLY_ONCE"
}

// Defaults of CheckpointConfig, as Flink's.
const (
	DefaultCheckpointTimeout = 10 * time.Minute
	DefaultMaxConcurrent     = 1
	DefaultRetained          = 1
)

// CheckpointConfig configures periodic checkpoints (Flink's
// execution.checkpointing.* and state.checkpoints.* options).
type CheckpointConfig struct {
	// Interval is execution.checkpointing.interval; 0 means no periodic
	// checkpoints (savepoints still work).
	Interval time.Duration
	Mode     CheckpointingMode
	// Timeout fails a checkpoint not complete in time (the job keeps
	// running); 0 means DefaultCheckpointTimeout.
	Timeout time.Duration
	// MinPause is the least time between the end of one checkpoint and
	// the start of the next.
	MinPause time.Duration
	// MaxConcurrent is how many checkpoints may be in progress at once;
	// 0 means DefaultMaxConcurrent.
	MaxConcurrent int
	// Dir is state.checkpoints.dir: a local path, file://, or an object
	// store URL; "" keeps checkpoints in the process's memory (restart
	// within the process only).
	Dir string
	// Retained is state.checkpoints.num-retained; 0 means
	// DefaultRetained.
	Retained int
	// JobID names the checkpoints' directory <Dir>/<JobID>/chk-<n>; ""
	// makes a random one.
	JobID string
}

// CheckpointStats describes one completed or failed checkpoint.
type CheckpointStats struct {
	ID        int64
	Savepoint bool
	// Path is the checkpoint's directory (completed ones).
	Path      string
	Triggered time.Time
	// Duration is from the trigger to the completion (or failure).
	Duration time.Duration
	// Alignment is the longest barrier alignment of any task.
	Alignment time.Duration
	// Size is the bytes stored (shared files counted when first stored).
	Size int64
	// Err is why the checkpoint failed; nil when it completed.
	Err error
}

// CheckpointError reports a checkpoint or savepoint that failed or could
// not be triggered.
type CheckpointError struct {
	ID  int64
	Msg string
	Err error
}

func (e *CheckpointError) Error() string {
	s := "checkpoint"
	if e.ID > 0 {
		s += fmt.Sprintf(" %d", e.ID)
	}
	s += ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *CheckpointError) Unwrap() error { return e.Err }

// ErrCheckpointExpired is the cause of a checkpoint that did not complete
// within CheckpointConfig.Timeout.
var ErrCheckpointExpired = errors.New("checkpoint expired before completing")

// Savepoint triggers a savepoint into dir (state.savepoints.dir) and waits
// for it; the savepoint is self-contained (every file it needs is inside
// the returned path).
func (j *Job) Savepoint(ctx context.Context, dir string) (string, error) {
	return j.coord.savepoint(ctx, dir, stopNone)
}

// StopWithSavepoint takes a savepoint, after which the sources stop, then
// cancels the job. With drain the sources first advance event time to
// the end (MAX_WATERMARK), firing every pending timer and window, as
// Flink's stop --drain.
func (j *Job) StopWithSavepoint(ctx context.Context, dir string, drain bool) (string, error) {
	mode := stopSuspend
	if drain {
		mode = stopDrain
	}
	p, err := j.coord.savepoint(ctx, dir, mode)
	if err != nil {
		return "", err
	}
	j.Cancel()
	return p, nil
}

// LatestCheckpoint returns the path of the latest completed checkpoint,
// or, before the first one, the path the job was restored from ("" if
// none).
func (j *Job) LatestCheckpoint() string { return j.coord.latest() }

// CheckpointStats returns the job's completed and failed checkpoints and
// savepoints, oldest first.
func (j *Job) CheckpointStats() []CheckpointStats { return j.coord.statsCopy() }
