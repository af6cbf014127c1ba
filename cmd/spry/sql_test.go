package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runSQL runs `spry sql args...` in-process and returns stdout, stderr and
// the exit code main would use.
func runSQL(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := newSQLCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	code := 0
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
	default:
		code = 2
	}
	return out.String(), errOut.String(), code
}

func wordsTable(t *testing.T) string {
	dir := t.TempDir()
	path := filepath.Join(dir, "words.csv")
	if err := os.WriteFile(path, []byte("Apache Flink\ncool\nenjoyment\nApache Flink\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return "CREATE TABLE words (word STRING) WITH ('connector' = 'filesystem', 'path' = '" + path + "', 'format' = 'csv');\n"
}

// The seed word count in streaming mode prints Flink's changelog in
// tableau form; batch mode prints the final rows.
func TestSeedWordCount(t *testing.T) {
	script := wordsTable(t) + "SELECT word, COUNT(*) FROM words GROUP BY word;\n"
	out, errOut, code := runSQL(t, "-p", "1", "-e", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `+----+--------------------------------+----------------------+
| op |                           word |               EXPR$1 |
+----+--------------------------------+----------------------+
| +I |                   Apache Flink |                    1 |
| +I |                           cool |                    1 |
| +I |                      enjoyment |                    1 |
| -U |                   Apache Flink |                    1 |
| +U |                   Apache Flink |                    2 |
+----+--------------------------------+----------------------+
Received a total of 5 rows
`
	if !strings.Contains(out, want) {
		t.Errorf("streaming output:\n%s\nwant it to contain:\n%s", out, want)
	}
	out, errOut, code = runSQL(t, "--mode", "batch", "-e", script+"")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, row := range []string{"| Apache Flink |      2 |", "|         cool |      1 |", "|    enjoyment |      1 |", "3 rows in set"} {
		if !strings.Contains(out, row) {
			t.Errorf("batch output lacks %q:\n%s", row, out)
		}
	}
}

func TestChangelogResultMode(t *testing.T) {
	script := wordsTable(t) + "SET 'sql-client.execution.result-mode' = 'changelog';\nSELECT word, COUNT(*) FROM words GROUP BY word;\n"
	out, errOut, code := runSQL(t, "-p", "1", "-e", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "-U[Apache Flink, 1]\n+U[Apache Flink, 2]\n") {
		t.Errorf("changelog output:\n%s", out)
	}
}

func TestUpdatingInsertIntoAppendOnlySink(t *testing.T) {
	dir := t.TempDir()
	script := wordsTable(t) + "CREATE TABLE csv_sink (word STRING, cnt BIGINT) WITH ('connector' = 'filesystem', 'path' = '" +
		dir + "/out', 'format' = 'csv');\nINSERT INTO csv_sink SELECT word, COUNT(*) FROM words GROUP BY word;\n"
	_, errOut, code := runSQL(t, "-e", script)
	if code != 1 || !strings.Contains(errOut, "doesn't support consuming update changes") {
		t.Errorf("streaming: exit %d, stderr:\n%s", code, errOut)
	}
	out, errOut, code := runSQL(t, "--mode", "batch", "-e", script)
	if code != 0 {
		t.Fatalf("batch: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Complete execution") {
		t.Errorf("batch output:\n%s", out)
	}
}

func TestErrorsAndExitCodes(t *testing.T) {
	cases := []struct {
		args     []string
		code     int
		contains []string
	}{
		{[]string{"-e", "SELECT * FORM t"}, 1, []string{"line 1, column 10", "did you mean FROM?", "SELECT * FORM t\n         ^"}},
		{[]string{"-e", "SELECT UPPR('a')"}, 1, []string{"did you mean 'UPPER'?"}},
		{[]string{"--mode", "fast"}, 2, nil},
		{[]string{"-e", "SELECT 1", "-f", "x.sql"}, 2, nil},
		{[]string{"-f", "/nonexistent/x.sql"}, 2, nil},
		{[]string{"-D", "novalue", "-e", "SELECT 1"}, 2, nil},
	}
	for _, c := range cases {
		_, errOut, code := runSQL(t, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errOut)
		}
		for _, s := range c.contains {
			if !strings.Contains(errOut, s) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, s, errOut)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	cmd := newVersionCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	if err := cmd.Execute(); err != nil || !strings.HasPrefix(out.String(), "Spry ") {
		t.Fatalf("%q %v", out.String(), err)
	}
}
