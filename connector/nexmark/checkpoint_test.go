package nexmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector"
)

func openNexmark(t *testing.T, sub, p, batch int, restore []connector.SplitPosition) *source {
	t.Helper()
	tbl := &connector.Table{Name: "t", Schema: Schema(), Options: map[string]string{OptEventsNum: "5000"}}
	src, err := newSource(tbl)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(context.Background(), connector.Task{Subtask: sub, Parallelism: p, BatchSize: batch}); err != nil {
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

// readEvents reads up to n batches (all when n < 0): the count of events, the
// auction ids seen and the rows printed.
func readEvents(t *testing.T, s *source, n int, auctions map[int64]int) (int, string) {
	t.Helper()
	total, text := 0, ""
	for i := 0; n < 0 || i < n; i++ {
		b, err := s.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		total += b.Len()
		a := b.Cols[colAuction].(*array.Struct)
		ids := a.Field(aID).(*array.Int64)
		for r := range b.Len() {
			if a.IsValid(r) {
				auctions[ids.Value(r)]++
			}
			text += fmt.Sprint(b.Row(r))
		}
	}
	return total, text
}

// TestRestoreContinues: a restored subtask regenerates exactly the events
// the uninterrupted one generates after the checkpoint.
func TestRestoreContinues(t *testing.T) {
	a := openNexmark(t, 0, 2, 100, nil)
	readEvents(t, a, 4, map[int64]int{})
	pos, err := a.SnapshotPosition()
	if err != nil {
		t.Fatal(err)
	}
	_, want := readEvents(t, a, -1, map[int64]int{})
	other, _ := openNexmark(t, 1, 2, 100, nil).SnapshotPosition()
	_, got := readEvents(t, openNexmark(t, 0, 2, 100, append(pos, other...)), -1, map[int64]int{})
	if got != want {
		t.Fatal("the restored subtask generated other events than the uninterrupted one")
	}
}

// TestRestoreRescaled: positions of two subtasks restored at parallelism
// 1 and 3 (and another batch size) generate every remaining event once.
func TestRestoreRescaled(t *testing.T) {
	for _, p := range []int{1, 3} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			auctions := map[int64]int{}
			total := 0
			var pos []connector.SplitPosition
			for sub, n := range []int{2, 7} {
				a := openNexmark(t, sub, 2, 100, nil)
				k, _ := readEvents(t, a, n, auctions)
				total += k
				ps, err := a.SnapshotPosition()
				if err != nil {
					t.Fatal(err)
				}
				pos = append(pos, ps...)
				readEvents(t, a, 1, map[int64]int{}) // lost with the crash
			}
			for sub := 0; sub < p; sub++ {
				k, _ := readEvents(t, openNexmark(t, sub, p, 64, pos), -1, auctions)
				total += k
			}
			if total != 5000 || len(auctions) != 300 {
				t.Fatalf("%d events and %d auctions, want 5000 and 300", total, len(auctions))
			}
			for id, n := range auctions {
				if n != 1 {
					t.Fatalf("auction %d generated %d times", id, n)
				}
			}
		})
	}
}
