package plan

import (
	"strings"
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
)

// TestOptimizeGolden binds each case of testdata/opt_*.txtar, optimizes
// it and prints the plan before and after. A first line
// "-- rules: A, B" restricts the optimizer to those rules (a single-rule
// before/after test); "-- config: batch" plans in batch mode.
func TestOptimizeGolden(t *testing.T) {
	runGolden(t, "testdata/opt_*.txtar", optimizeCase)
}

func optimizeCase(b *Binder, src string) string {
	cfg := DefaultConfig()
	cfg.Functions = b.Functions
	cfg.CanPushFilter = func(s *Scan, _ expr.Expr) bool { return s.Options["filter-push-down"] == "true" }
	rules := Rules
	for _, line := range strings.Split(src, "\n") {
		if r, ok := strings.CutPrefix(line, "-- rules:"); ok {
			rules = nil
			for _, name := range strings.Split(r, ",") {
				rules = append(rules, ruleByName(strings.TrimSpace(name)))
			}
		}
		if c, ok := strings.CutPrefix(line, "-- config:"); ok {
			for _, kv := range strings.Fields(c) {
				switch kv {
				case "batch":
					cfg.Streaming = false
				case "two-phase":
					cfg.AggPhaseStrategy = AggTwoPhase
				case "mini-batch":
					cfg.MiniBatch = true
				}
			}
		}
	}
	st, err := sql.ParseOne(src)
	if err != nil {
		return "PARSE ERROR: " + err.Error()
	}
	n, err := b.BindStatement(st)
	if err != nil {
		return errText(err, src)
	}
	out, err := OptimizeWith(n, cfg, rules)
	if err != nil {
		return "OPTIMIZE ERROR: " + err.Error() + "\n"
	}
	if out.Schema().String() != n.Schema().String() {
		return "SCHEMA CHANGED: " + n.Schema().String() + " → " + out.Schema().String() + "\n"
	}
	return "== before ==\n" + Explain(n) + "== after ==\n" + Explain(out)
}

func ruleByName(name string) Rule {
	for _, r := range Rules {
		if r.Name() == name {
			return r
		}
	}
	panic("no rule " + name)
}

func TestRuleNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.Name()] {
			t.Errorf("rule %s listed twice", r.Name())
		}
		seen[r.Name()] = true
	}
}
