package plan

import (
	"strings"
	"testing"

	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

func pythonBinder(t *testing.T) *Binder {
	t.Helper()
	b, err := newTestBinder()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*pyfn.Function{
		{Name: "py_up", Kind: pyfn.Scalar, FuncType: "general", InputTypes: []types.DataType{types.String}, Result: []types.Field{{Name: "r", Type: types.String}}},
		{Name: "py_len", Kind: pyfn.Scalar, FuncType: "general", Result: []types.Field{{Name: "r", Type: types.Int}}},
	} {
		if err := b.Catalog.RegisterFunction(f.Name, f.ScalarImpl()); err != nil {
			t.Fatal(err)
		}
	}
	tf := &pyfn.Function{Name: "py_split", Kind: pyfn.Table, FuncType: "general", Result: []types.Field{{Name: "f0", Type: types.String}}}
	if err := b.Catalog.RegisterFunction(tf.Name, tf.TableImpl()); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPythonCalcSplit(t *testing.T) {
	for _, tc := range []struct{ name, query, want string }{
		{"single call", "SELECT word, py_up(word) AS u FROM words",
			`PythonCalc(select=[word, py_up(word) AS u])
+- LogicalTableScan(table=[[default_catalog, default_database, words]], project=[word])`},
		{"chained calls and Go expressions on both sides", "SELECT py_len(py_up(CONCAT(word, 'x'))) + 1 FROM words",
			`LogicalProject(EXPR$0=[+($0, 1)])
+- PythonCalc(select=[py_len(py_up(f0)) AS f0])
   +- LogicalProject(f0=[CONCAT($0, 'x')])
      +- LogicalTableScan(table=[[default_catalog, default_database, words]], project=[word])`},
		{"filter", "SELECT cnt FROM words WHERE py_len(word) > 2",
			`LogicalProject(cnt=[$1])
+- LogicalFilter(condition=[>($2, 2)])
   +- PythonCalc(select=[word, cnt, py_len(word) AS f0])
      +- LogicalTableScan(table=[[default_catalog, default_database, words]], project=[word, cnt])`},
		{"table function", "SELECT word, s FROM words, LATERAL TABLE(py_split(word)) AS T(s)",
			`PythonCorrelate(invocation=[py_split(word)], select=[word, s], joinType=[INNER])`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := pythonBinder(t)
			st, err := sql.ParseOne(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			n, err := b.BindStatement(st)
			if err != nil {
				t.Fatal(err)
			}
			cfg := DefaultConfig()
			cfg.Functions = b.Functions
			opt, err := Optimize(n, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.TrimSpace(Explain(opt))
			if !strings.Contains(got, tc.want) {
				t.Errorf("got\n%s\nwant it to contain\n%s", got, tc.want)
			}
			if anyPythonOutside(opt) {
				t.Errorf("a Python call is left outside PythonCalc:\n%s", got)
			}
		})
	}
}

// anyPythonOutside reports a Python call in a node other than PythonCalc.
func anyPythonOutside(n Node) bool {
	switch n := n.(type) {
	case *Project:
		if anyPython(n.Exprs...) {
			return true
		}
	case *Filter:
		if anyPython(n.Cond) {
			return true
		}
	}
	for _, in := range n.Inputs() {
		if anyPythonOutside(in) {
			return true
		}
	}
	return false
}

func TestPythonCallTypeError(t *testing.T) {
	b := pythonBinder(t)
	st, err := sql.ParseOne("SELECT py_up(cnt) FROM words")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.BindStatement(st); err == nil || !strings.Contains(err.Error(), "py_up(STRING)") {
		t.Fatalf("want a signature error, got %v", err)
	}
}
