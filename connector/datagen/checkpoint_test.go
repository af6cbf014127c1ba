package datagen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

var ckSchema = types.NewSchema(types.Field{Name: "id", Type: types.BigInt}, types.Field{Name: "r", Type: types.Int})

var ckOpts = map[string]string{"fields.id.kind": "sequence", "fields.id.start": "100", "fields.id.end": "1099",
	"rows-per-second": "0"}

func openGen(t *testing.T, sub, p int, restore []connector.SplitPosition) *source {
	t.Helper()
	src, err := Factory.NewSource(&connector.Table{Name: "gen", Schema: ckSchema, Options: ckOpts})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(context.Background(), connector.Task{Subtask: sub, Parallelism: p, BatchSize: 13}); err != nil {
		t.Fatal(err)
	}
	s := src.(*source)
	if restore != nil {
		if err := s.RestorePosition(restore); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// next reads up to n batches (all when n < 0) and returns their rows as
// "id:r".
func next(t *testing.T, s *source, n int) []string {
	t.Helper()
	var out []string
	for i := 0; n < 0 || i < n; i++ {
		b, err := s.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r < b.Len(); r++ {
			row := b.Row(r)
			out = append(out, fmt.Sprintf("%v:%v", row[0], row[1]))
		}
	}
	return out
}

func ids(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _, _ = strings.Cut(r, ":")
	}
	return out
}

// TestRestoreSameParallelism: a restored subtask emits exactly what the
// uninterrupted one emits after the checkpoint, random values included.
func TestRestoreSameParallelism(t *testing.T) {
	a := openGen(t, 1, 2, nil)
	next(t, a, 5)
	pos, err := a.SnapshotPosition()
	if err != nil {
		t.Fatal(err)
	}
	want := next(t, a, -1)
	other, _ := openGen(t, 0, 2, nil).SnapshotPosition()
	b := openGen(t, 1, 2, append(other, pos...))
	got := next(t, b, -1)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("restored subtask emitted\n%v\nwant\n%v", got, want)
	}
}

// TestRestoreRescaled: positions of two subtasks restored at parallelism
// 1, 2 and 3 emit every remaining id once.
func TestRestoreRescaled(t *testing.T) {
	for _, p := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			seen := map[string]int{}
			var pos []connector.SplitPosition
			for sub, n := range []int{3, 11} {
				a := openGen(t, sub, 2, nil)
				for _, id := range ids(next(t, a, n)) {
					seen[id]++
				}
				ps, err := a.SnapshotPosition()
				if err != nil {
					t.Fatal(err)
				}
				pos = append(pos, ps...)
				next(t, a, 2) // emitted after the checkpoint: lost with the crash
			}
			for sub := 0; sub < p; sub++ {
				for _, id := range ids(next(t, openGen(t, sub, p, pos), -1)) {
					seen[id]++
				}
			}
			for v := 100; v <= 1099; v++ {
				if n := seen[fmt.Sprint(v)]; n != 1 {
					t.Fatalf("id %d emitted %d times", v, n)
				}
			}
			if len(seen) != 1000 {
				t.Fatalf("%d distinct ids, want 1000", len(seen))
			}
		})
	}
}
