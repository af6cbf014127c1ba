package ops

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestStreamJoinModel feeds random changelogs (repeated rows, retractions
// of present rows, NULL keys) to every streaming join type, restoring from
// a snapshot midway, and checks that the changelog emitted, applied to an
// empty table, equals the join computed afresh from both sides' final
// contents; no row may ever be retracted more often than it was added.
func TestStreamJoinModel(t *testing.T) {
	for _, jt := range []JoinType{JoinInner, JoinLeft, JoinRight, JoinFull, JoinSemi, JoinAnti} {
		for _, residual := range []bool{false, true} {
			for _, keys := range []string{"a=c", "a=c,b=d", "a<=>c"} {
				for seed := uint64(1); seed <= 4; seed++ {
					name := fmt.Sprintf("%s/residual=%v/%s/seed=%d", jt, residual, keys, seed)
					t.Run(name, func(t *testing.T) { joinModelRun(t, jt, residual, keys, seed) })
				}
			}
		}
	}
}

func joinModelRun(t *testing.T, jt JoinType, residual bool, keys string, seed uint64) {
	cfg := streamCfg(jt, residual)
	switch keys {
	case "a=c,b=d": // two keys: encoded as bytes
		cfg.LeftKeys, cfg.RightKeys = []int{0, 1}, []int{0, 1}
	case "a<=>c":
		cfg.NullSafeKeys = []bool{true}
	}
	op := mustBuild(t, Spec{Kind: KindJoin, Config: cfg})
	r := rand.New(rand.NewPCG(seed, 7))
	sides := [2][][]any{} // current multiset of each side, as a list
	table := map[string]int{}
	for step := 0; step < 80; step++ {
		input := r.IntN(2)
		var rows [][]any
		var kinds []byte
		for n := 1 + r.IntN(8); n > 0; n-- {
			if cur := sides[input]; len(cur) > 0 && r.IntN(3) == 0 {
				k := r.IntN(len(cur))
				rows = append(rows, cur[k])
				kinds = append(kinds, "UD"[r.IntN(2)])
				sides[input] = slices.Delete(cur, k, k+1)
				continue
			}
			var key any = int32(r.IntN(4))
			if r.IntN(8) == 0 {
				key = nil
			}
			v := []any{key, string(rune('w' + r.IntN(4)))}
			rows = append(rows, v)
			kinds = append(kinds, "IA"[r.IntN(2)])
			sides[input] = append(sides[input], v)
		}
		schema := jLeft
		if input == 1 {
			schema = jRight
		}
		c := &sliceCollector{}
		if err := op.ProcessBatch(input, jBatch(schema, string(kinds), rows...), c); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		for _, s := range flinkRows(t, c) {
			v := s[2:]
			if s[0] == '+' {
				table[v]++
			} else if table[v]--; table[v] < 0 {
				t.Fatalf("step %d: %s retracts a row not in the result", step, s)
			} else if table[v] == 0 {
				delete(table, v)
			}
		}
		if step == 40 {
			var snap bytes.Buffer
			if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
				t.Fatal(err)
			}
			op = mustBuild(t, Spec{Kind: KindJoin, Config: cfg})
			if err := op.(Snapshotter).RestoreState(&snap); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := naiveJoin(jt, residual, keys, sides[0], sides[1])
	if !maps.Equal(table, want) {
		t.Fatalf("result %v\nwant %v", countedRows(table), countedRows(want))
	}
}

// naiveJoin computes the join of two multisets of (INT, STRING) rows on
// keys, with the residual d > 'x', as counted rows.
func naiveJoin(jt JoinType, residual bool, keys string, l, r [][]any) map[string]int {
	match := func(a, b []any) bool {
		eq := a[0] != nil && b[0] != nil && a[0] == b[0]
		switch keys {
		case "a=c,b=d":
			eq = eq && a[1] == b[1]
		case "a<=>c":
			eq = a[0] == b[0]
		}
		return eq && (!residual || b[1].(string) > "x")
	}
	str := func(v []any) string {
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = "null"
			if x != nil {
				parts[i] = fmt.Sprint(x)
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	out := map[string]int{}
	rMatched := make([]bool, len(r))
	for _, a := range l {
		matched := false
		for k, b := range r {
			if match(a, b) {
				matched, rMatched[k] = true, true
				if !jt.semiAnti() {
					out[str(append(slices.Clone(a), b...))]++
				}
			}
		}
		switch {
		case jt == JoinSemi && matched, jt == JoinAnti && !matched:
			out[str(a)]++
		case !matched && (jt == JoinLeft || jt == JoinFull):
			out[str(append(slices.Clone(a), nil, nil))]++
		}
	}
	if jt == JoinRight || jt == JoinFull {
		for k, b := range r {
			if !rMatched[k] {
				out[str(append([]any{nil, nil}, b...))]++
			}
		}
	}
	return out
}

func countedRows(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s×%d", k, v))
	}
	slices.Sort(out)
	return out
}
