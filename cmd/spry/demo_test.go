package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoScript runs examples/demo.sql (what `make demo` runs) with its
// /tmp/spry-demo directory moved to a test directory, so the demo stays
// true to the engine: its event-time step must print each window once.
func TestDemoScript(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"words.csv", "clicks.csv"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "data", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "demo.sql"))
	if err != nil {
		t.Fatal(err)
	}
	script := strings.ReplaceAll(string(src), "/tmp/spry-demo", dir)
	out, errOut, code := runSQL(t, "-e", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"| +I | 2017-11-26 01:00:00.000 | 2017-11-26 01:00:10.000 |                    3 |                    2 |",
		"| +I | 2017-11-26 01:00:10.000 | 2017-11-26 01:00:20.000 |                    3 |                    3 |",
		"| +I | 2017-11-26 01:00:20.000 | 2017-11-26 01:00:30.000 |                    2 |                    2 |",
		"| Apache Flink |   2 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}
