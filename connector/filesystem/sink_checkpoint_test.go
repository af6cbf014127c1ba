package filesystem

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
)

// kvBatch rows are csv lines "<id>,name...,<ts>"; visibleIDs reads back
// the ids of the visible part files.
func ckptSink(t *testing.T, dir string, opts ...string) connector.Sink {
	t.Helper()
	o := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "json"}
	for i := 0; i+1 < len(opts); i += 2 {
		o[opts[i]] = opts[i+1]
	}
	s, err := Factory.NewSink(&connector.Table{Name: "t", Schema: schema, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background(), connector.Task{Parallelism: 1, Checkpointing: true}); err != nil {
		t.Fatal(err)
	}
	return s
}

// visible returns the sorted lines of the visible files under dir and the
// number of those files.
func visible(t *testing.T, dir string) ([]string, int) {
	t.Helper()
	files, err := listFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range files {
		if filepath.Base(f) == "_SUCCESS" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
	}
	sort.Strings(lines)
	return lines, len(files)
}

// wantLines is what batchOf(lo, hi) writes, sorted.
func wantLines(t *testing.T, lo, hi int64) []string {
	dir := t.TempDir()
	s := ckptSink(t, dir)
	ctx := context.Background()
	if err := s.Write(ctx, batchOf(lo, hi)); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := visible(t, dir)
	return got
}

func writeRows(t *testing.T, s connector.Sink, lo, hi int64) {
	t.Helper()
	if err := s.Write(context.Background(), batchOf(lo, hi)); err != nil {
		t.Fatal(err)
	}
}

func pre(t *testing.T, s connector.Sink, id int64) []byte {
	t.Helper()
	st, err := s.(connector.CheckpointedSink).PreCommit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func commit(t *testing.T, s connector.Sink, id int64) {
	t.Helper()
	if err := s.(connector.CheckpointedSink).Commit(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

func restore(t *testing.T, s connector.Sink, id int64, states ...[]byte) {
	t.Helper()
	if err := s.(connector.CheckpointedSink).Restore(context.Background(), id, states); err != nil {
		t.Fatal(err)
	}
}

func same(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// TestInProgressTruncatedOnRestore: the open part file is not rolled at a
// checkpoint; a crash after more rows reached it, a restore cuts it back
// to the checkpoint's length and commits it, and the replay writes the
// rest once.
func TestInProgressTruncatedOnRestore(t *testing.T) {
	dir := t.TempDir()
	a := ckptSink(t, dir)
	writeRows(t, a, 0, 10)
	st := pre(t, a, 1)
	writeRows(t, a, 10, 20)
	pre(t, a, 2) // never completes
	writeRows(t, a, 20, 25)
	commit(t, a, 1)
	if got, n := visible(t, dir); n != 0 {
		t.Fatalf("the in-progress file became visible: %d files, %d rows", n, len(got))
	}
	// The process dies: no Close, no more commits.
	for i := 0; i < 2; i++ { // a restore repeated after another failure changes nothing
		b := ckptSink(t, dir)
		restore(t, b, 1, st)
		if got, want := mustVisible(t, dir), wantLines(t, 0, 10); !same(got, want) {
			t.Fatalf("after restore %d: %d rows visible, want the %d of checkpoint 1", i, len(got), len(want))
		}
		b.Close()
	}
	b := ckptSink(t, dir)
	restore(t, b, 1, st)
	writeRows(t, b, 10, 25)
	if err := b.Finish(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := mustVisible(t, dir), wantLines(t, 0, 25); !same(got, want) {
		t.Fatalf("after the replay: %d rows, want %d exactly once", len(got), len(want))
	}
}

func mustVisible(t *testing.T, dir string) []string {
	got, _ := visible(t, dir)
	return got
}

// TestRolledFilesWaitForCheckpoint: rolled files stay hidden until the
// checkpoint after their roll completes; files of a failed run that no
// completed checkpoint names never appear.
func TestRolledFilesWaitForCheckpoint(t *testing.T) {
	dir := t.TempDir()
	a := ckptSink(t, dir, OptRollingFileSize, "100b")
	writeRows(t, a, 0, 20) // rolls every few rows
	if got, _ := visible(t, dir); len(got) != 0 {
		t.Fatalf("%d rows visible before any checkpoint", len(got))
	}
	st1 := pre(t, a, 1)
	writeRows(t, a, 20, 40)
	commit(t, a, 1)
	after1 := mustVisible(t, dir)
	if len(after1) == 0 || len(after1) > 20 {
		t.Fatalf("after checkpoint 1: %d rows visible, want the rolled files of rows 0..19", len(after1))
	}
	pre(t, a, 2)
	writeRows(t, a, 40, 50)
	a.Close() // the job fails before checkpoint 2 completes
	b := ckptSink(t, dir, OptRollingFileSize, "100b")
	restore(t, b, 1, st1)
	if got, want := mustVisible(t, dir), wantLines(t, 0, 20); !same(got, want) {
		t.Fatalf("after restoring checkpoint 1: %d rows visible, want rows 0..19 (%d)", len(got), len(want))
	}
	writeRows(t, b, 20, 50)
	if err := b.Finish(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := mustVisible(t, dir), wantLines(t, 0, 50); !same(got, want) {
		t.Fatalf("after the replay: %d rows, want %d exactly once", len(got), len(want))
	}
}

// TestTimeRolling: the rollover interval rolls on a write, the inactivity
// interval at a checkpoint.
func TestTimeRolling(t *testing.T) {
	clock := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	timeNow = func() time.Time { return clock }
	defer func() { timeNow = time.Now }()
	dir := t.TempDir()
	a := ckptSink(t, dir, OptRolloverInterval, "10 min", OptInactivityInterval, "1 min")
	writeRows(t, a, 0, 1)
	clock = clock.Add(30 * time.Second)
	writeRows(t, a, 1, 2)
	clock = clock.Add(50 * time.Second)
	writeRows(t, a, 2, 3) // 50 s since the last row: no roll
	pre(t, a, 1)
	commit(t, a, 1)
	if _, n := visible(t, dir); n != 0 {
		t.Fatalf("%d files visible, want none rolled yet", n)
	}
	clock = clock.Add(61 * time.Second)
	pre(t, a, 2) // inactive for more than a minute
	commit(t, a, 2)
	if got, n := visible(t, dir); n != 1 || len(got) != 3 {
		t.Fatalf("after inactivity: %d files with %d rows, want 1 with 3", n, len(got))
	}
	for i := 0; i < 14; i++ { // 650 s after the file opened: rolled before the last row
		clock = clock.Add(50 * time.Second)
		writeRows(t, a, int64(3+i), int64(4+i))
	}
	pre(t, a, 3)
	commit(t, a, 3)
	if _, n := visible(t, dir); n != 2 {
		t.Fatalf("after 10 min of rows: %d files, want the second rolled by the rollover interval", n)
	}
}

// TestPartitionCommitOnCheckpoint: a due partition is rolled at the
// checkpoint and committed (files renamed, success file) when it
// completes, or by a restored job.
func TestPartitionCommitOnCheckpoint(t *testing.T) {
	for _, crash := range []bool{false, true} {
		dir := t.TempDir()
		opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv",
			OptCommitPolicyKind: "success-file", OptCommitDelay: "0 s", OptRollingCheck: "0 s"}
		open := func() connector.Sink {
			s, err := Factory.NewSink(partTable(opts, false))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Open(context.Background(), connector.Task{Parallelism: 1, Checkpointing: true}); err != nil {
				t.Fatal(err)
			}
			return s
		}
		a := open()
		if err := a.Write(context.Background(), partBatch([]partRow{{1, "d1", "a", int32(1)}, {2, "d1", "b", int32(2)}})); err != nil {
			t.Fatal(err)
		}
		done := filepath.Join(dir, "dt=d1", "hr=1", "_SUCCESS")
		if _, err := os.Stat(done); err == nil {
			t.Fatal("committed before a checkpoint")
		}
		st := pre(t, a, 1)
		if _, err := os.Stat(done); err == nil {
			t.Fatal("committed before the checkpoint completed")
		}
		if crash {
			restore(t, open(), 1, st)
		} else {
			commit(t, a, 1)
		}
		if _, err := os.Stat(done); err != nil {
			t.Fatalf("crash %v: partition not committed: %v", crash, err)
		}
		if got := readParts(t, partTable(opts, false), []int{0}, 1); strings.Join(got, ",") != "1,2" {
			t.Errorf("crash %v: committed data = %q, want rows 1 and 2", crash, got)
		}
	}
}

// TestPartitionTimeCommitOnCheckpoint: with checkpoints, a partition the
// watermark passed is committed when the next checkpoint completes, not
// when the watermark arrives.
func TestPartitionTimeCommitOnCheckpoint(t *testing.T) {
	dir := t.TempDir()
	opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv", OptCommitPolicyKind: "success-file",
		OptCommitTrigger: "partition-time", OptCommitDelay: "1 h", OptExtractorPattern: "$dt $hr:00:00", OptExtractorFormatter: "yyyy-MM-dd H:mm:ss"}
	ctx := context.Background()
	s, err := Factory.NewSink(partTable(opts, false))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Open(ctx, connector.Task{Parallelism: 1, Checkpointing: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, partBatch([]partRow{{1, "2024-01-01", "a", int32(1)}, {2, "2024-01-01", "b", int32(2)}})); err != nil {
		t.Fatal(err)
	}
	at := func(hh, mm int) int64 { return time.Date(2024, 1, 1, hh, mm, 0, 0, time.UTC).UnixMicro() }
	success := func(hr string) bool {
		_, err := os.Stat(filepath.Join(dir, "dt=2024-01-01", "hr="+hr, "_SUCCESS"))
		return err == nil
	}
	for i, step := range []struct {
		wm       int64
		hr1, hr2 bool
	}{
		{at(1, 59), false, false},
		{at(2, 1), true, false},
		{at(3, 30), true, true},
	} {
		if err := s.(connector.WatermarkSink).WriteWatermark(ctx, step.wm); err != nil {
			t.Fatal(err)
		}
		if success("1") != (step.hr1 && i > 1) || success("2") {
			t.Fatalf("watermark %d: a partition was committed before the checkpoint", i)
		}
		pre(t, s, int64(i+1))
		commit(t, s, int64(i+1))
		if success("1") != step.hr1 || success("2") != step.hr2 {
			t.Errorf("checkpoint %d: committed hr=1 %v hr=2 %v, want %v %v", i+1, success("1"), success("2"), step.hr1, step.hr2)
		}
	}
	if got := readParts(t, partTable(opts, false), []int{0}, 1); strings.Join(got, ",") != "1,2" {
		t.Errorf("committed data = %q", got)
	}
}
