// Package pyudftest helps tests run real Python workers: it finds an
// interpreter with the worker's dependencies and pickles functions written
// as Python source.
package pyudftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Python returns an interpreter that has pyarrow, pandas and cloudpickle:
// $SPRY_PYTHON, the repository's .venv, or python3. It skips the test when
// none has them, except under CI (CI set), where that is a failure: `make
// test` installs them.
func Python(t testing.TB) string {
	t.Helper()
	var cands []string
	if p := os.Getenv("SPRY_PYTHON"); p != "" {
		cands = append(cands, p)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		cands = append(cands, filepath.Join(filepath.Dir(file), "..", "..", ".venv", "bin", "python"))
	}
	cands = append(cands, "python3")
	for _, c := range cands {
		if exec.Command(c, "-c", "import pyarrow, pandas, cloudpickle").Run() == nil {
			if abs, err := filepath.Abs(c); err == nil && strings.ContainsRune(c, os.PathSeparator) {
				return abs
			}
			return c
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no Python with pyarrow, pandas and cloudpickle (tried %v): run make venv", cands)
	}
	t.Skip("no Python with pyarrow, pandas and cloudpickle; set SPRY_PYTHON or run make venv")
	return ""
}

// Pickle runs src (Python defining a variable `f`) and returns
// cloudpickle.dumps(f).
func Pickle(t testing.TB, python, src string) []byte {
	t.Helper()
	prog := src + "\nimport cloudpickle, sys\nsys.stdout.buffer.write(cloudpickle.dumps(f))\n"
	cmd := exec.Command(python, "-c", prog)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+srcDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pickling %q: %v\n%s", src, err, stderr.String())
	}
	return out
}

func srcDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "python", "src")
}
