package jdbc

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
	"github.com/spry-engine/spry/types"
)

// Checkpoint scenarios drive the sink as the runtime does (PreCommit at a
// barrier, Commit when the checkpoint completed, Restore after a
// failure); a crash is a sink dropped without its Commit, replaced by a
// new one restored from the last completed checkpoint's states.
var checkpointScenarios = []struct {
	name string
	run  func(t *testing.T, srv *jdbctest.Server)
}{
	{"ExactlyOnceCrashBeforeCommit", eoCrashBeforeCommit},
	{"ExactlyOnceRepeatedCommit", eoRepeatedCommit},
	{"ExactlyOnceRescale", eoRescale},
	{"ExactlyOnceFinish", eoFinish},
	{"ExactlyOnceNeedsCheckpointing", eoNeedsCheckpointing},
	{"ExactlyOnceFreshJobClearsMarkers", eoFreshJob},
	{"UpsertReplay", upsertReplay},
	{"AtLeastOnceFlushesAtPreCommit", aloPreCommit},
	{"ExactlyOnceRestoreOlderCheckpoint", eoRestoreOlder},
	{"ExactlyOnceRestoreRescaledUp", eoRestoreRescaledUp},
	{"ExactlyOnceTwoJobsOneSinkID", eoTwoJobs},
	{"ExactlyOnceRestoreAfterFreshJob", eoRestoreAfterFresh},
	{"ExactlyOnceFinishUncovered", eoFinishUncovered},
}

func TestCheckpointSQLite(t *testing.T)   { runCheckpoint(t, jdbctest.SQLite(t)) }
func TestCheckpointMariaDB(t *testing.T)  { runCheckpoint(t, jdbctest.MySQL(t)) }
func TestCheckpointPostgres(t *testing.T) { runCheckpoint(t, jdbctest.Postgres(t)) }

func runCheckpoint(t *testing.T, srv *jdbctest.Server) {
	for _, s := range checkpointScenarios {
		t.Run(s.name, func(t *testing.T) { s.run(t, srv) })
	}
}

// appendTable makes a fresh (k, v) table without a primary key.
func appendTable(t *testing.T, srv *jdbctest.Server, base string) string {
	table := srv.Table(t, base)
	srv.Exec(t, "CREATE TABLE "+table+" (k BIGINT, v VARCHAR(20))")
	t.Cleanup(func() { srv.DB.Exec("DELETE FROM " + markerTable + " WHERE sink_id = '" + table + "'") }) //nolint:errcheck // best effort
	return table
}

// eoSink opens an exactly-once append sink as subtask sub of p.
func eoSink(t *testing.T, srv *jdbctest.Server, table string, sub, p int) *sink {
	t.Helper()
	o := map[string]string{"connector": "jdbc", OptURL: srv.JDBCURL, OptTableName: table, OptDeliveryGuarantee: "exactly-once"}
	if srv.Username != "" {
		o[OptUsername], o[OptPassword] = srv.Username, srv.Password
	}
	if err := connector.ValidateTable(Factory, table, o); err != nil {
		t.Fatal(err)
	}
	s, err := newSink(&connector.Table{Name: "default_catalog.default_database." + table, Schema: kvSchema, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background(), connector.Task{Subtask: sub, Parallelism: p, Checkpointing: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.(*sink)
}

// keys returns lo..hi-1.
func keys(lo, hi int64) []int64 {
	out := make([]int64, 0, hi-lo)
	for k := lo; k < hi; k++ {
		out = append(out, k)
	}
	return out
}

func write(t *testing.T, s connector.Sink, ks []int64, kinds ...types.RowKind) {
	t.Helper()
	if len(kinds) == 0 {
		kinds = nil
	}
	if err := s.Write(context.Background(), kvBatch(ks, kinds)); err != nil {
		t.Fatal(err)
	}
}

func preCommit(t *testing.T, s connector.CheckpointedSink, id int64) []byte {
	t.Helper()
	st, err := s.PreCommit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// tableKeys returns the table's keys in order with their multiplicity, as
// "k" or "k×n".
func tableKeys(t *testing.T, srv *jdbctest.Server, table string) string {
	t.Helper()
	rows, err := srv.DB.Query("SELECT k, COUNT(*) FROM " + table + " GROUP BY k ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			out = append(out, fmt.Sprint(k))
		} else {
			out = append(out, fmt.Sprintf("%d×%d", k, n))
		}
	}
	return strings.Join(out, " ")
}

func wantKeys(lo, hi int64) string {
	var out []string
	for k := lo; k < hi; k++ {
		out = append(out, fmt.Sprint(k))
	}
	return strings.Join(out, " ")
}

// eoCrashBeforeCommit: checkpoint 2 completed but the sink died before its
// Commit; the restored sink writes checkpoint 2's rows, and nothing of
// checkpoint 1 again.
func eoCrashBeforeCommit(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_crash")
	ctx := context.Background()
	a := eoSink(t, srv, table, 0, 1)
	write(t, a, keys(0, 10))
	preCommit(t, a, 1)
	if got := count(t, srv, table); got != 0 {
		t.Fatalf("before Commit: %d rows visible, want 0", got)
	}
	write(t, a, keys(10, 20))
	st2 := preCommit(t, a, 2)
	if err := a.Commit(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got, want := tableKeys(t, srv, table), wantKeys(0, 10); got != want {
		t.Fatalf("after Commit(1): %s, want %s", got, want)
	}
	write(t, a, keys(20, 25)) // after checkpoint 2: lost with the crash, replayed
	a.Close()

	b := eoSink(t, srv, table, 0, 1)
	if err := b.Restore(ctx, 2, [][]byte{st2}); err != nil {
		t.Fatal(err)
	}
	if got, want := tableKeys(t, srv, table), wantKeys(0, 20); got != want {
		t.Fatalf("after Restore(2): %s, want %s", got, want)
	}
	write(t, b, keys(20, 25))
	preCommit(t, b, 3)
	if err := b.Commit(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if got, want := tableKeys(t, srv, table), wantKeys(0, 25); got != want {
		t.Fatalf("after the replay: %s, want %s", got, want)
	}
}

// eoRepeatedCommit: Commit and Restore of the same checkpoint, repeated,
// write its rows once.
func eoRepeatedCommit(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_repeat")
	ctx := context.Background()
	a := eoSink(t, srv, table, 0, 1)
	write(t, a, keys(0, 5))
	st := preCommit(t, a, 7)
	for i := 0; i < 2; i++ {
		if err := a.Commit(ctx, 7); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		b := eoSink(t, srv, table, 0, 1)
		if err := b.Restore(ctx, 7, [][]byte{st}); err != nil {
			t.Fatal(err)
		}
		b.Close()
	}
	if got, want := tableKeys(t, srv, table), wantKeys(0, 5); got != want {
		t.Fatalf("table holds %s, want %s", got, want)
	}
	var id int64
	if err := srv.DB.QueryRow("SELECT checkpoint_id FROM " + markerTable + " WHERE sink_id = '" + table + "' AND subtask = 0").Scan(&id); err != nil || id != 7 {
		t.Fatalf("marker: %d, %v; want checkpoint 7", id, err)
	}
}

// eoNeedsCheckpointing: without checkpoints an exactly-once sink would
// never write; it fails at Open as Flink's exactly-once sinks do.
func eoNeedsCheckpointing(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_nockpt")
	o := map[string]string{"connector": "jdbc", OptURL: srv.JDBCURL, OptTableName: table, OptDeliveryGuarantee: "exactly-once",
		OptUsername: srv.Username, OptPassword: srv.Password}
	if srv.Username == "" {
		delete(o, OptUsername)
		delete(o, OptPassword)
	}
	s, err := newSink(&connector.Table{Name: table, Schema: kvSchema, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Open(context.Background(), connector.Task{Parallelism: 1})
	if err == nil || !strings.Contains(err.Error(), "checkpointing disabled") {
		t.Fatalf("Open without checkpointing: %v, want an error saying checkpointing is disabled", err)
	}
}

// eoFreshJob: a job started afresh (checkpoint ids from 1 again) writes
// its rows although an earlier job left markers at higher ids.
func eoFreshJob(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_fresh")
	ctx := context.Background()
	old := eoSink(t, srv, table, 1, 2)
	write(t, old, keys(0, 2))
	preCommit(t, old, 57)
	if err := old.Commit(ctx, 57); err != nil {
		t.Fatal(err)
	}
	old.Close()
	a0, a1 := eoSink(t, srv, table, 0, 2), eoSink(t, srv, table, 1, 2)
	write(t, a0, keys(10, 13))
	write(t, a1, keys(13, 15))
	preCommit(t, a0, 1)
	preCommit(t, a1, 1)
	for _, s := range []*sink{a0, a1} {
		if err := s.Commit(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := tableKeys(t, srv, table), "0 1 "+wantKeys(10, 15); got != want {
		t.Fatalf("table holds %s, want %s", got, want)
	}
}

// eoRescale: two subtasks' states restored into one sink (parallelism 2
// to 1), one of them already committed.
func eoRescale(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_rescale")
	ctx := context.Background()
	a0, a1 := eoSink(t, srv, table, 0, 2), eoSink(t, srv, table, 1, 2)
	write(t, a0, keys(0, 10))
	write(t, a1, keys(10, 20))
	s0, s1 := preCommit(t, a0, 4), preCommit(t, a1, 4)
	if err := a0.Commit(ctx, 4); err != nil { // a1 dies before its Commit
		t.Fatal(err)
	}
	a0.Close()
	a1.Close()
	b := eoSink(t, srv, table, 0, 1)
	if err := b.Restore(ctx, 4, [][]byte{s0, s1}); err != nil {
		t.Fatal(err)
	}
	if got, want := tableKeys(t, srv, table), wantKeys(0, 20); got != want {
		t.Fatalf("after the rescaled restore: %s, want %s", got, want)
	}
}

// eoFinish: at the end of a bounded input the final checkpoint (taken
// after the end) commits the rows after the last periodic checkpoint, and
// Finish, called after it, writes nothing; a job restored from the final
// checkpoint reads nothing more and writes nothing twice.
func eoFinish(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "eo_finish")
	ctx := context.Background()
	a := eoSink(t, srv, table, 0, 1)
	write(t, a, keys(0, 3))
	preCommit(t, a, 1)
	write(t, a, keys(3, 6))
	if err := a.Commit(ctx, 1); err != nil {
		t.Fatal(err)
	}
	final := preCommit(t, a, 2)
	if got, want := tableKeys(t, srv, table), wantKeys(0, 3); got != want {
		t.Fatalf("before the final checkpoint completed: %s, want %s", got, want)
	}
	if err := a.Commit(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := a.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := tableKeys(t, srv, table), wantKeys(0, 6); got != want {
		t.Fatalf("after Finish: %s, want %s", got, want)
	}
	b := eoSink(t, srv, table, 0, 1)
	if err := b.Restore(ctx, 2, [][]byte{final}); err != nil {
		t.Fatal(err)
	}
	if err := b.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := tableKeys(t, srv, table), wantKeys(0, 6); got != want {
		t.Fatalf("after a rerun from the final checkpoint: %s, want %s", got, want)
	}
}

// upsertReplay: an upsert sink stores nothing; the changes after the
// checkpoint, replayed by a restored job, leave the table as a run
// without failure would.
func upsertReplay(t *testing.T, srv *jdbctest.Server) {
	table := makeKV(t, srv, "ups_replay")
	ctx := context.Background()
	I, U, D := types.Insert, types.UpdateAfter, types.Delete
	before := kvBatch([]int64{1, 2, 3}, []types.RowKind{I, I, I})
	after := []*types.Batch{
		kvBatch([]int64{2, 4}, []types.RowKind{D, I}),
		kvBatch([]int64{1, 5}, []types.RowKind{U, I}),
	}
	a := openSink(t, srv, table, []int{0}, OptSinkFlushMaxRows, "1")
	if err := a.Write(ctx, before); err != nil {
		t.Fatal(err)
	}
	if st := preCommit(t, a.(*sink), 1); st != nil {
		t.Fatalf("upsert PreCommit stored %d bytes, want none", len(st))
	}
	for _, b := range after { // written (max-rows 1), then the job dies
		if err := a.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	b := openSink(t, srv, table, []int{0})
	if err := b.(*sink).Restore(ctx, 1, [][]byte{nil}); err != nil {
		t.Fatal(err)
	}
	for _, bt := range after {
		if err := b.Write(ctx, bt); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := tableKeys(t, srv, table), "1 3 4 5"; got != want {
		t.Fatalf("after the replay: %s, want %s", got, want)
	}
}

// aloPreCommit: an at-least-once append sink writes its buffer at
// PreCommit and stores nothing.
func aloPreCommit(t *testing.T, srv *jdbctest.Server) {
	table := appendTable(t, srv, "alo")
	a := openSink(t, srv, table, nil, OptSinkFlushMaxRows, "1000", OptSinkFlushInterval, "0")
	write(t, a, keys(0, 4))
	if got := count(t, srv, table); got != 0 {
		t.Fatalf("before PreCommit: %d rows, want 0", got)
	}
	if st := preCommit(t, a.(*sink), 1); st != nil {
		t.Fatalf("PreCommit stored %d bytes, want none", len(st))
	}
	if got, want := tableKeys(t, srv, table), wantKeys(0, 4); got != want {
		t.Fatalf("after PreCommit: %s, want %s", got, want)
	}
}
