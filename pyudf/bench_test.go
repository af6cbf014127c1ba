package pyudf

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	_ "github.com/spry-engine/spry/connector/all"
)

// TestScalarOverhead compares a scalar Python UDF (lambda x: x + 1) over N
// rows through Spry with the same lambda in a plain Python loop over a
// list of the same values. It is a measurement, not a timed test: it runs
// only with SPRY_BENCH_ROWS set, e.g.
//
//	SPRY_BENCH_ROWS=1000000 go test ./pyudf -run TestScalarOverhead -v
func TestScalarOverhead(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SPRY_BENCH_ROWS"))
	if n <= 0 {
		t.Skip("set SPRY_BENCH_ROWS to measure")
	}
	env, py := session(t, true, 1, nil)
	register(t, env, py, scalar("py_inc", "BIGINT", "BIGINT"), "f = lambda x: x + 1")
	ctx := context.Background()
	ddl := fmt.Sprintf("CREATE TABLE src (x BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '%d', 'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '%d', 'rows-per-second' = '1000000000')", n, n)
	for _, s := range []string{ddl, "CREATE TABLE snk (y BIGINT) WITH ('connector' = 'blackhole')"} {
		if _, err := env.ExecuteSQL(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	run := func(q string) time.Duration {
		start := time.Now()
		r, err := env.ExecuteSQL(ctx, q)
		if err == nil {
			err = r.Wait()
		}
		if err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	// The machine is shared: each timing is the best of three runs.
	best := func(q string) time.Duration {
		d := run(q)
		for range 2 {
			time.Sleep(time.Second) // a closed worker leaves its standby
			d = min(d, run(q))
		}
		return d
	}
	base := best("INSERT INTO snk SELECT x + 1 FROM src")
	// The first job starts its worker cold; later ones claim the standby
	// worker the one before left (a warm start, as in a session).
	cold := run("INSERT INTO snk SELECT py_inc(x) FROM src")
	time.Sleep(time.Second)
	self0, kids0 := cpuTimes()
	spry := best("INSERT INTO snk SELECT py_inc(x) FROM src")
	self1, kids1 := cpuTimes()
	// CPU time is what a loaded machine distorts least: the engine's and
	// the workers' (start-up included) per job against the loop's.
	engineCPU, workerCPU := (self1-self0)/3, (kids1-kids0)/3
	script := fmt.Sprintf("import time\nf = lambda x: x + 1\ndata = list(range(1, %d))\nbest = cpu = 1e9\nfor _ in range(3):\n    t, c = time.perf_counter(), time.process_time()\n    out = [f(v) for v in data]\n    best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)\nprint(best, cpu)", n+1)
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	var secs, cpuSecs float64
	if _, err := fmt.Sscan(string(out), &secs, &cpuSecs); err != nil {
		t.Fatalf("loop timing %q: %v", out, err)
	}
	loop := time.Duration(secs * float64(time.Second))
	loopCPU := time.Duration(cpuSecs * float64(time.Second))
	t.Logf("rows=%d  spry+python udf=%v (cold worker %v)  spry without udf=%v  plain python loop=%v  ratio=%.2fx (udf part %.2fx, cold %.2fx)",
		n, spry, cold, base, loop, spry.Seconds()/loop.Seconds(), (spry-base).Seconds()/loop.Seconds(), cold.Seconds()/loop.Seconds())
	t.Logf("cpu per job: engine=%v  python worker=%v (its start-up included)  plain python loop=%v  worker/loop=%.2fx",
		engineCPU.Round(time.Millisecond), workerCPU.Round(time.Millisecond), loopCPU.Round(time.Millisecond), workerCPU.Seconds()/loopCPU.Seconds())
}
