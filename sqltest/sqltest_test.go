package sqltest

import (
	"flag"
	"path/filepath"
	"testing"

	_ "github.com/spry-engine/spry/connector/all"
)

var update = flag.Bool("update", false, "rewrite expected results in testdata/slt from actual output")

// TestSLT runs every golden SQL file under testdata/slt.
func TestSLT(t *testing.T) {
	files, err := filepath.Glob("../testdata/slt/*.slt")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			fails, n, err := RunFile(f, Options{Update: *update})
			if err != nil {
				t.Fatal(err)
			}
			total += n
			for _, fl := range fails {
				t.Error(fl.String())
			}
		})
	}
	t.Logf("%d records in %d files", total, len(files))
}
