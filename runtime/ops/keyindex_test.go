package ops

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestKeyIndexModel drives keyIndex with random inserts and deletes and
// compares every lookup with a Go map.
func TestKeyIndexModel(t *testing.T) {
	tests := []struct {
		name string
		keys int // distinct keys drawn from
		ops  int
		del  float64 // share of operations that delete
	}{
		{"few keys", 10, 10000, 0.3},
		{"growth", 50000, 100000, 0},
		{"churn", 3000, 200000, 0.45},
		{"empty and long keys", 200, 20000, 0.2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			x := newKeyIndex()
			model := map[string]uint32{}
			byGroup := map[uint32]string{}
			var free []uint32
			next := uint32(0)
			key := func(i int) string {
				if tc.name == "empty and long keys" {
					if i == 0 {
						return ""
					}
					return fmt.Sprintf("%0*d", i%97+1, i)
				}
				return fmt.Sprintf("k%d", i)
			}
			for op := 0; op < tc.ops; op++ {
				k := key(r.IntN(tc.keys))
				h := x.hash(k)
				g, ok := x.lookup(k, h)
				mg, mok := model[k]
				if ok != mok || (ok && g != mg) {
					t.Fatalf("op %d: lookup(%q) = %d, %v; want %d, %v", op, k, g, ok, mg, mok)
				}
				switch {
				case !ok:
					var ng uint32
					if n := len(free); n > 0 {
						ng, free = free[n-1], free[:n-1]
					} else {
						ng, next = next, next+1
					}
					x.insert(k, h, ng)
					model[k], byGroup[ng] = ng, k
				case r.Float64() < tc.del:
					x.delete(g)
					delete(model, byGroup[g])
					delete(byGroup, g)
					free = append(free, g)
				}
			}
			if x.used != len(model) {
				t.Errorf("used %d, model has %d", x.used, len(model))
			}
			for k, g := range model {
				if got, ok := x.lookup(k, x.hash(k)); !ok || got != g {
					t.Errorf("final lookup(%q) = %d, %v; want %d", k, got, ok, g)
				}
			}
		})
	}
}

func BenchmarkKeyIndexLookup(b *testing.B) {
	x := newKeyIndex()
	keys := make([]string, 10000)
	for i := range keys {
		keys[i] = fmt.Sprintf("word%05d", i)
		x.insert(keys[i], x.hash(keys[i]), uint32(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		if _, ok := x.lookup(k, x.hash(k)); !ok {
			b.Fatal("missing")
		}
	}
}
