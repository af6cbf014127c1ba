package filesystem

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// maxRecord is the longest record (line) the source reads.
const maxRecord = 64 << 20

type source struct {
	table    *connector.Table
	task     connector.Task
	dec      format.Decoder
	split    bufio.SplitFunc
	monitor  time.Duration // 0: bounded
	pending  []string      // files of this subtask not yet read
	seen     map[string]bool
	lastScan time.Time

	file *os.File
	sc   *bufio.Scanner
	path string
	line int
}

var _ connector.Source = (*source)(nil)

func newSource(t *connector.Table) (connector.Source, error) {
	s := &source{table: t, seen: map[string]bool{}}
	if v, ok := t.Options[OptMonitorInterval]; ok {
		d, err := connector.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, &connector.ValidationError{Table: t.Name, Msg: fmt.Sprintf("invalid value for option '%s': must be a duration greater than 0", OptMonitorInterval)}
		}
		s.monitor = d
	}
	return s, nil
}

// Open builds the decoder and lists this subtask's files.
func (s *source) Open(_ context.Context, task connector.Task) error {
	s.task = task
	if s.task.BatchSize <= 0 {
		s.task.BatchSize = 1024
	}
	var err error
	if s.dec, err = format.NewDecoder(OptFormat, s.table.Schema, s.table.Options); err != nil {
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	if s.split, err = format.SplitFunc(OptFormat, s.table.Options); err != nil {
		return err
	}
	return s.scan()
}

// scan adds files not seen before that belong to this subtask.
func (s *source) scan() error {
	s.lastScan = time.Now()
	files, err := listFiles(s.table.Options[OptPath])
	if err != nil {
		if os.IsNotExist(err) && s.monitor > 0 {
			return nil // the directory may appear later
		}
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	for _, f := range files {
		if !s.seen[f] {
			s.seen[f] = true
			if owner(f, s.task.Parallelism) == s.task.Subtask {
				s.pending = append(s.pending, f)
			}
		}
	}
	return nil
}

// Next decodes up to a batch of rows from this subtask's files.
func (s *source) Next(ctx context.Context) (*types.Batch, error) {
	for s.dec.Len() < s.task.BatchSize {
		if s.sc == nil {
			if len(s.pending) == 0 {
				break
			}
			if err := s.openNext(); err != nil {
				return nil, err
			}
		}
		if !s.sc.Scan() {
			err := s.sc.Err()
			s.closeFile()
			if err != nil {
				return nil, fmt.Errorf("table %s: reading %s: %w", s.table.Name, s.path, err)
			}
			continue
		}
		s.line++
		if err := s.dec.Decode(s.sc.Bytes()); err != nil {
			return nil, fmt.Errorf("table %s: %s:%d: %w", s.table.Name, s.path, s.line, err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if s.dec.Len() > 0 {
		return s.dec.Flush(), nil
	}
	if s.monitor == 0 {
		return nil, io.EOF
	}
	return s.idle(ctx)
}

// idle waits (at most 100 ms) for the next directory scan when
// continuously monitoring.
func (s *source) idle(ctx context.Context) (*types.Batch, error) {
	wait := min(time.Until(s.lastScan.Add(s.monitor)), 100*time.Millisecond)
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	if time.Since(s.lastScan) >= s.monitor {
		if err := s.scan(); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (s *source) openNext() error {
	s.path, s.pending = s.pending[0], s.pending[1:]
	f, err := os.Open(s.path)
	if err != nil {
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	s.file, s.line = f, 0
	s.sc = bufio.NewScanner(f)
	s.sc.Buffer(make([]byte, 64<<10), maxRecord)
	s.sc.Split(s.split)
	return nil
}

func (s *source) closeFile() {
	if s.file != nil {
		s.file.Close()
	}
	s.file, s.sc = nil, nil
}

// Close closes the open file, if any.
func (s *source) Close() error {
	s.closeFile()
	return nil
}
