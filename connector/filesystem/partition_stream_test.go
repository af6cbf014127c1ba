package filesystem_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/spry-engine/spry/connector/all"
	"github.com/spry-engine/spry/table"
)

// TestStreamingPartitionTimeCommit runs a streaming INSERT into a
// partitioned table: a partition gets its success file while the job
// runs, once the watermark passes the partition's time, and not before.
func TestStreamingPartitionTimeCommit(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	e := table.NewEnvironment(table.Settings{Parallelism: 1})
	ctx := context.Background()
	for _, stmt := range []string{
		`CREATE TABLE src (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem',
			'path' = '` + in + `', 'format' = 'csv', 'source.monitor-interval' = '20 ms')`,
		`CREATE TABLE sink (id BIGINT, dt STRING, hr STRING) PARTITIONED BY (dt, hr) WITH ('connector' = 'filesystem',
			'path' = '` + out + `', 'format' = 'csv', 'sink.partition-commit.trigger' = 'partition-time',
			'partition.time-extractor.timestamp-pattern' = '$dt $hr:00:00', 'sink.partition-commit.delay' = '1 h',
			'sink.partition-commit.policy.kind' = 'success-file')`,
	} {
		if _, err := e.ExecuteSQL(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.ExecuteSQL(ctx, `INSERT INTO sink SELECT id, DATE_FORMAT(ts, 'yyyy-MM-dd'), DATE_FORMAT(ts, 'HH') FROM src`)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Cancel()
	success := func(hr string) bool {
		_, err := os.Stat(filepath.Join(out, "dt=2024-01-01", "hr="+hr, "_SUCCESS"))
		return err == nil
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	write := func(name, rows string) {
		tmp := filepath.Join(in, "."+name)
		if err := os.WriteFile(tmp, []byte(rows), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(in, name)); err != nil {
			t.Fatal(err)
		}
	}
	write("a.csv", "1,2024-01-01 10:05:00\n2,2024-01-01 10:50:00\n")
	waitFor("the first rows", func() bool {
		m, _ := filepath.Glob(filepath.Join(out, "dt=2024-01-01", "hr=10", ".part-*"))
		return len(m) > 0
	})
	time.Sleep(100 * time.Millisecond)
	if success("10") {
		t.Fatal("hr=10 committed before the watermark passed 10:00 + 1 h")
	}
	write("b.csv", "3,2024-01-01 11:10:00\n")
	waitFor("hr=10 committed", func() bool { return success("10") })
	if m, _ := filepath.Glob(filepath.Join(out, "dt=2024-01-01", "hr=10", "part-*")); len(m) != 1 {
		t.Errorf("committed partition holds %d visible part files, want 1", len(m))
	}
	if success("11") {
		t.Error("hr=11 committed before the watermark passed 11:00 + 1 h")
	}
}
