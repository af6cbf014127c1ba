package runtime

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/spry-engine/spry/state/checkpoint"
)

// TestCheckpointPebble checkpoints the aggregation on the pebble backend
// (its state as files, SSTables shared between checkpoints), restores it
// at the same and at another parallelism, and removes the local state
// directories at the end.
func TestCheckpointPebble(t *testing.T) {
	dir, stateDir := t.TempDir(), t.TempDir()
	cc := &CheckpointConfig{Interval: 30 * time.Millisecond, Dir: dir, Retained: 2}
	cfg := newSeq(3000)
	v := newView()
	job, err := Execute(context.Background(), aggJob(t, cfg, 2, v, 0), Options{Checkpoint: cc, StateBackend: "pebble", StateDir: stateDir})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "3 checkpoints", 20*time.Second, func() bool { return len(job.CheckpointStats()) >= 3 })
	sp, err := job.Savepoint(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	spView := v.snapshot()
	cancelAndWait(t, job)
	if cfg.read.Load() >= int64(cfg.splits*cfg.rows) {
		t.Fatal("the source read everything before the cancel")
	}
	if left, _ := os.ReadDir(stateDir); len(left) != 0 {
		t.Errorf("local state left behind: %v", left)
	}
	path := job.LatestCheckpoint()
	m, err := checkpoint.Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, o := range m.Operators {
		if o.Kind == checkpoint.KindFiles {
			for _, p := range o.Parts {
				files += len(p.Files)
			}
		}
	}
	m.Close()
	if files == 0 {
		t.Fatalf("no files in the pebble checkpoint %s", path)
	}
	before := v.snapshot()
	for _, p := range []int{2, 1, 4} {
		w := newView()
		for k, r := range before {
			w.rows[k] = r
		}
		cfg.read.Store(0)
		job, err := Execute(context.Background(), aggJob(t, cfg, p, w, 0), Options{RestoreFrom: path, StateBackend: "pebble", StateDir: stateDir})
		if err != nil {
			t.Fatal(err)
		}
		waitView(t, w, expectedView(cfg))
		cancelAndWait(t, job)
	}
	// The savepoint holds its SSTables itself: it restores from a copy.
	moved := filepath.Join(t.TempDir(), "sp")
	if out, err := exec.Command("cp", "-r", sp, moved).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	if err := os.RemoveAll(filepath.Dir(sp)); err != nil {
		t.Fatal(err)
	}
	w := newView()
	for k, r := range spView {
		w.rows[k] = r
	}
	job, err = Execute(context.Background(), aggJob(t, cfg, 2, w, 0), Options{RestoreFrom: moved, StateBackend: "pebble", StateDir: stateDir})
	if err != nil {
		t.Fatal(err)
	}
	waitView(t, w, expectedView(cfg))
	cancelAndWait(t, job)
	shared, _ := filepath.Glob(filepath.Join(dir, "*", checkpoint.SharedDir, "*", "*.sst"))
	t.Logf("%d shared SSTables", len(shared))
}
