package ops

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/spry-engine/spry/types"
)

// TestPerRowChangelogIndependentOfBatching checks that streaming
// aggregation without mini-batch emits exactly Flink's per-row changelog
// however the input is batched: the same rows one per batch (trivially
// per-row) and in batches of several sizes give the same change sequence.
func TestPerRowChangelogIndependentOfBatching(t *testing.T) {
	calls := func() []AggCall {
		return []AggCall{aggCallOf(t, "COUNT", nil, false, -1), aggCallOf(t, "SUM", []int{1}, false, -1),
			aggCallOf(t, "MAX", []int{1}, false, -1), aggCallOf(t, "COUNT", []int{1}, true, 2),
			aggCallOf(t, "AVG", []int{1}, false, -1), aggCallOf(t, "SUM", []int{1}, false, 2)}
	}
	// MAX alone and a filtered SUM often do not change: those rows emit
	// nothing.
	unchanged := func() []AggCall {
		return []AggCall{aggCallOf(t, "MAX", []int{1}, false, -1), aggCallOf(t, "SUM", []int{1}, false, 2)}
	}
	for _, cs := range []func() []AggCall{calls, unchanged} {
		for _, words := range []int{1, 3, 13, 200} {
			one := wordBatches(600, words, 1)
			want := run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: cs(), Streaming: true}), one...)
			for _, per := range []int{2, 7, 64, 600} {
				rows := wordBatches(600, words, per)
				got := run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: cs(), Streaming: true}), rows...)
				if !reflect.DeepEqual(got, want) {
					n := 0
					for n < len(got) && n < len(want) && got[n] == want[n] {
						n++
					}
					t.Errorf("%d calls, words=%d batches of %d: %d changes, want %d; first difference at %d", len(cs()), words, per, len(got), len(want), n)
				}
			}
		}
	}
}

// TestLocalPhaseKeepsKeysAndRestores runs two-phase streaming aggregation
// with the local phase's key table cleared often, and with the local phase
// restored from a snapshot: the global results must match a single-phase
// run.
func TestLocalPhaseKeepsKeysAndRestores(t *testing.T) {
	defer func(v, r int) { localKeepGroups, localBundleRows = v, r }(localKeepGroups, localBundleRows)
	calls := func() []AggCall {
		return []AggCall{aggCallOf(t, "COUNT", nil, false, -1), aggCallOf(t, "SUM", []int{1}, false, -1),
			aggCallOf(t, "MAX", []int{1}, false, -1)}
	}
	in := wordBatches(500, 40, 32)
	want := applyChangelog(run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true}), in...))
	localCfg := func() *AggConfig { return &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true, Phase: AggLocal} }
	global := func(local Operator, batches []*types.Batch) []string {
		var out []*types.Batch
		collect := collectorFunc(func(b *types.Batch) error { out = append(out, b); return nil })
		for _, b := range batches {
			if err := local.ProcessBatch(0, b, collect); err != nil {
				t.Fatal(err)
			}
		}
		if err := local.EndInput(0, collect); err != nil { // emits the last bundle
			t.Fatal(err)
		}
		g := newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true, Phase: AggGlobal, InSchema: local.(*hashAgg).cfg.OutputSchema()})
		return run(t, g, out...)
	}
	for _, keep := range []int{1, 5, 1 << 16} {
		for _, rows := range []int{1, 100, 1 << 20} {
			localKeepGroups, localBundleRows = keep, rows
			if got := applyChangelog(global(newAgg(t, localCfg()), in)); !reflect.DeepEqual(got, want) {
				t.Errorf("keep=%d bundle=%d: local+global %v\nwant %v", keep, rows, got, want)
			}
		}
	}
	localBundleRows = 1 << 20
	// A watermark or FlushBuffered emits the bundle at once.
	l := newAgg(t, localCfg())
	c := &aggCollector{}
	if err := l.ProcessBatch(0, in[0], c); err != nil || len(c.rows) != 0 {
		t.Fatalf("bundle emitted early: %v %v", c.rows, err)
	}
	if err := l.ProcessWatermark(1, c); err != nil || len(c.rows) == 0 {
		t.Fatalf("watermark did not flush the bundle: %v", err)
	}
	n := len(c.rows)
	if err := l.(BufferingOperator).FlushBuffered(c); err != nil || len(c.rows) != n {
		t.Fatalf("empty bundle flushed rows: %v %v", c.rows[n:], err)
	}
	// A full aggregation's snapshot restored into a local phase (same
	// state layout), snapshotted again before any input, then restored
	// once more: the global phase sees the restored state exactly once.
	full := newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true})
	run(t, full, in[:5]...)
	var snap bytes.Buffer
	if err := full.(Snapshotter).SnapshotState(&snap); err != nil {
		t.Fatal(err)
	}
	l1 := newAgg(t, localCfg())
	if err := l1.(Snapshotter).RestoreState(&snap); err != nil {
		t.Fatal(err)
	}
	var snap2 bytes.Buffer
	if err := l1.(Snapshotter).SnapshotState(&snap2); err != nil {
		t.Fatal(err)
	}
	l2 := newAgg(t, localCfg())
	if err := l2.(Snapshotter).RestoreState(&snap2); err != nil {
		t.Fatal(err)
	}
	// The tail has only a new word, so the restored groups reach the
	// global phase only through the local phase's pending state.
	tail := []*types.Batch{aggRows([]any{"new", int64(1), true}, []any{"new", int64(2), false})}
	want = applyChangelog(run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true}), append(in[:5:5], tail...)...))
	if got := applyChangelog(global(l2, tail)); !reflect.DeepEqual(got, want) {
		t.Errorf("restored local+global %v\nwant %v", got, want)
	}
}
