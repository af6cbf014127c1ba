package ops

// Checkpoint hooks. A checkpoint barrier reaches each operator of a chain
// after the operator's OnBarrier (BarrierHandler) flushed what it buffers;
// the runtime then asks it for its state:
//
//   - Snapshotter: keyed state, tagged by key group; every part of a
//     restored checkpoint is given to every subtask, which keeps its key
//     groups.
//   - CheckpointedOperator: non-keyed state of one subtask (a source's read
//     position, a sink's pending transactions).
//   - DirSnapshotter: state kept in a local store (the pebble backend),
//     checkpointed as immutable files so that each file is uploaded once
//     (incremental checkpoints).
//
// An operator implements at most one of the three. Once the checkpoint is
// complete (every subtask's state is stored and the metadata written) the
// runtime calls NotifyCheckpointComplete on each CheckpointListener, in
// the subtask's own goroutine.

// CheckpointedOperator is implemented by operators with non-keyed state.
type CheckpointedOperator interface {
	// SnapshotCheckpoint returns the subtask's state for checkpoint id.
	SnapshotCheckpoint(id int64) ([]byte, error)
	// RestoreCheckpoint is called after Open and before any input with
	// the parts the restored checkpoint id stored for this operator,
	// indexed by the subtask of the run that took it (its parallelism may
	// differ from this run's). The operator decides which parts are its
	// own.
	RestoreCheckpoint(id int64, parts [][]byte) error
}

// DirSnapshotter is implemented by operators whose state lives in a local
// store.
type DirSnapshotter interface {
	// SnapshotDir writes checkpoint id of the state into a new local
	// directory and returns its path. A file name that appears in several
	// checkpoints has the same content in each (SSTables), so the runtime
	// uploads each file once; it removes the directory after uploading.
	SnapshotDir(id int64) (dir string, err error)
	// RestoreDirs is called after Open and before any input with local
	// directories holding the files each subtask of the restoring run
	// stored; the operator keeps the entries of its key groups.
	RestoreDirs(dirs []string) error
}

// CheckpointListener is implemented by operators told when a checkpoint
// completed: sinks commit, sources commit offsets.
type CheckpointListener interface {
	NotifyCheckpointComplete(id int64) error
}
