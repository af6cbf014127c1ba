// Package gateway is the engine side of the protocol the Python API
// speaks (docs/gateway.md): length-prefixed JSON requests with Arrow IPC
// payloads, one table.Environment per connection. It serves a byte stream
// (the child process's stdin/stdout under `spry gateway --stdio`) or a
// loopback TCP listener (`spry gateway --listen`, `spry run`).
package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"

	"github.com/spry-engine/spry/table"
)

// ProtocolVersion is the major protocol version this server speaks.
const ProtocolVersion = 1

// Server serves gateway sessions. The zero value is usable.
type Server struct {
	// Engine is the engine version reported by hello.
	Engine string
	// Settings configure each session's environment; Config holds
	// initial options (python.executable, python.files, ... from
	// `spry run`).
	Settings table.Settings
}

// Serve runs one session over rw until the peer closes it (nil) or the
// stream breaks. Requests are handled one at a time, in order.
func (s *Server) Serve(ctx context.Context, rw io.ReadWriter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sess := newSession(s, ctx)
	defer sess.close()
	c := newConn(rw)
	// Requests are read ahead on their own goroutine so that a client
	// that goes away is noticed while a call (a wait on a long job) is
	// still running: the session's jobs are then cancelled at once.
	type incoming struct {
		req      *request
		payloads [][]byte
		err      error
	}
	reqs := make(chan incoming, 1)
	go func() {
		defer close(reqs)
		for {
			req, payloads, err := c.readRequest()
			if err != nil {
				cancel()
				sess.close()
			}
			select {
			case reqs <- incoming{req, payloads, err}:
			case <-ctx.Done():
				if err == nil {
					continue
				}
			}
			if err != nil {
				return
			}
		}
	}()
	for in := range reqs {
		if in.err == io.EOF {
			return nil
		}
		if in.err != nil {
			var pe *ProtocolError
			if errors.As(in.err, &pe) && in.req != nil {
				// The frame was read: answer it, then stop, since the
				// stream may be out of step.
				_ = c.writeResponse(&response{ID: in.req.ID, Error: toErrorObject(in.err)}, nil)
			}
			return in.err
		}
		resp, out := sess.handle(in.req, in.payloads)
		if err := c.writeResponse(resp, out); err != nil {
			return err
		}
	}
	return nil
}

// ServeListener accepts connections on ln until ctx is done or ln is
// closed, serving each as its own session.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer nc.Close()
			stop := context.AfterFunc(ctx, func() { nc.Close() })
			defer stop()
			if err := s.Serve(ctx, nc); err != nil && ctx.Err() == nil {
				slog.Debug("gateway session ended", "remote", nc.RemoteAddr().String(), "err", err)
			}
		}()
	}
}

// Listen binds addr (host:port; port 0 picks a free one). Only loopback
// addresses are sensible: the protocol has no authentication.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("gateway: cannot listen on %s: %w", addr, err)
	}
	return ln, nil
}

// internalPanic is a panic caught while a request was handled.
type internalPanic struct {
	method string
	value  any
}

func (e *internalPanic) Error() string {
	return fmt.Sprintf("internal error (a bug in Spry; please report it) in gateway method %s: panic: %v", e.method, e.value)
}

// handle runs one request, turning errors and panics into error objects.
func (s *session) handle(req *request, payloads [][]byte) (resp *response, out [][]byte) {
	defer func() {
		if r := recover(); r != nil {
			slog.Debug("gateway method panicked", "method", req.Method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			resp, out = &response{ID: req.ID, Error: toErrorObject(&internalPanic{req.Method, r})}, nil
		}
	}()
	m, ok := methods[req.Method]
	if !ok {
		return &response{ID: req.ID, Error: toErrorObject(&ProtocolError{fmt.Sprintf("unknown method %q", req.Method)})}, nil
	}
	params := req.Params
	if len(params) == 0 || string(params) == "null" {
		params = json.RawMessage("{}")
	}
	result, out, err := m(s, params, payloads)
	if err != nil {
		return &response{ID: req.ID, Error: toErrorObject(err)}, nil
	}
	if result == nil {
		result = struct{}{}
	}
	return &response{ID: req.ID, Result: result}, out
}
