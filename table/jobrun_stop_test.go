package table

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestFailedStopWithSavepointRestarts times a stop-with-savepoint out
// while a slow function holds its barrier back: the stop fails after the
// sources stopped, which fails the job, and the restart strategy restarts
// it rather than ending it CANCELED as if the user had stopped it.
func TestFailedStopWithSavepointRestarts(t *testing.T) {
	env, logs := ftEnv(t, map[string]string{KeyRestartStrategy: "fixed-delay", KeyFixedDelayAttempts: "3",
		KeyFixedDelayDelay: "0 ms", KeySavepointsDir: t.TempDir()})
	if err := env.RegisterFunction("slow", func(v int64) (int64, error) {
		time.Sleep(20 * time.Millisecond)
		return v, nil
	}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, env, `CREATE TABLE gen (v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000',
		'fields.v.kind' = 'sequence', 'fields.v.start' = '1', 'fields.v.end' = '1000000')`)
	mustExec(t, env, "CREATE TABLE sink (v BIGINT) WITH ('connector' = 'blackhole')")
	r := mustExec(t, env, "INSERT INTO sink SELECT slow(v) FROM gen")
	defer r.Cancel()
	time.Sleep(300 * time.Millisecond) // rows queue up before the slow function
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := env.StopJob(ctx, r.JobID, true, "", false); err == nil {
		t.Fatal("the stop-with-savepoint completed behind 20 ms rows; want it to time out")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "Restarting job") || jobStatus(t, env, r.JobID).Status != JobRunning {
		if s := jobStatus(t, env, r.JobID).Status; s == JobCanceled || s == JobFailed || time.Now().After(deadline) {
			t.Fatalf("job %s after the failed stop, want it restarted and RUNNING\nlogs: %s", s, logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "stop-with-savepoint failed") {
		t.Errorf("the restart was not caused by the failed stop\nlogs: %s", logs)
	}
	// A stop after the restart still works.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if _, err := env.StopJob(ctx2, r.JobID, false, "", false); err != nil {
		t.Fatal(err)
	}
	select {
	case <-waitChan(r):
	case <-time.After(10 * time.Second):
		t.Fatal("the restarted job did not stop")
	}
	if s := jobStatus(t, env, r.JobID).Status; s != JobCanceled {
		t.Errorf("job %s after STOP, want %s", s, JobCanceled)
	}
}
