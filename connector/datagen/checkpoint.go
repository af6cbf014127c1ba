package datagen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/datagen/lanes"
)

// The source's checkpointed position (connector.CheckpointedSource): one
// split per subtask, holding its lanes of row numbers (sequence values
// follow from them) and the state of its random generators. Restored at
// the same parallelism, a subtask continues exactly where it stood,
// random values included; at another parallelism the row numbers not yet
// emitted are shared out anew (package lanes) and the random generators
// are seeded afresh. 'rows-per-second' pacing restarts at the restore.

var _ connector.CheckpointedSource = (*source)(nil)

// SnapshotPosition returns the subtask's position after the last batch.
func (s *source) SnapshotPosition() ([]connector.SplitPosition, error) {
	extra, err := s.pcg.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b, err := lanes.Encode(lanes.State{Subtask: s.task.Subtask, Parallelism: max(s.task.Parallelism, 1), Lanes: s.lanes, Extra: extra})
	if err != nil {
		return nil, err
	}
	return []connector.SplitPosition{{Split: fmt.Sprintf("datagen-%d", s.task.Subtask), Position: b}}, nil
}

// RestorePosition takes this subtask's share of the stored positions.
func (s *source) RestorePosition(ps []connector.SplitPosition) error {
	states := make([][]byte, 0, len(ps))
	for _, p := range ps {
		states = append(states, p.Position)
	}
	ls, extra, err := lanes.Restore(states, s.task.Subtask, max(s.task.Parallelism, 1), 1, s.end)
	if err != nil {
		return fmt.Errorf("table %s: restoring the datagen source: %w", s.table.Name, err)
	}
	s.lanes = ls
	if extra != nil {
		if err := s.pcg.UnmarshalBinary(extra); err != nil {
			return fmt.Errorf("table %s: restoring the datagen source: %w", s.table.Name, err)
		}
	} else if len(states) > 0 {
		// Rescaled: a seed of its own, so the new subtasks do not repeat
		// the random values the first run started with.
		*s.pcg = *rand.NewPCG(seed^uint64(lanes.Peek(ls)), uint64(s.task.Subtask)<<32|uint64(s.task.Parallelism))
	}
	s.start, s.emitted = time.Now(), 0
	return nil
}
