package pyudf

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/spry-engine/spry/pyudf/pyudftest"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// session makes an environment whose workers use the test interpreter.
func session(t *testing.T, batch bool, par int, extra map[string]string) (*table.Environment, string) {
	t.Helper()
	py := pyudftest.Python(t)
	cfg := map[string]string{"python.executable": py}
	if x := os.Getenv("SPRY_BENCH_PYEXEC"); x != "" {
		cfg["python.executable"] = x // e.g. a wrapper running the worker under a profiler
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return table.NewEnvironment(table.Settings{Batch: batch, Parallelism: par, Config: cfg}), py
}

func register(t *testing.T, env *table.Environment, py string, spec FunctionSpec, src string) {
	t.Helper()
	if err := Register(env, spec, pyudftest.Pickle(t, py, src)); err != nil {
		t.Fatal(err)
	}
}

// rows runs a query and returns its rows as Flink prints them, sorted.
func rows(t *testing.T, env *table.Environment, q string) ([]string, error) {
	t.Helper()
	r, err := env.ExecuteSQL(context.Background(), q)
	if err != nil {
		return nil, err
	}
	rs, err := r.Rows(context.Background())
	out := make([]string, len(rs))
	for i, row := range rs {
		out[i] = row.Format(r.Schema, nil)
	}
	sort.Strings(out)
	return out, err
}

func mustRows(t *testing.T, env *table.Environment, q string) string {
	t.Helper()
	got, err := rows(t, env, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return strings.Join(got, " ")
}

func scalar(name, result string, inputs ...string) FunctionSpec {
	return FunctionSpec{Name: name, Kind: "scalar", ResultType: result, InputTypes: inputs, TemporarySystem: true}
}

const words = "(VALUES (1, 'a b'), (2, 'c'), (3, CAST(NULL AS STRING))) AS t(id, s)"

func TestScalarUDFs(t *testing.T) {
	for _, mode := range []struct {
		name  string
		batch bool
		par   int
		extra map[string]string
	}{
		{"batch", true, 1, nil},
		{"streaming-p2", false, 2, nil},
		{"bundle-1", false, 1, map[string]string{"python.fn-execution.bundle.size": "1"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			env, py := session(t, mode.batch, mode.par, mode.extra)
			register(t, env, py, scalar("py_upper", "STRING", "STRING"), "f = lambda s: None if s is None else s.upper()")
			register(t, env, py, scalar("py_inc", "BIGINT", "BIGINT"), "def f(x):\n    return x + 1")
			register(t, env, py, scalar("py_len", "INT"), `
from spry.worker.context import FunctionContext
class Len(object):
    def open(self, ctx):
        self.n = 0
    def eval(self, s):
        return -1 if s is None else len(s)
f = Len()`)
			got := mustRows(t, env, "SELECT id, py_upper(s), py_inc(py_inc(id)) * 10, py_len(py_upper(s)) FROM "+words)
			want := "+I[1, A B, 30, 3] +I[2, C, 40, 1] +I[3, null, 50, -1]"
			if got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			got = mustRows(t, env, "SELECT id FROM "+words+" WHERE py_inc(id) > 2")
			if got != "+I[2] +I[3]" {
				t.Errorf("filter: got %s", got)
			}
		})
	}
}

func TestCallableKinds(t *testing.T) {
	env, py := session(t, true, 1, nil)
	register(t, env, py, scalar("p_partial", "BIGINT"), "import functools\ndef add(a, b):\n    return a + b\nf = functools.partial(add, 100)")
	register(t, env, py, scalar("p_callable", "BIGINT"), "class C(object):\n    def __call__(self, x):\n        return x * 3\nf = C()")
	register(t, env, py, FunctionSpec{Name: "p_pandas", Kind: "scalar", FuncType: "pandas", ResultType: "DOUBLE", TemporarySystem: true},
		"f = lambda a, b: a * 2.5 + b")
	got := mustRows(t, env, "SELECT p_partial(id), p_callable(id), p_pandas(id, id) FROM "+words)
	if want := "+I[101, 3, 3.5] +I[102, 6, 7.0] +I[103, 9, 10.5]"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestUDTF(t *testing.T) {
	env, py := session(t, false, 2, nil)
	register(t, env, py, FunctionSpec{Name: "split", Kind: "table", ResultTypes: []string{"STRING", "INT"}, TemporarySystem: true},
		"def f(s):\n    if s is None:\n        return\n    for w in s.split(' '):\n        yield w, len(w)")
	got := mustRows(t, env, "SELECT id, w, n FROM "+words+", LATERAL TABLE(split(s)) AS T(w, n)")
	if want := "+I[1, a, 1] +I[1, b, 1] +I[2, c, 1]"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	got = mustRows(t, env, "SELECT id, w FROM "+words+" LEFT JOIN LATERAL TABLE(split(s)) AS T(w, n) ON TRUE")
	if want := "+I[1, a] +I[1, b] +I[2, c] +I[3, null]"; got != want {
		t.Errorf("left: got  %s\nwant %s", got, want)
	}
}

func TestUDFError(t *testing.T) {
	env, py := session(t, true, 1, nil)
	register(t, env, py, scalar("boom", "INT"), "def f(x):\n    if x == 2:\n        raise ValueError('bad row %d' % x)\n    return x")
	_, err := rows(t, env, "SELECT boom(id) FROM "+words)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"boom", "PythonCalc(", "ValueError: bad row 2", "Traceback"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestExplain(t *testing.T) {
	env, py := session(t, false, 1, nil)
	register(t, env, py, scalar("py_upper", "STRING", "STRING"), "f = str.upper")
	plan, err := env.Explain(context.Background(), "SELECT id, py_upper(s) AS u, CHAR_LENGTH(py_upper(CONCAT(s, 'x'))) FROM "+words)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"PythonCalc(select=[EXPR$0, py_upper(EXPR$1) AS u, py_upper(f2) AS f1])", "Calc(select=[EXPR$0, EXPR$1, CONCAT(EXPR$1, 'x') AS f2])"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
}

func TestParseType(t *testing.T) {
	for in, want := range map[string]string{"BIGINT": "BIGINT", "STRING": "STRING", "DECIMAL(10, 2)": "DECIMAL(10, 2)",
		"ARRAY<INT>": "ARRAY<INT>", "INT NOT NULL": "INT NOT NULL"} {
		got, err := ParseType(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseType(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseType("NOPE("); err == nil {
		t.Error("want an error")
	}
	_ = types.BigInt
}
