package kafka

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spry-engine/spry/connector"
)

var _ connector.CheckpointedSink = (*Sink)(nil)

// sinkState is what a sink subtask stores in a checkpoint: its
// pre-committed transactions (exactly-once only) and who wrote it, so a
// run with a smaller parallelism knows which subtasks' transactional ids
// to fence.
type sinkState struct {
	Subtask     int          `json:"subtask"`
	Parallelism int          `json:"parallelism"`
	Pending     []pendingTxn `json:"pending,omitempty"`
}

// PreCommit is the sink's part of checkpoint checkpointID: with
// 'at-least-once' it waits until every record written so far is
// acknowledged; with 'exactly-once' it flushes the checkpoint's
// transaction and returns it (with those still waiting for an earlier
// checkpoint) for the checkpoint to store; 'none' does nothing.
func (s *Sink) PreCommit(ctx context.Context, checkpointID int64) ([]byte, error) {
	switch {
	case s.txn != nil:
		if err := s.preCommitTxn(ctx, checkpointID); err != nil {
			return nil, err
		}
		return json.Marshal(sinkState{Subtask: s.task.Subtask, Parallelism: s.task.Parallelism, Pending: s.txn.pending})
	case s.guarantee == GuaranteeAtLeastOnce:
		return nil, s.Flush(ctx)
	}
	return nil, nil
}

// Commit commits the transactions of every checkpoint up to
// checkpointID (exactly-once); a no-op for the other guarantees, whose
// records are final once acknowledged.
func (s *Sink) Commit(ctx context.Context, checkpointID int64) error {
	if s.txn == nil {
		return nil
	}
	return s.commitTxns(ctx, checkpointID)
}

// Restore commits the transactions the restored checkpoint holds for
// this subtask (committing one twice is harmless) and then aborts the
// transactions the failed run opened after the checkpoint: those of this
// subtask's id and of every subtask of the old run that this run no
// longer has (its state falls to this subtask).
func (s *Sink) Restore(ctx context.Context, checkpointID int64, states [][]byte) error {
	if s.txn == nil {
		return nil
	}
	subtasks := []int{s.task.Subtask}
	for _, b := range states {
		if len(b) == 0 {
			continue
		}
		var st sinkState
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("table %s: reading the Kafka sink's checkpoint state: %w", s.t.Name, err)
		}
		for _, p := range st.Pending {
			if p.Checkpoint > checkpointID {
				continue // not part of the restored checkpoint: abortLingering fences it
			}
			if err := s.commitPending(ctx, p); err != nil {
				return err
			}
		}
		if st.Subtask != s.task.Subtask && st.Subtask >= s.task.Parallelism {
			subtasks = append(subtasks, st.Subtask)
		}
	}
	s.txn.next = checkpointID + 1
	s.txn.started = true
	return s.abortLingering(ctx, subtasks, checkpointID+1)
}
