package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/spry-engine/spry/table"
)

// runCmd runs a cobra command in-process: stdout and the exit code.
func runCmd(t *testing.T, cmd *cobra.Command, args ...string) (string, int, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	var ee *exitError
	switch {
	case err == nil:
		return out.String(), 0, nil
	case errors.As(err, &ee):
		return out.String(), ee.code, ee.err
	}
	return out.String(), 2, err
}

// startJob runs an unbounded checkpointed INSERT in a new session.
func startJob(t *testing.T, spDir string) *table.Result {
	t.Helper()
	env := table.NewEnvironment(table.Settings{Parallelism: 1, Config: map[string]string{
		"execution.checkpointing.interval": "20 ms", "state.checkpoints.dir": t.TempDir(), "state.savepoints.dir": spDir,
	}})
	ctx := context.Background()
	for _, s := range []string{
		"CREATE TABLE gen (v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '500')",
		"CREATE TABLE sink (c BIGINT) WITH ('connector' = 'blackhole')",
	} {
		if _, err := env.ExecuteSQL(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	r, err := env.ExecuteSQL(ctx, "INSERT INTO sink SELECT COUNT(*) FROM gen")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Cancel)
	return r
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode
}

func TestRESTAndJobCommands(t *testing.T) {
	spDir := t.TempDir()
	r := startJob(t, spDir)
	srv := httptest.NewServer(newRESTServer())
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	var jobs struct {
		Jobs []struct{ ID, Status string } `json:"jobs"`
	}
	getJSON(t, srv.URL+"/jobs", &jobs)
	found := false
	for _, j := range jobs.Jobs {
		found = found || j.ID == r.JobID && j.Status == "RUNNING"
	}
	if !found {
		t.Fatalf("job %s not running in %+v", r.JobID, jobs)
	}

	out, code, err := runCmd(t, newListCommand(), "-m", addr)
	if code != 0 || !strings.Contains(out, "Running/Restarting Jobs") || !strings.Contains(out, " : "+r.JobID+" : insert-into_default_catalog.default_database.sink (RUNNING)") {
		t.Errorf("list: exit %d %v\n%s", code, err, out)
	}

	// Wait for a periodic checkpoint, then read the statistics.
	var stats checkpointStatistics
	for deadline := time.Now().Add(10 * time.Second); stats.Counts.Completed == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no completed checkpoint: %+v", stats)
		}
		if c := getJSON(t, srv.URL+"/jobs/"+r.JobID+"/checkpoints", &stats); c != http.StatusOK {
			t.Fatalf("checkpoints: status %d", c)
		}
	}
	if stats.Latest.Completed == nil || !strings.Contains(stats.Latest.Completed.ExternalPath, "chk-") {
		t.Errorf("latest completed %+v", stats.Latest.Completed)
	}

	out, code, err = runCmd(t, newSavepointCommand(), r.JobID, "-m", addr)
	if code != 0 || !strings.Contains(out, "Savepoint completed. Path: "+spDir) {
		t.Fatalf("savepoint: exit %d %v\n%s", code, err, out)
	}
	path := strings.TrimSpace(strings.SplitN(strings.SplitN(out, "Path: ", 2)[1], "\n", 2)[0])

	out, code, err = runCmd(t, newCheckpointCommand(), "info", path)
	if code != 0 || !strings.Contains(out, "Savepoint ") || !strings.Contains(out, "Format version:  1") || !strings.Contains(out, "total") {
		t.Errorf("checkpoint info: exit %d %v\n%s", code, err, out)
	}

	out, code, err = runCmd(t, newStopCommand(), "--savepointPath", spDir, "--drain", r.JobID, "-m", addr)
	if code != 0 || !strings.Contains(out, `Draining job "`+r.JobID+`" with a savepoint.`) || !strings.Contains(out, "Savepoint completed. Path: "+spDir) {
		t.Fatalf("stop: exit %d %v\n%s", code, err, out)
	}
	if err := r.Wait(); err != nil {
		t.Errorf("stopped job: %v", err)
	}
	out, _, _ = runCmd(t, newListCommand(), "-m", addr, "-a")
	if !strings.Contains(out, "Terminated Jobs") || !strings.Contains(out, r.JobID+" : insert-into_default_catalog.default_database.sink (FINISHED)") {
		t.Errorf("list -a:\n%s", out)
	}

	// Errors come back in Flink's {"errors": [...]} shape.
	_, code, err = runCmd(t, newSavepointCommand(), "nope", "-m", addr)
	if code != 1 || err == nil || !strings.Contains(err.Error(), "Could not find job 'nope'") {
		t.Errorf("unknown job: exit %d %v", code, err)
	}
	_, code, err = runCmd(t, newSavepointCommand(), r.JobID, "-m", addr)
	if code != 1 || err == nil || !strings.Contains(err.Error(), "not RUNNING") {
		t.Errorf("finished job: exit %d %v", code, err)
	}
}

func TestRESTPollingShape(t *testing.T) {
	r := startJob(t, t.TempDir())
	srv := httptest.NewServer(newRESTServer())
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/jobs/"+r.JobID+"/savepoints", "application/json", strings.NewReader(`{"cancel-job": false}`))
	if err != nil {
		t.Fatal(err)
	}
	var res operationResult
	_ = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if res.RequestID == "" || res.Status["id"] != "COMPLETED" || res.Operation["location"] == "" {
		t.Fatalf("trigger answer %+v", res)
	}
	var polled operationResult
	if c := getJSON(t, srv.URL+"/jobs/"+r.JobID+"/savepoints/"+res.RequestID, &polled); c != http.StatusOK || polled.Operation["location"] != res.Operation["location"] {
		t.Errorf("poll: %d %+v", c, polled)
	}
	var e map[string][]string
	if c := getJSON(t, srv.URL+"/nothing", &e); c != http.StatusNotFound || len(e["errors"]) != 1 {
		t.Errorf("404: %d %v", c, e)
	}
}

func TestCheckpointInfoErrors(t *testing.T) {
	_, code, err := runCmd(t, newCheckpointCommand(), "info", t.TempDir())
	if code != 1 || err == nil || !strings.Contains(err.Error(), "checkpoint not found") {
		t.Errorf("empty dir: exit %d %v", code, err)
	}
}

func TestRunArgsRestPort(t *testing.T) {
	o, err := parseRunArgs([]string{"--rest-port", "8088", "job.py"})
	if err != nil || o.restPort != 8088 || o.script != "job.py" {
		t.Errorf("%+v %v", o, err)
	}
	if _, err := parseRunArgs([]string{"--rest-port", "x", "job.py"}); err == nil {
		t.Error("bad port accepted")
	}
}
