package ops

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

// TestTopOneKeepsSurvivors runs an append-only Top-1 over many batches
// (where each batch is replaced by its few surviving rows), restoring from
// a snapshot midway, and checks the changelog applied to an empty table
// against each partition's maximum, and that the state holds few rows.
func TestTopOneKeepsSurvivors(t *testing.T) {
	for _, withRank := range []bool{false, true} {
		t.Run(fmt.Sprint("rank=", withRank), func(t *testing.T) {
			cfg := topCfg(AppendFastStrategy, RowNumber, 1, withRank)
			op := mustBuild(t, Spec{Kind: KindRank, Config: cfg})
			r := rand.New(rand.NewPCG(9, 9))
			best := map[string]int32{}
			table := map[string]int{}
			for step := 0; step < 60; step++ {
				var rows [][]any
				for i := 0; i < 200; i++ {
					k, v := fmt.Sprintf("w%d", r.IntN(50)), int32(r.IntN(100000))
					rows = append(rows, []any{k, v})
					if old, ok := best[k]; !ok || v > old {
						best[k] = v
					}
				}
				c := &sliceCollector{}
				if err := op.ProcessBatch(0, batchOf(nil, rows...), c); err != nil {
					t.Fatal(err)
				}
				for _, s := range c.rows() {
					v := s[2:]
					if s[0] == '+' {
						table[v]++
					} else if table[v]--; table[v] == 0 {
						delete(table, v)
					}
				}
				if step == 30 {
					var snap bytes.Buffer
					if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
						t.Fatal(err)
					}
					op = mustBuild(t, Spec{Kind: KindRank, Config: cfg})
					if err := op.(Snapshotter).RestoreState(&snap); err != nil {
						t.Fatal(err)
					}
				}
			}
			want := map[string]int{}
			for k, v := range best {
				row := fmt.Sprintf("[%s %d]", k, v)
				if withRank {
					row = fmt.Sprintf("[%s %d 1]", k, v)
				}
				want[row] = 1
			}
			if !maps.Equal(table, want) {
				t.Fatalf("result %v\nwant %v", table, want)
			}
			if tn := op.(*topN); tn.stored > 2*tn.live+4096 || tn.stored > 60*200/2 {
				t.Fatalf("state holds %d rows for %d live", tn.stored, tn.live)
			}
		})
	}
}
