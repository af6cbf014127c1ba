package jdbc

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
	"github.com/spry-engine/spry/types"
)

// Sink scenarios run on SQLite always (TestSinkSQLite) and on the test
// servers (TestSinkMariaDB, TestSinkPostgres: run scripts/services.sh up).
var sinkScenarios = []struct {
	name string
	run  func(t *testing.T, srv *jdbctest.Server)
}{
	{"FlushMaxRows1", func(t *testing.T, s *jdbctest.Server) { flushEvery(t, s, 1) }},
	{"FlushMaxRows100", func(t *testing.T, s *jdbctest.Server) { flushEvery(t, s, 100) }},
	{"UpsertReduce", upsertReduce},
}

func TestSinkSQLite(t *testing.T)   { runSink(t, jdbctest.SQLite(t)) }
func TestSinkMariaDB(t *testing.T)  { runSink(t, jdbctest.MySQL(t)) }
func TestSinkPostgres(t *testing.T) { runSink(t, jdbctest.Postgres(t)) }

func runSink(t *testing.T, srv *jdbctest.Server) {
	for _, s := range sinkScenarios {
		t.Run(s.name, func(t *testing.T) { s.run(t, srv) })
	}
}

var kvSchema = types.NewSchema(types.Field{Name: "k", Type: types.BigInt.NotNullable()},
	types.Field{Name: "v", Type: types.String})

// kvBatch makes rows (k, "v<k>") for k in ks with the given kinds (nil:
// inserts).
func kvBatch(ks []int64, kinds []types.RowKind) *types.Batch {
	kb := array.NewInt64Builder(memory.DefaultAllocator)
	vb := array.NewStringBuilder(memory.DefaultAllocator)
	for _, k := range ks {
		kb.Append(k)
		vb.Append(fmt.Sprintf("v%d", k))
	}
	return types.NewBatch(kvSchema, []arrow.Array{kb.NewArray(), vb.NewArray()}, kinds, len(ks))
}

func openSink(t *testing.T, srv *jdbctest.Server, table string, pk []int, opts ...string) connector.Sink {
	t.Helper()
	o := map[string]string{"connector": "jdbc", OptURL: srv.JDBCURL, OptTableName: table}
	if srv.Username != "" {
		o[OptUsername], o[OptPassword] = srv.Username, srv.Password
	}
	for i := 0; i+1 < len(opts); i += 2 {
		o[opts[i]] = opts[i+1]
	}
	if err := connector.ValidateTable(Factory, table, o); err != nil {
		t.Fatal(err)
	}
	s, err := newSink(&connector.Table{Name: "default_catalog.default_database." + table, Schema: kvSchema, PrimaryKey: pk, Options: o})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background(), connector.Task{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func count(t *testing.T, srv *jdbctest.Server, table string) int {
	t.Helper()
	var n int
	if err := srv.DB.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// makeKV creates a fresh (k, v) table named after base and returns its name.
func makeKV(t *testing.T, srv *jdbctest.Server, base string) string {
	table := srv.Table(t, base)
	srv.Exec(t, "CREATE TABLE "+table+" (k BIGINT PRIMARY KEY, v VARCHAR(20))")
	return table
}

// flushEvery checks sink.buffer-flush.max-rows: rows reach the table in
// groups of max rows, the rest at the end of input.
func flushEvery(t *testing.T, srv *jdbctest.Server, maxRows int) {
	table := makeKV(t, srv, fmt.Sprintf("flush_%d", maxRows))
	s := openSink(t, srv, table, nil, OptSinkFlushMaxRows, fmt.Sprint(maxRows), OptSinkFlushInterval, "0")
	ctx := context.Background()
	next := int64(0)
	for _, n := range []int{1, 3, 150, 10} {
		ks := make([]int64, n)
		for i := range ks {
			ks[i] = next
			next++
		}
		if err := s.Write(ctx, kvBatch(ks, nil)); err != nil {
			t.Fatal(err)
		}
		if got, want := count(t, srv, table), int(next)/maxRows*maxRows; got != want {
			t.Fatalf("after %d rows with max-rows %d: %d rows in the table, want %d", next, maxRows, got, want)
		}
	}
	if err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if got := count(t, srv, table); got != int(next) {
		t.Fatalf("after Finish: %d rows, want %d", got, next)
	}
}

// upsertReduce checks the upsert buffer: the last change per key wins,
// deletes remove rows, and a barrier flushes.
func upsertReduce(t *testing.T, srv *jdbctest.Server) {
	ups := makeKV(t, srv, "ups")
	srv.Exec(t, "INSERT INTO "+ups+" VALUES (1, 'old'), (2, 'old'), (3, 'old')")
	s := openSink(t, srv, ups, []int{0}, OptSinkFlushMaxRows, "1000", OptSinkFlushInterval, "0")
	ctx := context.Background()
	I, U, D := types.Insert, types.UpdateAfter, types.Delete
	steps := []*types.Batch{
		kvBatch([]int64{1, 4, 2, 4}, []types.RowKind{U, I, D, D}), // 1 updated, 2 deleted, 4 inserted then deleted
		kvBatch([]int64{5, 5, 3}, []types.RowKind{I, D, U}),       // 5 in and out, 3 updated
		kvBatch([]int64{2}, []types.RowKind{I}),                   // 2 back
	}
	for _, b := range steps {
		if err := s.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(t, srv, ups); got != 3 {
		t.Fatalf("before the barrier: %d rows, want the 3 old ones", got)
	}
	if err := s.(*sink).OnBarrier(ctx, 1); err != nil {
		t.Fatal(err)
	}
	rows, err := srv.DB.Query("SELECT k, v FROM " + ups + " ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var k int64
		var v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d=%s", k, v))
	}
	if want := "1=v1 2=v2 3=v3"; strings.Join(got, " ") != want {
		t.Fatalf("table holds %v, want %s", got, want)
	}
}
