package worker

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// The configuration keys the workers read (Flink's names).
const (
	KeyExecutable     = "python.executable"
	KeyFiles          = "python.files"
	KeyArchives       = "python.archives"
	KeyRequirements   = "python.requirements"
	KeyBundleSize     = "python.fn-execution.bundle.size"
	KeyBundleTime     = "python.fn-execution.bundle.time"
	KeyArrowBatchSize = "python.fn-execution.arrow.batch.size"
)

// Options configure the worker processes of an operator.
type Options struct {
	// Executable is the Python interpreter.
	Executable string
	// PythonPath is put first on the worker's PYTHONPATH: the spry
	// package's directory, python.files and python.archives entries.
	PythonPath []string
	// WorkDir is the worker's working directory ("" = the engine's, or
	// the directory archives are extracted to).
	WorkDir string
	// Archives are python.archives entries ("path" or "path#dir"),
	// extracted once per job configuration into the workers' working
	// directory (under dir, else the archive's file name) and put on their
	// PYTHONPATH, as Flink does.
	Archives []string
	// Requirements is python.requirements ("file" or "file#wheel-cache"):
	// installed once with pip into a directory on the PYTHONPATH.
	Requirements string
	// BundleSize is the most rows sent to a worker before its results are
	// awaited (python.fn-execution.bundle.size, Flink's default 100000).
	BundleSize int
	// BundleTime is python.fn-execution.bundle.time (Flink's 1000 ms).
	BundleTime time.Duration
	// ArrowBatchSize is the most rows in one Arrow batch sent to a worker
	// (python.fn-execution.arrow.batch.size, Flink's default 10000).
	ArrowBatchSize int
	// JobParams reach FunctionContext.get_job_parameter.
	JobParams map[string]string
}

// FromConfig reads the worker options from session options. The
// interpreter is python.executable, else $SPRY_PYTHON, else python3.
func FromConfig(opts map[string]string) Options {
	o := Options{Executable: opts[KeyExecutable], BundleSize: 100000, BundleTime: time.Second,
		ArrowBatchSize: 10000, JobParams: opts}
	if o.Executable == "" {
		o.Executable = os.Getenv("SPRY_PYTHON")
	}
	if o.Executable == "" {
		o.Executable = "python3"
	}
	if n, err := strconv.Atoi(strings.TrimSpace(opts[KeyBundleSize])); err == nil && n > 0 {
		o.BundleSize = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(opts[KeyArrowBatchSize])); err == nil && n > 0 {
		o.ArrowBatchSize = n
	}
	if d, ok := parseMillis(opts[KeyBundleTime]); ok {
		o.BundleTime = d
	}
	// Flink requires arrow.batch.size <= bundle.size.
	if o.ArrowBatchSize > o.BundleSize {
		o.ArrowBatchSize = o.BundleSize
	}
	for _, f := range strings.Split(opts[KeyFiles], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		// A file on the path is importable from its directory; a
		// directory or zip/egg is importable itself.
		if st, err := os.Stat(f); err == nil && !st.IsDir() && strings.HasSuffix(f, ".py") {
			f = filepath.Dir(f)
		}
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		o.PythonPath = append(o.PythonPath, f)
	}
	for _, a := range strings.Split(opts[KeyArchives], ",") {
		if a = strings.TrimSpace(a); a != "" {
			o.Archives = append(o.Archives, a)
		}
	}
	o.Requirements = strings.TrimSpace(opts[KeyRequirements])
	return o
}

// parseMillis reads a duration as Flink writes them for bundle.time: a
// number of milliseconds, or with a unit ("1 s", "500ms").
func parseMillis(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return time.Duration(n) * time.Millisecond, true
	}
	if d, err := time.ParseDuration(strings.ReplaceAll(s, " ", "")); err == nil && d > 0 {
		return d, true
	}
	return 0, false
}

// pythonPath is the worker's PYTHONPATH: the user's entries, the spry
// package's source directory when found, then the inherited PYTHONPATH.
func (o Options) pythonPath() []string {
	p := append([]string(nil), o.PythonPath...)
	if d := PackageDir(); d != "" {
		p = append(p, d)
	}
	if env := os.Getenv("PYTHONPATH"); env != "" {
		p = append(p, env)
	}
	return p
}

// PackageDir finds the directory holding the spry Python package (the one
// that has spry/worker/__main__.py): $SPRY_HOME/python/src, python/src next
// to the engine binary or above the working directory, or this source
// tree's when run from a checkout. "" means an installed spry package is
// relied on.
func PackageDir() string {
	var cands []string
	if h := os.Getenv("SPRY_HOME"); h != "" {
		cands = append(cands, filepath.Join(h, "python", "src"), filepath.Join(h, "src"))
	}
	if exe, err := os.Executable(); err == nil {
		d := filepath.Dir(exe)
		cands = append(cands, filepath.Join(d, "..", "python", "src"), filepath.Join(d, "python"))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			cands = append(cands, filepath.Join(d, "python", "src"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		cands = append(cands, filepath.Join(filepath.Dir(file), "..", "..", "python", "src"))
	}
	for _, c := range cands {
		if _, err := os.Stat(filepath.Join(c, "spry", "worker", "__main__.py")); err == nil {
			abs, err := filepath.Abs(c)
			if err == nil {
				return abs
			}
			return c
		}
	}
	return ""
}
