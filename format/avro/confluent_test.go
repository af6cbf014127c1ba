package avro

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/formattest"
	"github.com/spry-engine/spry/types"
)

// fakeRegistry is the part of the Confluent Schema Registry API the
// format calls, in memory.
type fakeRegistry struct {
	mu       sync.Mutex
	schemas  []string // id = index + 1
	subjects map[string][]int
	gets     int
	auth     string
}

func (f *fakeRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = r.Header.Get("Authorization")
	w.Header().Set("Content-Type", registryContentType)
	switch {
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/subjects/"):
		subject := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/subjects/"), "/versions")
		body, _ := io.ReadAll(r.Body)
		var req struct{ Schema string }
		if json.Unmarshal(body, &req) != nil || req.Schema == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"error_code":42201,"message":"Invalid schema"}`))
			return
		}
		id := 0
		for i, s := range f.schemas {
			if s == req.Schema {
				id = i + 1
			}
		}
		if id == 0 {
			f.schemas = append(f.schemas, req.Schema)
			id = len(f.schemas)
		}
		f.subjects[subject] = append(f.subjects[subject], id)
		_ = json.NewEncoder(w).Encode(map[string]int{"id": id})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/schemas/ids/"):
		f.gets++
		var id int
		_ = json.Unmarshal([]byte(strings.TrimPrefix(r.URL.Path, "/schemas/ids/")), &id)
		if id < 1 || id > len(f.schemas) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error_code":40403,"message":"Schema not found"}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"schema": f.schemas[id-1]})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func TestConfluentRoundTrip(t *testing.T) {
	fake := &fakeRegistry{subjects: map[string][]int{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	// An unrelated schema first, so the table's id is 2.
	fake.schemas = append(fake.schemas, `"string"`)
	opts := map[string]string{OptURL: srv.URL + "/", OptSubject: "orders-value", OptBasicAuthUserInfo: "u:secret"}
	e, err := NewConfluentEncoder(wide, opts)
	if err != nil {
		t.Fatal(err)
	}
	if ids := fake.subjects["orders-value"]; len(ids) != 1 || ids[0] != 2 {
		t.Fatalf("registered ids %v, want [2]", ids)
	}
	if !strings.HasPrefix(fake.auth, "Basic ") {
		t.Errorf("no basic auth sent: %q", fake.auth)
	}
	b := batchFromJSON(t, wide, wideJSON)
	recs := encodeAll(t, e, b)
	if recs[0][:5] != "\x00\x00\x00\x00\x02" {
		t.Fatalf("wire header %x, want 0000000002", recs[0][:5])
	}
	got, err := formattest.Decode(t, wide, opts, NewConfluentDecoder, recs...)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(formattest.Rows(b), "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(formattest.Rows(b), "\n"))
	}
	if fake.gets != 1 {
		t.Errorf("fetched the writer schema %d times, want once", fake.gets)
	}
}

func TestConfluentErrors(t *testing.T) {
	fake := &fakeRegistry{subjects: map[string][]int{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	s := types.NewSchema(types.Field{Name: "id", Type: types.Int})
	opts := map[string]string{OptURL: srv.URL, OptBasicAuthUserInfo: "user:hunter2"}
	for _, tc := range []struct {
		name string
		rec  string
		want string
	}{
		{"no magic byte", "\x01\x00\x00\x00\x01\x02", "unknown magic byte"},
		{"short", "\x00\x00", "unknown magic byte"},
		{"unknown id", "\x00\x00\x00\x00\x07\x02", "GET returned 404 Not Found: Schema not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := formattest.Decode(t, s, opts, NewConfluentDecoder, tc.rec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("password in error: %v", err)
			}
		})
	}
	if _, err := NewConfluentEncoder(s, map[string]string{OptURL: srv.URL}); err == nil || !strings.Contains(err.Error(), "option 'subject' is required") {
		t.Errorf("missing subject: got %v", err)
	}
	_, err := NewConfluentEncoder(s, map[string]string{OptURL: "http://127.0.0.1:1", OptSubject: "x"})
	if err == nil || !strings.Contains(err.Error(), "schema registry http://127.0.0.1:1/subjects/x/versions: POST failed") {
		t.Errorf("unreachable registry: got %v", err)
	}
	if _, err := format.Lookup(ConfluentName); err != nil {
		t.Error(err)
	}
}
