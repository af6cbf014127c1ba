package filesystem

import (
	"context"
	"path/filepath"
	"time"

	"github.com/spry-engine/spry/connector"
)

// A partitioned sink with checkpointing commits partitions as Flink's
// partition committer does: at checkpoint completion. When a checkpoint's
// barrier arrives, each partition whose commit trigger fired (process
// time: its data is older than the delay; partition time: the watermark
// passed its time plus the delay) rolls its part file, so all its rows so
// far are pending for that checkpoint, and is noted in the checkpoint.
// When the checkpoint completes, the pending files are renamed and the
// noted partitions get their success file (partition time: once every
// subtask's committed watermark passed them). A restored job writes the
// success files the restored checkpoint noted.

var _ connector.CheckpointedSink = (*partitionedSink)(nil)

// PreCommit rolls the partitions that are due and stores every
// partition's files and the partitions to commit.
func (s *partitionedSink) PreCommit(_ context.Context, checkpointID int64) ([]byte, error) {
	s.checkpointed()
	now := timeNow()
	for _, w := range s.ordered {
		due := (s.policy.streamingCommits() && s.policy.due(w, now)) ||
			(s.policy.partitionTimeCommits() && s.policy.ripe(w, s.wm))
		if !due {
			continue
		}
		if err := w.sink.closePending(); err != nil {
			return nil, err
		}
		s.toCommit = append(s.toCommit, partitionCommit{ID: checkpointID, Rel: w.rel, PartTime: w.partTime, WM: s.wm})
		w.created = time.Time{}
	}
	s.wmAt = append(s.wmAt, checkpointWM{checkpointID, s.wm})
	st := sinkState{Commits: append([]partitionCommit(nil), s.toCommit...)}
	for _, w := range s.ordered {
		fs, err := w.sink.preCommit(checkpointID)
		if err != nil {
			return nil, err
		}
		if len(fs.Pending) > 0 || fs.InProgress != nil {
			st.Parts = append(st.Parts, partState{Rel: w.rel, fileState: fs})
		}
	}
	return encodeSinkState(st)
}

// Commit renames the pending files of checkpoints up to checkpointID, then
// commits the partitions that were due at them.
func (s *partitionedSink) Commit(_ context.Context, checkpointID int64) error {
	for _, w := range s.ordered {
		if err := w.sink.commitUpTo(checkpointID); err != nil {
			return err
		}
	}
	s.ripe = s.ripe[:0]
	for len(s.toCommit) > 0 && s.toCommit[0].ID <= checkpointID {
		c := s.toCommit[0]
		s.toCommit = s.toCommit[1:]
		if s.policy.partitionTimeCommits() {
			s.ripe = append(s.ripe, &partWriter{rel: c.Rel, partTime: c.PartTime})
			continue
		}
		if err := s.policy.commit(&partWriter{rel: c.Rel}); err != nil {
			return err
		}
	}
	// The watermark of the last checkpoint committed: every partition it
	// made ripe is rolled and now visible, so partitions other subtasks
	// wait on may commit up to it.
	wm, ok := int64(0), false
	for len(s.wmAt) > 0 && s.wmAt[0].id <= checkpointID {
		wm, ok = s.wmAt[0].wm, true
		s.wmAt = s.wmAt[1:]
	}
	if s.policy.partitionTimeCommits() && ok {
		return s.policy.advance(s.ripe, wm)
	}
	return nil
}

// Restore renames the files the restored states name and writes the
// success files of the partitions they noted as due.
func (s *partitionedSink) Restore(_ context.Context, checkpointID int64, states [][]byte) error {
	s.checkpointed()
	return restoreSink(s.table.Name, s.root, checkpointID, states, func(c partitionCommit) error {
		if s.policy.successFile == "" {
			return nil
		}
		return writeSuccess(filepath.Join(s.root, c.Rel, s.policy.successFile))
	})
}

// checkpointWM is the watermark a checkpoint was taken under.
type checkpointWM struct{ id, wm int64 }

// checkpointed puts the sink and its partitions into checkpointed mode: a
// sink asked for checkpoints takes part in them, whatever Open was told.
func (s *partitionedSink) checkpointed() {
	s.ckpt, s.task.Checkpointing = true, true
	for _, w := range s.ordered {
		w.sink.ckpt = true
	}
}
