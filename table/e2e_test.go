package table

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/values"
	"github.com/spry-engine/spry/types"
)

// The end-to-end tests run SQL through the whole stack: parser, binder,
// optimizer, physical planner, runtime, connectors.

func requireConnectors(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := connector.Lookup(n); err != nil {
			t.Skipf("connector %s not available: %v", n, err)
		}
	}
}

// wordsTable writes the seed input and returns the DDL of a table over it.
func wordsTable(t *testing.T) string {
	dir := t.TempDir()
	path := filepath.Join(dir, "words.csv")
	if err := os.WriteFile(path, []byte("Apache Flink\ncool\nenjoyment\nApache Flink\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return `CREATE TABLE words (word STRING) WITH ('connector' = 'filesystem', 'path' = '` + path + `', 'format' = 'csv')`
}

func sinkTable(t *testing.T, name, cols string) (ddl, dir string) {
	dir = filepath.Join(t.TempDir(), name)
	return `CREATE TABLE ` + name + ` (` + cols + `) WITH ('connector' = 'filesystem', 'path' = '` + dir + `', 'format' = 'csv')`, dir
}

func collectRows(t *testing.T, r *Result) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rows, err := r.Rows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, row := range rows {
		out[i] = row.Format(r.Schema, nil)
	}
	return out
}

// finalState applies a changelog and returns the remaining rows, sorted.
func finalState(rows []string) []string {
	count := map[string]int{}
	for _, r := range rows {
		body := r[2:]
		if strings.HasPrefix(r, "+") {
			count[body]++
		} else {
			count[body]--
		}
	}
	var out []string
	for k, n := range count {
		for ; n > 0; n-- {
			out = append(out, "+I"+k)
		}
	}
	sort.Strings(out)
	return out
}

func readDir(t *testing.T, dir string) []string {
	t.Helper()
	var lines []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.HasPrefix(info.Name(), ".") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return lines
}

const wordCount = "SELECT word, COUNT(*) FROM words GROUP BY word"

func TestWordCountStreaming(t *testing.T) {
	requireConnectors(t, "filesystem")
	want := []string{"+I[Apache Flink, 1]", "+I[cool, 1]", "+I[enjoyment, 1]", "-U[Apache Flink, 1]", "+U[Apache Flink, 2]"}
	for _, p := range []int{1, 2} {
		env := NewEnvironment(Settings{Parallelism: p})
		mustExec(t, env, wordsTable(t))
		r := mustExec(t, env, wordCount)
		if r.Kind != ResultRows || !r.Changelog || !r.Bounded {
			t.Fatalf("kind %s changelog %v", r.Kind, r.Changelog)
		}
		got := collectRows(t, r)
		if p == 1 {
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("parallelism 1: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		if fs, fw := finalState(got), finalState(want); strings.Join(fs, ",") != strings.Join(fw, ",") {
			t.Errorf("parallelism %d: final state %q, want %q", p, fs, fw)
		}
	}
}

func TestWordCountBatch(t *testing.T) {
	requireConnectors(t, "filesystem")
	for _, p := range []int{1, 3} {
		env := NewEnvironment(Settings{Batch: true, Parallelism: p})
		mustExec(t, env, wordsTable(t))
		r := mustExec(t, env, wordCount)
		if r.Changelog {
			t.Errorf("batch results carry no changelog")
		}
		got := collectRows(t, r)
		sort.Strings(got)
		want := []string{"+I[Apache Flink, 2]", "+I[cool, 1]", "+I[enjoyment, 1]"}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("parallelism %d: got %q, want %q", p, got, want)
		}
	}
}

func TestInsertUpdatesIntoCSV(t *testing.T) {
	requireConnectors(t, "filesystem")
	const insert = "INSERT INTO csv_sink SELECT word, COUNT(*) FROM words GROUP BY word"
	// Streaming: the aggregation's updates cannot go to an append-only file.
	env := NewEnvironment(Settings{Parallelism: 1})
	mustExec(t, env, wordsTable(t))
	ddl, _ := sinkTable(t, "csv_sink", "word STRING, cnt BIGINT")
	mustExec(t, env, ddl)
	_, err := env.ExecuteSQL(context.Background(), insert)
	wantErr := "Table sink 'default_catalog.default_database.csv_sink' doesn't support consuming update changes which is produced by node GroupAggregate(groupBy=[word], select=[word, COUNT(*) AS EXPR$1])"
	if err == nil || err.Error() != wantErr {
		t.Fatalf("streaming insert: got %v\nwant %s", err, wantErr)
	}
	// Batch: final rows only, written to the files.
	env = NewEnvironment(Settings{Batch: true, Parallelism: 2})
	mustExec(t, env, wordsTable(t))
	ddl, dir := sinkTable(t, "csv_sink", "word STRING, cnt BIGINT")
	mustExec(t, env, ddl)
	r := mustExec(t, env, insert)
	if r.Kind != ResultJob || r.JobID == "" {
		t.Fatalf("kind %s job %q", r.Kind, r.JobID)
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	got := readDir(t, dir)
	want := []string{"Apache Flink,2", "cool,1", "enjoyment,1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("files hold %q, want %q", got, want)
	}
}

func TestNotebookJob(t *testing.T) {
	requireConnectors(t, "filesystem")
	for _, batch := range []bool{true, false} {
		env := NewEnvironment(Settings{Batch: batch, Parallelism: 2})
		ddl, dir := sinkTable(t, "csv_sink", "a INT, b STRING, c STRING")
		mustExec(t, env, ddl)
		r := mustExec(t, env, "INSERT INTO csv_sink SELECT a + 1, b, c FROM (VALUES (1,'hi','hello'), (2,'hi','hello')) AS t(a,b,c)")
		if err := r.Wait(); err != nil {
			t.Fatal(err)
		}
		rows := collectRows(t, r)
		if len(rows) != 1 || rows[0] != "+I[-1]" {
			t.Errorf("insert result rows %q", rows)
		}
		got := readDir(t, dir)
		want := []string{"2,hi,hello", "3,hi,hello"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("batch=%v: files hold %q, want %q", batch, got, want)
		}
	}
}

func TestStatementSet(t *testing.T) {
	requireConnectors(t, "filesystem")
	env := NewEnvironment(Settings{Batch: true, Parallelism: 1})
	ddl1, dir1 := sinkTable(t, "s1", "a INT")
	ddl2, dir2 := sinkTable(t, "s2", "a INT")
	mustExec(t, env, ddl1)
	mustExec(t, env, ddl2)
	r := mustExec(t, env, `EXECUTE STATEMENT SET BEGIN
		INSERT INTO s1 VALUES (1), (2);
		INSERT INTO s2 SELECT a * 10 FROM (VALUES (3)) AS t(a);
	END`)
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := readDir(t, dir1); strings.Join(got, ",") != "1,2" {
		t.Errorf("s1 holds %q", got)
	}
	if got := readDir(t, dir2); strings.Join(got, ",") != "30" {
		t.Errorf("s2 holds %q", got)
	}
	if got := r.Schema.Names(); strings.Join(got, ",") != "default_catalog.default_database.s1,default_catalog.default_database.s2" {
		t.Errorf("result columns %q", got)
	}
}

func TestExplainStatement(t *testing.T) {
	requireConnectors(t, "filesystem")
	env := NewEnvironment(Settings{Parallelism: 2})
	mustExec(t, env, wordsTable(t))
	out, err := env.Explain(context.Background(), "EXPLAIN "+wordCount)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"== Abstract Syntax Tree ==\n",
		"LogicalAggregate(group=[{0}], EXPR$1=[COUNT()])",
		"== Optimized Physical Plan ==\nGroupAggregate(groupBy=[word], select=[word, COUNT(*) AS EXPR$1])\n+- Exchange(distribution=[hash[word]])\n   +- TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word])\n",
		"== Optimized Execution Plan ==\nGroupAggregate(",
		"== Physical Job Graph ==\n",
		"HASH[word]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("EXPLAIN output lacks %q:\n%s", want, out)
		}
	}
	r := mustExec(t, env, "EXPLAIN CHANGELOG_MODE "+wordCount)
	rows, err := r.Rows(context.Background())
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	if s := rows[0].Values[0].(string); !strings.Contains(s, "changelogMode=[I,UB,UA]") {
		t.Errorf("EXPLAIN CHANGELOG_MODE lacks modes:\n%s", s)
	}
}

func TestPlanningErrors(t *testing.T) {
	requireConnectors(t, "filesystem")
	env := NewEnvironment(Settings{Parallelism: 1})
	mustExec(t, env, wordsTable(t))
	tests := []struct{ stmt, want string }{
		{"SELECT word FROM words ORDER BY word", "Sort on a non-time-attribute field is not supported."},
		{"SELECT wrd FROM words", "did you mean 'word'?"},
		{"SELECT * FROM wrods", "Object 'wrods' not found"},
	}
	for _, tc := range tests {
		_, err := env.ExecuteSQL(context.Background(), tc.stmt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.stmt, err, tc.want)
		}
	}
}

func TestUnboundedQueryCancel(t *testing.T) {
	requireConnectors(t, "datagen")
	env := NewEnvironment(Settings{Parallelism: 2})
	mustExec(t, env, "CREATE TABLE gen (a INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000')")
	r := mustExec(t, env, "SELECT a FROM gen")
	if r.Bounded {
		t.Errorf("a datagen query without number-of-rows is unbounded")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := r.Next(ctx)
	if err != nil || b == nil {
		t.Fatalf("first batch: %v %v", b, err)
	}
	r.Cancel()
	for {
		_, err := r.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				t.Fatal("Next did not end after Cancel")
			}
			break
		}
	}
	// Batch mode refuses an unbounded source, as Flink does.
	env.Config().Set(KeyRuntimeMode, "batch")
	_, err = env.ExecuteSQL(context.Background(), "SELECT a FROM gen")
	if err == nil || !strings.Contains(err.Error(), "Querying an unbounded table 'default_catalog.default_database.gen' in batch mode is not allowed") {
		t.Errorf("batch over unbounded source: %v", err)
	}
}

func TestInsertChangelogIntoRetractSink(t *testing.T) {
	requireConnectors(t, "filesystem", "blackhole")
	env := NewEnvironment(Settings{Parallelism: 1, Config: map[string]string{KeyDMLSync: "true"}})
	mustExec(t, env, wordsTable(t))
	mustExec(t, env, "CREATE TABLE out (word STRING, cnt BIGINT) WITH ('connector' = 'blackhole')")
	r := mustExec(t, env, "INSERT INTO out SELECT word, COUNT(*) FROM words GROUP BY word")
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestUpsertSink(t *testing.T) {
	requireConnectors(t, "filesystem", "values")
	env := NewEnvironment(Settings{Parallelism: 1})
	mustExec(t, env, wordsTable(t))
	mustExec(t, env, `CREATE TABLE upsert_sink (word STRING, cnt BIGINT, PRIMARY KEY (word) NOT ENFORCED)
		WITH ('connector' = 'values', 'sink-changelog-mode-enforced' = 'I,UA,D')`)
	r := mustExec(t, env, "INSERT INTO upsert_sink SELECT word, COUNT(*) FROM words GROUP BY word")
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range values.RawResults("default_catalog.default_database.upsert_sink") {
		got = append(got, row.Kind.String()+"["+types.Format(row.Values[0], types.String, nil, "null")+"]")
	}
	want := "+I[Apache Flink] +I[cool] +I[enjoyment] +U[Apache Flink]"
	if strings.Join(got, " ") != want {
		t.Errorf("upsert sink got %q, want %s", got, want)
	}
}

func TestComputedColumnsAndWatermarks(t *testing.T) {
	requireConnectors(t, "datagen")
	env := NewEnvironment(Settings{Batch: true, Parallelism: 2})
	mustExec(t, env, `CREATE TABLE gen (
		a INT,
		b AS a * 2,
		ts TIMESTAMP(3),
		WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
	) WITH ('connector' = 'datagen', 'number-of-rows' = '20', 'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '20')`)
	got := collectRows(t, mustExec(t, env, "SELECT COUNT(*), SUM(b), SUM(a) FROM gen WHERE b > 10"))
	if strings.Join(got, " ") != "+I[15, 390, 195]" {
		t.Errorf("got %q", got)
	}
	env.Config().Set(KeyRuntimeMode, "streaming")
	got = finalState(collectRows(t, mustExec(t, env, "SELECT COUNT(*) FROM gen")))
	if strings.Join(got, " ") != "+I[20]" {
		t.Errorf("streaming over a table with a watermark: %q", got)
	}
}
