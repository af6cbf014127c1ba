package filesystem

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	_ "github.com/spry-engine/spry/format/csv"
	_ "github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

var schema = types.NewSchema(types.Field{Name: "id", Type: types.BigInt}, types.Field{Name: "name", Type: types.String},
	types.Field{Name: "ts", Type: types.Timestamp(3)})

func batchOf(lo, hi int64) *types.Batch {
	bb := types.NewBatchBuilder(schema)
	for i := lo; i < hi; i++ {
		bb.Add(types.Insert, []any{i, "name, \"" + strings.Repeat("x", int(i%3)) + "\"", i * 1000})
	}
	return bb.Build()
}

// write runs par sink subtasks, subtask k writing ids [k*per, (k+1)*per).
func write(t *testing.T, opts map[string]string, par, per int) {
	t.Helper()
	ctx := context.Background()
	for k := 0; k < par; k++ {
		s, err := Factory.NewSink(&connector.Table{Name: "out", Schema: schema, Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Open(ctx, connector.Task{Subtask: k, Parallelism: par}); err != nil {
			t.Fatal(err)
		}
		lo := int64(k * per)
		for i := lo; i < lo+int64(per); i += 10 {
			if err := s.Write(ctx, batchOf(i, min(i+10, lo+int64(per)))); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
}

// read runs par source subtasks and returns all rows, rendered and sorted.
func read(t *testing.T, opts map[string]string, par int) ([]string, error) {
	t.Helper()
	ctx := context.Background()
	var out []string
	for k := 0; k < par; k++ {
		src, err := Factory.NewSource(&connector.Table{Name: "in", Schema: schema, Options: opts})
		if err != nil {
			return nil, err
		}
		if err := src.Open(ctx, connector.Task{Subtask: k, Parallelism: par, BatchSize: 16}); err != nil {
			return nil, err
		}
		for {
			b, err := src.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			for i := 0; i < b.Len(); i++ {
				r := b.Row(i)
				out = append(out, types.Format(r[0], types.BigInt, nil, "")+"|"+r[1].(string)+"|"+types.Format(r[2], types.Timestamp(3), nil, ""))
			}
		}
		src.Close()
	}
	sort.Strings(out)
	return out, nil
}

func TestRoundTrip(t *testing.T) {
	for _, fmtName := range []string{"csv", "json"} {
		t.Run(fmtName, func(t *testing.T) {
			dir := t.TempDir()
			opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: fmtName, OptRollingFileSize: "1kb"}
			if err := connector.ValidateTable(Factory, "out", opts); err != nil {
				t.Fatal(err)
			}
			write(t, opts, 3, 100)
			ents, _ := os.ReadDir(dir)
			parts := 0
			for _, e := range ents {
				if !strings.HasPrefix(e.Name(), "part-") {
					t.Errorf("unexpected file %s", e.Name())
				}
				parts++
			}
			if parts < 6 { // 3 subtasks, rolled at 1 KB
				t.Errorf("got %d part files, want rolling to make more than 6", parts)
			}
			// Readers skip hidden and underscore files.
			os.WriteFile(filepath.Join(dir, "_SUCCESS"), []byte("junk"), 0o644)
			os.WriteFile(filepath.Join(dir, ".part-x.inprogress"), []byte("junk"), 0o644)
			got, err := read(t, opts, 2)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := func() ([]string, error) {
				var w []string
				b := batchOf(0, 300)
				for i := 0; i < b.Len(); i++ {
					r := b.Row(i)
					w = append(w, types.Format(r[0], types.BigInt, nil, "")+"|"+r[1].(string)+"|"+types.Format(r[2], types.Timestamp(3), nil, ""))
				}
				sort.Strings(w)
				return w, nil
			}()
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("read back %d rows, want %d; first %q", len(got), len(want), got[:min(3, len(got))])
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "a.csv"), []byte("1,a,2020-01-01 00:00:00\nx,b,2020-01-01 00:00:00\n"), 0o644)
	_, err := read(t, map[string]string{OptPath: dir, OptFormat: "csv"}, 1)
	if err == nil || !strings.Contains(err.Error(), "a.csv:2: failed to deserialize CSV 'x,b,") {
		t.Errorf("got %v", err)
	}
	got, err := read(t, map[string]string{OptPath: filepath.Join(dir, "sub", "a.csv"), OptFormat: "csv", "csv.ignore-parse-errors": "true"}, 1)
	if err != nil || len(got) != 2 || !strings.HasPrefix(got[1], "|b|") { // a bad CSV field becomes NULL, as in Flink
		t.Errorf("ignore-parse-errors on a single file: %v %v", got, err)
	}
	if _, err := read(t, map[string]string{OptPath: filepath.Join(dir, "missing"), OptFormat: "csv"}, 1); err == nil {
		t.Error("missing path: no error")
	}
	if err := connector.ValidateTable(Factory, "t", map[string]string{OptPath: dir, OptFormat: "csv", "csv.bogus": "1"}); err == nil {
		t.Error("unknown format option accepted")
	}
	if err := connector.ValidateTable(Factory, "t", map[string]string{OptPath: dir, OptFormat: "avro9"}); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestSinkAbortAndChangelog(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, _ := Factory.NewSink(&connector.Table{Name: "out", Schema: schema, Options: map[string]string{OptPath: dir, OptFormat: "json"}})
	s.Open(ctx, connector.Task{Parallelism: 1})
	s.Write(ctx, batchOf(0, 5))
	bb := types.NewBatchBuilder(schema)
	bb.Add(types.Delete, []any{int64(1), "a", nil})
	if err := s.Write(ctx, bb.Build()); err == nil {
		t.Error("changelog row accepted")
	}
	s.Close() // no Finish: nothing may stay behind
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("aborted sink left %v", ents)
	}
}

func TestMonitor(t *testing.T) {
	dir := t.TempDir()
	opts := map[string]string{OptPath: dir, OptFormat: "json", OptMonitorInterval: "10ms"}
	if Factory.SourceBounded(opts) {
		t.Fatal("monitored source must be unbounded")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	src, _ := Factory.NewSource(&connector.Table{Name: "in", Schema: schema, Options: opts})
	if err := src.Open(ctx, connector.Task{Parallelism: 1, BatchSize: 10}); err != nil {
		t.Fatal(err)
	}
	if b, err := src.Next(ctx); b != nil || err != nil {
		t.Fatalf("empty dir: %v %v", b, err)
	}
	os.WriteFile(filepath.Join(dir, "new.json"), []byte(`{"id":7,"name":"n"}`+"\n"), 0o644)
	for {
		b, err := src.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b != nil {
			if b.Len() != 1 || b.Row(0)[0] != int64(7) {
				t.Fatalf("got %v", b.Row(0))
			}
			return
		}
	}
}

func TestParseMemorySize(t *testing.T) {
	for in, want := range map[string]int64{"128MB": 128 << 20, "64 kb": 64 << 10, "10": 10, "1g": 1 << 30} {
		if got, err := ParseMemorySize(in); err != nil || got != want {
			t.Errorf("%s: %d %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "mb", "12 parsecs"} {
		if _, err := ParseMemorySize(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
