package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spry-engine/spry/table"
)

// The REST API serves a subset of Flink's (JobManager REST API, v1 paths
// without the /v1 prefix, as Flink also accepts): job listing, checkpoint
// statistics, savepoints and stop-with-savepoint. Flink answers a
// savepoint trigger with a request id to poll; Spry completes the
// savepoint before answering and returns the id together with the
// finished operation ({"request-id", "status", "operation": {"location"}}),
// and GET .../savepoints/:request-id returns the same, so clients written
// for Flink's polling work unchanged.

// restServer is the handler of `--rest-port`.
type restServer struct {
	mu      sync.Mutex
	results map[string]operationResult // by request id
}

// operationResult is Flink's AsynchronousOperationResult.
type operationResult struct {
	Status    map[string]string `json:"status"`
	Operation map[string]string `json:"operation,omitempty"`
	RequestID string            `json:"request-id"`
}

func newRESTServer() *restServer { return &restServer{results: map[string]operationResult{}} }

// serveREST listens on 127.0.0.1:port (0 picks one) and serves until
// shutdown is called; it returns the bound address. shutdown lets
// requests in flight finish (a stop whose job's end ends the process
// still answers), for at most a few seconds.
func serveREST(port int) (addr string, shutdown func(), err error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return "", nil, fmt.Errorf("rest.port %d: %w", port, err)
	}
	srv := &http.Server{Handler: newRESTServer(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// ServeHTTP routes /jobs, /jobs/overview, /jobs/:id/checkpoints,
// /jobs/:id/savepoints[/:request-id] and /jobs/:id/stop.
func (s *restServer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(req.URL.Path, "/v1"), "/"), "/")
	if len(parts) == 0 || parts[0] != "jobs" {
		restError(w, http.StatusNotFound, "Not found: "+req.URL.Path)
		return
	}
	switch {
	case len(parts) == 1 && req.Method == http.MethodGet:
		s.jobs(w)
	case len(parts) == 2 && parts[1] == "overview" && req.Method == http.MethodGet:
		s.overview(w)
	case len(parts) == 3 && parts[2] == "checkpoints" && req.Method == http.MethodGet:
		s.checkpoints(w, parts[1])
	case len(parts) == 3 && parts[2] == "savepoints" && req.Method == http.MethodPost:
		var body struct {
			Target string `json:"target-directory"`
			Cancel bool   `json:"cancel-job"`
		}
		if !decodeBody(w, req, &body) {
			return
		}
		s.operation(w, req.Context(), parts[1], func(ctx context.Context) (string, error) {
			if body.Cancel {
				return table.StopJob(ctx, parts[1], true, body.Target, false)
			}
			return table.TriggerSavepoint(ctx, parts[1], body.Target)
		})
	case len(parts) == 4 && parts[2] == "savepoints" && req.Method == http.MethodGet:
		s.mu.Lock()
		res, ok := s.results[parts[3]]
		s.mu.Unlock()
		if !ok {
			restError(w, http.StatusNotFound, "There is no savepoint operation with request id "+parts[3]+".")
			return
		}
		writeJSON(w, http.StatusOK, res)
	case len(parts) == 3 && parts[2] == "stop" && req.Method == http.MethodPost:
		var body struct {
			Target string `json:"targetDirectory"`
			Drain  bool   `json:"drain"`
		}
		if !decodeBody(w, req, &body) {
			return
		}
		s.operation(w, req.Context(), parts[1], func(ctx context.Context) (string, error) {
			return table.StopJob(ctx, parts[1], true, body.Target, body.Drain)
		})
	default:
		restError(w, http.StatusNotFound, "Not found: "+req.Method+" "+req.URL.Path)
	}
}

// jobs is GET /jobs: {"jobs": [{"id", "status"}]}.
func (s *restServer) jobs(w http.ResponseWriter) {
	type job struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	out := struct {
		Jobs []job `json:"jobs"`
	}{Jobs: []job{}}
	for _, j := range table.AllJobs() {
		out.Jobs = append(out.Jobs, job{j.ID, string(j.Status)})
	}
	writeJSON(w, http.StatusOK, out)
}

// jobOverview is one entry of GET /jobs/overview, as Flink's.
type jobOverview struct {
	JID      string `json:"jid"`
	Name     string `json:"name"`
	State    string `json:"state"`
	Start    int64  `json:"start-time"`
	End      int64  `json:"end-time"`
	Duration int64  `json:"duration"`
}

func (s *restServer) overview(w http.ResponseWriter) {
	out := struct {
		Jobs []jobOverview `json:"jobs"`
	}{Jobs: []jobOverview{}}
	now := time.Now()
	for _, j := range table.AllJobs() {
		o := jobOverview{JID: j.ID, Name: j.Name, State: string(j.Status), Start: j.Start.UnixMilli(), End: -1}
		end := now
		if !j.End.IsZero() {
			o.End, end = j.End.UnixMilli(), j.End
		}
		o.Duration = end.Sub(j.Start).Milliseconds()
		out.Jobs = append(out.Jobs, o)
	}
	writeJSON(w, http.StatusOK, out)
}

// operation runs a savepoint or stop and answers with its outcome.
func (s *restServer) operation(w http.ResponseWriter, ctx context.Context, jobID string, run func(context.Context) (string, error)) {
	path, err := run(ctx)
	if err != nil {
		var uj *table.UnknownJobError
		if errors.As(err, &uj) {
			restError(w, http.StatusNotFound, err.Error())
			return
		}
		restError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	res := operationResult{
		RequestID: hex.EncodeToString(b[:]),
		Status:    map[string]string{"id": "COMPLETED"},
		Operation: map[string]string{"location": path},
	}
	s.mu.Lock()
	s.results[res.RequestID] = res
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

func decodeBody(w http.ResponseWriter, req *http.Request, v any) bool {
	if req.Body == nil || req.ContentLength == 0 {
		return true
	}
	if err := json.NewDecoder(req.Body).Decode(v); err != nil {
		restError(w, http.StatusBadRequest, "Request body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// restError answers with Flink's error body {"errors": [...]}.
func restError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string][]string{"errors": {msg}})
}

// startREST serves the REST API when --rest-port (flag >= 0) or the
// rest.port option asks for it, and says where on errOut; the caller
// calls the returned stop (never nil) before exiting.
func startREST(flag int, cfg map[string]string, errOut io.Writer) (stop func(), err error) {
	port := flag
	if port < 0 {
		v, ok := cfg["rest.port"]
		if !ok {
			return func() {}, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("Could not parse value '%s' for key 'rest.port'. Expected a port number", v)
		}
		port = n
	}
	addr, stop, err := serveREST(port)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(errOut, "REST API listening on http://%s\n", addr)
	return stop, nil
}
