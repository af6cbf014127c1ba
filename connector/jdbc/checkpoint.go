package jdbc

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/spry-engine/spry/connector"
)

// The sink's part in checkpoints (connector.CheckpointedSink).
//
// Upsert mode and at-least-once append mode flush at PreCommit and store
// nothing: everything before the barrier is in the database once the
// checkpoint is taken. A restored job replays the rows after the
// checkpoint; upserts rewrite the same final row per key (the table ends
// up exactly as a run without failure left it), appends may be written
// twice.
//
// Exactly-once append mode (exactly_once.go) stores the rows of each
// checkpoint interval in the checkpoint and writes them when it completes.

var _ connector.CheckpointedSink = (*sink)(nil)

// PreCommit flushes the buffer (upsert, at-least-once) or moves the rows
// since the last checkpoint into the checkpoint's state (exactly-once).
func (s *sink) PreCommit(ctx context.Context, checkpointID int64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	if !s.eo {
		return nil, s.flushLocked(ctx)
	}
	if err := s.startFresh(ctx); err != nil {
		return nil, err
	}
	if len(s.eoRows) > 0 {
		data, err := encodeRows(s.table.Schema, s.eoRows)
		if err != nil {
			return nil, fmt.Errorf("table %s: storing the rows of checkpoint %d: %w", s.table.Name, checkpointID, err)
		}
		s.eoWait = append(s.eoWait, eoCheckpoint{Subtask: s.subtask, ID: checkpointID, Rows: s.eoRows, Data: data, Lineage: s.lineage})
		s.eoRows = nil
	}
	// Every checkpoint not yet committed goes into the state: a
	// notification may be lost, and the next completed checkpoint then
	// commits them all.
	return encodeState(eoState{Subtask: s.subtask, Lineage: s.lineage, Pending: s.eoWait}), nil
}

// Commit writes, in exactly-once mode, the rows of every pre-committed
// checkpoint up to checkpointID, each in one transaction with its marker.
func (s *sink) Commit(ctx context.Context, checkpointID int64) error {
	if !s.eo {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.eoWait) > 0 && s.eoWait[0].ID <= checkpointID {
		if err := s.commitCheckpoint(ctx, &s.eoWait[0]); err != nil {
			return err
		}
		s.eoWait = s.eoWait[1:]
	}
	return nil
}

// Restore writes the rows the restored checkpoint held (each part once:
// the marker of the subtask that stored it tells whether it was already
// written), then sets the markers of the subtasks whose states this
// subtask took over, and its own, to the restored checkpoint: the
// restored job numbers its checkpoints from there, and a marker left
// ahead by a run that got further would make their commits look done.
// The subtask keeps the lineage of the state it restored from (its own
// index's), or starts a new one (lineage.go). Upsert and at-least-once
// sinks stored nothing.
func (s *sink) Restore(ctx context.Context, checkpointID int64, states [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = true
	var parts []eoState
	var all []eoCheckpoint
	for _, b := range states {
		if len(b) == 0 {
			continue
		}
		st, err := decodeState(s.table.Schema, b)
		if err != nil {
			return fmt.Errorf("table %s: restoring the JDBC sink from checkpoint %d: %w", s.table.Name, checkpointID, err)
		}
		if st.Subtask == s.subtask && st.Lineage != "" {
			s.lineage = st.Lineage
		}
		parts = append(parts, st)
		all = append(all, st.Pending...)
	}
	if s.lineage == "" {
		s.lineage = newLineage()
	}
	if (len(all) > 0 || s.eo) && s.db == nil {
		return fmt.Errorf("table %s: the JDBC sink is restored before it was opened", s.table.Name)
	}
	if len(all) > 0 && !s.eo {
		if err := s.createMarkerTable(ctx); err != nil {
			return err
		}
	}
	slices.SortStableFunc(all, func(a, b eoCheckpoint) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Subtask, b.Subtask))
	})
	for i := range all {
		if err := s.commitCheckpoint(ctx, &all[i]); err != nil {
			return err
		}
	}
	if !s.eo {
		return nil // only the exactly-once mode reads the markers
	}
	for _, st := range parts {
		if st.Subtask >= 0 && st.Subtask != s.subtask {
			if err := s.resetMarker(ctx, st.Subtask, checkpointID, cmp.Or(st.Lineage, s.lineage), true); err != nil {
				return err
			}
		}
	}
	// Without a state of its own index (a rescaled job's new subtask) the
	// marker under that index is an earlier run's: it is taken over.
	own := slices.ContainsFunc(parts, func(st eoState) bool { return st.Subtask == s.subtask })
	return s.resetMarker(ctx, s.subtask, checkpointID, s.lineage, own)
}
