package filesystem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/spry-engine/spry/connector"
)

// Flink's part-file lifecycle, when the job takes checkpoints: rows go to
// a hidden in-progress file; a rolled file is pending, still hidden; the
// pending files rolled before checkpoint n are renamed to their visible
// part-<uuid>-<subtask>-<n> names once checkpoint n completes (Commit).
// The open in-progress file is not rolled at a checkpoint (row formats, as
// Flink's filesystem table sink): PreCommit flushes it and stores its
// valid length. A restored job renames the pending files the checkpoint
// names, and truncates the in-progress file to its valid length and
// renames it too (the rows after the checkpoint are written again by the
// replay, into new files). Files of a failed run that no completed
// checkpoint names stay hidden, as in Flink.

var _ connector.CheckpointedSink = (*sink)(nil)

// maxID stands for the final checkpoint at the end of a bounded input.
const maxID = math.MaxInt64

// timeNow is the rolling policy's clock; tests replace it.
var timeNow = time.Now

// partFile is a part file: its hidden and its visible name, relative to
// the table's directory.
type partFile struct {
	Tmp   string `json:"tmp"`
	Final string `json:"final"`
	// recorded says a checkpoint's state names the file (as in-progress,
	// before it rolled): a failed run must leave it for Restore.
	recorded bool
}

// pendingFiles are the files rolled before checkpoint ID.
type pendingFiles struct {
	ID    int64      `json:"id"`
	Files []partFile `json:"files"`
}

// fileState is what one writer stores in a checkpoint.
type fileState struct {
	Pending    []pendingFiles `json:"pending,omitempty"`
	InProgress *partFile      `json:"inProgress,omitempty"`
	Length     int64          `json:"length,omitempty"` // valid bytes of InProgress
}

// sinkState is the checkpoint state of a filesystem sink subtask: one
// fileState per partition it writes (Rel "" when unpartitioned) and the
// partitions to commit once their checkpoint completes.
type sinkState struct {
	Version int               `json:"version"`
	Parts   []partState       `json:"parts,omitempty"`
	Commits []partitionCommit `json:"commits,omitempty"`
}

type partState struct {
	Rel string `json:"rel,omitempty"`
	fileState
}

// partitionCommit is a partition whose commit trigger fired before
// checkpoint ID: its success file is written when ID completes.
type partitionCommit struct {
	ID       int64  `json:"id"`
	Rel      string `json:"rel"`
	PartTime int64  `json:"partTime,omitempty"`
	WM       int64  `json:"wm,omitempty"`
}

// rel names path relative to the table's directory.
func (s *sink) rel(path string) string {
	r, err := filepath.Rel(s.root, path)
	if err != nil {
		return path
	}
	return r
}

func (s *sink) partFile() partFile {
	return partFile{Tmp: s.rel(s.inProgress()), Final: s.rel(filepath.Join(s.dir, s.partName()))}
}

// closePending flushes and closes the in-progress file, which becomes
// pending: it is renamed when the next checkpoint completes.
func (s *sink) closePending() error {
	if s.f == nil {
		return nil
	}
	pf := s.partFile()
	pf.recorded = s.recorded
	err := s.w.Flush()
	if err == nil {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f, s.w, s.recorded = nil, nil, false
	s.n++
	if err != nil {
		return fmt.Errorf("table %s: closing part file: %w", s.table.Name, err)
	}
	s.rolled = append(s.rolled, pf)
	return nil
}

// preCommit rolls the in-progress file if the rolling policy says so,
// makes the files rolled since the last checkpoint pending for checkpoint
// id, and flushes the in-progress file, recording its valid length.
func (s *sink) preCommit(id int64) (fileState, error) {
	var st fileState
	s.ckpt = true // a sink asked for checkpoints takes part in them, whatever Open was told
	if s.f != nil && (s.written >= s.rollSize || s.timeToRoll(timeNow())) {
		if err := s.closePending(); err != nil {
			return st, err
		}
	}
	if len(s.rolled) > 0 {
		s.waiting = append(s.waiting, pendingFiles{ID: id, Files: s.rolled})
		s.rolled = nil
	}
	st.Pending = append(st.Pending, s.waiting...)
	if s.f != nil {
		err := s.w.Flush()
		if err == nil {
			err = s.f.Sync()
		}
		if err != nil {
			return st, fmt.Errorf("table %s: flushing part file at checkpoint %d: %w", s.table.Name, id, err)
		}
		pf := s.partFile()
		st.InProgress, st.Length, s.recorded = &pf, s.written, true
	}
	return st, nil
}

// commitUpTo renames the files pending for checkpoints up to id.
func (s *sink) commitUpTo(id int64) error {
	for len(s.waiting) > 0 && s.waiting[0].ID <= id {
		for _, f := range s.waiting[0].Files {
			if err := publish(s.root, f); err != nil {
				return fmt.Errorf("table %s: committing checkpoint %d: %w", s.table.Name, id, err)
			}
		}
		s.waiting = s.waiting[1:]
	}
	return nil
}

// finishCheckpointed commits everything at the end of a bounded input
// (Flink's final checkpoint).
func (s *sink) finishCheckpointed() error {
	if err := s.closePending(); err != nil {
		return err
	}
	if len(s.rolled) > 0 {
		s.waiting = append(s.waiting, pendingFiles{ID: maxID, Files: s.rolled})
		s.rolled = nil
	}
	return s.commitUpTo(maxID)
}

// closeCheckpointed removes the files no checkpoint names (their rows are
// replayed by a restored job) and leaves the others for Restore.
func (s *sink) closeCheckpointed() error {
	if s.f != nil {
		s.f.Close()
		if !s.recorded {
			os.Remove(s.inProgress())
		}
		s.f, s.w = nil, nil
	}
	for _, f := range s.rolled {
		if !f.recorded {
			os.Remove(filepath.Join(s.root, f.Tmp))
		}
	}
	s.rolled = nil
	return nil
}

// publish renames a pending file to its visible name; a file renamed
// before (a repeated commit) is fine, a file gone altogether is an error.
func publish(root string, f partFile) error {
	tmp, final := filepath.Join(root, f.Tmp), filepath.Join(root, f.Final)
	err := os.Rename(tmp, final)
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(final); serr == nil {
			return nil
		}
		return fmt.Errorf("pending part file %s is missing", tmp)
	}
	return err
}

// restoreFiles commits what a checkpoint's fileState names: its pending
// files, and its in-progress file cut to its valid length (or removed when
// it held nothing).
func restoreFiles(root string, st fileState) error {
	for _, p := range st.Pending {
		for _, f := range p.Files {
			if err := publish(root, f); err != nil {
				return err
			}
		}
	}
	if st.InProgress == nil {
		return nil
	}
	tmp := filepath.Join(root, st.InProgress.Tmp)
	info, err := os.Stat(tmp)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return restorePublished(root, st)
	case err != nil:
		return err
	case info.Size() < st.Length:
		return fmt.Errorf("in-progress part file %s holds %d bytes, the checkpoint recorded %d", tmp, info.Size(), st.Length)
	case st.Length == 0:
		return os.Remove(tmp)
	}
	if err := truncateSync(tmp, st.Length); err != nil {
		return err
	}
	return publish(root, *st.InProgress)
}

// restorePublished handles a checkpoint's in-progress file that is no
// longer hidden. That happens only when the commit of this checkpoint or
// of a later one already ran: a repeated restore published it (cut to the
// checkpoint's length), or the job is restored from a checkpoint older
// than the latest committed one, whose commit published the file with the
// rows written after the checkpoint. A visible file is never changed (a
// reader may have consumed it), so truncation is skipped: in the second
// case those rows are written again by the restored job, as every sink
// restored from a checkpoint other than the latest writes what came after
// it again. A file shorter than the checkpoint recorded lost data.
func restorePublished(root string, st fileState) error {
	final := filepath.Join(root, st.InProgress.Final)
	info, err := os.Stat(final)
	switch {
	case errors.Is(err, os.ErrNotExist) && st.Length == 0:
		return nil // it held nothing: removed by an earlier restore
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("in-progress part file %s is missing", filepath.Join(root, st.InProgress.Tmp))
	case err != nil:
		return err
	case info.Size() < st.Length:
		return fmt.Errorf("committed part file %s holds %d bytes, the checkpoint recorded %d", final, info.Size(), st.Length)
	case info.Size() == st.Length:
		slog.Info("Part file already committed by an earlier restore of this checkpoint; not truncating it",
			"file", final, "length", st.Length)
	default:
		slog.Info("Part file already committed by a later checkpoint; not truncating it: the rows after the restored checkpoint "+
			"are in it and are written again by the restored job", "file", final, "length", st.Length, "size", info.Size())
	}
	return nil
}

// truncateSync cuts path to size bytes and syncs it.
func truncateSync(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// PreCommit stores the subtask's pending and in-progress files.
func (s *sink) PreCommit(_ context.Context, checkpointID int64) ([]byte, error) {
	fs, err := s.preCommit(checkpointID)
	if err != nil {
		return nil, err
	}
	return encodeSinkState(sinkState{Parts: []partState{{fileState: fs}}})
}

// Commit renames the files pending for checkpoints up to checkpointID.
func (s *sink) Commit(_ context.Context, checkpointID int64) error {
	return s.commitUpTo(checkpointID)
}

// Restore commits the files the restored checkpoint's states name.
func (s *sink) Restore(_ context.Context, checkpointID int64, states [][]byte) error {
	s.ckpt = true
	return restoreSink(s.table.Name, s.root, checkpointID, states, nil)
}

// restoreSink commits the files of every state and calls onCommit (if
// set) for the partitions whose commit was due.
func restoreSink(table, root string, id int64, states [][]byte, onCommit func(partitionCommit) error) error {
	for _, b := range states {
		if len(b) == 0 {
			continue
		}
		var st sinkState
		if err := json.Unmarshal(b, &st); err != nil || st.Version != 1 {
			return fmt.Errorf("table %s: restoring the filesystem sink from checkpoint %d: unreadable state (version %d): %v", table, id, st.Version, err)
		}
		for _, p := range st.Parts {
			if err := restoreFiles(root, p.fileState); err != nil {
				return fmt.Errorf("table %s: restoring the filesystem sink from checkpoint %d: %w", table, id, err)
			}
		}
		if onCommit != nil {
			for _, c := range st.Commits {
				if err := onCommit(c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func encodeSinkState(st sinkState) ([]byte, error) {
	st.Version = 1
	return json.Marshal(st)
}
