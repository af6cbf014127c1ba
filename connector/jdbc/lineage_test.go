package jdbc

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
)

// marker reads a subtask's marker: its checkpoint id (-1 without one) and
// lineage.
func marker(t *testing.T, srv *jdbctest.Server, table string, sub int) (int64, string) {
	t.Helper()
	var id int64
	var lin string
	err := srv.DB.QueryRow(fmt.Sprintf("SELECT checkpoint_id, lineage FROM %s WHERE sink_id = '%s' AND subtask = %d", markerTable, table, sub)).Scan(&id, &lin)
	if err != nil {
		return -1, ""
	}
	return id, lin
}

// run commits checkpoints from..to of sink s, each with rows
// [10·id, 10·id+10), and returns the state of every checkpoint by id.
func run(t *testing.T, s *sink, from, to int64, states map[int64][]byte) {
	t.Helper()
	for id := from; id <= to; id++ {
		write(t, s, keys(10*id, 10*id+10))
		states[id] = preCommit(t, s, id)
		if err := s.Commit(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
}

// eoRestoreOlder (review finding 4): a job restored from checkpoint 2
// while its marker is at 8 (restored from an older checkpoint or a
// savepoint) numbers its checkpoints 3, 4, … again; their rows must be
// written, not taken for done.
func eoRestoreOlder(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_older")
	ctx := context.Background()
	states := map[int64][]byte{}
	a := eoSink(t, srv, table, 0, 1)
	run(t, a, 1, 8, states)
	a.Close()
	if id, _ := marker(t, srv, table, 0); id != 8 {
		t.Fatalf("marker after the first run: %d, want 8", id)
	}
	// Delete what checkpoints 3..8 wrote, so the table shows whether the
	// restored run writes them again.
	srv.Exec(t, "DELETE FROM "+table+" WHERE k >= 30")
	b := eoSink(t, srv, table, 0, 1)
	if err := b.Restore(ctx, 2, [][]byte{states[2]}); err != nil {
		t.Fatal(err)
	}
	if id, _ := marker(t, srv, table, 0); id != 2 {
		t.Fatalf("marker after Restore(2): %d, want 2", id)
	}
	run(t, b, 3, 5, map[int64][]byte{})
	if got, want := tableKeys(t, srv, table), wantKeys(10, 60); got != want {
		t.Fatalf("after the restored run: %s, want %s", got, want)
	}
}

// eoRestoreRescaledUp: a job checkpointed at parallelism 1 restores at 2.
// The new subtask 1 has no state; it takes over the marker an earlier,
// wider run left ahead under its index, and its rows are written.
func eoRestoreRescaledUp(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_scaleup")
	ctx := context.Background()
	old := eoSink(t, srv, table, 1, 2) // an earlier run at parallelism 2
	write(t, old, keys(900, 901))
	preCommit(t, old, 40)
	if err := old.Commit(ctx, 40); err != nil {
		t.Fatal(err)
	}
	old.Close()
	srv.Exec(t, "DELETE FROM "+table)
	states := map[int64][]byte{}
	a := eoSink(t, srv, table, 0, 1) // fresh: clears all markers
	run(t, a, 1, 2, states)
	a.Close()
	srv.Exec(t, "INSERT INTO "+markerTable+" (sink_id, subtask, checkpoint_id, lineage) VALUES ('"+table+"', 1, 40, 'elsewhere')")
	b0, b1 := eoSink(t, srv, table, 0, 2), eoSink(t, srv, table, 1, 2)
	if err := b0.Restore(ctx, 2, [][]byte{states[2]}); err != nil {
		t.Fatal(err)
	}
	if err := b1.Restore(ctx, 2, nil); err != nil {
		t.Fatal(err)
	}
	write(t, b0, keys(30, 35))
	write(t, b1, keys(35, 40))
	preCommit(t, b0, 3)
	preCommit(t, b1, 3)
	for _, s := range []*sink{b0, b1} {
		if err := s.Commit(ctx, 3); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := tableKeys(t, srv, table), wantKeys(10, 40); got != want {
		t.Fatalf("after the rescaled run: %s, want %s", got, want)
	}
	if b0.lineage != a.lineage || b1.lineage == a.lineage {
		t.Fatalf("lineages: first run %s, restored subtasks %s and %s; want subtask 0 to keep it, subtask 1 a new one", a.lineage, b0.lineage, b1.lineage)
	}
}

// eoTwoJobs: two running jobs writing with one sink id; the second one,
// started afresh, clears the first's marker and commits; the first one's
// next commit finds the marker under the second's lineage and fails with
// a LineageError rather than skip rows or write them under a foreign
// marker.
func eoTwoJobs(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_twojobs")
	ctx := context.Background()
	a := eoSink(t, srv, table, 0, 1)
	run(t, a, 1, 3, map[int64][]byte{})
	b := eoSink(t, srv, table, 0, 1)
	run(t, b, 1, 1, map[int64][]byte{})
	write(t, a, keys(100, 101))
	preCommit(t, a, 4)
	err := a.Commit(ctx, 4)
	var le *LineageError
	if !errors.As(err, &le) || le.Subtask != 0 || le.Found != b.lineage || le.Want != a.lineage {
		t.Fatalf("commit of the first job after the second started: %v, want a LineageError", err)
	}
	if !strings.Contains(err.Error(), OptExactlyOnceID) {
		t.Fatalf("the error does not name %s: %v", OptExactlyOnceID, err)
	}
	if strings.Contains(tableKeys(t, srv, table), "100") {
		t.Fatal("the failed commit wrote its rows")
	}
}

// eoRestoreAfterFresh: a checkpoint of job A restored after a job started
// afresh with the same sink id wrote its markers: whether A's pending
// rows are in the table is unknown, so Restore fails naming the cause.
func eoRestoreAfterFresh(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_afterfresh")
	ctx := context.Background()
	a := eoSink(t, srv, table, 0, 1)
	write(t, a, keys(0, 3))
	st := preCommit(t, a, 1)
	a.Close() // dies before its Commit
	b := eoSink(t, srv, table, 0, 1)
	run(t, b, 1, 1, map[int64][]byte{})
	r := eoSink(t, srv, table, 0, 1)
	var le *LineageError
	if err := r.Restore(ctx, 1, [][]byte{st}); !errors.As(err, &le) {
		t.Fatalf("Restore after another job wrote the markers: %v, want a LineageError", err)
	}
}

// eoFinishUncovered: rows that reach Finish without a completed
// checkpoint (a runtime without the final checkpoint) are an error, never
// committed on the side.
func eoFinishUncovered(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_uncovered")
	a := eoSink(t, srv, table, 0, 1)
	write(t, a, keys(0, 3))
	if err := a.Finish(context.Background()); err == nil || !strings.Contains(err.Error(), "no completed checkpoint covers") {
		t.Fatalf("Finish with uncommitted rows: %v", err)
	}
	if n := count(t, srv, table); n != 0 {
		t.Fatalf("Finish wrote %d rows", n)
	}
}

// TestMarkerTableWithoutLineage: a marker table created before lineage
// tokens existed gets the column when a sink opens, and its markers (with
// no token) are taken over by a restored job.
func TestMarkerTableWithoutLineage(t *testing.T) {
	srv := jdbctest.SQLite(t)
	table := appendTable(t, srv, "eo_legacy")
	srv.Exec(t, "CREATE TABLE "+markerTable+" (sink_id VARCHAR(255) NOT NULL, subtask INT NOT NULL, checkpoint_id BIGINT NOT NULL, PRIMARY KEY (sink_id, subtask))",
		"INSERT INTO "+markerTable+" VALUES ('"+table+"', 0, 1)")
	v1 := []byte{stateVersion1, 1, 0}
	v1 = binary.AppendVarint(v1, 1)
	data := mustRows(t)
	v1 = binary.AppendUvarint(v1, uint64(len(data)))
	v1 = append(v1, data...)
	b := eoSink(t, srv, table, 0, 1)
	if err := b.Restore(context.Background(), 1, [][]byte{v1}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, srv, table); n != 0 {
		t.Fatalf("checkpoint 1 written again: %d rows", n)
	}
	if id, lin := marker(t, srv, table, 0); id != 1 || lin != b.lineage || lin == "" {
		t.Fatalf("marker %d %q, want checkpoint 1 under the restored run's new lineage %q", id, lin, b.lineage)
	}
}
