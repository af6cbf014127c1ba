package gateway

import (
	"context"
	"sync"

	"github.com/spry-engine/spry/connector/pyinput"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// session is one connection's state: its environment, the results it
// handed out by id, and the python-input data it registered.
type session struct {
	srv     *Server
	ctx     context.Context
	env     *table.Environment
	mu      sync.Mutex
	results map[int64]*openResult
	nextRID int64
	inputs  []string
}

// openResult is a Result being read by the client; pending holds the rows
// of a batch that did not fit the previous fetch.
type openResult struct {
	res     *table.Result
	pending *types.Batch
	done    bool
	// failed is a job error seen after rows were gathered for a fetch;
	// the next fetch reports it.
	failed error
	// waited delivers the job's outcome once a wait started awaiting it
	// (buffered, refilled after each read).
	waited chan error
}

func newSession(srv *Server, ctx context.Context) *session {
	return &session{srv: srv, ctx: ctx, env: table.NewEnvironment(srv.Settings), results: map[int64]*openResult{}}
}

// add registers a result and returns its id.
func (s *session) add(r *table.Result) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextRID++
	s.results[s.nextRID] = &openResult{res: r}
	return s.nextRID
}

func (s *session) result(rid int64) (*openResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.results[rid]
	if !ok {
		return nil, &ProtocolError{"unknown result id " + itoa(rid)}
	}
	return r, nil
}

func (s *session) forget(rid int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.results, rid)
}

// close cancels the session's jobs and drops its registered data: a
// Python process that exits must not leave jobs running in a shared
// server.
func (s *session) close() {
	s.mu.Lock()
	rs := s.results
	s.results = map[int64]*openResult{}
	ids := s.inputs
	s.inputs = nil
	s.mu.Unlock()
	for _, r := range rs {
		r.res.Cancel()
	}
	for _, id := range ids {
		pyinput.Drop(id)
	}
}
