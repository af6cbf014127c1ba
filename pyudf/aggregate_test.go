package pyudf

import (
	"context"
	"os"
	"strings"
	"testing"
)

const mySum = `
class MySum(object):
    def create_accumulator(self):
        return [0, 0]
    def accumulate(self, acc, v):
        if v is not None:
            acc[0] += v
            acc[1] += 1
    def retract(self, acc, v):
        if v is not None:
            acc[0] -= v
            acc[1] -= 1
    def merge(self, acc, others):
        for o in others:
            acc[0] += o[0]
            acc[1] += o[1]
    def get_value(self, acc):
        return acc[0] if acc[1] else None
f = MySum()`

const groups = "(VALUES ('a', 1), ('b', 2), ('a', 3), ('b', CAST(NULL AS INT)), ('c', 5)) AS t(k, v)"

func TestUDAF(t *testing.T) {
	for _, mode := range []struct {
		name  string
		batch bool
		par   int
		want  string
	}{
		{"batch-p2", true, 2, "+I[a, 4] +I[b, 2] +I[c, 5]"},
		// Streaming: the per-record changelog (no update when a NULL leaves b unchanged).
		{"streaming", false, 1, "+I[a, 1] +I[b, 2] +I[c, 5] +U[a, 4] -U[a, 1]"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			env, py := session(t, mode.batch, mode.par, nil)
			register(t, env, py, FunctionSpec{Name: "my_sum", Kind: "aggregate", ResultType: "BIGINT", TemporarySystem: true}, mySum)
			if got := mustRows(t, env, "SELECT k, my_sum(v) FROM "+groups+" GROUP BY k"); got != mode.want {
				t.Errorf("got  %s\nwant %s", got, mode.want)
			}
		})
	}
}

func TestPandasUDAF(t *testing.T) {
	env, py := session(t, true, 1, nil)
	register(t, env, py, FunctionSpec{Name: "mean_v", Kind: "aggregate", FuncType: "pandas", ResultType: "DOUBLE", TemporarySystem: true},
		"f = lambda v: float(v.mean())")
	if got := mustRows(t, env, "SELECT k, mean_v(v) FROM "+groups+" GROUP BY k"); got != "+I[a, 2.0] +I[b, 2.0] +I[c, 5.0]" {
		t.Errorf("got %s", got)
	}
}

func TestUDAFTwoPhase(t *testing.T) {
	env, py := session(t, false, 2, map[string]string{"table.exec.mini-batch.enabled": "true",
		"table.exec.mini-batch.allow-latency": "10 ms", "table.exec.mini-batch.size": "100",
		"table.optimizer.agg-phase-strategy": "TWO_PHASE"})
	register(t, env, py, FunctionSpec{Name: "my_sum", Kind: "aggregate", ResultType: "BIGINT", TemporarySystem: true}, mySum)
	r, err := rows(t, env, "SELECT k, my_sum(v) FROM "+groups+" GROUP BY k")
	if err != nil {
		t.Fatal(err)
	}
	// Final values (the changelog's last row per key) must be the sums.
	last := map[string]string{}
	for _, row := range r {
		if row[0] == '+' {
			last[row[3:4]] = row
		}
	}
	if last["a"] != "+I[a, 4]" && last["a"] != "+U[a, 4]" || last["c"] != "+I[c, 5]" {
		t.Errorf("got %v", r)
	}
}

func TestPandasUDAFInTumbleWindow(t *testing.T) {
	env, py := session(t, false, 1, nil)
	register(t, env, py, FunctionSpec{Name: "mean_v", Kind: "aggregate", FuncType: "pandas", ResultType: "DOUBLE", TemporarySystem: true},
		"f = lambda v: float(v.mean())")
	q := `SELECT window_start, mean_v(v) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end`
	dir := t.TempDir()
	csv := "1,2024-01-01 00:00:10\n3,2024-01-01 00:00:50\n10,2024-01-01 00:01:05\n"
	if err := os.WriteFile(dir+"/ev.csv", []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	ddl := "CREATE TABLE ev (v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '" + dir + "/ev.csv', 'format' = 'csv')"
	if _, err := env.ExecuteSQL(context.Background(), ddl); err != nil {
		t.Fatal(err)
	}
	got, err := rows(t, env, q)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "+I[2024-01-01 00:00:00.000, 2.0] +I[2024-01-01 00:01:00.000, 10.0]" {
		t.Errorf("got %v", got)
	}
}
