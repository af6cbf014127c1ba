package pyudf

import (
	"context"
	"strings"
	"testing"

	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/table"
)

// top2 keeps every value (so it can retract) and emits the two largest
// with their rank, as PyFlink's Top2 example does.
const top2 = `
class Top2(object):
    def create_accumulator(self):
        return []
    def accumulate(self, acc, v):
        if v is not None:
            acc.append(v)
    def retract(self, acc, v):
        if v is not None:
            acc.remove(v)
    def merge(self, acc, others):
        for o in others:
            acc.extend(o)
    def emit_value(self, acc):
        for i, v in enumerate(sorted(acc, reverse=True)[:2]):
            yield v, i + 1
f = Top2()`

func registerTop2(t *testing.T, env *table.Environment, py string) {
	t.Helper()
	register(t, env, py, FunctionSpec{Name: "top2", Kind: "table_aggregate",
		ResultTypes: []string{"ROW<v INT, r INT>"}, TemporarySystem: true}, top2)
}

// changelog runs a query and returns its rows in arrival order.
func changelog(t *testing.T, env *table.Environment, q string) []string {
	t.Helper()
	r, err := env.ExecuteSQL(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	rs, err := r.Rows(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := make([]string, len(rs))
	for i, row := range rs {
		out[i] = row.Format(r.Schema, nil)
	}
	return out
}

// byKey splits a changelog by its rows' first field, keeping each key's
// order (the order parallel subtasks guarantee).
func byKey(rows []string) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		k, _, _ := strings.Cut(r[3:], ",")
		if out[k] != "" {
			out[k] += " "
		}
		out[k] += r
	}
	return out
}

const flatTop2 = "SELECT k, top2(v) FROM " + groups + " GROUP BY k"

func TestTableAggregate(t *testing.T) {
	bundle1 := map[string]string{"python.fn-execution.bundle.size": "1"}
	for _, mode := range []struct {
		name  string
		batch bool
		par   int
		extra map[string]string
		want  map[string]string
	}{
		{"batch-p2", true, 2, nil, map[string]string{
			"a": "+I[a, 3, 1] +I[a, 1, 2]", "b": "+I[b, 2, 1]", "c": "+I[c, 5, 1]"}},
		// One bundle: each key's rows once, nothing to retract.
		{"streaming-p2", false, 2, nil, map[string]string{
			"a": "+I[a, 3, 1] +I[a, 1, 2]", "b": "+I[b, 2, 1]", "c": "+I[c, 5, 1]"}},
		// Bundles of one row: every later row of a key retracts all the
		// rows it emitted before (-D) and emits the new ones (+I), even
		// when they are the same (b's NULL), as Flink does.
		{"streaming-p2-bundle1", false, 2, bundle1, map[string]string{
			"a": "+I[a, 1, 1] -D[a, 1, 1] +I[a, 3, 1] +I[a, 1, 2]",
			"b": "+I[b, 2, 1] -D[b, 2, 1] +I[b, 2, 1]",
			"c": "+I[c, 5, 1]"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			env, py := session(t, mode.batch, mode.par, mode.extra)
			registerTop2(t, env, py)
			got := byKey(changelog(t, env, flatTop2))
			for k, want := range mode.want {
				if got[k] != want {
					t.Errorf("key %s: got  %s\nwant %s", k, got[k], want)
				}
			}
			if len(got) != len(mode.want) {
				t.Errorf("got keys %v", got)
			}
		})
	}
}

// An updating input: the table aggregate retracts rows of its input and
// forgets a group whose rows are all retracted.
func TestTableAggregateRetraction(t *testing.T) {
	env, py := session(t, false, 1, map[string]string{"python.fn-execution.bundle.size": "1"})
	registerTop2(t, env, py)
	in := "(SELECT g, CAST(SUM(x) AS INT) AS s FROM (VALUES ('x', 1), ('x', 4), ('y', 2)) AS t(g, x) GROUP BY g)"
	got := strings.Join(changelog(t, env, "SELECT top2(s) FROM "+in), " ")
	want := strings.Join([]string{
		"+I[1, 1]",             // +I[x, 1]
		"-D[1, 1]",             // -U[x, 1]: the group is empty, nothing emitted
		"+I[5, 1]",             // +U[x, 5]
		"-D[5, 1]", "+I[5, 1]", // +I[y, 2]
		"+I[2, 2]",
	}, " ")
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestTableAggregateNames(t *testing.T) {
	env, py := session(t, true, 1, nil)
	registerTop2(t, env, py)
	register(t, env, py, FunctionSpec{Name: "firsts", Kind: "table_aggregate", ResultTypes: []string{"INT"}, TemporarySystem: true}, `
class F(object):
    def create_accumulator(self):
        return []
    def accumulate(self, acc, v):
        acc.append(v)
    def emit_value(self, acc):
        for v in acc[:1]:
            yield v
f = F()`)
	for _, tc := range []struct{ q, want string }{
		// The call stands for all its columns, after the selected keys.
		{"SELECT top2(v), k FROM " + groups + " WHERE k = 'a' GROUP BY k", "+I[1, 2, a] +I[3, 1, a]"},
		// A global table aggregate over the row-based call PyFlink makes.
		{"SELECT * FROM (SELECT top2(v) FROM " + groups + ") AS x(val, rnk) WHERE rnk = 1", "+I[5, 1]"},
		// A one-column function takes a select alias.
		{"SELECT k, firsts(v) AS first_v FROM " + groups + " GROUP BY k ORDER BY k", "+I[a, 1] +I[b, 2] +I[c, 5]"},
	} {
		if got := mustRows(t, env, tc.q); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.q, got, tc.want)
		}
	}
	for _, bad := range []string{
		"SELECT k, top2(v) + 1 FROM " + groups + " GROUP BY k",
		"SELECT v, top2(v) FROM " + groups + " GROUP BY k",
		"SELECT k, top2(v) AS x FROM " + groups + " GROUP BY k",
		"SELECT k, top2(v) FROM " + groups + " GROUP BY k HAVING k > 'a'",
	} {
		if _, err := env.ExecuteSQL(context.Background(), bad); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}

func TestTableAggregateExplain(t *testing.T) {
	env, py := session(t, false, 2, nil)
	registerTop2(t, env, py)
	if _, err := env.ExecuteSQL(context.Background(), "CREATE TABLE src (k STRING, v INT) WITH ('connector' = 'datagen')"); err != nil {
		t.Fatal(err)
	}
	plan, err := env.Explain(context.Background(), "SELECT k, top2(v) FROM src GROUP BY k")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"LogicalProject(k=[$0], v=[$1], r=[$2])\n+- LogicalTableAggregate(group=[{0}], tableAggregate=[[top2($1)]])\n   +- LogicalTableScan(",
		"== Optimized Physical Plan ==\nPythonGroupTableAggregate(groupBy=[k], select=[k, top2(v) AS (v, r)])\n+- Exchange(distribution=[hash[k]])\n   +- TableSourceScan(",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
	plan, err = env.Explain(context.Background(), "SELECT top2(v) AS x FROM (SELECT v, k AS v0 FROM src)")
	if err == nil {
		t.Errorf("a single alias of two columns must be rejected")
	}
	plan, err = env.Explain(context.Background(), "SELECT top2(v + 1) FROM src")
	if err != nil {
		t.Fatal(err)
	}
	if want := "PythonGroupTableAggregate(select=[top2($f0) AS (v, r)])\n+- Exchange(distribution=[single])\n   +- Calc(select=[+(v, 1) AS $f0])"; !strings.Contains(plan, want) {
		t.Errorf("plan lacks %q:\n%s", want, plan)
	}
}

func TestResolveTableAggregate(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec FunctionSpec
		want []string
	}{
		{"row", FunctionSpec{Name: "f", Kind: "table_aggregate", ResultType: "ROW<v INT, r INT>"}, []string{"v", "r"}},
		{"types", FunctionSpec{Name: "f", Kind: "table_aggregate", ResultTypes: []string{"INT", "STRING"}}, []string{"f0", "f1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fn, err := Resolve(tc.spec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if fn.Kind != pyfn.TableAggregate || len(fn.Result) != len(tc.want) {
				t.Fatalf("got %+v", fn)
			}
			for i, f := range fn.Result {
				if f.Name != tc.want[i] {
					t.Errorf("field %d: got %s, want %s", i, f.Name, tc.want[i])
				}
			}
		})
	}
	if _, err := Resolve(FunctionSpec{Name: "f", Kind: "table_aggregate"}, nil); err == nil {
		t.Error("a table aggregate without result types must be rejected")
	}
}
