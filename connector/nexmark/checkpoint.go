package nexmark

import (
	"fmt"
	"math"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/datagen/lanes"
)

// The source's checkpointed position (connector.CheckpointedSource): the
// next event number of each lane of the subtask's share of the event
// stream. Events are a pure function of their number, so a restored
// source regenerates exactly the events after the checkpoint. At another
// parallelism (or batch size) the event numbers not yet generated are
// shared out anew (package lanes), each still generated once.

var _ connector.CheckpointedSource = (*source)(nil)

// SnapshotPosition returns the subtask's position after the last batch.
func (s *source) SnapshotPosition() ([]connector.SplitPosition, error) {
	b, err := lanes.Encode(lanes.State{Subtask: int(s.subtask), Parallelism: int(s.p), Lanes: s.lanes})
	if err != nil {
		return nil, err
	}
	return []connector.SplitPosition{{Split: fmt.Sprintf("nexmark-%d", s.subtask), Position: b}}, nil
}

// RestorePosition takes this subtask's share of the stored positions. The
// rate limit continues from the restored event numbers.
func (s *source) RestorePosition(ps []connector.SplitPosition) error {
	states := make([][]byte, 0, len(ps))
	for _, p := range ps {
		states = append(states, p.Position)
	}
	ls, _, err := lanes.Restore(states, int(s.subtask), int(s.p), s.block, s.end)
	if err != nil {
		return fmt.Errorf("table %s: restoring the nexmark source: %w", s.table.Name, err)
	}
	s.lanes = ls
	if next := lanes.Peek(ls[max(len(ls)-1, 0):]); next < s.end && next < math.MaxInt64/2 && s.cfg.Rate > 0 {
		s.start = time.Now().Add(-time.Duration(float64(next) * 1e9 / float64(s.cfg.Rate)))
	}
	return nil
}
