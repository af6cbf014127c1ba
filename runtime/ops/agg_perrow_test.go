package ops

import (
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
	for _, words := range []int{1, 3, 13, 200} {
		one := wordBatches(600, words, 1)
		var rows []*types.Batch
		want := run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true}), one...)
		for _, per := range []int{2, 7, 64, 600} {
			rows = wordBatches(600, words, per)
			got := run(t, newAgg(t, &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true}), rows...)
			if !reflect.DeepEqual(got, want) {
				n := 0
				for n < len(got) && n < len(want) && got[n] == want[n] {
					n++
				}
				t.Errorf("words=%d batches of %d: %d changes, want %d; first difference at %d", words, per, len(got), len(want), n)
			}
		}
	}
}
