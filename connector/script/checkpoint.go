package script

import (
	"encoding/json"
	"fmt"

	"github.com/spry-engine/spry/connector"
)

var _ connector.CheckpointedSource = (*source)(nil)

// position is a script source's read position: the index of the next
// event and the last watermark, so a restored job continues in the
// middle of its script (time-scripted recovery tests).
type position struct {
	Event     int   `json:"event"`
	Watermark int64 `json:"watermark"`
}

func (s *source) split() string { return "script:" + scriptID(s.table) }

// SnapshotPosition returns the index of the next script event (the one
// after the barrier being checkpointed).
func (s *source) SnapshotPosition() ([]connector.SplitPosition, error) {
	if s.script == nil {
		return nil, nil
	}
	b, err := json.Marshal(position{Event: s.pos, Watermark: s.wm})
	if err != nil {
		return nil, err
	}
	return []connector.SplitPosition{{Split: s.split(), Position: b}}, nil
}

// RestorePosition continues the script after the stored event.
func (s *source) RestorePosition(ps []connector.SplitPosition) error {
	if s.script == nil {
		return nil
	}
	for _, p := range ps {
		if p.Split != s.split() {
			continue
		}
		var pos position
		if err := json.Unmarshal(p.Position, &pos); err != nil || pos.Event < 0 {
			return &RowError{Table: s.table.Name, Msg: fmt.Sprintf("stored position %q cannot be used", p.Position)}
		}
		s.pos, s.wm, s.barrier = pos.Event, pos.Watermark, 0
	}
	return nil
}
