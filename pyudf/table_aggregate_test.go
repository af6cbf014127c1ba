package pyudf

import (
	"testing"

	"github.com/spry-engine/spry/pyudf/pyfn"
)

const top2 = `
class Top2(object):
    def create_accumulator(self):
        return [None, None]
    def accumulate(self, acc, v):
        if v is None:
            return
        if acc[0] is None or v > acc[0]:
            acc[1], acc[0] = acc[0], v
        elif acc[1] is None or v > acc[1]:
            acc[1] = v
    def merge(self, acc, others):
        for o in others:
            for v in o:
                if v is not None:
                    self.accumulate(acc, v)
    def emit_value(self, acc):
        for i, v in enumerate(acc):
            if v is not None:
                yield (v, i + 1)
f = Top2()`

// flatTop2 is the internal SQL form flat_aggregate renders.
const flatTop2 = "SELECT g.k, u.v, u.r FROM (SELECT k, top2(v) AS t FROM " + groups +
	" GROUP BY k) AS g CROSS JOIN UNNEST(g.t) AS u(v, r)"

func TestTableAggregate(t *testing.T) {
	for _, mode := range []struct {
		name  string
		batch bool
		par   int
		want  string
	}{
		{"batch-p2", true, 2, "+I[a, 1, 2] +I[a, 3, 1] +I[b, 2, 1] +I[c, 5, 1]"},
		// Streaming (rows sorted): an update of a group retracts its
		// previous rows and emits the new ones.
		{"streaming", false, 1, "+I[a, 1, 1] +I[b, 2, 1] +I[c, 5, 1] +U[a, 1, 2] +U[a, 3, 1] -U[a, 1, 1]"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			env, py := session(t, mode.batch, mode.par, nil)
			register(t, env, py, FunctionSpec{Name: "top2", Kind: "table_aggregate",
				ResultTypes: []string{"ROW<v INT, r INT>"}, TemporarySystem: true}, top2)
			if got := mustRows(t, env, flatTop2); got != mode.want {
				t.Errorf("got  %s\nwant %s", got, mode.want)
			}
		})
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
