package runtime

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// formatV1 is the committed savepoint of aggJob (4 splits of 1000 rows,
// parallelism 2) that every engine of format version 1 must restore.
const formatV1 = "../state/checkpoint/testdata/format-v1"

// TestWriteFormatTestdata rewrites formatV1; run it only when the format
// version changes: SPRY_UPDATE_TESTDATA=1 go test ./runtime -run TestWriteFormatTestdata
func TestWriteFormatTestdata(t *testing.T) {
	if os.Getenv("SPRY_UPDATE_TESTDATA") == "" {
		t.Skip("set SPRY_UPDATE_TESTDATA=1 to rewrite " + formatV1)
	}
	cfg := newSeq(1000)
	job, err := Execute(context.Background(), aggJob(t, cfg, 2, newView(), 0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "rows", 10*time.Second, func() bool { return cfg.read.Load() > 1000 })
	path, err := job.Savepoint(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cancelAndWait(t, job)
	if err := os.RemoveAll(formatV1); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-r", path, formatV1).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
}

// TestRestoreFormatV1 restores the committed savepoint: operator state
// written by an earlier engine of the same format version must give the
// failure-free result.
func TestRestoreFormatV1(t *testing.T) {
	if _, err := os.Stat(filepath.Join(formatV1, "_metadata")); err != nil {
		t.Fatal(err)
	}
	cfg := newSeq(1000)
	v := newView()
	restoreAndFinish(t, cfg, 2, v, nil, formatV1)
	// The view only holds what the restored run emitted: every key is
	// updated after the savepoint, so each shows its final value.
}
