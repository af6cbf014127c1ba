package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/spry-engine/spry/gateway"
	"github.com/spry-engine/spry/table"
)

// runOptions are the options of `spry run`, named as Flink's CLI names
// them (flink run -py job.py -pyfs ... -pyexec ...).
type runOptions struct {
	script     string
	args       []string
	config     map[string]string
	clientExec string
	restPort   int // --rest-port; -1 when not given
}

// pyOptions maps Flink's Python CLI options to configuration keys.
var pyOptions = map[string]string{
	"-pyfs": "python.files", "--pyFiles": "python.files",
	"-pyarch": "python.archives", "--pyArchives": "python.archives",
	"-pyreq": "python.requirements", "--pyRequirements": "python.requirements",
	"-pyexec": "python.executable", "--pyExecutable": "python.executable",
	"-pyclientexec": "python.client.executable", "--pyClientExecutable": "python.client.executable",
}

const runUsage = `Usage: spry run [options] job.py [args...]
       spry run [options] -py job.py [args...]

Runs a PyFlink or spry Python job against an engine embedded in this process.
'pyflink' imports resolve to the spry package. The exit code is the script's.

Options (as Flink's CLI):
  -py, --python FILE             the job script
  -pyfs, --pyFiles FILES         python.files: comma-separated files/dirs for the UDF workers' sys.path
  -pyarch, --pyArchives ARCHS    python.archives: comma-separated archives (name.zip#dir)
  -pyreq, --pyRequirements FILE  python.requirements: requirements.txt[#cache_dir]
  -pyexec, --pyExecutable PY     python.executable: the Python of the UDF workers
  -pyclientexec, --pyClientExecutable PY
                                 the Python that runs the script (default: $SPRY_PYTHON,
                                 else python.executable, else python3 on PATH)
  -D key=value                   any configuration option
  --rest-port N                  serve the REST API (jobs, checkpoints, savepoints) on
                                 127.0.0.1:N (or -D rest.port=N); see spry list/savepoint/stop
`

// parseRunArgs reads options up to the script; everything after the
// script belongs to the script.
func parseRunArgs(args []string) (*runOptions, error) {
	o := &runOptions{config: map[string]string{}, restPort: -1}
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("option %s needs a value", a)
			}
			i++
			return args[i], nil
		}
		switch {
		case a == "-py" || a == "--python":
			v, err := next()
			if err != nil {
				return nil, err
			}
			o.script, o.args = v, args[i+1:]
			return o, nil
		case pyOptions[a] != "":
			v, err := next()
			if err != nil {
				return nil, err
			}
			o.config[pyOptions[a]] = v
		case a == "-D" || (strings.HasPrefix(a, "-D") && len(a) > 2):
			kv := strings.TrimPrefix(a, "-D")
			if kv == "" {
				v, err := next()
				if err != nil {
					return nil, err
				}
				kv = v
			}
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, fmt.Errorf("-D takes key=value, got %q", kv)
			}
			o.config[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case a == "--rest-port":
			v, err := next()
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 65535 {
				return nil, fmt.Errorf("--rest-port takes a port number, got %q", v)
			}
			o.restPort = n
		case a == "--":
			if i+1 < len(args) {
				o.script, o.args = args[i+1], args[i+2:]
			}
			return o, nil
		case strings.HasPrefix(a, "-") && a != "-":
			return nil, fmt.Errorf("unknown option %s", a)
		default:
			o.script, o.args = a, args[i+1:]
			return o, nil
		}
	}
	return o, nil
}

func newRunCommand() *cobra.Command {
	return &cobra.Command{
		Use:                "run [options] job.py [args...]",
		Short:              "Run a Python (PyFlink) job on an embedded engine",
		Long:               runUsage,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
				fmt.Fprint(cmd.OutOrStdout(), runUsage)
				return nil
			}
			o, err := parseRunArgs(args)
			if err != nil {
				return &exitError{2, fmt.Errorf("%v\n%s", err, runUsage)}
			}
			if o.script == "" {
				return &exitError{2, errors.New("no job script given\n" + runUsage)}
			}
			code, err := runScript(o)
			if err != nil {
				return &exitError{1, err}
			}
			if code != 0 {
				return &exitError{code, nil}
			}
			return nil
		},
	}
}

// runScript starts an embedded gateway, runs the script with
// SPRY_GATEWAY pointing at it and returns the script's exit code.
func runScript(o *runOptions) (int, error) {
	ln, err := gateway.Listen("127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	py := pythonFor(o)
	if _, ok := o.config["python.executable"]; !ok {
		// UDF workers use the script's interpreter (and so its installed
		// packages) unless -pyexec says otherwise.
		o.config["python.executable"] = py
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	stopREST, err := startREST(o.restPort, o.config, os.Stderr)
	if err != nil {
		return 0, err
	}
	defer stopREST()
	logger, closeLog, err := logSettings{}.open(os.Stderr)
	if err != nil {
		return 0, err
	}
	defer closeLog()
	srv := &gateway.Server{Engine: Version, Settings: table.Settings{Config: o.config, Logger: logger}}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.ServeListener(ctx, ln)
	}()
	defer func() {
		stop()
		<-served
	}()

	shim, err := pyflinkShim()
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(shim)
	c := exec.Command(py, append([]string{o.script}, o.args...)...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	c.Env = scriptEnv(os.Environ(), ln.Addr().String(), shim)
	// The script gets Ctrl-C as well (same process group); we wait for it
	// rather than die first and leave it without an engine.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := c.Start(); err != nil {
		return 0, fmt.Errorf("cannot start %s (set python.executable with -pyexec, or $SPRY_PYTHON): %w", py, err)
	}
	go func() {
		for s := range sigs {
			_ = c.Process.Signal(s)
		}
	}()
	err = c.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() < 0 {
			return 1, nil
		}
		return ee.ExitCode(), nil
	}
	return 0, err
}

// pythonFor picks the interpreter that runs the script.
func pythonFor(o *runOptions) string {
	if v := o.config["python.client.executable"]; v != "" {
		return v
	}
	if v := os.Getenv("SPRY_PYTHON"); v != "" {
		return v
	}
	if v := o.config["python.executable"]; v != "" {
		return v
	}
	if p, err := exec.LookPath("python3"); err == nil {
		return p
	}
	return "python3"
}

// scriptEnv is the script's environment: the gateway's address and a
// PYTHONPATH with the pyflink shim and the spry package first.
func scriptEnv(env []string, addr, shim string) []string {
	paths := []string{shim}
	if p := packageDir(); p != "" {
		paths = append(paths, p)
	}
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "SPRY_GATEWAY":
			continue
		case "PYTHONPATH":
			if v != "" {
				paths = append(paths, v)
			}
			continue
		}
		out = append(out, kv)
	}
	return append(out, "SPRY_GATEWAY="+addr, "PYTHONPATH="+strings.Join(paths, string(os.PathListSeparator)))
}

// packageDir finds the directory holding the spry Python package: the
// site-packages of an installed wheel (the binary is spry/bin/spry), the
// python/src of a checkout (the binary is bin/spry), or $SPRY_HOME's.
func packageDir() string {
	var cands []string
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		dir := filepath.Dir(exe)
		cands = append(cands, filepath.Join(dir, "..", ".."), filepath.Join(dir, "..", "python", "src"))
	}
	if h := os.Getenv("SPRY_HOME"); h != "" {
		cands = append(cands, filepath.Join(h, "python", "src"))
	}
	for _, c := range cands {
		if _, err := os.Stat(filepath.Join(c, "spry", "__init__.py")); err == nil {
			return filepath.Clean(c)
		}
	}
	return ""
}

// pyflinkShimInit is the shim package's __init__: it makes `pyflink` and
// every `pyflink.x` module resolve to spry's (spry.pyflink_compat when
// the package has it, else a minimal aliasing finder).
const pyflinkShimInit = `"""Shim installed by spry run: pyflink imports resolve to spry."""
import sys as _sys

try:
    from spry import pyflink_compat as _compat
except ImportError:
    _compat = None

if _compat is not None and hasattr(_compat, "install"):
    _compat.install()
else:
    import importlib as _importlib
    import importlib.abc as _abc
    import importlib.util as _util

    class _Alias(_abc.MetaPathFinder, _abc.Loader):
        def find_spec(self, name, path=None, target=None):
            if name.startswith("pyflink."):
                try:
                    if _util.find_spec("spry." + name[len("pyflink."):]) is None:
                        return None
                except ImportError:
                    return None
                return _util.spec_from_loader(name, self)
            return None

        def create_module(self, spec):
            module = _importlib.import_module("spry." + spec.name[len("pyflink."):])
            spec.loader_state = module.__spec__
            return module

        def exec_module(self, module):
            # The import system stamped our alias spec on spry's module.
            module.__spec__ = module.__spec__.loader_state or module.__spec__

    _sys.meta_path.insert(0, _Alias())

_spry = __import__("spry")
_sys.modules[__name__] = _spry
`

// pyflinkShim writes a temporary directory holding the pyflink shim
// package; the caller removes it.
func pyflinkShim() (string, error) {
	dir, err := os.MkdirTemp("", "spry-run-")
	if err != nil {
		return "", err
	}
	pkg := filepath.Join(dir, "pyflink")
	if err := os.Mkdir(pkg, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(pkg, "__init__.py"), []byte(pyflinkShimInit), 0o644); err != nil {
		return "", err
	}
	return dir, nil
}
