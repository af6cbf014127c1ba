package ops

import "github.com/spry-engine/spry/connector"

var (
	_ CheckpointedOperator = (*Sink)(nil)
	_ CheckpointListener   = (*Sink)(nil)
)

// SnapshotCheckpoint pre-commits what the sink wrote before the barrier
// (connector.CheckpointedSink) and returns what the checkpoint must keep
// to commit it; nil for sinks outside checkpoints.
func (s *Sink) SnapshotCheckpoint(id int64) ([]byte, error) {
	cs, ok := s.sink.(connector.CheckpointedSink)
	if !ok {
		return nil, nil
	}
	data, err := cs.PreCommit(s.ctx, id)
	if err == nil && data == nil {
		data = []byte{} // stored even when empty: Restore must still run
	}
	return data, err
}

// RestoreCheckpoint hands the connector the states stored by the
// subtasks j of the checkpointed run with j % parallelism == subtask
// (round robin, as Flink's union of committables), to commit them and
// abort what the failed run left open.
func (s *Sink) RestoreCheckpoint(id int64, parts [][]byte) error {
	cs, ok := s.sink.(connector.CheckpointedSink)
	if !ok {
		return nil
	}
	var mine [][]byte
	for j, p := range parts {
		if p != nil && j%s.par == s.subtask {
			mine = append(mine, p)
		}
	}
	return cs.Restore(s.ctx, id, mine)
}

// NotifyCheckpointComplete commits what was pre-committed up to
// checkpoint id.
func (s *Sink) NotifyCheckpointComplete(id int64) error {
	if cs, ok := s.sink.(connector.CheckpointedSink); ok {
		return cs.Commit(s.ctx, id)
	}
	return nil
}

// FinalCheckpointOperator is implemented by operators whose end of input
// must not make anything final by itself (Flink's FLIP-147): with
// checkpointing, the runtime holds back their EndInput until a
// checkpoint taken after the end of their input completed and its
// NotifyCheckpointComplete committed what it pre-committed. A process
// killed before that commits nothing, and the restored job replays the
// rows from the latest completed checkpoint. (A source's end is the end
// of its Next: it is not ended again, only notified.)
type FinalCheckpointOperator interface {
	// AwaitsFinalCheckpoint reports whether the operator's end of input
	// waits for the final checkpoint; it is asked after Open.
	AwaitsFinalCheckpoint() bool
}

var _ FinalCheckpointOperator = (*Sink)(nil)

// AwaitsFinalCheckpoint is true for a two-phase sink (connector.
// CheckpointedSink) of a job that takes checkpoints: its Finish would
// otherwise commit rows no checkpoint covers.
func (s *Sink) AwaitsFinalCheckpoint() bool {
	_, ok := s.sink.(connector.CheckpointedSink)
	return s.ckpt && ok
}
