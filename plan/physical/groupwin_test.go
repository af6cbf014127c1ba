package physical

import (
	"strings"
	"testing"

	"github.com/spry-engine/spry/catalog"
	_ "github.com/spry-engine/spry/expr/aggregate"
	_ "github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/sql"
)

// TestGroupWindowPlan plans legacy group windows under the emit options
// and checks Flink's EXPLAIN attributes, the changelog mode and Flink's
// planning errors.
func TestGroupWindowPlan(t *testing.T) {
	const ddl = `CREATE TABLE ev (k STRING, v BIGINT, ts TIMESTAMP(3), pt AS PROCTIME(),
		WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'physical-test')`
	tests := []struct {
		name, sql string
		opts      map[string]string
		batch     bool
		want      []string // fragments of EXPLAIN CHANGELOG_MODE
		err       string
	}{
		{name: "tumble", sql: "SELECT k, TUMBLE_END(ts, INTERVAL '1' MINUTE), SUM(v) FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '1' MINUTE)",
			want: []string{"GroupWindowAggregate(groupBy=[k], window=[TumblingGroupWindow('w$, ts, 60000)], properties=[w$start, w$end, w$rowtime, w$proctime], select=[k, SUM(v) AS EXPR$2, start('w$) AS w$start, end('w$) AS w$end, rowtime('w$) AS w$rowtime, proctime('w$) AS w$proctime], changelogMode=[I])",
				"Exchange(distribution=[hash[k]], changelogMode=[I])"}},
		{name: "early_late", sql: "SELECT COUNT(*) FROM ev GROUP BY HOP(ts, INTERVAL '1' MINUTE, INTERVAL '1' HOUR)",
			opts: map[string]string{plan.KeyEmitEarlyFireEnabled: "true", plan.KeyEmitEarlyFireDelay: "5 s",
				plan.KeyEmitLateFireEnabled: "true", plan.KeyEmitLateFireDelay: "0 s", plan.KeyEmitAllowLateness: "1 min"},
			want: []string{"window=[SlidingGroupWindow('w$, ts, 3600000, 60000)]",
				"emit=[early delay 5000 millisecond, late no delay], changelogMode=[I,UB,UA])"}},
		{name: "lateness_updates", sql: "SELECT COUNT(*) FROM ev GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)",
			opts: map[string]string{plan.KeyEmitAllowLateness: "1 min"},
			want: []string{"select=[COUNT(*) AS EXPR$0, start('w$) AS w$start, end('w$) AS w$end, rowtime('w$) AS w$rowtime, proctime('w$) AS w$proctime], changelogMode=[I,UB,UA])"}},
		{name: "proctime", sql: "SELECT TUMBLE_PROCTIME(pt, INTERVAL '1' MINUTE), COUNT(*) FROM ev GROUP BY TUMBLE(pt, INTERVAL '1' MINUTE)",
			opts: map[string]string{plan.KeyEmitAllowLateness: "1 min"},
			want: []string{"window=[TumblingGroupWindow('w$, pt, 60000)], properties=[w$start, w$end, w$proctime]", "changelogMode=[I])"}},
		{name: "batch", batch: true, sql: "SELECT SESSION_START(ts, INTERVAL '1' MINUTE), COUNT(*) FROM ev GROUP BY SESSION(ts, INTERVAL '1' MINUTE)",
			want: []string{"HashWindowAggregate(window=[SessionGroupWindow('w$, ts, 60000)], properties=[w$start, w$end, w$rowtime]"}},
		{name: "session_emit", sql: "SELECT COUNT(*) FROM ev GROUP BY SESSION(ts, INTERVAL '1' MINUTE)",
			opts: map[string]string{plan.KeyEmitEarlyFireEnabled: "true", plan.KeyEmitEarlyFireDelay: "1 s"},
			err:  "Session window doesn't support EMIT strategy currently."},
		{name: "late_fire_needs_lateness", sql: "SELECT COUNT(*) FROM ev GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)",
			opts: map[string]string{plan.KeyEmitLateFireEnabled: "true", plan.KeyEmitLateFireDelay: "1 s"},
			err:  "The 'AFTER WATERMARK' emit strategy requires set 'table.exec.emit.allow-lateness'"},
		{name: "early_fire_needs_delay", sql: "SELECT COUNT(*) FROM ev GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)",
			opts: map[string]string{plan.KeyEmitEarlyFireEnabled: "true"},
			err:  "Early-fire delay should not be null"},
		{name: "updating_input", sql: "SELECT COUNT(*) FROM (SELECT k, MAX(ts) AS ts FROM ev GROUP BY k) GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)",
			err: "Window can only be defined over a time attribute column."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := plan.ConfigFromOptions(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Streaming = !tc.batch
			b := plan.NewBinder(catalog.New(), cfg)
			for _, src := range []string{ddl, tc.sql} {
				st, err := sql.ParseOne(src)
				if err != nil {
					t.Fatal(err)
				}
				if ok, err := b.Apply(st); ok {
					if err != nil {
						t.Fatal(err)
					}
					continue
				}
				n, err := b.BindStatement(st)
				if err == nil {
					n, err = plan.Optimize(n, cfg)
				}
				var p *Program
				if err == nil {
					p, err = Plan([]plan.Node{n}, Options{Batch: tc.batch, Parallelism: 2})
				}
				if tc.err != "" {
					if err == nil || !strings.Contains(err.Error(), tc.err) {
						t.Fatalf("error = %v, want %q", err, tc.err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				got := p.Explain(true)
				for _, w := range tc.want {
					if !strings.Contains(got, w) {
						t.Errorf("plan lacks %q:\n%s", w, got)
					}
				}
			}
		})
	}
}
