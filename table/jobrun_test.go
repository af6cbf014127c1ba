package table

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncBuffer is a log sink safe for the job goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// ftEnv is a one-core session whose logs go to the returned buffer.
func ftEnv(t *testing.T, cfg map[string]string) (*Environment, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	env := NewEnvironment(Settings{Parallelism: 1, Config: cfg, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	return env, logs
}

// failFirst returns a UDF passing its argument through that fails the
// first time (only) it sees at.
func failFirst(at int64) (func(int64) (int64, error), *atomic.Int32) {
	var failures atomic.Int32
	var failed atomic.Bool
	return func(v int64) (int64, error) {
		if v == at && failed.CompareAndSwap(false, true) {
			failures.Add(1)
			return 0, fmt.Errorf("injected failure at %d", v)
		}
		return v, nil
	}, &failures
}

func jobStatus(t *testing.T, env *Environment, id string) JobInfo {
	t.Helper()
	for _, j := range env.Jobs() {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("job %s not in %v", id, env.Jobs())
	return JobInfo{}
}

func TestRestartLoopFailsOnce(t *testing.T) {
	env, logs := ftEnv(t, map[string]string{KeyRestartStrategy: "fixed-delay", KeyFixedDelayAttempts: "2", KeyFixedDelayDelay: "0 ms"})
	fn, failures := failFirst(3)
	if err := env.RegisterFunction("failonce", fn); err != nil {
		t.Fatal(err)
	}
	r := mustExec(t, env, "SELECT failonce(CAST(v AS BIGINT)) FROM (VALUES (1), (2), (3)) AS t(v)")
	rows, err := r.Rows(context.Background())
	if err != nil {
		t.Fatalf("job failed: %v\nlogs: %s", err, logs)
	}
	if len(rows) != 3 || failures.Load() != 1 {
		t.Errorf("rows %v, failures %d", rows, failures.Load())
	}
	j := jobStatus(t, env, r.JobID)
	if j.Status != JobFinished || j.Restarts != 1 || j.Name != "collect" {
		t.Errorf("job %+v", j)
	}
	if !strings.Contains(logs.String(), "Restarting job collect without a checkpoint (attempt 1)") {
		t.Errorf("no restart log: %s", logs)
	}
}

func TestRestartLoopGivesUp(t *testing.T) {
	cases := []struct {
		cfg      map[string]string
		restarts int
	}{
		{map[string]string{KeyRestartStrategy: "fixed-delay", KeyFixedDelayAttempts: "2", KeyFixedDelayDelay: "0 ms"}, 2},
		{map[string]string{KeyRestartStrategy: "failure-rate", KeyFailureRateMaxFailures: "1", KeyFailureRateDelay: "0 ms"}, 1},
		{nil, 0}, // no checkpointing: no restart, the job's own error
	}
	for _, c := range cases {
		env, _ := ftEnv(t, c.cfg)
		var calls atomic.Int32
		if err := env.RegisterFunction("alwaysfail", func(v int64) (int64, error) {
			calls.Add(1)
			return 0, errors.New("always")
		}); err != nil {
			t.Fatal(err)
		}
		mustExec(t, env, "CREATE TABLE blackhole_t (v BIGINT) WITH ('connector' = 'blackhole')")
		r := mustExec(t, env, "INSERT INTO blackhole_t SELECT alwaysfail(CAST(v AS BIGINT)) FROM (VALUES (1)) AS t(v)")
		err := r.Wait()
		var re *RecoveryError
		if c.restarts == 0 {
			if err == nil || errors.As(err, &re) || !strings.Contains(err.Error(), "always") {
				t.Errorf("%v: error %v, want the job's own", c.cfg, err)
			}
		} else if !errors.As(err, &re) || re.Restarts != c.restarts || !strings.Contains(err.Error(), "always") {
			t.Errorf("%v: error %v, want a RecoveryError after %d restarts", c.cfg, err, c.restarts)
		}
		if j := jobStatus(t, env, r.JobID); j.Status != JobFailed || int(calls.Load()) != c.restarts+1 {
			t.Errorf("%v: job %+v after %d calls", c.cfg, j, calls.Load())
		}
	}
}

func TestCancelStopsRestarting(t *testing.T) {
	env, _ := ftEnv(t, map[string]string{KeyRestartStrategy: "fixed-delay", KeyFixedDelayAttempts: "5", KeyFixedDelayDelay: "1 h"})
	if err := env.RegisterFunction("alwaysfail", func(v int64) (int64, error) { return 0, errors.New("always") }); err != nil {
		t.Fatal(err)
	}
	mustExec(t, env, "CREATE TABLE blackhole_t (v BIGINT) WITH ('connector' = 'blackhole')")
	r := mustExec(t, env, "INSERT INTO blackhole_t SELECT alwaysfail(CAST(v AS BIGINT)) FROM (VALUES (1)) AS t(v)")
	deadline := time.Now().Add(10 * time.Second)
	for jobStatus(t, env, r.JobID).Status != JobRestarting {
		if time.Now().After(deadline) {
			t.Fatalf("job never restarting: %+v", jobStatus(t, env, r.JobID))
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.Cancel()
	select {
	case <-waitChan(r):
	case <-time.After(10 * time.Second):
		t.Fatal("Cancel did not end the restart delay")
	}
	if j := jobStatus(t, env, r.JobID); j.Status != JobCanceled {
		t.Errorf("job %+v", j)
	}
}

func waitChan(r *Result) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- r.Wait() }()
	return ch
}

// TestRestartFromCheckpoint fails a checkpointed aggregation once, late in
// its input: the job resumes from its latest checkpoint and the final
// count is exact, with either state backend and checkpointing mode.
func TestRestartFromCheckpoint(t *testing.T) {
	for _, c := range []struct{ backend, mode string }{
		{"hashmap", "EXACTLY_ONCE"}, {"pebble", "EXACTLY_ONCE"}, {"hashmap", "AT_LEAST_ONCE"},
	} {
		t.Run(c.backend+"/"+c.mode, func(t *testing.T) {
			dir := t.TempDir()
			env, logs := ftEnv(t, map[string]string{
				KeyCheckpointInterval: "20 ms", KeyCheckpointsDir: dir, KeyStateBackend: c.backend, KeyCheckpointMode: c.mode,
				KeyRestartStrategy: "fixed-delay", KeyFixedDelayAttempts: "3", KeyFixedDelayDelay: "0 ms",
			})
			const n = 400
			fn, failures := failFirst(n * 3 / 4)
			if err := env.RegisterFunction("failonce", fn); err != nil {
				t.Fatal(err)
			}
			mustExec(t, env, fmt.Sprintf(`CREATE TABLE gen (v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000',
				'number-of-rows' = '%d', 'fields.v.kind' = 'sequence', 'fields.v.start' = '1', 'fields.v.end' = '%d')`, n, n))
			r := mustExec(t, env, "SELECT COUNT(*) AS c, SUM(v) AS s FROM (SELECT failonce(v) AS v FROM gen)")
			rows, err := r.Rows(context.Background())
			if err != nil {
				t.Fatalf("job failed: %v\nlogs: %s", err, logs)
			}
			last := rows[len(rows)-1].Values
			if last[0] != int64(n) || last[1] != int64(n*(n+1)/2) || failures.Load() != 1 {
				t.Errorf("final row %v after %d failures", last, failures.Load())
			}
			if !strings.Contains(logs.String(), "Restarting job collect from checkpoint "+dir) || !strings.Contains(logs.String(), "chk-") {
				t.Errorf("no restart from a checkpoint in the logs:\n%s", logs)
			}
		})
	}
}

// TestResumeFromSavepointExact stops a query with a savepoint half way and
// runs it again from the savepoint: the second run ends with the exact
// totals, so both the aggregate's state and the source's position were
// restored.
func TestResumeFromSavepointExact(t *testing.T) {
	env, logs := ftEnv(t, map[string]string{KeySavepointsDir: t.TempDir()})
	const n = 300
	mustExec(t, env, fmt.Sprintf(`CREATE TABLE gen (v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000',
		'number-of-rows' = '%d', 'fields.v.kind' = 'sequence', 'fields.v.start' = '1', 'fields.v.end' = '%d')`, n, n))
	q := "SELECT COUNT(*) AS c, SUM(v) AS s FROM gen"
	r := mustExec(t, env, q)
	go func() { _, _ = r.Collect(context.Background()) }()
	time.Sleep(100 * time.Millisecond)
	path, err := env.StopJob(context.Background(), r.JobID, true, "", false)
	if err != nil {
		t.Fatalf("stop: %v\nlogs: %s", err, logs)
	}
	mustExec(t, env, fmt.Sprintf("SET '%s' = '%s'", KeySavepointPath, path))
	rows, err := mustExec(t, env, q).Rows(context.Background())
	if err != nil {
		t.Fatalf("resumed: %v", err)
	}
	if len(rows) == 0 || len(rows) >= n {
		t.Fatalf("resumed run produced %d changes; want fewer than %d (it should not start over)", len(rows), n)
	}
	t.Logf("resumed run: %d changes, first %v", len(rows), rows[0])
	if last := rows[len(rows)-1].Values; last[0] != int64(n) || last[1] != int64(n*(n+1)/2) {
		t.Errorf("final row %v", last)
	}
}

// TestStopWithSavepointAndResume stops a running job with a savepoint
// through SQL, then resumes a new job from it with execution.savepoint.path.
func TestStopWithSavepointAndResume(t *testing.T) {
	spDir := t.TempDir()
	env, logs := ftEnv(t, nil)
	mustExec(t, env, `CREATE TABLE gen (v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '200',
		'fields.v.kind' = 'sequence', 'fields.v.start' = '1', 'fields.v.end' = '1000000')`)
	mustExec(t, env, "CREATE TABLE sink (c BIGINT) WITH ('connector' = 'blackhole')")
	ins := "INSERT INTO sink SELECT COUNT(*) FROM gen"
	r := mustExec(t, env, ins)

	// No directory anywhere: a clear error, and the job keeps running.
	_, err := env.ExecuteSQL(context.Background(), fmt.Sprintf("STOP JOB '%s' WITH SAVEPOINT", r.JobID))
	var nd *NoSavepointDirError
	if !errors.As(err, &nd) || !strings.Contains(err.Error(), KeySavepointsDir) {
		t.Fatalf("want NoSavepointDirError, got %v", err)
	}
	mustExec(t, env, fmt.Sprintf("SET '%s' = '%s'", KeySavepointsDir, spDir))
	time.Sleep(100 * time.Millisecond)
	res := mustExec(t, env, fmt.Sprintf("STOP JOB '%s' WITH SAVEPOINT", r.JobID))
	if res.Schema.Fields[0].Name != "savepoint path" {
		t.Errorf("schema %v", res.Schema)
	}
	rows, _ := res.Rows(context.Background())
	path := rows[0].Values[0].(string)
	if _, err := os.Stat(filepath.Join(path, "_metadata")); err != nil {
		t.Fatalf("savepoint %s: %v", path, err)
	}
	if err := r.Wait(); err != nil {
		t.Fatalf("stopped job: %v", err)
	}
	if j := jobStatus(t, env, r.JobID); j.Status != JobFinished {
		t.Errorf("stopped job %+v", j)
	}

	mustExec(t, env, fmt.Sprintf("SET '%s' = '%s'", KeySavepointPath, path))
	r2 := mustExec(t, env, ins)
	time.Sleep(50 * time.Millisecond)
	mustExec(t, env, fmt.Sprintf("STOP JOB '%s'", r2.JobID))
	if err := r2.Wait(); err == nil {
		t.Errorf("cancelled job ended without error")
	}
	show, _ := mustExec(t, env, "SHOW JOBS").Rows(context.Background())
	if len(show) != 2 || show[0].Values[2] != "FINISHED" || show[1].Values[2] != "CANCELED" || show[1].Values[1] != "insert-into_default_catalog.default_database.sink" {
		t.Errorf("SHOW JOBS %v\nlogs: %s", show, logs)
	}
	mustExec(t, env, "RESET '"+KeySavepointPath+"'")
	if _, ok := env.Config().All()[KeySavepointPath]; ok {
		t.Error("RESET kept the savepoint path")
	}
	if _, err := env.ExecuteSQL(context.Background(), "STOP JOB 'nope'"); err == nil || !strings.Contains(err.Error(), "Could not find job 'nope'") {
		t.Errorf("unknown job: %v", err)
	}
}

func TestRegistryForgetsOldEndedJobs(t *testing.T) {
	var g jobRegistry
	mk := func(ended bool) *jobRun {
		r := &jobRun{done: make(chan struct{})}
		if ended {
			close(r.done)
		}
		return r
	}
	running := mk(false)
	g.list = append(g.list, running)
	for i := 0; i < maxEndedJobs+5; i++ {
		g.list = append(g.list, mk(true))
	}
	last := g.list[len(g.list)-1]
	g.prune()
	if len(g.list) != maxEndedJobs+1 || g.list[0] != running || g.list[len(g.list)-1] != last {
		t.Errorf("kept %d jobs; running kept: %v; newest kept: %v", len(g.list), g.list[0] == running, g.list[len(g.list)-1] == last)
	}
}
