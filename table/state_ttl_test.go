package table

import (
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/plan/physical"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/sql"
)

// specsOf plans stmt and returns its operator configs of type T.
func specsOf[T any](t *testing.T, env *Environment, stmt string) []T {
	t.Helper()
	st, err := sql.ParseOne(stmt)
	if err != nil {
		t.Fatal(err)
	}
	p, err := env.planStatement(st)
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	var walk func(n *physical.Node)
	walk = func(n *physical.Node) {
		if n.Spec != nil {
			if c, ok := n.Spec.Config.(T); ok {
				out = append(out, c)
			}
		}
		for _, in := range n.Inputs {
			walk(in)
		}
	}
	for _, r := range p.program.Roots {
		walk(r)
	}
	return out
}

const ttlTables = `CREATE TABLE orders (id BIGINT, cust BIGINT, amount INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE customers (id BIGINT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10');`

func TestStateTTLReachesOperators(t *testing.T) {
	env := NewEnvironment(Settings{Parallelism: 1, Config: map[string]string{KeyStateTTL: "1 h"}})
	if err := env.ExecuteScript(t.Context(), ttlTables, nil); err != nil {
		t.Fatal(err)
	}
	aggs := specsOf[*ops.AggConfig](t, env, "SELECT cust, SUM(amount) FROM orders GROUP BY cust")
	if len(aggs) != 1 || aggs[0].TTL != time.Hour {
		t.Fatalf("session TTL: aggs %d, TTL %v", len(aggs), aggs[0].TTL)
	}
	aggs = specsOf[*ops.AggConfig](t, env, "SELECT /*+ STATE_TTL('o' = '1d') */ cust, SUM(amount) FROM orders o GROUP BY cust")
	if aggs[0].TTL != 24*time.Hour {
		t.Errorf("hinted aggregate TTL %v, want 24h", aggs[0].TTL)
	}
	joins := specsOf[*ops.JoinConfig](t, env,
		"SELECT /*+ STATE_TTL('o' = '12h', 'customers' = '3d') */ o.id, name FROM orders o JOIN customers ON o.cust = customers.id")
	if len(joins) != 1 || joins[0].LeftTTL != 12*time.Hour || joins[0].RightTTL != 72*time.Hour {
		t.Errorf("join TTLs %v / %v, want 12h / 72h", joins[0].LeftTTL, joins[0].RightTTL)
	}
	// The hint names the right side only: the left keeps the session TTL.
	joins = specsOf[*ops.JoinConfig](t, env,
		"SELECT /*+ STATE_TTL('c' = '3d') */ o.id, name FROM orders o JOIN customers c ON o.cust = c.id")
	if joins[0].LeftTTL != time.Hour || joins[0].RightTTL != 72*time.Hour {
		t.Errorf("join TTLs %v / %v, want 1h / 72h", joins[0].LeftTTL, joins[0].RightTTL)
	}
}

func TestStateTTLHintErrors(t *testing.T) {
	env := NewEnvironment(Settings{Parallelism: 1})
	if err := env.ExecuteScript(t.Context(), ttlTables, nil); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"SELECT /*+ STATE_TTL('x' = '1d') */ cust, COUNT(*) FROM orders GROUP BY cust":        "cannot match the name of input tables or views: \n`x` in `STATE_TTL`",
		"SELECT /*+ STATE_TTL('orders' = 'soon') */ cust, COUNT(*) FROM orders GROUP BY cust": "Invalid STATE_TTL hint value 'soon'",
	} {
		_, err := env.ExecuteSQL(t.Context(), q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", q, err, want)
		}
	}
}

func TestDistinctAggSplit(t *testing.T) {
	q := `SELECT k, COUNT(DISTINCT v) AS uv, COUNT(*) AS pv, MAX(v) AS mx FROM (VALUES
		('a', 1), ('a', 2), ('a', 1), ('b', 7), ('a', 3), ('b', 7), ('c', 9)) AS t(k, v) GROUP BY k`
	plain := NewEnvironment(Settings{Parallelism: 2})
	split := NewEnvironment(Settings{Parallelism: 2, Config: map[string]string{KeyDistinctSplit: "true", KeyDistinctBuckets: "4"}})
	want := finalState(collectRows(t, mustExec(t, plain, q)))
	got := finalState(collectRows(t, mustExec(t, split, q)))
	if strings.Join(got, " ") != strings.Join(want, " ") || len(want) != 3 {
		t.Errorf("split final state %v, want %v", got, want)
	}
	plan, err := split.Explain(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"partialFinalType=[PARTIAL]", "partialFinalType=[FINAL]", "MOD(HASH_CODE(EXPR$1), 4) AS $f2"} {
		if !strings.Contains(plan, s) {
			t.Errorf("EXPLAIN lacks %s:\n%s", s, plan)
		}
	}
}
