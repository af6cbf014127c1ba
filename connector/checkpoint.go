package connector

import "context"

// Checkpoints (Flink's exactly-once model): sources store their read
// position and sinks their pending writes in each checkpoint, and sinks
// make those writes final only once the checkpoint is complete. A job
// restored from a checkpoint re-reads from the stored positions and
// commits or aborts what the checkpoint left pending, so nothing is lost
// and nothing is written twice.

// SplitPosition is the read position of one split (a Kafka partition, a
// file, a generator's sequence) as the source encodes it.
type SplitPosition struct {
	Split    string
	Position []byte
}

// CheckpointedSource is implemented by sources whose read position can
// be stored in a checkpoint. A source without it is read again from its
// start when a job is restored (Flink's behaviour for sources without
// state).
type CheckpointedSource interface {
	// SnapshotPosition returns, for each split this subtask reads, the
	// position just after the last row Next returned.
	SnapshotPosition() ([]SplitPosition, error)
	// RestorePosition is called after Open and before the first Next
	// with the positions every subtask stored in the restored checkpoint;
	// the source resumes the splits it reads from them and starts splits
	// it finds no position for as its options say. It is an error only
	// when the positions cannot be used (the source says why).
	RestorePosition(ps []SplitPosition) error
}

// SourceCheckpointListener is implemented by sources that act when a
// checkpoint completed (Kafka commits the checkpoint's offsets to its
// consumer group, as Flink does).
type SourceCheckpointListener interface {
	NotifyCheckpointComplete(ctx context.Context, checkpointID int64) error
}

// CheckpointedSink is implemented by sinks that take part in checkpoints
// (two-phase commit).
type CheckpointedSink interface {
	// PreCommit is called when checkpoint checkpointID's barrier reaches
	// the sink: everything written before it is flushed and made ready to
	// commit (a Kafka transaction flushed, a file closed); the returned
	// bytes (pending transactions, pending files) are stored in the
	// checkpoint.
	PreCommit(ctx context.Context, checkpointID int64) ([]byte, error)
	// Commit makes final what was pre-committed for every checkpoint up
	// to checkpointID, once that checkpoint is complete. It must be
	// idempotent: it may be called again after a restart.
	Commit(ctx context.Context, checkpointID int64) error
	// Restore is called after Open and before the first Write with the
	// states the restored checkpoint stored (PreCommit's bytes) that fall
	// to this subtask: it commits what they hold (the checkpoint is
	// complete) and aborts anything written after it (fencing producers
	// left by the failed run).
	Restore(ctx context.Context, checkpointID int64, states [][]byte) error
}
