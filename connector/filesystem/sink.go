package filesystem

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// overwriteIDs maps the table of an INSERT OVERWRITE job, which all its
// sink subtasks share, to the id its part files are named with: a visible
// file without it predates the job, while a sibling subtask may already
// have committed its own. (Modification times cannot tell them apart: the
// kernel stamps files with a clock coarser than time.Now.)
var overwriteIDs sync.Map // *connector.Table → string

type sink struct {
	table    *connector.Table
	dir      string
	id       string
	subtask  int
	enc      format.Encoder
	rollSize int64
	rollTime time.Duration

	n       int // index of the current part file
	f       *os.File
	w       *bufio.Writer
	written int64
	opened  time.Time
	buf     []byte
	// old lists, for INSERT OVERWRITE, the visible files the directory had
	// that this job did not write; Finish deletes them.
	old []string

	// changelog is set when the format encodes row kinds (debezium-json,
	// canal-json), so the sink writes updates and deletes as records.
	changelog bool

	// With checkpointing (sink_checkpoint.go) a rolled part file stays
	// hidden until a checkpoint taken after the roll completes.
	ckpt       bool
	root       string // the table's directory; checkpoint states name files relative to it
	inactivity time.Duration
	lastWrite  time.Time
	rolled     []partFile     // rolled since the last PreCommit
	waiting    []pendingFiles // rolled before a checkpoint, by checkpoint id
	// recorded says the open in-progress file is in a checkpoint's state
	// (with its valid length), so a failed job must leave it for Restore.
	recorded bool
}

var _ connector.Sink = (*sink)(nil)

func newSink(t *connector.Table) (connector.Sink, error) {
	dir, err := localPath(t.Options[OptPath])
	if err != nil {
		return nil, err
	}
	s := &sink{table: t, dir: dir, root: dir, id: uuid.NewString()}
	if t.Overwrite {
		v, _ := overwriteIDs.LoadOrStore(t, s.id)
		s.id = v.(string) // part names stay unique: they hold the subtask
	}
	size := defaultRollingFileSize
	if v, ok := t.Options[OptRollingFileSize]; ok {
		size = v
	}
	if s.rollSize, err = ParseMemorySize(size); err != nil {
		return nil, &connector.ValidationError{Table: t.Name, Msg: err.Error()}
	}
	roll := defaultRollover
	if v, ok := t.Options[OptRolloverInterval]; ok {
		roll = v
	}
	if s.rollTime, err = connector.ParseDuration(roll); err != nil {
		return nil, &connector.ValidationError{Table: t.Name, Msg: err.Error()}
	}
	if s.inactivity, err = connector.ParseDuration(optOr(t.Options, OptInactivityInterval, defaultInactivity)); err != nil {
		return nil, &connector.ValidationError{Table: t.Name, Msg: err.Error()}
	}
	if len(t.PartitionKeys) > 0 {
		return newPartitionedSink(t, s)
	}
	return s, nil
}

// Open makes the output directory and the encoder.
func (s *sink) Open(_ context.Context, task connector.Task) error {
	s.subtask, s.ckpt = task.Subtask, task.Checkpointing
	var err error
	s.changelog = !format.SinkChangelogMode(OptFormat, s.table.Options).IsInsertOnly()
	if s.enc, err = format.NewEncoder(OptFormat, s.table.Schema, s.table.Options); err != nil {
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	if s.table.Overwrite {
		return s.listOld()
	}
	return nil
}

// listOld remembers the visible files that predate this job (hidden and
// in-progress files start with '.' or '_'; the job's own part files carry
// its id).
func (s *sink) listOld() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	own := "part-" + s.id + "-"
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || name[0] == '.' || name[0] == '_' || strings.HasPrefix(name, own) {
			continue
		}
		s.old = append(s.old, name)
	}
	return nil
}

func (s *sink) partName() string { return fmt.Sprintf("part-%s-%d-%d", s.id, s.subtask, s.n) }

func (s *sink) inProgress() string { return filepath.Join(s.dir, "."+s.partName()+".inprogress") }

// Write encodes the rows into the current in-progress part file, rolling
// to a new one by size, age or inactivity (the rolling policy).
func (s *sink) Write(_ context.Context, b *types.Batch) error {
	if !s.changelog {
		if err := checkInsertOnly(s.table.Name, b); err != nil {
			return err
		}
	}
	now := timeNow()
	if s.f != nil && s.timeToRoll(now) {
		if err := s.roll(); err != nil {
			return err
		}
	}
	if b.Len() > 0 {
		s.lastWrite = now
	}
	for i := 0; i < b.Len(); i++ {
		if s.f != nil && s.written >= s.rollSize {
			if err := s.roll(); err != nil {
				return err
			}
		}
		if s.f == nil {
			f, err := os.Create(s.inProgress())
			if err != nil {
				return fmt.Errorf("table %s: %w", s.table.Name, err)
			}
			s.f, s.w, s.written, s.opened, s.recorded = f, bufio.NewWriterSize(f, 64<<10), 0, now, false
		}
		var err error
		if s.buf, err = s.enc.Encode(b, i, s.buf[:0]); err != nil {
			return fmt.Errorf("table %s: %w", s.table.Name, err)
		}
		s.buf = append(s.buf, '\n')
		if _, err := s.w.Write(s.buf); err != nil {
			return fmt.Errorf("table %s: %w", s.table.Name, err)
		}
		s.written += int64(len(s.buf))
	}
	return nil
}

// timeToRoll reports whether the open part file is older than the
// rollover interval or saw no row for the inactivity interval.
func (s *sink) timeToRoll(now time.Time) bool {
	return now.Sub(s.opened) >= s.rollTime || (s.inactivity > 0 && now.Sub(s.lastWrite) >= s.inactivity)
}

// roll ends the open part file: it becomes visible at once without
// checkpointing, and pending until the next checkpoint completes with.
func (s *sink) roll() error {
	if !s.ckpt {
		return s.commit()
	}
	return s.closePending()
}

// commit flushes and closes the in-progress file and renames it to its
// final, visible name.
func (s *sink) commit() error {
	if s.f == nil {
		return nil
	}
	err := s.w.Flush()
	if err == nil {
		err = s.f.Sync()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(s.inProgress(), filepath.Join(s.dir, s.partName()))
	}
	s.f, s.w = nil, nil
	s.n++
	if err != nil {
		return fmt.Errorf("table %s: committing part file: %w", s.table.Name, err)
	}
	return nil
}

// Finish commits the last part file. With INSERT OVERWRITE it first
// removes the files that were there before the job, as Flink's batch
// overwrite replaces the table's data.
func (s *sink) Finish(context.Context) error {
	for _, name := range s.old {
		if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("table %s: overwriting: %w", s.table.Name, err)
		}
	}
	s.old = nil
	if s.ckpt {
		return s.finishCheckpointed()
	}
	return s.commit()
}

// Close drops an uncommitted in-progress file (the job failed or was
// cancelled). With checkpointing, files a checkpoint's state names are
// left for a restored job to commit (or truncate).
func (s *sink) Close() error {
	if s.ckpt {
		return s.closeCheckpointed()
	}
	if s.f != nil {
		s.f.Close()
		os.Remove(s.inProgress())
		s.f, s.w = nil, nil
	}
	return nil
}
