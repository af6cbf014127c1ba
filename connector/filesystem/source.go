package filesystem

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
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
	block    blockDecoder // dec, when it decodes whole buffers
	split    bufio.SplitFunc
	hazards  []byte        // bytes that may make a newline not end a record
	lines    bool          // every record is one line: files may be split
	monitor  time.Duration // 0: bounded
	pending  []split       // splits of this subtask not yet read
	finished []split       // splits of this subtask read to their end (source_checkpoint.go)
	seen     map[string]bool
	lastScan time.Time

	rd  *fileReader
	buf []byte // read buffer, kept across files

	narrow       []int // projected columns, when the decoder cannot project
	narrowSchema *types.Schema
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
	if len(t.PartitionKeys) > 0 {
		return newPartitionedSource(t, s)
	}
	return s, nil
}

// projector is implemented by decoders that can emit only some columns
// (format/csv), converting no others.
type projector interface{ Project(cols []int) error }

// project applies a projection the planner pushed into the scan
// (Table.Projection): in the decoder when it can, else by narrowing each
// batch (Next).
func (s *source) project() error {
	cols := s.table.Projection
	if cols == nil {
		return nil
	}
	if p, ok := s.dec.(projector); ok {
		return p.Project(cols)
	}
	fs := make([]types.Field, len(cols))
	for j, c := range cols {
		if c < 0 || c >= s.table.Schema.Len() {
			return fmt.Errorf("projected column %d out of range", c)
		}
		fs[j] = s.table.Schema.Fields[c]
	}
	s.narrow, s.narrowSchema = cols, types.NewSchema(fs...)
	return nil
}

// lineHazards is implemented by decoders whose records may span lines
// (CSV with quotes): it returns the bytes that can make a newline part of
// a record. Files of such formats are split by byte ranges only as
// split.go explains.
type lineHazards interface{ LineHazards() []byte }

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
	if err := s.project(); err != nil {
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	s.block, _ = s.dec.(blockDecoder)
	if f, err := format.Lookup(s.table.Options[OptFormat]); err == nil && f.Split == nil {
		s.lines = true
	} else if h, ok := s.dec.(lineHazards); ok {
		s.lines, s.hazards = true, h.LineHazards()
	}
	return s.scan()
}

// scan adds files not seen before that belong to this subtask. A bounded
// source splits large files of line formats among all subtasks, so one
// big file is read in parallel.
func (s *source) scan() error {
	s.lastScan = time.Now()
	files, err := listFiles(s.table.Options[OptPath])
	if err != nil {
		if os.IsNotExist(err) && s.monitor > 0 {
			return nil // the directory may appear later
		}
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	p := max(s.task.Parallelism, 1)
	for _, f := range files {
		if s.seen[f] {
			continue
		}
		s.seen[f] = true
		splits := []split{{path: f, limit: math.MaxInt64}}
		if s.monitor == 0 && s.lines && p > 1 {
			if st, err := os.Stat(f); err == nil {
				splits = splitFile(f, st.Size(), p)
			}
		}
		first := owner(f, p)
		for k, sp := range splits {
			if (first+k)%p == s.task.Subtask {
				s.pending = append(s.pending, sp)
			}
		}
	}
	return nil
}

// Next decodes up to a batch of rows from this subtask's splits.
func (s *source) Next(ctx context.Context) (*types.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for s.dec.Len() < s.task.BatchSize {
		if s.rd == nil {
			if len(s.pending) == 0 {
				break
			}
			if err := s.openNext(); err != nil {
				return nil, err
			}
		}
		if s.rd.done() {
			s.finished = append(s.finished, s.rd.sp)
			s.closeFile()
			continue
		}
		if err := s.decode(); err != nil {
			return nil, err
		}
	}
	if s.dec.Len() > 0 {
		b := s.dec.Flush()
		if s.narrow != nil {
			b = connector.ProjectBatch(b, s.narrow, s.narrowSchema)
		}
		return b, nil
	}
	if s.monitor == 0 {
		return nil, io.EOF
	}
	return s.idle(ctx)
}

// decode decodes records of the open reader until the batch is full or
// the buffer needs refilling, then refills it.
func (s *source) decode() error {
	r := s.rd
	for s.dec.Len() < s.task.BatchSize {
		data, stop := r.data()
		var n int
		var err error
		if s.block != nil {
			if stop <= 0 {
				return nil
			}
			n, err = s.block.DecodeBlock(data, r.eof, stop, s.task.BatchSize)
			r.consume(n)
		} else {
			var rec []byte
			var ok bool
			at := r.off
			rec, ok, err = r.next(s.split)
			if ok {
				n = 1
				if err = s.dec.Decode(rec); err != nil {
					return readError(s.table.Name, r.sp.path, at, err)
				}
			}
		}
		if err != nil {
			return readError(s.table.Name, r.sp.path, r.off, err)
		}
		if n == 0 {
			if r.eof && !r.done() && len(data) > 0 && stop > 0 {
				// A decoder must take every whole record it is given.
				return fmt.Errorf("table %s: %s: decoder made no progress at offset %d", s.table.Name, r.sp.path, r.off)
			}
			if r.eof || r.done() {
				return nil
			}
			if err := r.fill(); err != nil {
				return fmt.Errorf("table %s: reading %s: %w", s.table.Name, r.sp.path, err)
			}
			return nil
		}
		if r.done() {
			return nil
		}
	}
	return nil
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
	sp := s.pending[0]
	s.pending = s.pending[1:]
	rd, err := openReader(sp, s.hazards, s.buf)
	if err != nil {
		return fmt.Errorf("table %s: %w", s.table.Name, err)
	}
	s.rd = rd
	return nil
}

func (s *source) closeFile() {
	if s.rd != nil {
		s.buf = s.rd.buf
		s.rd.close()
	}
	s.rd = nil
}

// Close closes the open file, if any.
func (s *source) Close() error {
	s.closeFile()
	return nil
}
