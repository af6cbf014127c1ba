package table

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/runtime/ops"
)

// timeEnv returns a one-subtask streaming session whose job clock stands
// at 2024-03-05 01:02:03.456 UTC, in Asia/Shanghai, reading one row per
// batch so that watermarks fall between rows.
func timeEnv(t *testing.T) *Environment {
	t.Helper()
	if _, err := time.LoadLocation("Asia/Shanghai"); err != nil {
		t.Skip("no zoneinfo:", err)
	}
	clock := time.Date(2024, 3, 5, 1, 2, 3, 456789000, time.UTC).UnixMicro()
	return NewEnvironment(Settings{Parallelism: 1, Clock: func() int64 { return clock },
		Config: map[string]string{KeyLocalTimeZone: "Asia/Shanghai", KeyBatchSize: "1"}})
}

// writeFile writes lines to name in a fresh directory and returns its path.
func writeFile(t *testing.T, name string, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// queryRows runs a query and formats its rows in the session zone.
func queryRows(t *testing.T, env *Environment, q string) ([]string, *Result) {
	t.Helper()
	r := mustExec(t, env, q)
	rows, err := r.Rows(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := make([]string, len(rows))
	for i, row := range rows {
		out[i] = row.Format(r.Schema, env.Config().Location())
	}
	return out, r
}

func TestTimeAttributesEndToEnd(t *testing.T) {
	env := timeEnv(t)
	path := writeFile(t, "ev.csv", "1,2024-03-05 10:00:10", "2,2024-03-05 10:00:12", "3,2024-03-05 10:00:09", "4,2024-03-05 10:00:11.500")
	mustExec(t, env, `CREATE TABLE ev (id INT, ts TIMESTAMP(3), pt AS PROCTIME(),
		WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '`+path+`', 'format' = 'csv')`)
	tests := []struct {
		name, query string
		want        []string
	}{
		// PROCTIME() reads the job clock and shows in the session zone.
		{"proctime", "SELECT id, pt FROM ev WHERE id = 1", []string{"+I[1, 2024-03-05 09:02:03.456]"}},
		// The watermark is max(ts) - 1 s after each row: row 3 (10:00:09)
		// comes after watermark 10:00:11 and is late; row 4 is not.
		{"current watermark drops late rows", "SELECT id, CURRENT_WATERMARK(ts) FROM ev WHERE CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts)",
			[]string{"+I[1, null]", "+I[2, 2024-03-05 10:00:09.000]", "+I[4, 2024-03-05 10:00:11.000]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := queryRows(t, env, tc.query)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDescribeTimeAttributes(t *testing.T) {
	env := timeEnv(t)
	mustExec(t, env, `CREATE TABLE ev (id INT, ts TIMESTAMP(3), pt AS PROCTIME(),
		WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen')`)
	got, _ := queryRows(t, env, "DESCRIBE ev")
	want := []string{
		"+I[id, INT, TRUE, , , ]",
		"+I[ts, TIMESTAMP(3) *ROWTIME*, TRUE, , , `ts` - INTERVAL '1' SECOND]",
		"+I[pt, TIMESTAMP_LTZ(3) *PROCTIME*, FALSE, , AS PROCTIME(), ]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DESCRIBE:\n got %q\nwant %q", got, want)
	}
}

func TestSkippedRecordsMetric(t *testing.T) {
	env := timeEnv(t)
	path := writeFile(t, "ev.json", `{"id": 1}`, `{"id": oops`, `{"id": 3}`)
	mustExec(t, env, `CREATE TABLE j (id INT) WITH ('connector' = 'filesystem', 'path' = '`+path+`',
		'format' = 'json', 'json.ignore-parse-errors' = 'true')`)
	got, r := queryRows(t, env, "SELECT id FROM j")
	if len(got) != 2 {
		t.Fatalf("rows %v", got)
	}
	if n := r.MetricTotal(metrics.SkippedRecords); n != 1 {
		t.Errorf("%s = %d, want 1", metrics.SkippedRecords, n)
	}
	if w := r.MetricWarnings(); !reflect.DeepEqual(w, []string{"[WARN] 1 records skipped (numSkippedRecords)"}) {
		t.Errorf("warnings %q", w)
	}
}

// TestLateRecordsDropped feeds a tumbling window rows one batch at a time:
// the rows at 10:00:05 and 10:00:03 arrive after the watermark passed
// their window (10:00:11 > 10:00:10), so they are dropped and counted.
func TestLateRecordsDropped(t *testing.T) {
	env := timeEnv(t)
	path := writeFile(t, "late.csv", "1,2024-03-05 10:00:01", "2,2024-03-05 10:00:12", "3,2024-03-05 10:00:05",
		"4,2024-03-05 10:00:25", "5,2024-03-05 10:00:03")
	mustExec(t, env, `CREATE TABLE ev (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
		WITH ('connector' = 'filesystem', 'path' = '`+path+`', 'format' = 'csv')`)
	got, r := queryRows(t, env, "SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS c FROM ev GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)")
	want := []string{"+I[2024-03-05 10:00:00.000, 1]", "+I[2024-03-05 10:00:10.000, 1]", "+I[2024-03-05 10:00:20.000, 1]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if n := r.MetricTotal(metrics.LateRecordsDropped); n != 2 {
		t.Errorf("%s = %d, want 2", metrics.LateRecordsDropped, n)
	}
	if w := r.MetricWarnings(); !reflect.DeepEqual(w, []string{"[WARN] 2 late records dropped (numLateRecordsDropped)"}) {
		t.Errorf("warnings %q", w)
	}
}

// TestLocalTimeZone checks table.local-time-zone = 'Asia/Shanghai': it
// governs how TIMESTAMP_LTZ values show and where day windows over a
// TIMESTAMP_LTZ rowtime begin (local midnight, 16:00 UTC), as in Flink.
func TestLocalTimeZone(t *testing.T) {
	env := timeEnv(t)
	ms := func(s string) string {
		ts, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ts.UnixMilli())
	}
	// 15:00 and 17:00 UTC on March 5th: 23:00 on the 5th and 01:00 on the
	// 6th in Shanghai, two different local days.
	path := writeFile(t, "ltz.csv", "1,"+ms("2024-03-05 15:00:00"), "2,"+ms("2024-03-05 17:00:00"))
	mustExec(t, env, `CREATE TABLE ev (id INT, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR ts AS ts)
		WITH ('connector' = 'filesystem', 'path' = '`+path+`', 'format' = 'csv')`)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"display", "SELECT id, ts, TO_TIMESTAMP_LTZ(0, 3) FROM ev",
			[]string{"+I[1, 2024-03-05 23:00:00.000, 1970-01-01 08:00:00.000]", "+I[2, 2024-03-06 01:00:00.000, 1970-01-01 08:00:00.000]"}},
		{"window TVF", "SELECT window_start, window_end, window_time, COUNT(*) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' DAY)) GROUP BY window_start, window_end, window_time",
			[]string{"+I[2024-03-05 00:00:00.000, 2024-03-06 00:00:00.000, 2024-03-05 23:59:59.999, 1]",
				"+I[2024-03-06 00:00:00.000, 2024-03-07 00:00:00.000, 2024-03-06 23:59:59.999, 1]"}},
		{"group window", "SELECT TUMBLE_START(ts, INTERVAL '1' DAY), COUNT(*) FROM ev GROUP BY TUMBLE(ts, INTERVAL '1' DAY)",
			[]string{"+I[2024-03-05 00:00:00.000, 1]", "+I[2024-03-06 00:00:00.000, 1]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := queryRows(t, env, tc.query)
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIdleTimeoutOption(t *testing.T) {
	env := timeEnv(t)
	mustExec(t, env, "SET 'table.exec.source.idle-timeout' = '5 s'")
	if _, err := env.ExecuteSQL(context.Background(), "SET 'table.exec.source.idle-timeout' = 'soon'"); err == nil {
		t.Error("a bad idle timeout was accepted")
	}
	mustExec(t, env, "CREATE TABLE ev (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen')")
	cfgs := specsOf[*ops.WatermarkAssignerConfig](t, env, "SELECT * FROM ev")
	if len(cfgs) != 1 || cfgs[0].IdleTimeout != 5*time.Second {
		t.Errorf("assigners %+v, want one with a 5 s idle timeout", cfgs)
	}
}
