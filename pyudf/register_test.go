package pyudf

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

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

func TestPythonFiles(t *testing.T) {
	dir := t.TempDir()
	mod := dir + "/shipped_helper.py"
	if err := os.WriteFile(mod, []byte("def triple(x):\n    return 3 * x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env, py := session(t, true, 2, map[string]string{"python.files": mod})
	// The function imports the shipped module when it runs, in the worker.
	register(t, env, py, scalar("py_triple", "BIGINT"), "def f(x):\n    import shipped_helper\n    return shipped_helper.triple(x)")
	if got := mustRows(t, env, "SELECT py_triple(id) FROM "+words); got != "+I[3] +I[6] +I[9]" {
		t.Errorf("got %s", got)
	}
}

func TestWorkerCrashFailsJob(t *testing.T) {
	env, py := session(t, false, 1, nil)
	register(t, env, py, scalar("die", "INT"), "import os\ndef f(x):\n    os._exit(7)")
	_, err := rows(t, env, "SELECT die(id) FROM "+words)
	if err == nil || !strings.Contains(err.Error(), "Python worker exited with code 7") {
		t.Fatalf("want the exit code in the error, got %v", err)
	}
}

func TestTypes(t *testing.T) {
	env, py := session(t, true, 1, nil)
	for _, c := range []struct{ name, result, src string }{
		{"ts_plus", "TIMESTAMP(3)", "import datetime\nf = lambda t: t + datetime.timedelta(days=1)"},
		{"day_of", "DATE", "f = lambda t: t.date()"},
		{"dec", "DECIMAL(10, 2)", "import decimal\nf = lambda d: d * 2"},
		{"arr", "ARRAY<BIGINT>", "f = lambda x: [x, x + 1]"},
		{"row_of", "ROW<a BIGINT, b STRING>", "from spry.common.types import Row\nf = lambda x: Row(a=x, b=str(x))"},
		{"tup", "ROW<a BIGINT, b STRING>", "f = lambda x: (x, 'n')"},
		{"flag", "BOOLEAN", "f = lambda x: x % 2 == 0"},
		{"dbl", "DOUBLE", "f = lambda x: x / 2"},
		{"bts", "BYTES", "f = lambda s: s.encode()"},
	} {
		register(t, env, py, scalar(c.name, c.result), c.src)
	}
	q := "SELECT ts_plus(ts), day_of(ts), dec(d), arr(id), row_of(id), tup(id), flag(id), dbl(id), bts(s) FROM " +
		"(VALUES (2, TIMESTAMP '2024-01-01 10:00:00.123', CAST(1.25 AS DECIMAL(10, 2)), 'x')) AS t(id, ts, d, s)"
	got := mustRows(t, env, q)
	want := "+I[2024-01-02 10:00:00.123, 2024-01-01, 2.50, [2, 3], (2, 2), (2, n), TRUE, 1.0, x'78']"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestJoinConditionWithUDF(t *testing.T) {
	env, py := session(t, false, 2, nil)
	register(t, env, py, scalar("close_to", "BOOLEAN"), "f = lambda a, b: abs(a - b) <= 1")
	q := "SELECT l.k, l.v, r.w FROM (VALUES (1, 10), (2, 20)) AS l(k, v) JOIN (VALUES (1, 11), (1, 15), (2, 21)) AS r(k, w) " +
		"ON l.k = r.k AND close_to(l.v, r.w)"
	if got := mustRows(t, env, q); got != "+I[1, 10, 11] +I[2, 20, 21]" {
		t.Errorf("got %s", got)
	}
}

func TestMetricsReachTheJob(t *testing.T) {
	env, py := session(t, true, 2, nil)
	register(t, env, py, scalar("counted", "BIGINT"), `
class Counted(object):
    def open(self, ctx):
        self.c = ctx.get_metric_group().counter("py_calls")
    def eval(self, x):
        self.c.inc()
        return x
f = Counted()`)
	r, err := env.ExecuteSQL(context.Background(), "SELECT counted(id) FROM "+words)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Rows(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := r.MetricTotal("py_calls"); n != 3 {
		t.Errorf("py_calls = %d, want 3", n)
	}
}

func TestPythonCallsEverywhere(t *testing.T) {
	env, py := session(t, true, 1, nil)
	register(t, env, py, scalar("py_inc", "BIGINT", "BIGINT"), "f = lambda x: x + 1")
	for _, c := range []struct{ q, want string }{
		{"SELECT SUM(py_inc(id)) FROM " + words, "+I[9]"},
		{"SELECT py_inc(id) % 2 AS g, COUNT(*) FROM " + words + " GROUP BY py_inc(id) % 2", "+I[0, 2] +I[1, 1]"},
		{"SELECT py_inc(SUM(id)) FROM " + words, "+I[7]"},
		{"SELECT CASE WHEN id > 1 THEN py_inc(id) ELSE 0 END FROM " + words, "+I[0] +I[3] +I[4]"},
		{"SELECT id FROM " + words + " ORDER BY py_inc(id) DESC LIMIT 1", "+I[3]"},
		{"SELECT py_inc(1)", "+I[2]"},
		{"SELECT COUNT(*) FROM " + words + " HAVING py_inc(COUNT(*)) > 3", "+I[3]"},
	} {
		got, err := rows(t, env, c.q)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%s: got %s, want %s", c.q, g, c.want)
		}
	}
}

// TestUnboundedStreamFlows reads results of a slow unbounded source: held
// rows must be flushed when the input runs dry, not at the end of input.
func TestUnboundedStreamFlows(t *testing.T) {
	env, py := session(t, false, 1, nil)
	register(t, env, py, scalar("py_inc", "BIGINT", "BIGINT"), "f = lambda x: x + 1")
	ctx := context.Background()
	if _, err := env.ExecuteSQL(ctx, "CREATE TABLE slow (x BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '1000000')"); err != nil {
		t.Fatal(err)
	}
	r, err := env.ExecuteSQL(ctx, "SELECT py_inc(x) FROM slow")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Cancel()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	n := 0
	for n < 5 {
		b, err := r.Next(tctx)
		if err != nil {
			t.Fatalf("after %d rows: %v", n, err)
		}
		if b != nil {
			n += b.Len()
		}
	}
}
