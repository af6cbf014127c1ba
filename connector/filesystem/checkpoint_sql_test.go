package filesystem_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/spry-engine/spry/connector/all"
	"github.com/spry-engine/spry/table"
)

// TestExactlyOnceFilesSQL: a checkpointed job writes a paced sequence into
// small rolling part files and fails once on the way; restarted from its
// latest checkpoint (the datagen source resumes, the sink commits the
// checkpoint's files and cuts its in-progress file back), the visible
// files hold each row exactly once, and no in-progress file is visible.
func TestExactlyOnceFilesSQL(t *testing.T) {
	out := t.TempDir()
	e := table.NewEnvironment(table.Settings{Parallelism: 2})
	ctx := context.Background()
	var failed atomic.Int32
	if err := e.RegisterFunction("failonce", func(v int64) (int64, error) {
		if v == 1500 && failed.CompareAndSwap(0, 1) {
			return 0, fmt.Errorf("injected failure at %d", v)
		}
		return v, nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`SET 'execution.checkpointing.interval' = '20 ms'`,
		`SET 'restart-strategy.type' = 'fixed-delay'`,
		`SET 'restart-strategy.fixed-delay.attempts' = '2'`,
		`SET 'restart-strategy.fixed-delay.delay' = '0 ms'`,
		`CREATE TABLE src (id BIGINT, v STRING) WITH ('connector' = 'datagen', 'rows-per-second' = '4000',
			'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '2000', 'fields.v.length' = '5')`,
		`CREATE TABLE dst (id BIGINT, v STRING) WITH ('connector' = 'filesystem', 'path' = '` + out + `',
			'format' = 'csv', 'sink.rolling-policy.file-size' = '2kb')`,
	} {
		if _, err := e.ExecuteSQL(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	r, err := e.ExecuteSQL(ctx, `INSERT INTO dst SELECT failonce(id), v FROM src`)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	if failed.Load() != 1 {
		t.Fatal("the injected failure did not happen")
	}
	files, err := filepath.Glob(filepath.Join(out, "part-*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			id, _, _ := strings.Cut(line, ",")
			seen[id]++
		}
	}
	for i := 1; i <= 2000; i++ {
		if n := seen[fmt.Sprint(i)]; n != 1 {
			var where []string
			for _, f := range files {
				b, _ := os.ReadFile(f)
				if strings.HasPrefix(string(b), fmt.Sprint(i)+",") || strings.Contains(string(b), "\n"+fmt.Sprint(i)+",") {
					where = append(where, filepath.Base(f))
				}
			}
			t.Fatalf("row %d is %d times in the %d visible files (in %v)", i, n, len(files), where)
		}
	}
	if len(seen) != 2000 || len(files) < 4 {
		t.Fatalf("%d distinct rows in %d files, want 2000 rows in rolled files", len(seen), len(files))
	}
}

// TestPartitionCommitOnCheckpointSQL: in a checkpointed streaming job the
// process-time partition commit happens at checkpoints: each partition's
// success file appears while the job runs, beside visible part files.
func TestPartitionCommitOnCheckpointSQL(t *testing.T) {
	out := t.TempDir()
	e := table.NewEnvironment(table.Settings{Parallelism: 2})
	ctx := context.Background()
	for _, stmt := range []string{
		`SET 'execution.checkpointing.interval' = '20 ms'`,
		`CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000',
			'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100000000')`,
		`CREATE TABLE dst (id BIGINT, p STRING) PARTITIONED BY (p) WITH ('connector' = 'filesystem', 'path' = '` + out + `',
			'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.delay' = '0 s',
			'sink.rolling-policy.check-interval' = '10 ms')`,
	} {
		if _, err := e.ExecuteSQL(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	r, err := e.ExecuteSQL(ctx, `INSERT INTO dst SELECT id, CAST(id % 3 AS STRING) FROM src`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		r.Cancel()
		r.Wait() //nolint:errcheck // cancelled: the job stops writing before the directory is removed
	}()
	deadline := time.Now().Add(20 * time.Second)
	for p := 0; p < 3; p++ {
		dir := filepath.Join(out, fmt.Sprintf("p=%d", p))
		for {
			_, err := os.Stat(filepath.Join(dir, "_SUCCESS"))
			parts, _ := filepath.Glob(filepath.Join(dir, "part-*"))
			if err == nil && len(parts) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("partition p=%d not committed while the job runs (success file: %v, %d visible part files)", p, err, len(parts))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
