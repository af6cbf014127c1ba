package pyudf

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/pyudf/pyudftest"
	"github.com/spry-engine/spry/pyudf/worker"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// rowSink collects an operator's output as Flink prints rows.
type rowSink struct {
	schema *types.Schema
	rows   []string
}

func (s *rowSink) Emit(b *types.Batch) error {
	for i := 0; i < b.Len(); i++ {
		s.rows = append(s.rows, table.Row{Kind: b.Kind(i), Values: b.Row(i)}.Format(s.schema, nil))
	}
	return nil
}

func (s *rowSink) take() string {
	out := strings.Join(s.rows, " ")
	s.rows = nil
	return out
}

var taggIn = types.NewSchema(types.Field{Name: "k", Type: types.String}, types.Field{Name: "v", Type: types.Int})

func taggBatch(keys []string, vals []int32, kinds []types.RowKind) *types.Batch {
	kb := array.NewStringBuilder(memory.DefaultAllocator)
	vb := array.NewInt32Builder(memory.DefaultAllocator)
	kb.AppendValues(keys, nil)
	vb.AppendValues(vals, nil)
	return types.NewBatch(taggIn, []arrow.Array{kb.NewArray(), vb.NewArray()}, kinds, len(keys))
}

func newTop2Op(t *testing.T, py string, payload []byte, subtask, par int, mod ...func(*ops.PythonTableAggConfig, *ops.OpContext)) (ops.Operator, *rowSink) {
	t.Helper()
	out := types.NewSchema(types.Field{Name: "k", Type: types.String}, types.Field{Name: "v", Type: types.Int}, types.Field{Name: "r", Type: types.Int})
	cfg := &ops.PythonTableAggConfig{Keys: []int{0}, Args: []int{1}, Payload: payload,
		Function: worker.FunctionInfo{Name: "top2", Kind: "table_aggregate", FuncType: "general", Deterministic: true},
		Result:   []types.Field{{Name: "v", Type: types.Int}, {Name: "r", Type: types.Int}},
		Options:  worker.FromConfig(map[string]string{"python.executable": py}), Streaming: true,
		InSchema: taggIn, OutSchema: out, Display: "PythonGroupTableAggregate(groupBy=[k], select=[k, top2(v) AS (v, r)])"}
	ctx := &ops.OpContext{Ctx: context.Background(), Subtask: subtask, Parallelism: par, MaxParallelism: 128}
	for _, m := range mod {
		m(cfg, ctx)
	}
	op, err := ops.Build(ops.Spec{Kind: ops.KindPythonTableAgg, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = op.Close() })
	return op, &rowSink{schema: out}
}

// The accumulators (pickled by the worker) and record counts survive a
// snapshot and a restore with another parallelism: each subtask keeps
// its key groups' keys, and a later row of a key retracts the rows the
// restored accumulator emits.
func TestTableAggregateSnapshot(t *testing.T) {
	py := pyudftest.Python(t)
	payload := pyudftest.Pickle(t, py, top2)
	op, sink := newTop2Op(t, py, payload, 0, 1)
	keys := []string{"a", "b", "a", "c", "d", "e"}
	if err := op.ProcessBatch(0, taggBatch(keys, []int32{1, 2, 3, 5, 7, 9}, nil), sink); err != nil {
		t.Fatal(err)
	}
	if got, want := sink.take(), "+I[a, 3, 1] +I[a, 1, 2] +I[b, 2, 1] +I[c, 5, 1] +I[d, 7, 1] +I[e, 9, 1]"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var snap bytes.Buffer
	if err := op.(ops.Snapshotter).SnapshotState(&snap); err != nil {
		t.Fatal(err)
	}
	// Restore into two subtasks; feed every key to both, as if each
	// received its own: only the owner knows the key's accumulator.
	var owned []string
	for sub := 0; sub < 2; sub++ {
		op2, sink2 := newTop2Op(t, py, payload, sub, 2)
		if err := op2.(ops.Snapshotter).RestoreState(bytes.NewReader(snap.Bytes())); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"a", "b", "c", "d", "e"} {
			if err := op2.ProcessBatch(0, taggBatch([]string{k}, []int32{4}, nil), sink2); err != nil {
				t.Fatal(err)
			}
			got := sink2.take()
			if strings.HasPrefix(got, "-D") {
				owned = append(owned, k)
				if k == "a" && got != "-D[a, 3, 1] -D[a, 1, 2] +I[a, 4, 1] +I[a, 3, 2]" {
					t.Errorf("a after restore: %s", got)
				}
			} else if got != "+I["+k+", 4, 1]" {
				t.Errorf("%s on subtask %d: %s", k, sub, got)
			}
		}
	}
	sort.Strings(owned)
	if strings.Join(owned, "") != "abcde" {
		t.Errorf("keys restored by the subtasks: %v, want each exactly once", owned)
	}
}

// A retraction of a key never accumulated is skipped; one that empties a
// key retracts its rows and forgets it.
func TestTableAggregateOperatorRetract(t *testing.T) {
	py := pyudftest.Python(t)
	op, sink := newTop2Op(t, py, pyudftest.Pickle(t, py, top2), 0, 1)
	steps := []struct {
		b    *types.Batch
		want string
	}{
		{taggBatch([]string{"z"}, []int32{1}, []types.RowKind{types.Delete}), ""},
		{taggBatch([]string{"a", "a"}, []int32{1, 2}, nil), "+I[a, 2, 1] +I[a, 1, 2]"},
		{taggBatch([]string{"a", "a"}, []int32{1, 2}, []types.RowKind{types.UpdateBefore, types.Delete}), "-D[a, 2, 1] -D[a, 1, 2]"},
		{taggBatch([]string{"a"}, []int32{6}, nil), "+I[a, 6, 1]"},
	}
	for i, s := range steps {
		if err := op.ProcessBatch(0, s.b, sink); err != nil {
			t.Fatal(err)
		}
		if got := sink.take(); got != s.want {
			t.Errorf("step %d: got %q, want %q", i, got, s.want)
		}
	}
}

// A key idle for the state TTL is forgotten without output; its next
// row starts afresh (+I, nothing retracted), and a snapshot leaves it out.
func TestTableAggregateStateTTL(t *testing.T) {
	py := pyudftest.Python(t)
	now := int64(0)
	op, sink := newTop2Op(t, py, pyudftest.Pickle(t, py, top2), 0, 1, func(c *ops.PythonTableAggConfig, ctx *ops.OpContext) {
		c.TTL = 10 * time.Second
		ctx.Now = func() int64 { return now }
	})
	step := func(k string, v int32, want string) {
		t.Helper()
		if err := op.ProcessBatch(0, taggBatch([]string{k}, []int32{v}, nil), sink); err != nil {
			t.Fatal(err)
		}
		if got := sink.take(); got != want {
			t.Errorf("%s %d: got %q, want %q", k, v, got, want)
		}
	}
	step("a", 1, "+I[a, 1, 1]")
	now = 5e6
	step("b", 2, "+I[b, 2, 1]")
	now = 11e6 // a idle for 11 s, b for 6 s
	if err := op.(ops.ProcessingTimeOperator).OnProcessingTime(now, sink); err != nil {
		t.Fatal(err)
	}
	var snap bytes.Buffer
	if err := op.(ops.Snapshotter).SnapshotState(&snap); err != nil {
		t.Fatal(err)
	}
	op2, sink2 := newTop2Op(t, py, pyudftest.Pickle(t, py, top2), 0, 1)
	if err := op2.(ops.Snapshotter).RestoreState(&snap); err != nil {
		t.Fatal(err)
	}
	if err := op2.ProcessBatch(0, taggBatch([]string{"a", "b"}, []int32{3, 3}, nil), sink2); err != nil {
		t.Fatal(err)
	}
	if got, want := sink2.take(), "+I[a, 3, 1] -D[b, 2, 1] +I[b, 3, 1] +I[b, 2, 2]"; got != want {
		t.Errorf("restored: got %q, want %q", got, want)
	}
	step("a", 4, "+I[a, 4, 1]")
	step("b", 5, "-D[b, 2, 1] +I[b, 5, 1] +I[b, 2, 2]")
}
