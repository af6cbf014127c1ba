package ops

import (
	"encoding/json"
	"fmt"

	"github.com/spry-engine/spry/connector"
)

var (
	_ CheckpointedOperator = (*Source)(nil)
	_ CheckpointListener   = (*Source)(nil)
)

// storedPosition is one split's position as a checkpoint stores it.
type storedPosition struct {
	Split    string `json:"split"`
	Position []byte `json:"position"`
}

// SnapshotCheckpoint stores the connector's read positions, when it
// keeps them (connector.CheckpointedSource); nil otherwise, and the
// source is read again from its start after a restore, as Flink does
// with sources without state.
func (s *Source) SnapshotCheckpoint(int64) ([]byte, error) {
	cs, ok := connector.Underlying(s.src).(connector.CheckpointedSource)
	if !ok {
		return nil, nil
	}
	ps, err := cs.SnapshotPosition()
	if err != nil {
		return nil, err
	}
	out := make([]storedPosition, len(ps))
	for i, p := range ps {
		out[i] = storedPosition{p.Split, p.Position}
	}
	return json.Marshal(out)
}

// RestoreCheckpoint gives the connector the positions every subtask of
// the checkpointed run stored; it resumes the splits it reads now.
func (s *Source) RestoreCheckpoint(id int64, parts [][]byte) error {
	cs, ok := connector.Underlying(s.src).(connector.CheckpointedSource)
	if !ok {
		return nil
	}
	var all []connector.SplitPosition
	for i, part := range parts {
		if part == nil {
			continue
		}
		var ps []storedPosition
		if err := json.Unmarshal(part, &ps); err != nil {
			return fmt.Errorf("source positions of subtask %d in checkpoint %d: %w", i, id, err)
		}
		for _, p := range ps {
			all = append(all, connector.SplitPosition{Split: p.Split, Position: p.Position})
		}
	}
	return cs.RestorePosition(all)
}

// NotifyCheckpointComplete tells a connector that acts on completed
// checkpoints (connector.SourceCheckpointListener: Kafka commits offsets).
func (s *Source) NotifyCheckpointComplete(id int64) error {
	if l, ok := connector.Underlying(s.src).(connector.SourceCheckpointListener); ok {
		return l.NotifyCheckpointComplete(s.ctx, id)
	}
	return nil
}

var _ FinalCheckpointOperator = (*Source)(nil)

// AwaitsFinalCheckpoint is true for a source that acts on completed
// checkpoints (connector.SourceCheckpointListener): its task waits, as
// every task does in Flink, for the final checkpoint, so that the
// position of the end is committed too (Kafka's consumer group offsets).
func (s *Source) AwaitsFinalCheckpoint() bool {
	_, ok := connector.Underlying(s.src).(connector.SourceCheckpointListener)
	return ok
}
