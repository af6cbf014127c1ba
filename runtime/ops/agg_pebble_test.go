package ops

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// openAgg opens a GROUP BY on the given state backend; cacheGroups bounds
// the pebble cache for the test (tiny, so groups go to disk and back all
// the time).
func openAgg(t *testing.T, cfg *AggConfig, backend string, sub, par int, now func() int64) *hashAgg {
	t.Helper()
	if cfg.InSchema == nil {
		cfg.InSchema = aggIn
	}
	op, err := NewHashAgg(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &OpContext{Ctx: context.Background(), Eval: expr.NewContext(nil), Subtask: sub, Parallelism: par,
		MaxParallelism: 128, StateBackend: backend, StateDir: t.TempDir(), Now: now}
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	a := op.(*hashAgg)
	if (a.disk != nil) != (backend == "pebble" && cfg.Phase != AggLocal) {
		t.Fatalf("backend %s: disk store %v", backend, a.disk != nil)
	}
	t.Cleanup(func() { _ = op.Close() })
	return a
}

func withCacheGroups(t *testing.T, n int) {
	old := pebbleCacheGroups
	pebbleCacheGroups = n
	t.Cleanup(func() { pebbleCacheGroups = old })
}

func feed(t *testing.T, op Operator, c *aggCollector, batches ...*types.Batch) []string {
	t.Helper()
	for _, b := range batches {
		if err := op.ProcessBatch(0, b, c); err != nil {
			t.Fatal(err)
		}
	}
	return c.take()
}

func pebbleTestCalls(t *testing.T) []AggCall {
	return []AggCall{aggCallOf(t, "COUNT", nil, false, -1), aggCallOf(t, "SUM", []int{1}, false, -1),
		aggCallOf(t, "MIN", []int{1}, false, -1), aggCallOf(t, "MAX", []int{0}, false, -1),
		aggCallOf(t, "AVG", []int{1}, false, -1), aggCallOf(t, "COUNT", []int{1}, true, 2)}
}

// The pebble backend emits exactly the heap backend's changelog (row
// order, retractions, deletes of emptied groups), in every streaming
// mode, with a cache so small that most groups come back from disk; a
// checkpoint taken halfway and restored on either backend continues
// identically.
func TestPebbleAggMatchesHeap(t *testing.T) {
	withCacheGroups(t, 8)
	in := wordBatches(3000, 150, 64)
	half := len(in) / 2
	for _, mode := range []struct {
		name     string
		mini     bool
		twoPhase bool
	}{{"per-record", false, false}, {"mini-batch", true, false}, {"global", true, true}} {
		t.Run(mode.name, func(t *testing.T) {
			cfg := &AggConfig{Keys: []int{0}, Calls: pebbleTestCalls(t), Streaming: true, MiniBatch: mode.mini, InSchema: aggIn}
			input := in
			if mode.twoPhase {
				input, cfg = localPhase(t, cfg, in)
			}
			heap := openAgg(t, cfg, "hashmap", 0, 1, nil)
			disk := openAgg(t, cfg, "pebble", 0, 1, nil)
			hc, dc := &aggCollector{}, &aggCollector{}
			want1, got1 := feed(t, heap, hc, input[:half]...), feed(t, disk, dc, input[:half]...)
			if !reflect.DeepEqual(got1, want1) {
				t.Fatalf("first half differs:\npebble %v\nheap   %v", got1, want1)
			}
			if !disk.disk.stored {
				t.Fatal("no group was written to the store")
			}
			if live := len(disk.table.liveGroups(nil)); live > 8+64 {
				t.Errorf("%d groups cached, bound 8 (+ one batch)", live)
			}
			dir, err := disk.SnapshotDir(1)
			if err != nil {
				t.Fatal(err)
			}
			want2 := feed(t, heap, hc, input[half:]...)
			for _, to := range []string{"pebble", "hashmap"} {
				restored := openAgg(t, cfg, to, 0, 1, nil)
				if err := restored.RestoreDirs([]string{dir}); err != nil {
					t.Fatal(err)
				}
				if got := feed(t, restored, &aggCollector{}, input[half:]...); !reflect.DeepEqual(got, want2) {
					t.Errorf("restored on %s: second half differs:\ngot  %v\nwant %v", to, got, want2)
				}
			}
			if got2 := feed(t, disk, dc, input[half:]...); !reflect.DeepEqual(got2, want2) {
				t.Errorf("second half after the checkpoint differs")
			}
		})
	}
}

// localPhase runs a streaming local aggregation over in and returns its
// output and the matching global config.
func localPhase(t *testing.T, cfg *AggConfig, in []*types.Batch) ([]*types.Batch, *AggConfig) {
	t.Helper()
	lcfg := *cfg
	lcfg.Phase = AggLocal
	local := openAgg(t, &lcfg, "pebble", 0, 1, nil) // a local phase stays on the heap
	var out []*types.Batch
	emit := collectorFunc(func(b *types.Batch) error { out = append(out, b); return nil })
	for _, b := range in {
		if err := local.ProcessBatch(0, b, emit); err != nil {
			t.Fatal(err)
		}
		if err := local.FlushBuffered(emit); err != nil {
			t.Fatal(err)
		}
	}
	g := *cfg
	g.Phase, g.InSchema = AggGlobal, lcfg.OutputSchema()
	return out, &g
}

// State TTL expires groups on disk as on the heap: the changelogs match
// while the clock runs past the TTL of some keys and not others.
func TestPebbleAggTTL(t *testing.T) {
	withCacheGroups(t, 4)
	now := int64(0)
	clock := func() int64 { return now }
	cfg := &AggConfig{Keys: []int{0}, Calls: pebbleTestCalls(t), Streaming: true, InSchema: aggIn, TTL: 2 * time.Second}
	heap := openAgg(t, cfg, "hashmap", 0, 1, clock)
	disk := openAgg(t, cfg, "pebble", 0, 1, clock)
	in := wordBatches(3000, 300, 16)
	hc, dc := &aggCollector{}, &aggCollector{}
	for i, b := range in {
		// Irregular steps: some keys come back within the TTL, some after.
		now += int64(i%3) * int64(200*time.Millisecond/time.Microsecond)
		want, got := feed(t, heap, hc, b), feed(t, disk, dc, b)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("batch %d at %d µs:\npebble %v\nheap   %v", i, now, got, want)
		}
	}
}

// A checkpoint of one subtask restores into two (rescaling): each keeps
// its key groups, and together they hold every group.
func TestPebbleAggRescale(t *testing.T) {
	withCacheGroups(t, 8)
	cfg := &AggConfig{Keys: []int{0}, Calls: pebbleTestCalls(t), Streaming: true, InSchema: aggIn}
	in := wordBatches(1000, 100, 50)
	heap := openAgg(t, cfg, "hashmap", 0, 1, nil)
	disk := openAgg(t, cfg, "pebble", 0, 1, nil)
	feed(t, heap, &aggCollector{}, in...)
	feed(t, disk, &aggCollector{}, in...)
	dir, err := disk.SnapshotDir(7)
	if err != nil {
		t.Fatal(err)
	}
	merged := openAgg(t, cfg, "hashmap", 0, 1, nil)
	for sub := 0; sub < 2; sub++ {
		part := openAgg(t, cfg, "pebble", sub, 2, nil)
		if err := part.RestoreDirs([]string{dir}); err != nil {
			t.Fatal(err)
		}
		var snap bytes.Buffer
		if err := part.SnapshotState(&snap); err != nil {
			t.Fatal(err)
		}
		n := countKeyed(t, cfg, snap.Bytes())
		if n == 0 || n == len(heap.table.liveGroups(nil)) {
			t.Errorf("subtask %d holds %d groups", sub, n)
		}
		if err := merged.RestoreState(bytes.NewReader(snap.Bytes())); err != nil {
			t.Fatal(err)
		}
	}
	// One more row of every word: both emit the same updates.
	var rows [][]any
	for w := 0; w < 100; w++ {
		rows = append(rows, []any{"w" + itoa(w), int64(w), true})
	}
	probe := aggRows(rows...)
	want, got := feed(t, heap, &aggCollector{}, probe), feed(t, merged, &aggCollector{}, probe)
	sort.Strings(want)
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after rescale:\ngot  %v\nwant %v", got, want)
	}
}

func countKeyed(t *testing.T, cfg *AggConfig, snap []byte) int {
	t.Helper()
	op := openAgg(t, cfg, "hashmap", 0, 1, nil)
	if err := op.RestoreState(bytes.NewReader(snap)); err != nil {
		t.Fatal(err)
	}
	return len(op.table.liveGroups(nil))
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// Consecutive checkpoints of a pebble aggregation share the SSTables that
// did not change (incremental checkpoints), hard-linked rather than copied.
func TestPebbleAggIncrementalCheckpoint(t *testing.T) {
	withCacheGroups(t, 8)
	cfg := &AggConfig{Keys: []int{0}, Calls: pebbleTestCalls(t), Streaming: true, InSchema: aggIn}
	disk := openAgg(t, cfg, "pebble", 0, 1, nil)
	in := wordBatches(2000, 300, 50)
	feed(t, disk, &aggCollector{}, in[:len(in)/2]...)
	one, err := disk.SnapshotDir(1)
	if err != nil {
		t.Fatal(err)
	}
	feed(t, disk, &aggCollector{}, in[len(in)/2:]...)
	two, err := disk.SnapshotDir(2)
	if err != nil {
		t.Fatal(err)
	}
	ssts := func(dir string) map[string]bool {
		m := map[string]bool{}
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			if filepath.Ext(e.Name()) == ".sst" {
				m[e.Name()] = true
			}
		}
		return m
	}
	first, second := ssts(one), ssts(two)
	shared := 0
	for n := range second {
		if first[n] {
			shared++
		}
	}
	if len(first) == 0 || shared == 0 || shared == len(second) {
		t.Errorf("checkpoint 1 has %d SSTables, checkpoint 2 has %d, %d shared", len(first), len(second), shared)
	}
}
