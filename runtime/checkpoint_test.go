package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spry-engine/spry/state/checkpoint"
)

func newSeq(rows int) *seqConfig {
	return &seqConfig{splits: 4, rows: rows, batch: 20, pause: 2 * time.Millisecond, read: new(atomic.Int64)}
}

// runUntilCheckpoint starts aggJob and cancels it once n checkpoints
// completed, mid-stream; it returns the latest checkpoint's path.
func runUntilCheckpoint(t *testing.T, cfg *seqConfig, p int, v *view, cc *CheckpointConfig, n int) string {
	t.Helper()
	job, err := Execute(context.Background(), aggJob(t, cfg, p, v, 0), Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "checkpoints", 20*time.Second, func() bool {
		c := 0
		for _, s := range job.CheckpointStats() {
			if s.Err == nil {
				c++
			}
		}
		return c >= n
	})
	cancelAndWait(t, job)
	total := int64(cfg.splits * cfg.rows)
	if r := cfg.read.Load(); r >= total {
		t.Fatalf("the source read all %d rows before the cancel; make it slower", r)
	}
	path := job.LatestCheckpoint()
	if path == "" {
		t.Fatal("no latest checkpoint")
	}
	return path
}

// restoreAndFinish restores aggJob at parallelism p from path into v and
// waits for the failure-free result; it returns the restored job's stats.
func restoreAndFinish(t *testing.T, cfg *seqConfig, p int, v *view, cc *CheckpointConfig, path string) []CheckpointStats {
	t.Helper()
	cfg.read.Store(0)
	job, err := Execute(context.Background(), aggJob(t, cfg, p, v, 0), Options{Checkpoint: cc, RestoreFrom: path})
	if err != nil {
		t.Fatal(err)
	}
	defer cancelAndWait(t, job)
	if cc != nil && cc.Mode == AtLeastOnce {
		// Rows that overtook a barrier may count twice, never zero times.
		waitFor(t, "every key at least at its failure-free count", 20*time.Second, func() bool {
			return atLeast(v.snapshot(), expectedView(cfg))
		})
		return job.CheckpointStats()
	}
	waitView(t, v, expectedView(cfg))
	if r, total := cfg.read.Load(), int64(cfg.splits*cfg.rows); r >= total {
		t.Errorf("restored job read %d rows, want fewer than %d (positions not restored)", r, total)
	}
	if job.LatestCheckpoint() == "" {
		t.Error("LatestCheckpoint is empty after a restore")
	}
	return job.CheckpointStats()
}

// atLeast reports whether every key of want is in got with a count at
// least want's (views hold "[count sum]").
func atLeast(got, want map[string]string) bool {
	for k, w := range want {
		var gc, wc int64
		if _, err := fmt.Sscanf(got[k], "[%d", &gc); err != nil {
			return false
		}
		fmt.Sscanf(w, "[%d", &wc)
		if gc < wc {
			return false
		}
	}
	return true
}

func TestCheckpointPeriodic(t *testing.T) {
	dir := t.TempDir()
	cfg := newSeq(200)
	v := newView()
	cc := &CheckpointConfig{Interval: 30 * time.Millisecond, Dir: dir, JobID: "job1", Retained: 3}
	job, err := Execute(context.Background(), aggJob(t, cfg, 2, v, 0), Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	waitView(t, v, expectedView(cfg))
	waitFor(t, "3 checkpoints", 10*time.Second, func() bool { return len(job.CheckpointStats()) >= 3 })
	cancelAndWait(t, job)
	stats := job.CheckpointStats()
	for i, s := range stats {
		if s.Err != nil {
			t.Errorf("checkpoint %d failed: %v", s.ID, s.Err)
		}
		if i > 0 && s.ID <= stats[i-1].ID {
			t.Errorf("ids not increasing: %d after %d", s.ID, stats[i-1].ID)
		}
		if s.Size <= 0 {
			t.Errorf("checkpoint %d has size %d", s.ID, s.Size)
		}
	}
	last := job.LatestCheckpoint()
	if want := filepath.Join(dir, "job1", "chk-"); !strings.HasPrefix(last, want) {
		t.Errorf("latest checkpoint %q, want under %s", last, want)
	}
	m, err := checkpoint.Load(context.Background(), last)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	kinds := map[string]int{}
	for _, o := range m.Operators {
		kinds[o.Kind] += len(o.Parts)
	}
	if kinds[checkpoint.KindKeyed] != 2 || kinds[checkpoint.KindOperator] != 2 {
		t.Errorf("checkpoint parts by kind %v, want 2 keyed (aggregation) and 2 operator (source)", kinds)
	}
	if got := job.Metrics().Total("numberOfCompletedCheckpoints"); got < 3 {
		t.Errorf("numberOfCompletedCheckpoints = %d", got)
	}
	if l, err := checkpoint.Latest(context.Background(), dir); err != nil || l != last {
		t.Errorf("Latest(%s) = %q, %v; want %q", dir, l, err, last)
	}
}

func TestCheckpointRestoreAfterCancel(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  bool
		mode CheckpointingMode
	}{
		{"file", true, ExactlyOnce},
		{"memory", false, ExactlyOnce},
		{"at-least-once", true, AtLeastOnce},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := &CheckpointConfig{Interval: 30 * time.Millisecond, Mode: tc.mode}
			if tc.dir {
				cc.Dir = t.TempDir()
			}
			cfg := newSeq(1000)
			v := newView()
			path := runUntilCheckpoint(t, cfg, 2, v, cc, 2)
			m, err := checkpoint.Load(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			m.Close()
			stats := restoreAndFinish(t, cfg, 2, v, cc, path)
			if len(stats) > 0 && stats[0].ID <= m.CheckpointID {
				t.Errorf("restored job's first checkpoint %d, want after the restored %d", stats[0].ID, m.CheckpointID)
			}
		})
	}
}

func TestCheckpointRescale(t *testing.T) {
	cc := &CheckpointConfig{Interval: 30 * time.Millisecond, Dir: t.TempDir()}
	cfg := newSeq(1000)
	v := newView()
	path := runUntilCheckpoint(t, cfg, 2, v, cc, 2)
	before := v.snapshot()
	for _, p := range []int{1, 4} {
		w := newView()
		for k, r := range before {
			w.rows[k] = r
		}
		restoreAndFinish(t, cfg, p, w, &CheckpointConfig{Interval: 30 * time.Millisecond, Dir: t.TempDir()}, path)
	}
}

func TestCheckpointTimeout(t *testing.T) {
	cfg := newSeq(300)
	v := newView()
	cc := &CheckpointConfig{Interval: 20 * time.Millisecond, Timeout: 40 * time.Millisecond, Dir: t.TempDir()}
	job, err := Execute(context.Background(), aggJob(t, cfg, 1, v, 150*time.Millisecond), Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a failed checkpoint", 10*time.Second, func() bool { return job.Metrics().Total("numberOfFailedCheckpoints") > 0 })
	waitView(t, v, expectedView(cfg)) // the job keeps running
	cancelAndWait(t, job)
	var expired bool
	for _, s := range job.CheckpointStats() {
		expired = expired || errors.Is(s.Err, ErrCheckpointExpired)
	}
	if !expired {
		t.Errorf("no checkpoint expired: %+v", job.CheckpointStats())
	}
}

func TestCheckpointRetention(t *testing.T) {
	dir := t.TempDir()
	cfg := newSeq(1000)
	v := newView()
	cc := &CheckpointConfig{Interval: 20 * time.Millisecond, Dir: dir, JobID: "j", Retained: 2}
	job, err := Execute(context.Background(), aggJob(t, cfg, 1, v, 0), Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "5 checkpoints", 20*time.Second, func() bool { return len(job.CheckpointStats()) >= 5 })
	cancelAndWait(t, job)
	time.Sleep(50 * time.Millisecond) // retention runs after completion
	ms, _ := filepath.Glob(filepath.Join(dir, "j", "chk-*", checkpoint.MetadataFile))
	if len(ms) != 2 {
		t.Errorf("%d completed checkpoints kept (%v), want 2", len(ms), ms)
	}

	// A restarted run of the same job id takes the earlier run's
	// checkpoints over: ids continue, retention covers them.
	last := job.LatestCheckpoint()
	cfg.read.Store(0)
	job, err = Execute(context.Background(), aggJob(t, cfg, 1, v, 0), Options{Checkpoint: cc, RestoreFrom: last})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "3 more checkpoints", 20*time.Second, func() bool { return len(job.CheckpointStats()) >= 3 })
	cancelAndWait(t, job)
	ms, _ = filepath.Glob(filepath.Join(dir, "j", "chk-*", checkpoint.MetadataFile))
	if len(ms) != 2 {
		t.Errorf("after the restart: %d completed checkpoints kept (%v), want 2", len(ms), ms)
	}
	if _, err := os.Stat(last); !os.IsNotExist(err) {
		t.Errorf("the restored checkpoint %s was not subsumed: %v", last, err)
	}
}

func TestSavepointSelfContained(t *testing.T) {
	cfg := newSeq(1000)
	v := newView()
	// Checkpoints in memory: a savepoint must not depend on them.
	job, err := Execute(context.Background(), aggJob(t, cfg, 2, v, 0), Options{Checkpoint: &CheckpointConfig{Interval: 25 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "rows", 10*time.Second, func() bool { return cfg.read.Load() > 500 })
	spDir := t.TempDir()
	path, err := job.Savepoint(context.Background(), spDir)
	if err != nil {
		t.Fatal(err)
	}
	cancelAndWait(t, job)
	if !strings.HasPrefix(filepath.Base(path), "savepoint-") {
		t.Errorf("savepoint path %q", path)
	}
	moved := filepath.Join(t.TempDir(), "moved")
	if out, err := exec.Command("cp", "-r", path, moved).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	if err := os.RemoveAll(spDir); err != nil {
		t.Fatal(err)
	}
	restoreAndFinish(t, cfg, 2, v, nil, filepath.Join(moved, checkpoint.MetadataFile))
}

func TestStopWithSavepoint(t *testing.T) {
	cfg := newSeq(1000)
	v := newView()
	job, err := Execute(context.Background(), aggJob(t, cfg, 1, v, 0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "rows", 10*time.Second, func() bool { return cfg.read.Load() > 300 })
	path, err := job.StopWithSavepoint(context.Background(), t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	<-job.Done()
	restoreAndFinish(t, cfg, 1, v, nil, path)
}

func TestRestoreErrors(t *testing.T) {
	ctx := context.Background()
	cfg := newSeq(10)
	_, err := Execute(ctx, aggJob(t, cfg, 1, newView(), 0), Options{RestoreFrom: filepath.Join(t.TempDir(), "chk-1")})
	if !errors.Is(err, checkpoint.ErrNotFound) {
		t.Errorf("missing checkpoint: %v, want ErrNotFound", err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, checkpoint.MetadataFile), []byte("{"), 0o644)
	if _, err := Execute(ctx, aggJob(t, cfg, 1, newView(), 0), Options{RestoreFrom: bad}); !errors.Is(err, checkpoint.ErrCorrupt) {
		t.Errorf("corrupt checkpoint: %v, want ErrCorrupt", err)
	}

	// A checkpoint whose aggregation the new job does not have.
	big := newSeq(1000)
	path := runUntilCheckpoint(t, big, 1, newView(), &CheckpointConfig{Interval: 20 * time.Millisecond, Dir: t.TempDir()}, 1)
	g := aggJob(t, big, 1, newView(), 0)
	g.Vertices[1].ID, g.Edges[0].To, g.Edges[1].From = 7, 7, 7
	_, err = Execute(ctx, g, Options{RestoreFrom: path})
	if err == nil || !strings.Contains(err.Error(), "GroupAggregate") && !strings.Contains(err.Error(), "Agg") {
		t.Errorf("unmatched operator: %v, want an error naming the aggregation", err)
	}
	job, err := Execute(ctx, g, Options{RestoreFrom: path, AllowNonRestoredState: true})
	if err != nil {
		t.Fatalf("with AllowNonRestoredState: %v", err)
	}
	cancelAndWait(t, job)
}

// TestCheckpointBoundedJob checkpoints a job whose sources end: it
// finishes normally, and checkpoints taken after a source ended store
// that source's final position.
func TestCheckpointBoundedJob(t *testing.T) {
	cfg := newSeq(300)
	cfg.bounded = true
	v := newView()
	cc := &CheckpointConfig{Interval: 10 * time.Millisecond, Dir: t.TempDir()}
	job, err := Execute(context.Background(), aggJob(t, cfg, 3, v, 0), Options{Checkpoint: cc})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-job.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("bounded job did not end")
	}
	if err := job.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, want := v.snapshot(), expectedView(cfg); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("view %v, want %v", got, want)
	}
	for _, s := range job.CheckpointStats() {
		if s.Err != nil && !strings.Contains(s.Err.Error(), "job ended") {
			t.Errorf("checkpoint %d failed: %v", s.ID, s.Err)
		}
	}
}
