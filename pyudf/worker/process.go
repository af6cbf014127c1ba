package worker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/spry-engine/spry/internal/arrowcheck"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Setup says what a worker runs and for whom.
type Setup struct {
	Options     Options
	Operator    string // the operator's EXPLAIN line, named in errors
	Subtask     int
	Parallelism int
	Program     Program
	// Payloads are the pickled functions, one per Program.Functions entry.
	Payloads [][]byte
	// Result is the schema of the result columns.
	Result *arrow.Schema
}

// Process is one running worker. It is used by one goroutine (the
// operator's subtask); Eval sends a batch and waits for its results.
type Process struct {
	cmd      *exec.Cmd
	in       io.WriteCloser
	w        *bufio.Writer
	r        *bufio.Reader
	stderr   *tail
	operator string
	buf      []byte
	out      bytes.Buffer
	done     chan struct{}
	results  chan result
	readDone chan struct{}
	readErr  error // the first error readLoop delivered; read after readDone
	waitOnce sync.Once
	waitErr  error
	key      string // how it was launched (standby.go)
}

// Start launches a worker and sends it the program and functions. ctx
// ending kills the worker, so a cancelled job never waits on it.
func Start(ctx context.Context, s Setup) (*Process, error) {
	o := s.Options
	extra, dir, err := o.prepare()
	if err != nil {
		return nil, err
	}
	o.PythonPath = append(append([]string(nil), o.PythonPath...), extra...)
	if o.WorkDir == "" {
		o.WorkDir = dir
	}
	exe := o.Executable
	// An interpreter inside an extracted archive (venv.zip/venv/bin/python)
	// is named relative to the workers' directory, as in Flink.
	if dir != "" && !filepath.IsAbs(exe) && strings.ContainsRune(exe, os.PathSeparator) {
		if _, err := os.Stat(filepath.Join(dir, exe)); err == nil {
			exe = filepath.Join(dir, exe)
		} else if abs, err := filepath.Abs(exe); err == nil {
			exe = abs // exec resolves relative paths against cmd.Dir
		}
	}
	paths := o.pythonPath()
	env := append(os.Environ(), "PYTHONPATH="+strings.Join(paths, string(os.PathListSeparator)))
	p, err := launch(exe, o.WorkDir, env, paths)
	if err != nil {
		return nil, startError(o.Executable, err)
	}
	p.operator = s.Operator
	cmd := p.cmd
	go func() {
		select {
		case <-ctx.Done():
			_ = cmd.Process.Kill()
		case <-p.done:
		}
	}()
	if err := p.open(s); err != nil {
		p.Kill()
		return nil, err
	}
	return p, nil
}

func (p *Process) open(s Setup) error {
	msg := openMsg{Type: "open", Version: Version, Operator: s.Operator, Subtask: s.Subtask,
		Parallelism: s.Parallelism, Program: s.Program, JobParams: s.Options.JobParams}
	if err := writeJSON(p.w, msg); err != nil {
		return p.fail(err)
	}
	for _, pl := range s.Payloads {
		if err := writeFrame(p.w, TagPayload, pl); err != nil {
			return p.fail(err)
		}
	}
	var sb bytes.Buffer
	iw := ipc.NewWriter(&sb, ipc.WithSchema(s.Result))
	if err := iw.Close(); err != nil {
		return err
	}
	if err := writeFrame(p.w, TagPayload, sb.Bytes()); err != nil {
		return p.fail(err)
	}
	if err := p.w.Flush(); err != nil {
		return p.fail(err)
	}
	// The answer to open is read by readLoop: the caller may send batches
	// at once (they wait in the pipe), so starting workers overlaps with
	// the rest of the job's start; a failed open fails the first request.
	p.results = make(chan result, 64)
	p.readDone = make(chan struct{})
	go p.readLoop()
	return nil
}

// Metrics are counter increments and gauge values a worker reported.
type Metrics struct {
	Counters map[string]int64
	Gauges   map[string]int64
}

// Eval sends one batch and waits for its results (Send then Receive).
func (p *Process) Eval(schema *arrow.Schema, cols []arrow.Array, rows int, m *Metrics) ([]arrow.Array, error) {
	if err := p.Send(schema, cols, rows); err != nil {
		return nil, err
	}
	return p.Receive(m)
}

// Send sends the argument columns of rows rows without waiting: results
// come back in order through Receive, so a caller can keep several
// batches in flight while the worker computes.
func (p *Process) Send(schema *arrow.Schema, cols []arrow.Array, rows int) error {
	p.out.Reset()
	iw := ipc.NewWriter(&p.out, ipc.WithSchema(schema))
	rec := array.NewRecordBatch(schema, cols, int64(rows))
	err := iw.Write(rec)
	rec.Release()
	if err == nil {
		err = iw.Close()
	}
	if err != nil {
		return fmt.Errorf("encoding a batch for the Python worker: %w", err)
	}
	if err := writeFrame(p.w, TagBatch, p.out.Bytes()); err != nil {
		return p.fail(err)
	}
	if err := p.w.Flush(); err != nil {
		return p.fail(err)
	}
	return nil
}

// Receive returns the result columns of the oldest batch sent (for a
// table program: the produced columns then an INT32 column of parent row
// indexes). Metrics reported with the batch are added to m.
func (p *Process) Receive(m *Metrics) ([]arrow.Array, error) {
	r, ok := <-p.results
	if !ok {
		return nil, p.fail(io.ErrUnexpectedEOF)
	}
	if m != nil {
		for _, mr := range r.metrics {
			addMetrics(m, mr)
		}
	}
	return r.cols, r.err
}

// result is one answer of the worker, read by readLoop.
type result struct {
	cols    []arrow.Array
	metrics []*reply
	closed  bool
	err     error
}

// readLoop reads the worker's frames so that the worker never blocks on a
// full pipe while the engine is still writing; answers queue in order.
func (p *Process) readLoop() {
	defer close(p.readDone)
	defer close(p.results)
	var metrics []*reply
	deliver := func(r result) {
		if r.err != nil && p.readErr == nil {
			p.readErr = r.err
		}
		p.results <- r
	}
	for {
		tag, b, err := readFrame(p.r, p.buf)
		p.buf = b[:0]
		if err != nil {
			deliver(result{err: p.exitError(err)})
			return
		}
		switch tag {
		case TagResult:
			cols, err := decodeColumns(b)
			deliver(result{cols: cols, metrics: metrics, err: err})
			metrics = nil
		case TagJSON:
			r, err := p.decodeReply(b)
			switch {
			case err != nil:
				deliver(result{err: err, metrics: metrics})
				return
			case r.Type == "opened":
			case r.Type == "metrics":
				metrics = append(metrics, r)
			case r.Type == "closed":
				deliver(result{closed: true, metrics: metrics})
				return
			}
		default:
			deliver(result{err: fmt.Errorf("Python worker sent an unexpected frame %q", tag)})
			return
		}
	}
}

func addMetrics(m *Metrics, r *reply) {
	for k, v := range r.Counters {
		if m.Counters == nil {
			m.Counters = map[string]int64{}
		}
		m.Counters[k] += v
	}
	for k, v := range r.Gauges {
		if m.Gauges == nil {
			m.Gauges = map[string]int64{}
		}
		m.Gauges[k] = v
	}
}

// decodeColumns reads a result batch. A corrupt batch (a broken worker)
// is an error, never a panic or an allocation beyond the bytes received.
func decodeColumns(b []byte) (cols []arrow.Array, err error) {
	defer func() {
		if r := recover(); r != nil {
			cols, err = nil, fmt.Errorf("decoding Python worker results: corrupt batch (%v)", r)
		}
	}()
	if err := arrowcheck.Check(b); err != nil {
		return nil, fmt.Errorf("decoding Python worker results: %w", err)
	}
	mem := &limitAllocator{Allocator: memory.DefaultAllocator, left: 2*len(b) + 1<<20}
	rd, err := ipc.NewReader(bytes.NewReader(b), ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("decoding Python worker results: %w", err)
	}
	defer rd.Release()
	if !rd.Next() {
		if err := rd.Err(); err != nil {
			return nil, fmt.Errorf("decoding Python worker results: %w", err)
		}
		return nil, errors.New("Python worker returned no result batch")
	}
	rec := rd.RecordBatch()
	cols = make([]arrow.Array, rec.NumCols())
	for i := range cols {
		cols[i] = rec.Column(i)
		cols[i].Retain()
	}
	return cols, nil
}

// limitAllocator refuses (panics, recovered by decodeColumns) to hand out
// more than left bytes in all.
type limitAllocator struct {
	memory.Allocator
	left int
}

func (a *limitAllocator) Allocate(size int) []byte {
	if a.left -= size; a.left < 0 {
		panic("allocation beyond the batch's size")
	}
	return a.Allocator.Allocate(size)
}

func (a *limitAllocator) Reallocate(size int, b []byte) []byte {
	if a.left -= size - len(b); a.left < 0 {
		panic("allocation beyond the batch's size")
	}
	return a.Allocator.Reallocate(size, b)
}

// Close asks the worker to run the functions' close() and exit, and
// adds the metrics it reports last to m. Results not received are
// dropped.
func (p *Process) Close(m *Metrics) error {
	defer p.Kill()
	if err := writeJSON(p.w, map[string]string{"type": "close"}); err != nil {
		return p.fail(err)
	}
	if err := p.w.Flush(); err != nil {
		return p.fail(err)
	}
	for r := range p.results {
		if m != nil {
			for _, mr := range r.metrics {
				addMetrics(m, mr)
			}
		}
		if r.err != nil {
			return r.err
		}
		if r.closed {
			_ = p.in.Close()
			err := p.wait()
			if err == nil {
				p.leaveStandby()
			}
			return err
		}
	}
	return p.fail(io.ErrUnexpectedEOF)
}

// Kill stops the worker at once (idempotent).
func (p *Process) Kill() {
	_ = p.in.Close()
	_ = p.cmd.Process.Kill()
	_ = p.wait()
}

func (p *Process) wait() error {
	p.waitOnce.Do(func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	})
	return p.waitErr
}

func (p *Process) decodeReply(b []byte) (*reply, error) {
	var r reply
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("Python worker sent bad JSON: %w", err)
	}
	if r.Type == "error" {
		return nil, &UDFError{Operator: p.operator, Function: r.Function, Message: r.Message, Traceback: r.Traceback}
	}
	return &r, nil
}

// fail turns an I/O error with the worker into the reason: the worker's
// own error report when the reader got one (a failed open), else its exit
// status (it died, the usual cause). The worker is stopped first: a
// broken conversation cannot go on.
func (p *Process) fail(err error) error {
	xerr := p.exitError(err)
	if p.readDone != nil {
		<-p.readDone
		var ue *UDFError
		if errors.As(p.readErr, &ue) {
			return p.readErr
		}
	}
	return xerr
}

// exitError stops the worker and describes how it ended.
func (p *Process) exitError(err error) error {
	_ = p.in.Close()
	_ = p.cmd.Process.Kill() // no effect when it has exited by itself
	werr := p.wait()
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		if ee.ExitCode() < 0 {
			return fmt.Errorf("Python worker stopped: %w: %s", err, p.stderr.String())
		}
		return &ExitError{Code: ee.ExitCode(), Stderr: p.stderr.String()}
	}
	if werr == nil {
		return &ExitError{Code: 0, Stderr: p.stderr.String()}
	}
	return fmt.Errorf("Python worker: %w (%v)", err, werr)
}
