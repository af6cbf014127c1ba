package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// method handles one call: params (a JSON object) and payload frames in,
// a JSON-encodable result and payload frames out.
type method func(s *session, params json.RawMessage, payloads [][]byte) (any, [][]byte, error)

// methods is the protocol's method table (docs/gateway.md).
var methods map[string]method

func init() {
	methods = map[string]method{
		"hello":           hello,
		"set_config":      setConfig,
		"get_config":      getConfig,
		"config_all":      configAll,
		"execute_sql":     executeSQL,
		"fetch":           fetch,
		"wait":            wait,
		"cancel":          cancelResult,
		"close_result":    closeResult,
		"explain":         explain,
		"schema":          schema,
		"register_arrow":  registerArrow,
		"register_rows":   registerRows,
		"create_function": createFunction,
	}
}

// decode unmarshals params into v, reporting ill-typed params as a
// protocol error naming the method's expectation.
func decode(params json.RawMessage, v any) error {
	if err := json.Unmarshal(params, v); err != nil {
		return &ProtocolError{fmt.Sprintf("invalid params: %v", err)}
	}
	return nil
}

func required(name, v string) error {
	if v == "" {
		return &ProtocolError{fmt.Sprintf("missing param %q", name)}
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func hello(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	var p struct {
		Version *int `json:"version"`
	}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if p.Version == nil {
		return nil, nil, &ProtocolError{"hello needs the client's protocol version: {\"version\": 1}"}
	}
	if *p.Version != ProtocolVersion {
		return nil, nil, &ProtocolError{fmt.Sprintf("client speaks gateway protocol version %d, this engine (Spry %s) speaks %d: install matching versions of the spry package and engine",
			*p.Version, s.srv.engine(), ProtocolVersion)}
	}
	names := make([]string, 0, len(methods))
	for n := range methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return map[string]any{"version": ProtocolVersion, "engine": s.srv.engine(), "methods": names}, nil, nil
}

func (srv *Server) engine() string {
	if srv.Engine == "" {
		return "dev"
	}
	return srv.Engine
}

func setConfig(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	var p struct {
		Key   string `json:"key"`
		Value any    `json:"value"`
	}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if err := required("key", p.Key); err != nil {
		return nil, nil, err
	}
	v, ok := p.Value.(string)
	if !ok {
		// Python passes booleans and numbers as they come; SET takes text.
		b, _ := json.Marshal(p.Value)
		v = string(b)
	}
	return nil, nil, s.env.Config().Set(p.Key, v)
}

func getConfig(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	var p struct {
		Key string `json:"key"`
	}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if err := required("key", p.Key); err != nil {
		return nil, nil, err
	}
	v, ok := s.env.Config().Get(p.Key)
	if !ok {
		return map[string]any{"value": nil}, nil, nil
	}
	return map[string]any{"value": v}, nil, nil
}

func configAll(s *session, _ json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	return map[string]any{"options": s.env.Config().All()}, nil, nil
}

// column is a result column as the protocol describes it.
type column struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
}

func columnsOf(sc *types.Schema) []column {
	out := []column{}
	if sc == nil {
		return out
	}
	for _, f := range sc.Fields {
		out = append(out, column{Name: f.Name, Type: f.Type.String(), Nullable: f.Type.Nullable()})
	}
	return out
}

func executeSQL(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	var p struct {
		Statement string `json:"statement"`
	}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if err := required("statement", p.Statement); err != nil {
		return nil, nil, err
	}
	r, err := s.env.ExecuteSQL(s.ctx, p.Statement)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]any{
		"columns": columnsOf(r.Schema), "job_id": r.JobID, "bounded": r.Bounded, "changelog": r.Changelog, "result": nil,
	}
	switch r.Kind {
	case table.ResultOK:
		out["kind"] = "ok"
	case table.ResultRows:
		out["kind"] = "rows"
		out["result"] = s.add(r)
	default:
		out["kind"] = "job"
		out["result"] = s.add(r)
	}
	return out, nil, nil
}

// fetch returns the next rows of a result: it blocks for the first batch
// (or until timeout_ms), then takes batches already waiting, up to
// max_rows.
func fetch(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	p := struct {
		Result    int64 `json:"result"`
		MaxRows   int   `json:"max_rows"`
		WithKinds bool  `json:"with_kinds"`
		TimeoutMS int   `json:"timeout_ms"`
		// Format asks for FormatJSON rows; other schemas still get Arrow.
		Format string `json:"format"`
	}{MaxRows: 65536}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if p.MaxRows <= 0 {
		p.MaxRows = 65536
	}
	or, err := s.result(p.Result)
	if err != nil {
		return nil, nil, err
	}
	if or.failed != nil {
		err := or.failed
		or.failed, or.done = nil, true
		return nil, nil, &jobPhase{err}
	}
	var (
		batches []*types.Batch
		n       int
	)
	take := func(b *types.Batch) {
		if n+b.Len() > p.MaxRows {
			k := p.MaxRows - n
			or.pending = b.Slice(k, b.Len())
			b = b.Slice(0, k)
		}
		batches = append(batches, b)
		n += b.Len()
	}
	if or.pending != nil {
		b := or.pending
		or.pending = nil
		take(b)
	}
	first := true
	var jobErr error
	for !or.done && or.pending == nil && n < p.MaxRows {
		ctx := s.ctx
		var cancel context.CancelFunc
		switch {
		case !first || n > 0:
			// Only what is already there: a cancelled context makes Next
			// return at once when no batch is ready.
			ctx, cancel = context.WithCancel(ctx)
			cancel()
		case p.TimeoutMS > 0:
			ctx, cancel = context.WithTimeout(ctx, time.Duration(p.TimeoutMS)*time.Millisecond)
		}
		b, err := or.res.Next(ctx)
		if cancel != nil {
			cancel()
		}
		first = false
		if err == io.EOF {
			or.done = true
			break
		}
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				if s.ctx.Err() != nil {
					return nil, nil, s.ctx.Err()
				}
				break
			}
			or.done = true
			jobErr = err
			break
		}
		if b != nil && b.Len() > 0 {
			take(b)
		}
	}
	if jobErr != nil && n == 0 {
		return nil, nil, &jobPhase{jobErr}
	}
	if jobErr != nil {
		// Deliver the rows first; the error comes with the next fetch.
		or.done = false
		or.failed = jobErr
	}
	format := FormatArrow
	var payload []byte
	if p.Format == FormatJSON && jsonSchema(or.res.Schema) {
		format = FormatJSON
		payload, err = encodeRowsJSON(or.res.Schema, batches, p.WithKinds)
	} else {
		payload, err = encodeBatches(or.res.Schema, batches, p.WithKinds)
	}
	if err != nil {
		return nil, nil, err
	}
	return map[string]any{"done": or.done && or.pending == nil, "rows": n, "format": format}, [][]byte{payload}, nil
}

func rid(params json.RawMessage) (int64, error) {
	var p struct {
		Result *int64 `json:"result"`
	}
	if err := decode(params, &p); err != nil {
		return 0, err
	}
	if p.Result == nil {
		return 0, &ProtocolError{`missing param "result"`}
	}
	return *p.Result, nil
}

// wait blocks until the result's job ends; with timeout_ms it returns
// {done: false} when the job is still running after that long (PyFlink's
// TableResult.wait(timeout_ms)).
func wait(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	var p struct {
		Result    *int64 `json:"result"`
		TimeoutMS int    `json:"timeout_ms"`
	}
	if err := decode(params, &p); err != nil {
		return nil, nil, err
	}
	if p.Result == nil {
		return nil, nil, &ProtocolError{`missing param "result"`}
	}
	or, err := s.result(*p.Result)
	if err != nil {
		return nil, nil, err
	}
	if or.waited == nil {
		ch := make(chan error, 1)
		or.waited = ch
		go func() { ch <- or.res.Wait() }()
	}
	var timeout <-chan time.Time
	if p.TimeoutMS > 0 {
		t := time.NewTimer(time.Duration(p.TimeoutMS) * time.Millisecond)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case err := <-or.waited:
		// Later waits see the same outcome at once.
		or.waited <- err
		if err != nil {
			return nil, nil, &jobPhase{err}
		}
		return map[string]any{"done": true}, nil, nil
	case <-timeout:
		return map[string]any{"done": false}, nil, nil
	case <-s.ctx.Done():
		return nil, nil, s.ctx.Err()
	}
}

func cancelResult(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	id, err := rid(params)
	if err != nil {
		return nil, nil, err
	}
	or, err := s.result(id)
	if err != nil {
		return nil, nil, err
	}
	or.res.Cancel()
	return nil, nil, nil
}

func closeResult(s *session, params json.RawMessage, _ [][]byte) (any, [][]byte, error) {
	id, err := rid(params)
	if err != nil {
		return nil, nil, err
	}
	if or, err := s.result(id); err == nil {
		or.res.Cancel()
		s.forget(id)
	}
	return nil, nil, nil
}
