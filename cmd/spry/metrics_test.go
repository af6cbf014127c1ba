package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A job that drops late rows or skips unparsable records says so on
// stderr when it ends, with Flink's metric names.
func TestMetricWarnings(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "late.csv")
	json := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(csv, []byte("1,2024-03-05 10:00:01\n2,2024-03-05 10:00:12\n3,2024-03-05 10:00:05\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(json, []byte("{\"id\": 1}\n{oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "SET 'table.exec.batch-size' = '1';\n" +
		"CREATE TABLE ev (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '" + csv + "', 'format' = 'csv');\n" +
		"CREATE TABLE j (id INT) WITH ('connector' = 'filesystem', 'path' = '" + json + "', 'format' = 'json', 'json.ignore-parse-errors' = 'true');\n" +
		"SELECT COUNT(*) FROM ev GROUP BY TUMBLE(ts, INTERVAL '10' SECOND);\n" +
		"SELECT * FROM j;\n" +
		"SELECT id FROM ev;\n"
	_, errOut, code := runSQL(t, "-p", "1", "-e", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The last query drops nothing and adds no line.
	want := "[WARN] 1 late records dropped (numLateRecordsDropped)\n[WARN] 1 records skipped (numSkippedRecords)\n"
	if errOut != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut, want)
	}
}
