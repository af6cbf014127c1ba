package ops

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
)

func TestAggStateTTL(t *testing.T) {
	now := int64(0)
	cfg := &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(t, "COUNT", nil, false, -1)}, Streaming: true,
		InSchema: aggIn, TTL: 10 * time.Second}
	op, err := NewHashAgg(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Open(&OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil), Now: func() int64 { return now }}); err != nil {
		t.Fatal(err)
	}
	c := &aggCollector{}
	step := func(at time.Duration, words ...string) []string {
		now = at.Microseconds()
		rows := make([][]any, len(words))
		for i, w := range words {
			rows[i] = []any{w}
		}
		if err := op.ProcessBatch(0, aggRows(rows...), c); err != nil {
			t.Fatal(err)
		}
		return c.take()
	}
	check := func(got []string, want ...string) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	check(step(0, "a", "b"), "+I[a, 1]", "+I[b, 1]")
	check(step(6*time.Second, "a"), "-U[a, 1]", "+U[a, 2]")
	// b was last touched at 0 s: expired at 12 s; a (6 s) is still alive.
	check(step(12*time.Second, "a", "b"), "-U[a, 2]", "+U[a, 3]", "+I[b, 1]")
	// Nothing touched a after 12 s: at 30 s it starts over.
	check(step(30*time.Second, "a"), "+I[a, 1]")
}

func TestAggSnapshotRescale(t *testing.T) {
	cfg := func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: []AggCall{aggCallOf(t, "COUNT", nil, false, -1)}, Streaming: true, MiniBatch: true, InSchema: aggIn}
	}
	in := wordBatches(300, 17, 30)
	one := newAgg(t, cfg())
	run(t, one, in...)
	var snap bytes.Buffer
	if err := one.(Snapshotter).SnapshotState(&snap); err != nil {
		t.Fatal(err)
	}
	// Restore into two subtasks: the keys split between them, each on the
	// subtask the hash exchange routes it to.
	want := len(one.(*hashAgg).table.liveGroups(nil))
	total := 0
	for sub := 0; sub < 2; sub++ {
		op, err := NewHashAgg(cfg())
		if err != nil {
			t.Fatal(err)
		}
		if err := op.Open(&OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil), Subtask: sub, Parallelism: 2, MaxParallelism: 128}); err != nil {
			t.Fatal(err)
		}
		if err := op.(Snapshotter).RestoreState(bytes.NewReader(snap.Bytes())); err != nil {
			t.Fatal(err)
		}
		h := op.(*hashAgg)
		groups := h.table.liveGroups(nil)
		if len(groups) == 0 || len(groups) == want {
			t.Errorf("subtask %d restored %d of %d groups", sub, len(groups), want)
		}
		keys := h.table.keyColumns(groups)
		kgs := KeyGroups(keys, len(groups), 128).(*array.Int32).Int32Values()
		for _, kg := range kgs {
			if kernel.SubtaskForKeyGroup(int(kg), 128, 2) != sub {
				t.Errorf("subtask %d got key group %d", sub, kg)
			}
		}
		total += len(groups)
	}
	if total != want {
		t.Errorf("restored %d groups in all, want %d", total, want)
	}
}
