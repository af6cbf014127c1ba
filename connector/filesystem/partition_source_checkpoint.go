package filesystem

import (
	"encoding/json"
	"fmt"

	"github.com/spry-engine/spry/connector"
)

// The partitioned source reads partitions one after another in directory
// order, so its position is the partition being read and the position of
// the plain source reading it. It is restored at the parallelism that
// stored it only: each subtask's share of a partition depends on it.

var _ connector.CheckpointedSource = (*partitionedSource)(nil)

// partSourcePos is a partitioned source subtask's position.
type partSourcePos struct {
	Subtask     int                       `json:"subtask"`
	Parallelism int                       `json:"parallelism"`
	Dir         string                    `json:"dir,omitempty"` // "" when every partition is read
	Inner       []connector.SplitPosition `json:"inner,omitempty"`
}

// SnapshotPosition returns the partition being read and the position in it.
func (s *partitionedSource) SnapshotPosition() ([]connector.SplitPosition, error) {
	pos := partSourcePos{Subtask: s.task.Subtask, Parallelism: max(s.task.Parallelism, 1)}
	if s.cur < len(s.parts) {
		pos.Dir = s.parts[s.cur].dir
		if s.inner != nil {
			var err error
			if pos.Inner, err = s.inner.SnapshotPosition(); err != nil {
				return nil, err
			}
		} else {
			pos.Inner = s.resume
		}
	}
	b, err := json.Marshal(pos)
	if err != nil {
		return nil, err
	}
	return []connector.SplitPosition{{Split: fmt.Sprintf("partitions-%d", s.task.Subtask), Position: b}}, nil
}

// RestorePosition skips the partitions this subtask had read and resumes
// the one it was reading.
func (s *partitionedSource) RestorePosition(ps []connector.SplitPosition) error {
	if len(ps) == 0 {
		return nil
	}
	p := max(s.task.Parallelism, 1)
	for _, sp := range ps {
		var pos partSourcePos
		if err := json.Unmarshal(sp.Position, &pos); err != nil {
			return fmt.Errorf("table %s: restoring the filesystem source: unreadable position %s: %v", s.table.Name, sp.Split, err)
		}
		if pos.Parallelism != p {
			return fmt.Errorf("table %s: a partitioned filesystem source stored at parallelism %d cannot be restored at parallelism %d",
				s.table.Name, pos.Parallelism, p)
		}
		if pos.Subtask != s.task.Subtask {
			continue
		}
		s.cur = len(s.parts)
		if pos.Dir == "" {
			return nil
		}
		for i, d := range s.parts {
			if d.dir >= pos.Dir {
				s.cur = i
				if d.dir == pos.Dir {
					s.resume = pos.Inner
				}
				break
			}
		}
		return nil
	}
	s.cur = len(s.parts) // this subtask had finished: it stored nothing
	return nil
}
