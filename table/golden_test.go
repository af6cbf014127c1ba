package table

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.plan golden files")

// TestPlanGolden checks the "Optimized Physical Plan" EXPLAIN prints for
// the queries in testdata/plans.plan. Each case is
//
//	=== name
//	SET lines (optional), then one statement
//	---
//	the expected plan
//
// Run `go test ./table -run TestPlanGolden -update` to regenerate.
func TestPlanGolden(t *testing.T) {
	path := filepath.Join("testdata", "plans.plan")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, c := range strings.Split(string(data), "=== ")[1:] {
		name, rest, _ := strings.Cut(c, "\n")
		input, want, _ := strings.Cut(rest, "---\n")
		want = strings.TrimSpace(want)
		got := explainCase(t, input)
		if *update {
			out.WriteString("=== " + name + "\n" + strings.TrimSpace(input) + "\n---\n" + got + "\n\n")
			continue
		}
		if got != want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", name, got, want)
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// explainCase runs a case's SET lines and returns its statement's
// physical plan, or "ERROR: message".
func explainCase(t *testing.T, input string) string {
	env := NewEnvironment(Settings{Parallelism: 4})
	ctx := context.Background()
	for _, ddl := range []string{
		"CREATE TABLE words (word STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10')",
		"CREATE TABLE orders (id BIGINT, customer STRING, amount INT, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'datagen', 'number-of-rows' = '10')",
		"CREATE TABLE customers (name STRING, city STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10')",
		"CREATE TABLE csv_sink (word STRING, cnt BIGINT) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'csv')",
		"CREATE TABLE print_sink (word STRING, cnt BIGINT) WITH ('connector' = 'print')",
	} {
		if _, err := env.ExecuteSQL(ctx, ddl); err != nil {
			t.Fatalf("%s: %v", ddl, err)
		}
	}
	var stmt []string
	for _, line := range strings.Split(strings.TrimSpace(input), "\n") {
		if strings.HasPrefix(line, "SET ") {
			if _, err := env.ExecuteSQL(ctx, line); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			continue
		}
		stmt = append(stmt, line)
	}
	s, err := env.Explain(ctx, strings.Join(stmt, "\n"))
	if err != nil {
		return "ERROR: " + err.Error()
	}
	_, s, _ = strings.Cut(s, "== Optimized Physical Plan ==\n")
	s, _, _ = strings.Cut(s, "\n== Optimized Execution Plan ==")
	return strings.TrimSpace(s)
}
