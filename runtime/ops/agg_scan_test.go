package ops

import (
	"bytes"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// scanIn is the input of the scan tests: a key, a nullable value and a
// nullable FILTER flag.
var scanIn = types.NewSchema(
	types.Field{Name: "k", Type: types.String},
	types.Field{Name: "v", Type: types.BigInt},
	types.Field{Name: "f", Type: types.Boolean},
)

// scanBatches makes n rows over keys keys (key 0 hot), cut into batches of
// per rows; about one row in five retracts an earlier insert, some of them
// twice (a retraction of a group or value already gone).
func scanBatches(seed int64, n, keys, per int) []*types.Batch {
	return scanRowsOf(seed, n, keys, per, true)
}

func scanRowsOf(seed int64, n, keys, per int, retract bool) []*types.Batch {
	r := rand.New(rand.NewSource(seed))
	type row struct {
		k string
		v any
		f any
	}
	var ins []row
	bb := types.NewBatchBuilder(scanIn)
	var out []*types.Batch
	for i := 0; i < n; i++ {
		kind := types.Insert
		var x row
		if retract && len(ins) > 0 && r.Intn(5) == 0 {
			j := r.Intn(len(ins))
			x = ins[j]
			kind = []types.RowKind{types.Delete, types.UpdateBefore}[r.Intn(2)]
			if r.Intn(3) > 0 {
				ins = append(ins[:j], ins[j+1:]...)
			}
		} else {
			k := 0
			if r.Intn(2) == 0 {
				k = r.Intn(keys)
			}
			x = row{k: string(rune('a' + k))}
			if r.Intn(8) > 0 {
				x.v = int64(r.Intn(6))
			}
			if r.Intn(8) > 0 {
				x.f = r.Intn(2) == 0
			}
			ins = append(ins, x)
		}
		bb.Add(kind, []any{x.k, x.v, x.f})
		if bb.Len() == per {
			out = append(out, bb.Build())
			bb = types.NewBatchBuilder(scanIn)
		}
	}
	if bb.Len() > 0 {
		out = append(out, bb.Build())
	}
	return out
}

func scanCalls(t *testing.T) []AggCall {
	call := func(fn string, args []int, distinct bool, filter int) AggCall {
		defer func(s *types.Schema) { aggIn = s }(aggIn)
		aggIn = scanIn
		return aggCallOf(t, fn, args, distinct, filter)
	}
	return []AggCall{call("COUNT", nil, false, -1), call("COUNT", nil, false, 2), call("COUNT", []int{1}, false, -1),
		call("COUNT", []int{1}, true, -1), call("COUNT", []int{1}, true, 2), call("SUM", []int{1}, false, 2),
		call("AVG", []int{1}, false, -1)}
}

// TestBundleMatchesExpr runs mini-batch and batch aggregation with this
// package's accumulators (shared COUNT(DISTINCT) views folded in one
// pass) and with expr's: the same output.
func TestBundleMatchesExpr(t *testing.T) {
	for _, tc := range []struct {
		keys, per int
		stream    bool
	}{{1, 64, true}, {3, 7, true}, {20, 500, true}, {3, 100, false}} {
		in := scanBatches(int64(tc.keys*1000+tc.per), 1500, tc.keys, tc.per)
		if !tc.stream {
			in = scanRowsOf(5, 1500, tc.keys, tc.per, false)
			for i, b := range in {
				in[i] = types.NewBatch(b.Schema, b.Cols, nil, b.Len())
			}
		}
		cfg := func() *AggConfig {
			return &AggConfig{Keys: []int{0}, Calls: scanCalls(t), Streaming: tc.stream, MiniBatch: true, InSchema: scanIn}
		}
		fast, slow := newAgg(t, cfg()), newAgg(t, cfg())
		for c, call := range slow.(*hashAgg).cfg.Calls {
			slow.(*hashAgg).accs[c] = call.Factory.New()
		}
		got, want := run(t, fast, in...), run(t, slow, in...)
		if !tc.stream {
			sort.Strings(got)
			sort.Strings(want)
		}
		if !reflect.DeepEqual(got, want) || len(want) == 0 {
			t.Errorf("keys=%d per=%d stream=%v: %d changes, want %d", tc.keys, tc.per, tc.stream, len(got), len(want))
		}
	}
}

// TestInsertOnlyScanMatchesRounds adds MIN and MAX, which this package
// implements for input without retractions.
func TestInsertOnlyScanMatchesRounds(t *testing.T) {
	defer func() { aggScanMode = 0 }()
	call := func(fn string, args []int, filter int) AggCall {
		defer func(s *types.Schema) { aggIn = s }(aggIn)
		aggIn = scanIn
		return aggCallOf(t, fn, args, false, filter)
	}
	for _, per := range []int{1, 9, 300} {
		in := scanRowsOf(int64(per), 1000, 4, per, false)
		cfg := func() *AggConfig {
			calls := append(scanCalls(t), call("MIN", []int{1}, -1), call("MAX", []int{1}, 2),
				call("MAX", []int{0}, -1), call("MIN", []int{0}, 2))
			return &AggConfig{Keys: []int{0}, Calls: calls, Streaming: true, InSchema: scanIn, InputInsertOnly: true}
		}
		fast, slow := newAgg(t, cfg()), newAgg(t, cfg())
		if !fast.(*hashAgg).scannable() {
			t.Fatal("MIN and MAX over insert-only input should scan")
		}
		for c, call := range slow.(*hashAgg).cfg.Calls {
			f := call.Factory
			if io, ok := f.(interface {
				InsertOnly() expr.AccumulatorFactory
			}); ok {
				f = io.InsertOnly()
			}
			slow.(*hashAgg).accs[c] = f.New()
		}
		got := run(t, fast, in...)
		aggScanMode = -1
		want := run(t, slow, in...)
		aggScanMode = 0
		if !reflect.DeepEqual(got, want) {
			t.Errorf("per=%d: changelog differs:\n%v\nwant\n%v", per, got[:min(len(got), 20)], want[:min(len(want), 20)])
		}
		// This package's state restored into expr's accumulators.
		half := len(in) / 2
		first := newAgg(t, cfg())
		head := run(t, first, in[:half]...)
		var snap bytes.Buffer
		if err := first.(Snapshotter).SnapshotState(&snap); err != nil {
			t.Fatal(err)
		}
		restored := newAgg(t, cfg())
		for c, call := range restored.(*hashAgg).cfg.Calls {
			restored.(*hashAgg).accs[c] = call.Factory.New()
		}
		if err := restored.(Snapshotter).RestoreState(&snap); err != nil {
			t.Fatal(err)
		}
		if got := append(head, run(t, restored, in[half:]...)...); !reflect.DeepEqual(got, want) {
			t.Errorf("per=%d: restored into expr's accumulators, the changelog differs", per)
		}
	}
}

// TestPerRowScanMatchesRounds checks the scan path (this package's COUNT
// and COUNT(DISTINCT) accumulators) against the rounds path (expr's
// accumulators): the very same changelog, whatever the batching, with
// NULLs, FILTERs, retractions and groups emptied and restarted.
func TestPerRowScanMatchesRounds(t *testing.T) {
	defer func() { aggScanMode = 0 }()
	for _, tc := range []struct {
		keys, per int
	}{{1, 1}, {1, 64}, {3, 7}, {3, 500}, {20, 33}} {
		in := scanBatches(int64(tc.keys*1000+tc.per), 1500, tc.keys, tc.per)
		cfg := func() *AggConfig {
			return &AggConfig{Keys: []int{0}, Calls: scanCalls(t), Streaming: true, InSchema: scanIn}
		}
		fast := newAgg(t, cfg())
		if !fast.(*hashAgg).scannable() {
			t.Fatal("COUNT calls should use the scan path")
		}
		slow := newAgg(t, cfg())
		for c, call := range slow.(*hashAgg).cfg.Calls {
			slow.(*hashAgg).accs[c] = call.Factory.New()
		}
		got := run(t, fast, in...)
		aggScanMode = -1
		want := run(t, slow, in...)
		aggScanMode = 0
		if len(want) < 1500 {
			t.Fatalf("keys=%d per=%d: only %d changes", tc.keys, tc.per, len(want))
		}
		if !reflect.DeepEqual(got, want) {
			n := 0
			for n < len(got) && n < len(want) && got[n] == want[n] {
				n++
			}
			t.Errorf("keys=%d per=%d: %d changes, want %d; first difference at %d", tc.keys, tc.per, len(got), len(want), n)
		}
	}
}

// TestScanChunksMatchRounds runs expr's accumulators (not rowScanners)
// through the scan path's chunks and through perRow's rounds: the same
// changelog.
func TestScanChunksMatchRounds(t *testing.T) {
	defer func() { aggScanMode = 0 }()
	call := func(fn string, args []int, distinct bool, filter int) AggCall {
		defer func(s *types.Schema) { aggIn = s }(aggIn)
		aggIn = scanIn
		return aggCallOf(t, fn, args, distinct, filter)
	}
	calls := func() []AggCall {
		return append(scanCalls(t), call("SUM", []int{1}, false, -1), call("MAX", []int{1}, false, 2),
			call("MIN", []int{1}, false, -1), call("AVG", []int{1}, false, -1), call("SUM", []int{1}, true, -1),
			call("LAST_VALUE", []int{1}, false, -1))
	}
	for _, tc := range []struct {
		keys, per int
	}{{1, 1}, {1, 64}, {3, 7}, {3, 500}, {20, 33}} {
		in := scanBatches(int64(tc.keys*1000+tc.per), 1500, tc.keys, tc.per)
		cfg := func() *AggConfig {
			return &AggConfig{Keys: []int{0}, Calls: calls(), Streaming: true, InSchema: scanIn}
		}
		aggScanMode = 1
		got := run(t, newAgg(t, cfg()), in...)
		aggScanMode = -1
		want := run(t, newAgg(t, cfg()), in...)
		aggScanMode = 0
		auto := run(t, newAgg(t, cfg()), in...)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(auto, want) {
			n := 0
			for n < len(got) && n < len(want) && got[n] == want[n] {
				n++
			}
			t.Errorf("keys=%d per=%d: %d changes, want %d; first difference at %d", tc.keys, tc.per, len(got), len(want), n)
		}
	}
}

// TestDistinctCountSnapshot restores the scan path's state in the middle of
// the input, into this package's accumulators and into expr's (the state
// layouts are the same): the changelog continues unchanged.
func TestDistinctCountSnapshot(t *testing.T) {
	in := scanBatches(7, 1200, 4, 50)
	cfg := func() *AggConfig {
		return &AggConfig{Keys: []int{0}, Calls: scanCalls(t), Streaming: true, InSchema: scanIn}
	}
	whole := run(t, newAgg(t, cfg()), in...)
	for _, exprAccs := range []bool{false, true} {
		first := newAgg(t, cfg())
		head := run(t, first, in[:10]...)
		var snap bytes.Buffer
		if err := first.(Snapshotter).SnapshotState(&snap); err != nil {
			t.Fatal(err)
		}
		restored := newAgg(t, cfg())
		if exprAccs {
			for c, call := range restored.(*hashAgg).cfg.Calls {
				restored.(*hashAgg).accs[c] = call.Factory.New()
			}
		}
		if err := restored.(Snapshotter).RestoreState(&snap); err != nil {
			t.Fatal(err)
		}
		if got := append(head, run(t, restored, in[10:]...)...); !reflect.DeepEqual(got, whole) {
			t.Errorf("expr accumulators %v: restored run differs", exprAccs)
		}
	}
}

// TestDistinctMulti checks the open-addressing multiset with views
// against maps under random adds, removals and view resets that force
// growth and backward shifts.
func TestDistinctMulti(t *testing.T) {
	const m = 3
	r := rand.New(rand.NewSource(1))
	var s distinctMulti
	want := [m]map[int64]int64{{}, {}, {}}
	for i := 0; i < 30000; i++ {
		v := int64(r.Intn(300)) * 1024 // collide in the low bits
		j := r.Intn(m)
		switch d := int64(1 - 2*r.Intn(2)); {
		case r.Intn(2000) == 0:
			s.reset(j, m)
			want[j] = map[int64]int64{}
		case d > 0:
			s.add(v, j, m, d)
			want[j][v]++
		default:
			s.add(v, j, m, d)
			if want[j][v] > 0 {
				if want[j][v]--; want[j][v] == 0 {
					delete(want[j], v)
				}
			}
		}
		for j := range m {
			live := 0
			if s.live != nil {
				live = s.live[j]
			}
			if live != len(want[j]) {
				t.Fatalf("step %d: view %d holds %d values, want %d", i, j, live, len(want[j]))
			}
		}
	}
	for j := range m {
		for v, n := range want[j] {
			if i := s.find(v, m, false); i < 0 || s.slots[i*(m+1)+1+j] != n {
				t.Fatalf("view %d value %d: slot %d, want count %d", j, v, i, n)
			}
		}
	}
}
