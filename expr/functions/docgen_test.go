package functions

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/spry-engine/spry/expr"
	_ "github.com/spry-engine/spry/expr/aggregate" // documents the aggregates too
)

var updateDocs = flag.Bool("update", false, "rewrite docs/functions.md from the registry")

const functionsDoc = "../../docs/functions.md"

// TestFunctionsDoc keeps docs/functions.md in step with the registry; run
// with -update to regenerate it.
func TestFunctionsDoc(t *testing.T) {
	got := Markdown(expr.Builtins)
	if *updateDocs {
		if err := os.MkdirAll(filepath.Dir(functionsDoc), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(functionsDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(functionsDoc)
	if err != nil {
		t.Fatalf("%v (run go test ./expr/functions -run TestFunctionsDoc -update)", err)
	}
	if string(want) != got {
		t.Fatalf("docs/functions.md is stale: run go test ./expr/functions -run TestFunctionsDoc -update")
	}
}

// TestEveryFunctionDocumented requires a complete Doc on every function,
// and unique names across scalar, aggregate and table functions.
func TestEveryFunctionDocumented(t *testing.T) {
	r := expr.Builtins
	seen := map[string]bool{}
	for _, n := range r.Names() {
		if seen[n] {
			t.Errorf("%s registered twice", n)
		}
		seen[n] = true
	}
	check := func(name string, d expr.Doc) {
		if d.Category == "" || d.Syntax == "" || d.Description == "" || len(d.Examples) == 0 {
			t.Errorf("%s: incomplete Doc (category %q, syntax %q, %d examples)", name, d.Category, d.Syntax, len(d.Examples))
		}
	}
	for _, f := range r.Scalars() {
		check(f.Name, f.Doc)
	}
	for _, f := range r.Aggregates() {
		check(f.Name, f.Doc)
	}
	for _, f := range r.Tables() {
		check(f.Name, f.Doc)
	}
}

// TestOperatorNamesRegistered pins the names the binder relies on.
func TestOperatorNamesRegistered(t *testing.T) {
	for _, n := range engineerANames {
		if expr.Builtins.Scalar(n) == nil {
			t.Errorf("%s is not registered", n)
		}
	}
}

var engineerANames = []string{
	"CAST", "TRY_CAST",
	"+", "-", "*", "/", "%", "MOD", "NEGATE",
	"=", "<>", "<", "<=", ">", ">=", "IS_DISTINCT_FROM", "IS_NOT_DISTINCT_FROM", "IN",
	"AND", "OR", "NOT", "IS_NULL", "IS_NOT_NULL", "IS_TRUE", "IS_NOT_TRUE", "IS_FALSE", "IS_NOT_FALSE",
	"CASE", "IF", "COALESCE", "IFNULL", "NULLIF", "GREATEST", "LEAST",
	"ABS", "SIGN", "POWER", "POW", "SQRT", "EXP", "LN", "LOG", "LOG10", "LOG2",
	"SIN", "COS", "TAN", "COT", "ASIN", "ACOS", "ATAN", "ATAN2", "SINH", "COSH", "TANH",
	"DEGREES", "RADIANS", "PI", "E", "ROUND", "TRUNCATE", "RAND", "RAND_INTEGER", "BIN", "HEX",
}
