package table

import (
	"context"
	"testing"

	"github.com/spry-engine/spry/metrics"
)

// TestLatencyInterval runs jobs over a datagen source throttled to 0.1 s
// with metrics.latency.interval set or not: sinks, the collect sink of a
// query included, record marker latencies only when it is set.
func TestLatencyInterval(t *testing.T) {
	cases := []struct {
		name, interval, stmt string
		want                 bool
	}{
		{"insert 10ms", "10ms", "INSERT INTO sink SELECT v FROM gen", true},
		{"query 10ms", "10 ms", "SELECT v FROM gen WHERE v > 0", true},
		{"insert off", "", "INSERT INTO sink SELECT v FROM gen", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := NewEnvironment(Settings{Parallelism: 2})
			if c.interval != "" {
				mustExec(t, env, "SET 'metrics.latency.interval' = '"+c.interval+"'")
			}
			mustExec(t, env, `CREATE TABLE gen (v BIGINT) WITH ('connector' = 'datagen',
				'rows-per-second' = '2000', 'number-of-rows' = '400')`)
			mustExec(t, env, `CREATE TABLE sink (v BIGINT) WITH ('connector' = 'blackhole')`)
			r := mustExec(t, env, c.stmt)
			if r.Kind == ResultRows {
				if _, err := r.Rows(context.Background()); err != nil {
					t.Fatal(err)
				}
			} else if err := r.Wait(); err != nil {
				t.Fatal(err)
			}
			h := r.Histogram(metrics.Latency)
			if got := h.Count() > 0; got != c.want {
				t.Fatalf("%d latencies recorded, want some: %v", h.Count(), c.want)
			}
			if c.want {
				t.Logf("%d markers, p50 %.0f µs, p99 %.0f µs", h.Count(), h.Quantile(0.5), h.Quantile(0.99))
				if h.Quantile(0.5) > h.Quantile(0.99) {
					t.Errorf("p50 %v > p99 %v", h.Quantile(0.5), h.Quantile(0.99))
				}
			}
		})
	}
	if (&Result{}).Histogram(metrics.Latency) == nil {
		t.Error("Histogram of a result without a job is nil")
	}
	if err := NewEnvironment(Settings{}).Config().Set(KeyLatencyInterval, "-1 s"); err == nil {
		t.Error("negative metrics.latency.interval accepted")
	}
}
