// Package worker runs Python user-defined functions in worker processes
// (`python -m spry.worker`) and speaks their protocol: frames of a 4-byte
// big-endian length followed by the bytes, as the gateway's. The first
// byte of a frame says what it holds: 'J' a JSON control message, 'B' an
// Arrow IPC stream of argument columns (engine → worker), 'R' an Arrow IPC
// stream of result columns (worker → engine), 'P' a raw payload (pickled
// function, result schema). The protocol is versioned (Version) and
// described in docs/python_udf.md.
package worker

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// Version is the worker protocol version sent in the open message.
const Version = 1

// Frame tags.
const (
	TagJSON    = 'J'
	TagBatch   = 'B'
	TagResult  = 'R'
	TagPayload = 'P'
)

// maxFrame bounds one frame so a corrupt length cannot allocate the heap
// away.
const maxFrame = 1 << 31

// writeFrame writes tag+body as one frame.
func writeFrame(w *bufio.Writer, tag byte, body []byte) error {
	var hdr [5]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(len(body)+1))
	hdr[4] = tag
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

func writeJSON(w *bufio.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeFrame(w, TagJSON, b)
}

// readFrame reads one frame, returning its tag and body. buf is reused
// when large enough.
func readFrame(r *bufio.Reader, buf []byte) (byte, []byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, buf, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > maxFrame {
		return 0, buf, fmt.Errorf("Python worker sent a frame of %d bytes", n)
	}
	if n > 1<<20 && cap(buf) < int(n) {
		// A large frame grows with the bytes that arrive, so a corrupt
		// length costs nothing before the stream ends.
		b, err := io.ReadAll(io.LimitReader(r, int64(n)))
		if err == nil && len(b) < int(n) {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return 0, buf, err
		}
		return b[0], b[1:], nil
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, buf, err
	}
	return buf[0], buf[1:], nil
}

// Arg is one argument of a call in a worker program: an input column or
// the result of an earlier call of the same program.
type Arg struct {
	Col  *int `json:"col,omitempty"`
	Call *int `json:"call,omitempty"`
}

// CallSpec is one call of a worker program.
type CallSpec struct {
	Fn   int   `json:"fn"`
	Args []Arg `json:"args"`
}

// FunctionInfo describes one shipped function in the open message.
type FunctionInfo struct {
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	FuncType      string `json:"func_type"`
	Deterministic bool   `json:"deterministic"`
}

// Program is what a worker evaluates per batch: Calls in order (a call
// reads input columns and earlier calls), returning the calls in Outputs
// as result columns. Mode "table" runs a single table function call and
// returns its rows plus the index of the input row each came from.
type Program struct {
	Mode      string         `json:"mode"` // "scalar" or "table"
	Functions []FunctionInfo `json:"functions"`
	Calls     []CallSpec     `json:"calls"`
	Outputs   []int          `json:"outputs"`
}

// openMsg is the first message to a worker; the pickled functions (one
// 'P' frame each) and the result schema ('P', an empty Arrow IPC stream)
// follow it.
type openMsg struct {
	Type        string            `json:"type"`
	Version     int               `json:"version"`
	Operator    string            `json:"operator"`
	Subtask     int               `json:"subtask"`
	Parallelism int               `json:"parallelism"`
	Program     Program           `json:"program"`
	JobParams   map[string]string `json:"job_parameters"`
}

// reply is a JSON message from the worker: "opened", "metrics", "error"
// or "closed".
type reply struct {
	Type      string           `json:"type"`
	Function  string           `json:"function"`
	Message   string           `json:"message"`
	Traceback string           `json:"traceback"`
	Counters  map[string]int64 `json:"counters"`
	Gauges    map[string]int64 `json:"gauges"`
}
