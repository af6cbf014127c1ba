package streamtest

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected rows of testdata/stream/*.test")

// TestStream runs every testdata/stream/*.test file as a subtest named
// after the file (without .test).
func TestStream(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "stream", "*.test"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/stream/*.test files")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".test")
		t.Run(name, func(t *testing.T) { RunFile(t, f, *update) })
	}
}
