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
	s.lastID = max(s.lastID, checkpointID)
	if len(s.eoRows) > 0 {
		data, err := encodeRows(s.table.Schema, s.eoRows)
		if err != nil {
			return nil, fmt.Errorf("table %s: storing the rows of checkpoint %d: %w", s.table.Name, checkpointID, err)
		}
		s.eoWait = append(s.eoWait, eoCheckpoint{Subtask: s.subtask, ID: checkpointID, Rows: s.eoRows, Data: data})
		s.eoRows = nil
	}
	// Every checkpoint not yet committed goes into the state: a
	// notification may be lost, and the next completed checkpoint then
	// commits them all.
	return encodeState(s.eoWait), nil
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
// written). Upsert and at-least-once sinks stored nothing.
func (s *sink) Restore(ctx context.Context, checkpointID int64, states [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID, s.started = max(s.lastID, checkpointID), true
	var all []eoCheckpoint
	for _, st := range states {
		if len(st) == 0 {
			continue
		}
		cs, err := decodeState(s.table.Schema, st)
		if err != nil {
			return fmt.Errorf("table %s: restoring the JDBC sink from checkpoint %d: %w", s.table.Name, checkpointID, err)
		}
		all = append(all, cs...)
	}
	if len(all) > 0 && s.db == nil {
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
	return nil
}
