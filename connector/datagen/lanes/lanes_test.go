package lanes

import (
	"math/rand/v2"
	"testing"
)

// run produces numbers from each subtask's lanes in random steps, stopping
// each subtask at a random point (or at the end), and returns the states
// it stores, counting every number produced in seen.
func run(t *testing.T, r *rand.Rand, ls [][]Lane, seen map[int64]int, steps int) [][]byte {
	t.Helper()
	p := len(ls)
	for i := 0; i < steps; i++ {
		sub := r.IntN(p)
		first, step, n, ok := Take(ls[sub], int64(1+r.IntN(7)))
		if !ok {
			continue
		}
		for k := int64(0); k < n; k++ {
			seen[first+k*step]++
		}
	}
	states := make([][]byte, p)
	for sub := range ls {
		b, err := Encode(State{Subtask: sub, Parallelism: p, Lanes: ls[sub]})
		if err != nil {
			t.Fatal(err)
		}
		states[sub] = b
	}
	return states
}

func TestRescaleProducesEachNumberOnce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		width  int64
		end    int64
		scales []int
	}{
		{"unbounded width 1", 1, Unbounded, []int{2, 1, 4, 3, 3}},
		{"unbounded blocks", 5, Unbounded, []int{3, 2, 5, 1}},
		{"bounded", 4, 300, []int{2, 4, 1, 3}},
		{"bounded rows", 1, 500, []int{4, 2, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			seen := map[int64]int{}
			var states [][]byte
			for _, p := range tc.scales {
				ls := make([][]Lane, p)
				for sub := range ls {
					var err error
					if ls[sub], _, err = Restore(states, sub, p, tc.width, tc.end); err != nil {
						t.Fatal(err)
					}
				}
				states = run(t, r, ls, seen, 60)
			}
			// Drain: the last layout produces everything below a bound.
			p := tc.scales[len(tc.scales)-1]
			ls := make([][]Lane, p)
			for sub := range ls {
				ls[sub], _, _ = Restore(states, sub, p, tc.width, tc.end)
			}
			limit := min(tc.end, 2000)
			for sub := range ls {
				for Peek(ls[sub]) < limit {
					first, step, n, _ := Take(ls[sub], 3)
					for k := int64(0); k < n; k++ {
						seen[first+k*step]++
					}
				}
			}
			for g := int64(0); g < limit; g++ {
				if seen[g] != 1 {
					t.Fatalf("number %d produced %d times", g, seen[g])
				}
			}
			for g, n := range seen {
				if g >= tc.end {
					t.Fatalf("number %d beyond the end %d produced %d times", g, tc.end, n)
				}
			}
		})
	}
}

func TestSameParallelismKeepsExtra(t *testing.T) {
	b, _ := Encode(State{Subtask: 1, Parallelism: 2, Lanes: Initial(1, 2, 1, Unbounded), Extra: []byte("x")})
	a, _ := Encode(State{Subtask: 0, Parallelism: 2, Lanes: Initial(0, 2, 1, Unbounded)})
	ls, extra, err := Restore([][]byte{a, b}, 1, 2, 1, Unbounded)
	if err != nil || string(extra) != "x" || Peek(ls) != 1 {
		t.Fatalf("got %v %q %v", ls, extra, err)
	}
	if _, _, err := Restore([][]byte{a}, 0, 3, 1, Unbounded); err == nil {
		t.Fatal("rescaling an unbounded stream with a position missing: no error")
	}
}
