package filesystem

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/spry-engine/spry/connector"
)

// TestOverwrite checks INSERT OVERWRITE: the files there before the job are
// removed when it finishes, while the files of all its subtasks (even one
// that finished before another opened) stay.
func TestOverwrite(t *testing.T) {
	dir := t.TempDir()
	opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv"}
	write(t, opts, 1, 5) // an earlier job's data
	old := filepath.Join(dir, "old-file.csv")
	if err := os.WriteFile(old, []byte("99,x,1970-01-01 00:00:00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	hidden := filepath.Join(dir, "_SUCCESS")
	os.WriteFile(hidden, nil, 0o644)

	ctx := context.Background()
	tbl := &connector.Table{Name: "out", Schema: schema, Options: opts, Overwrite: true}
	for k := 0; k < 2; k++ { // subtask 0 finishes before subtask 1 opens
		s, err := Factory.NewSink(tbl)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Open(ctx, connector.Task{Subtask: k, Parallelism: 2}); err != nil {
			t.Fatal(err)
		}
		if err := s.Write(ctx, batchOf(int64(100+k*10), int64(103+k*10))); err != nil {
			t.Fatal(err)
		}
		if err := s.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	got, err := read(t, opts, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Errorf("read %d rows after overwrite, want the 6 new ones: %q", len(got), got)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old file survived the overwrite (stat: %v)", err)
	}
	if _, err := os.Stat(hidden); err != nil {
		t.Errorf("hidden file removed: %v", err)
	}
}
