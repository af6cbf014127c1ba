package filesystem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// writeData writes rows [lo, hi) of batchOf into one part file of dir.
func writeData(t *testing.T, dir, format string, lo, hi int64) {
	t.Helper()
	s, err := Factory.NewSink(&connector.Table{Name: "t", Schema: schema,
		Options: map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: format}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Open(ctx, connector.Task{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, batchOf(lo, hi)); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// openSource opens subtask sub of p over dir, restored from ps if set.
func openSource(t *testing.T, opts map[string]string, sub, p int, ps []connector.SplitPosition) connector.Source {
	t.Helper()
	src, err := Factory.NewSource(&connector.Table{Name: "t", Schema: schema, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(context.Background(), connector.Task{Subtask: sub, Parallelism: p, BatchSize: 7}); err != nil {
		t.Fatal(err)
	}
	if ps != nil {
		if err := src.(connector.CheckpointedSource).RestorePosition(ps); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// readIDs reads up to n batches (to the end when n < 0) into seen; it
// reports whether the source ended.
func readIDs(t *testing.T, src connector.Source, n int, seen map[int64]int) bool {
	t.Helper()
	for i := 0; n < 0 || i < n; i++ {
		b, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			if n < 0 {
				return false // monitoring: nothing new
			}
			continue
		}
		ids := b.Cols[0].(*array.Int64)
		for r := 0; r < b.Len(); r++ {
			seen[ids.Value(r)]++
		}
	}
	return false
}

func snapshot(t *testing.T, src connector.Source) []connector.SplitPosition {
	t.Helper()
	ps, err := src.(connector.CheckpointedSource).SnapshotPosition()
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func checkOnce(t *testing.T, seen map[int64]int, lo, hi int64) {
	t.Helper()
	for id := lo; id < hi; id++ {
		if seen[id] != 1 {
			t.Fatalf("row %d read %d times", id, seen[id])
		}
	}
	if len(seen) != int(hi-lo) {
		t.Fatalf("%d distinct rows read, want %d", len(seen), hi-lo)
	}
}

// TestSourceRestore: two subtasks reading split files stop at a
// checkpoint (one of them having finished: it stores nothing); restored
// at parallelism 1, 2 and 3 the rows after the checkpoint are read once.
func TestSourceRestore(t *testing.T) {
	defer func(v int64) { minSplitBytes = v }(minSplitBytes)
	minSplitBytes = 256
	for _, format := range []string{"csv", "json"} {
		dir := t.TempDir()
		writeData(t, dir, format, 0, 300)
		writeData(t, dir, format, 300, 420)
		opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: format}
		for _, finished := range []bool{false, true} {
			for _, p := range []int{1, 2, 3} {
				t.Run(fmt.Sprintf("%s/finished=%v/p=%d", format, finished, p), func(t *testing.T) {
					seen := map[int64]int{}
					var ps []connector.SplitPosition
					for sub, n := range []int{4, 9} {
						src := openSource(t, opts, sub, 2, nil)
						if sub == 1 && finished {
							readIDs(t, src, -1, seen)
							continue // a finished subtask stores no position
						}
						readIDs(t, src, n, seen)
						ps = append(ps, snapshot(t, src)...)
						readIDs(t, src, 3, map[int64]int{}) // lost with the crash
					}
					for sub := 0; sub < p; sub++ {
						readIDs(t, openSource(t, opts, sub, p, ps), -1, seen)
					}
					checkOnce(t, seen, 0, 420)
				})
			}
		}
	}
}

// TestSourceRestoreMonitored: a monitoring source resumes its files and
// reads a file that appeared after the checkpoint.
func TestSourceRestoreMonitored(t *testing.T) {
	dir := t.TempDir()
	writeData(t, dir, "json", 0, 50)
	opts := map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "json", OptMonitorInterval: "1 ms"}
	seen := map[int64]int{}
	src := openSource(t, opts, 0, 1, nil)
	readIDs(t, src, 3, seen)
	ps := snapshot(t, src)
	writeData(t, dir, "json", 50, 80)
	restored := openSource(t, opts, 0, 1, ps)
	for i := 0; i < 20 && len(seen) < 80; i++ {
		readIDs(t, restored, 20, seen)
	}
	checkOnce(t, seen, 0, 80)
}

// TestPartitionedSourceRestore: the partitioned source resumes the
// partition it was reading and skips the ones it had read.
func TestPartitionedSourceRestore(t *testing.T) {
	dir := t.TempDir()
	for hr := 0; hr < 3; hr++ {
		writeData(t, filepath.Join(dir, "dt=d", fmt.Sprintf("hr=%d", hr)), "csv", int64(hr*40), int64(hr*40+40))
	}
	os.WriteFile(filepath.Join(dir, "stray.csv"), nil, 0o644)
	fields := append(append([]types.Field(nil), schema.Fields...),
		types.Field{Name: "dt", Type: types.String}, types.Field{Name: "hr", Type: types.Int})
	tbl := &connector.Table{Name: "p", Schema: types.NewSchema(fields...),
		Options: map[string]string{"connector": "filesystem", OptPath: dir, OptFormat: "csv"}, PartitionKeys: []string{"dt", "hr"}}
	open := func(ps []connector.SplitPosition) connector.Source {
		src, err := Factory.NewSource(tbl)
		if err != nil {
			t.Fatal(err)
		}
		if err := src.Open(context.Background(), connector.Task{Parallelism: 1, BatchSize: 7}); err != nil {
			t.Fatal(err)
		}
		if ps != nil {
			if err := src.(connector.CheckpointedSource).RestorePosition(ps); err != nil {
				t.Fatal(err)
			}
		}
		return src
	}
	seen := map[int64]int{}
	a := open(nil)
	readIDs(t, a, 8, seen) // into the second partition
	ps := snapshot(t, a)
	readIDs(t, open(ps), -1, seen)
	checkOnce(t, seen, 0, 120)
}
