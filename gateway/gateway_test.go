package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	_ "github.com/spry-engine/spry/connector/all"
	"github.com/spry-engine/spry/table"
)

// client is a minimal protocol client over an in-memory pipe.
type client struct {
	t  testing.TB
	c  *conn
	id int64
}

func newClient(t testing.TB, settings table.Settings) *client {
	a, b := net.Pipe()
	srv := &Server{Engine: "test", Settings: settings}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ctx, b)
		b.Close()
	}()
	t.Cleanup(func() {
		a.Close()
		cancel()
		<-done
	})
	return &client{t: t, c: newConn(a)}
}

// call sends a request and returns the raw response and payloads.
func (c *client) call(method string, params any, payloads ...[]byte) (map[string]any, *ErrorObject, [][]byte) {
	c.t.Helper()
	c.id++
	pb, _ := json.Marshal(params)
	req, _ := json.Marshal(request{ID: c.id, Method: method, Params: pb, Payloads: len(payloads)})
	if err := c.c.writeFrame(req); err != nil {
		c.t.Fatal(err)
	}
	for _, p := range payloads {
		if err := c.c.writeFrame(p); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := c.c.flush(); err != nil {
		c.t.Fatal(err)
	}
	b, err := c.c.readFrame()
	if err != nil {
		c.t.Fatal(err)
	}
	var resp struct {
		ID       int64          `json:"id"`
		Result   map[string]any `json:"result"`
		Error    *ErrorObject   `json:"error"`
		Payloads int            `json:"payloads"`
	}
	if err := json.Unmarshal(b, &resp); err != nil {
		c.t.Fatal(err)
	}
	if resp.ID != c.id {
		c.t.Fatalf("response id %d, want %d", resp.ID, c.id)
	}
	var out [][]byte
	for i := 0; i < resp.Payloads; i++ {
		p, err := c.c.readFrame()
		if err != nil {
			c.t.Fatal(err)
		}
		out = append(out, p)
	}
	return resp.Result, resp.Error, out
}

// ok calls and fails the test on an error response.
func (c *client) ok(method string, params any, payloads ...[]byte) (map[string]any, [][]byte) {
	c.t.Helper()
	r, e, p := c.call(method, params, payloads...)
	if e != nil {
		c.t.Fatalf("%s: %s: %s", method, e.Type, e.Message)
	}
	return r, p
}

// rows fetches a result to the end and renders its rows as "kind|v1|v2".
func (c *client) rows(rid any, withKinds bool) []string {
	c.t.Helper()
	var out []string
	for {
		r, p := c.ok("fetch", map[string]any{"result": rid, "with_kinds": withKinds})
		rd, err := ipc.NewReader(bytes.NewReader(p[0]))
		if err != nil {
			c.t.Fatal(err)
		}
		for rd.Next() {
			rec := rd.RecordBatch()
			for i := 0; i < int(rec.NumRows()); i++ {
				var vals []string
				for j := 0; j < int(rec.NumCols()); j++ {
					vals = append(vals, rec.Column(j).ValueStr(i))
				}
				out = append(out, strings.Join(vals, "|"))
			}
		}
		rd.Release()
		if r["done"] == true {
			return out
		}
	}
}

func TestHello(t *testing.T) {
	c := newClient(t, table.Settings{})
	r, _ := c.ok("hello", map[string]any{"version": 1})
	if r["version"] != float64(1) || r["engine"] != "test" {
		t.Fatalf("hello = %v", r)
	}
	_, e, _ := c.call("hello", map[string]any{"version": 2})
	if e == nil || e.Type != TypeProtocol || !strings.Contains(e.Message, "version 2") {
		t.Fatalf("hello v2 = %+v", e)
	}
}

func TestConfig(t *testing.T) {
	c := newClient(t, table.Settings{})
	c.ok("set_config", map[string]any{"key": "parallelism.default", "value": "3"})
	r, _ := c.ok("get_config", map[string]any{"key": "parallelism.default"})
	if r["value"] != "3" {
		t.Fatalf("get_config = %v", r)
	}
	c.ok("set_config", map[string]any{"key": "table.exec.mini-batch.enabled", "value": true})
	r, _ = c.ok("config_all", nil)
	if opts := r["options"].(map[string]any); opts["table.exec.mini-batch.enabled"] != "true" {
		t.Fatalf("config_all = %v", opts)
	}
	r, _ = c.ok("get_config", map[string]any{"key": "no.such.key"})
	if r["value"] != nil {
		t.Fatalf("unknown key = %v", r)
	}
	_, e, _ := c.call("set_config", map[string]any{"key": "execution.runtime-mode", "value": "sideways"})
	if e == nil || e.Type != TypeValidation {
		t.Fatalf("bad value = %+v", e)
	}
}

func TestExecuteAndFetch(t *testing.T) {
	c := newClient(t, table.Settings{Batch: true, Parallelism: 1})
	r, _ := c.ok("execute_sql", map[string]any{"statement": "SELECT x, UPPER(w) AS w FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, w)"})
	if r["kind"] != "rows" || r["bounded"] != true {
		t.Fatalf("execute_sql = %v", r)
	}
	if cols := colString(r); cols != "x INT NOT NULL, w STRING NOT NULL" {
		t.Errorf("columns = %s", cols)
	}
	got := c.rows(r["result"], true)
	if strings.Join(got, ",") != "1|A|0,2|B|0" {
		t.Errorf("rows = %v", got)
	}
	r, _ = c.ok("execute_sql", map[string]any{"statement": "CREATE TABLE s (x INT) WITH ('connector' = 'blackhole')"})
	if r["kind"] != "ok" || r["result"] != nil {
		t.Fatalf("DDL = %v", r)
	}
	r, _ = c.ok("execute_sql", map[string]any{"statement": "INSERT INTO s VALUES (1)"})
	if r["kind"] != "job" {
		t.Fatalf("INSERT = %v", r)
	}
	c.ok("wait", map[string]any{"result": r["result"]})
}

func TestStreamingKinds(t *testing.T) {
	c := newClient(t, table.Settings{Parallelism: 1})
	r, _ := c.ok("execute_sql", map[string]any{"statement": "SELECT w, COUNT(*) AS n FROM (VALUES ('a'), ('a')) AS t(w) GROUP BY w"})
	if r["changelog"] != true {
		t.Fatalf("changelog = %v", r)
	}
	got := strings.Join(c.rows(r["result"], true), ",")
	if got != "a|1|0,a|1|1,a|2|2" {
		t.Errorf("rows = %s", got)
	}
}

func TestErrors(t *testing.T) {
	c := newClient(t, table.Settings{})
	cases := []struct {
		method     string
		params     any
		typ        string
		line, col  int
		msgPrefix  string
		msgContain string
	}{
		{"execute_sql", map[string]any{"statement": "SELECT a FORM t"}, TypeSQL, 1, 10, "SQL parse error at line 1, column 10", "^"},
		{"execute_sql", map[string]any{"statement": "SELECT wrd\nFROM (VALUES (1)) AS t(word)"}, TypeValidation, 1, 8, "At line 1, column 8", "did you mean 'word'"},
		{"schema", map[string]any{"query": "SELECT * FROM missing"}, TypeValidation, 1, 15, "", "missing"},
		{"nope", nil, TypeProtocol, 0, 0, "", "unknown method"},
		{"execute_sql", map[string]any{}, TypeProtocol, 0, 0, "", "statement"},
		{"fetch", map[string]any{"result": 99}, TypeProtocol, 0, 0, "", "unknown result id"},
		{"execute_sql", map[string]any{"statement": 5}, TypeProtocol, 0, 0, "", "invalid params"},
	}
	for _, tc := range cases {
		_, e, _ := c.call(tc.method, tc.params)
		if e == nil {
			t.Errorf("%s %v: no error", tc.method, tc.params)
			continue
		}
		if e.Type != tc.typ || e.Line != tc.line || e.Column != tc.col ||
			!strings.HasPrefix(e.Message, tc.msgPrefix) || !strings.Contains(e.Message, tc.msgContain) {
			t.Errorf("%s %v: got %+v", tc.method, tc.params, e)
		}
	}
}

func TestJobError(t *testing.T) {
	c := newClient(t, table.Settings{Batch: true, Parallelism: 1})
	r, _ := c.ok("execute_sql", map[string]any{"statement": "SELECT CAST(s AS INT) FROM (VALUES ('x')) AS t(s)"})
	var e *ErrorObject
	for e == nil {
		var res map[string]any
		res, e, _ = c.call("fetch", map[string]any{"result": r["result"]})
		if e == nil && res["done"] == true {
			t.Skip("CAST of a bad string does not fail the job (TRY semantics)")
		}
	}
	if e.Type != TypeJob {
		t.Errorf("job error = %+v", e)
	}
}

func TestPanicRecovered(t *testing.T) {
	methods["boom"] = func(*session, json.RawMessage, [][]byte) (any, [][]byte, error) { panic("kaboom") }
	defer delete(methods, "boom")
	c := newClient(t, table.Settings{})
	_, e, _ := c.call("boom", nil)
	if e == nil || e.Type != TypeInternal || !strings.Contains(e.Message, "kaboom") {
		t.Fatalf("panic = %+v", e)
	}
	c.ok("hello", map[string]any{"version": 1})
}

func TestSchemaAndExplain(t *testing.T) {
	c := newClient(t, table.Settings{})
	r, _ := c.ok("schema", map[string]any{"query": "SELECT 1 AS a, 'x' AS b"})
	if cols := colString(r); cols != "a INT NOT NULL, b CHAR(1) NOT NULL" {
		t.Errorf("schema = %s", cols)
	}
	r, _ = c.ok("explain", map[string]any{"statement": "SELECT 1", "details": []string{"CHANGELOG_MODE"}})
	if p, _ := r["plan"].(string); !strings.Contains(p, "== Optimized Physical Plan ==") || !strings.Contains(p, "changelogMode") {
		t.Errorf("plan = %v", r["plan"])
	}
}

// colString renders a result's columns as "name TYPE" with "?" marking
// nullable ones.
func colString(r map[string]any) string {
	var out []string
	for _, c := range r["columns"].([]any) {
		m := c.(map[string]any)
		s := m["name"].(string) + " " + m["type"].(string)
		if m["nullable"] == true {
			s += "?"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// arrowStream encodes one record as an IPC stream, as pyarrow would.
func arrowStream(t testing.TB, rec arrow.RecordBatch) []byte {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(rec.Schema()))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes()
}

func TestRegisterArrow(t *testing.T) {
	c := newClient(t, table.Settings{Batch: true, Parallelism: 1})
	mem := memory.DefaultAllocator
	ids := array.NewInt64Builder(mem)
	ids.AppendValues([]int64{1, 2, 3}, nil)
	names := array.NewLargeStringBuilder(mem)
	names.AppendValues([]string{"a", "b", ""}, []bool{true, true, false})
	ts := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Nanosecond})
	ts.AppendValues([]arrow.Timestamp{1_000_000_000, 2_000_000_000, 3_500_000_000}, nil)
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
	}, nil)
	rec := array.NewRecordBatch(sc, []arrow.Array{ids.NewArray(), names.NewArray(), ts.NewArray()}, 3)
	r, _ := c.ok("register_arrow", map[string]any{"name": "input", "temporary": true}, arrowStream(t, rec))
	if cols := colString(r); cols != "id BIGINT NOT NULL, name STRING?, ts TIMESTAMP(9)?" || r["rows"] != float64(3) {
		t.Errorf("register_arrow = %s %v", cols, r)
	}
	r, _ = c.ok("execute_sql", map[string]any{"statement": "SELECT id + 1, name, ts FROM input WHERE id > 1"})
	got := strings.Join(c.rows(r["result"], false), ",")
	if got != "3|b|1970-01-01T00:00:02,4|(null)|1970-01-01T00:00:03.5" {
		t.Errorf("rows = %s", got)
	}
	_, e, _ := c.call("register_arrow", map[string]any{"name": "input"}, arrowStream(t, rec))
	if e == nil || e.Type != TypeValidation {
		t.Errorf("duplicate table = %+v", e)
	}
}

func TestCreateFunctionHook(t *testing.T) {
	c := newClient(t, table.Settings{})
	params := map[string]any{"name": "f", "kind": "scalar", "input_types": []string{"INT"}, "result_type": "INT"}
	saved := RegisterPythonFunction
	defer func() { RegisterPythonFunction = saved }()
	RegisterPythonFunction = nil
	if _, e, _ := c.call("create_function", params, []byte("pickle")); e == nil || e.Type != TypeValidation {
		t.Errorf("without hook = %+v", e)
	}
	var got FunctionSpec
	RegisterPythonFunction = func(_ *table.Environment, s FunctionSpec) error { got = s; return nil }
	c.ok("create_function", params, []byte("pickle"))
	if got.Name != "f" || string(got.Payload) != "pickle" || got.ResultType != "INT" || got.FuncType != "general" {
		t.Errorf("spec = %+v", got)
	}
}

// BenchmarkRoundTrip measures a get_config call through the whole
// protocol over an in-memory pipe.
func BenchmarkRoundTrip(b *testing.B) {
	c := newClient(b, table.Settings{})
	params := map[string]any{"key": "parallelism.default"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.ok("get_config", params)
	}
}

// TestDisconnectCancelsJobs closes the connection while a wait on an
// unbounded job is in flight: the session must end and stop the job.
func TestDisconnectCancelsJobs(t *testing.T) {
	a, b := net.Pipe()
	srv := &Server{Settings: table.Settings{Parallelism: 1}}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(context.Background(), b) }()
	c := &client{t: t, c: newConn(a)}
	c.ok("execute_sql", map[string]any{"statement": "CREATE TABLE g (x INT) WITH ('connector' = 'datagen', 'rows-per-second' = '100')"})
	c.ok("execute_sql", map[string]any{"statement": "CREATE TABLE s (x INT) WITH ('connector' = 'blackhole')"})
	r, _ := c.ok("execute_sql", map[string]any{"statement": "INSERT INTO s SELECT x FROM g"})
	if r["bounded"] != false {
		t.Fatalf("INSERT = %v", r)
	}
	req, _ := json.Marshal(map[string]any{"id": 99, "method": "wait", "params": map[string]any{"result": r["result"]}})
	if err := c.c.writeFrame(req); err != nil {
		t.Fatal(err)
	}
	if err := c.c.flush(); err != nil {
		t.Fatal(err)
	}
	a.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end after the client disconnected")
	}
}

func TestWaitTimeout(t *testing.T) {
	c := newClient(t, table.Settings{Parallelism: 1})
	c.ok("execute_sql", map[string]any{"statement": "CREATE TABLE g (x INT) WITH ('connector' = 'datagen', 'rows-per-second' = '10')"})
	c.ok("execute_sql", map[string]any{"statement": "CREATE TABLE s (x INT) WITH ('connector' = 'blackhole')"})
	r, _ := c.ok("execute_sql", map[string]any{"statement": "INSERT INTO s SELECT x FROM g"})
	w, _ := c.ok("wait", map[string]any{"result": r["result"], "timeout_ms": 20})
	if w["done"] != false {
		t.Fatalf("wait on a running job = %v", w)
	}
	c.ok("cancel", map[string]any{"result": r["result"]})
	for i := 0; i < 2; i++ {
		_, e, _ := c.call("wait", map[string]any{"result": r["result"]})
		if e != nil && e.Type != TypeJob {
			t.Fatalf("wait after cancel = %+v", e)
		}
	}
}
