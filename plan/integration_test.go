package plan

import (
	"strings"
	"testing"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/expr"
	_ "github.com/spry-engine/spry/expr/aggregate"
	_ "github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/sql"
)

// TestWithBuiltins binds and optimizes queries against the real function
// registry: every query must plan, and the optimized plan must contain
// the listed fragments.
func TestWithBuiltins(t *testing.T) {
	b := NewBinder(catalog.New(), DefaultConfig())
	if err := runScript(b, testSetup); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT word, COUNT(*) AS c FROM words GROUP BY word", []string{"LogicalAggregate(group=[{0}], c=[COUNT()]"}},
		{"SELECT word FROM words WHERE 1 + 1 = 2", []string{"LogicalTableScan(table=[[default_catalog, default_database, words]], project=[word])"}},
		{"SELECT word FROM words WHERE 1 > 2", []string{"LogicalValues(tuples=[[]])"}},
		{"SELECT cnt + 1, UPPER(word) || '!' FROM words WHERE word LIKE 'a%'", []string{"LIKE($0, 'a%')"}},
		{"SELECT amount * 2, price / 3, id % 2 FROM orders", nil},
		{"SELECT CASE WHEN cnt > 1 THEN 'a' ELSE 'bb' END, COALESCE(word, 'x') FROM words", nil},
		{"SELECT word, SUM(cnt), AVG(cnt), MIN(ts), MAX(ts), COUNT(DISTINCT cnt) FROM words GROUP BY word", nil},
		{"SELECT o.id, c.city FROM orders o JOIN customers c ON o.customer = c.name WHERE c.age > 18", []string{"joinType=[inner]"}},
		{"SELECT word FROM words WHERE word IN (SELECT name FROM customers)", []string{"joinType=[semi]"}},
		{"SELECT word, (SELECT MAX(age) FROM customers) FROM words", []string{"joinType=[left]"}},
		{"SELECT EXTRACT(YEAR FROM ts), ts + INTERVAL '1' HOUR FROM words", nil},
		{"SELECT word FROM words UNION SELECT name FROM customers", []string{"LogicalUnion(all=[true])"}},
		{"INSERT INTO sink_counts SELECT word, COUNT(*) FROM words GROUP BY word", []string{"LogicalSink"}},
		{"SELECT CAST(cnt AS STRING), TRY_CAST(word AS INT) FROM words", nil},
	}
	cfg := DefaultConfig()
	for _, tc := range tests {
		st, err := sql.ParseOne(tc.sql)
		if err != nil {
			t.Errorf("%s: %v", tc.sql, err)
			continue
		}
		n, err := b.BindStatement(st)
		if err != nil {
			t.Errorf("%s: bind: %v", tc.sql, err)
			continue
		}
		out, err := Optimize(n, cfg)
		if err != nil {
			t.Errorf("%s: optimize: %v", tc.sql, err)
			continue
		}
		plan := Explain(out)
		for _, w := range tc.want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: plan lacks %q:\n%s", tc.sql, w, plan)
			}
		}
	}
	if expr.Builtins.Aggregate("COUNT") == nil {
		t.Error("aggregates not registered")
	}
}
