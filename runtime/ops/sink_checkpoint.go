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
