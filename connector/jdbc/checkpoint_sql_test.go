package jdbc_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
)

func TestExactlyOnceSQLSQLite(t *testing.T)   { exactlyOnceSQL(t, jdbctest.SQLite(t)) }
func TestExactlyOnceSQLMariaDB(t *testing.T)  { exactlyOnceSQL(t, jdbctest.MySQL(t)) }
func TestExactlyOnceSQLPostgres(t *testing.T) { exactlyOnceSQL(t, jdbctest.Postgres(t)) }

// exactlyOnceSQL: a checkpointed job writes a paced sequence into an
// exactly-once append table and fails once on the way; it restarts from
// its latest checkpoint (the datagen source resumes its sequence, the
// sink commits what the checkpoint held) and the table holds each row
// exactly once.
func exactlyOnceSQL(t *testing.T, srv *jdbctest.Server) {
	dst := srv.Table(t, "eo_sql")
	srv.Exec(t, "CREATE TABLE "+dst+" (id BIGINT, v VARCHAR(20))")
	t.Cleanup(func() { srv.DB.Exec("DELETE FROM spry_sink_commits WHERE sink_id = '" + dst + "'") }) //nolint:errcheck // best effort
	e := env()
	exec(t, e, `SET 'execution.checkpointing.interval' = '20 ms'`)
	exec(t, e, `SET 'restart-strategy.type' = 'fixed-delay'`)
	exec(t, e, `SET 'restart-strategy.fixed-delay.attempts' = '2'`)
	exec(t, e, `SET 'restart-strategy.fixed-delay.delay' = '0 ms'`)
	var failed atomic.Int32
	if err := e.RegisterFunction("failonce", func(v int64) (int64, error) {
		if v == 1500 && failed.CompareAndSwap(0, 1) {
			return 0, fmt.Errorf("injected failure at %d", v)
		}
		return v, nil
	}); err != nil {
		t.Fatal(err)
	}
	exec(t, e, `CREATE TABLE src (id BIGINT, v STRING) WITH ('connector' = 'datagen', 'rows-per-second' = '10000',
		'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '2000', 'fields.v.length' = '5')`)
	exec(t, e, `CREATE TABLE dst (id BIGINT, v STRING) `+srv.With(dst, "sink.delivery-guarantee", "exactly-once"))
	if err := exec(t, e, `INSERT INTO dst SELECT failonce(id), v FROM src`).Wait(); err != nil {
		if strings.Contains(err.Error(), "checkpointing disabled") {
			// The runtime passes connector.Task.Checkpointing to sinks
			// only once the checkpoint coordinator sets it.
			t.Skip("the runtime does not tell sinks that the job is checkpointed yet (connector.Task.Checkpointing)")
		}
		t.Fatal(err)
	}
	var n, distinct, lo, hi int64
	if err := srv.DB.QueryRow("SELECT COUNT(*), COUNT(DISTINCT id), MIN(id), MAX(id) FROM "+dst).Scan(&n, &distinct, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if n != 2000 || distinct != 2000 || lo != 1 || hi != 2000 {
		t.Fatalf("table holds %d rows, %d distinct ids in [%d, %d]; want ids 1..2000 once", n, distinct, lo, hi)
	}
	var markers int
	if err := srv.DB.QueryRow("SELECT COUNT(*) FROM spry_sink_commits WHERE sink_id = '" + dst + "' AND checkpoint_id > 0").Scan(&markers); err != nil {
		t.Fatal(err)
	}
	if markers == 0 {
		t.Fatal("no commit marker: the rows were not committed by checkpoints")
	}
	if failed.Load() != 1 {
		t.Fatal("the injected failure did not happen")
	}
}
