package jdbc_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
	"github.com/spry-engine/spry/table"
)

func TestExactlyOnceRestoreOlderSQLite(t *testing.T)   { restoreOlderSQL(t, jdbctest.SQLite(t)) }
func TestExactlyOnceRestoreOlderMariaDB(t *testing.T)  { restoreOlderSQL(t, jdbctest.MySQL(t)) }
func TestExactlyOnceRestoreOlderPostgres(t *testing.T) { restoreOlderSQL(t, jdbctest.Postgres(t)) }

// restoreOlderSQL (review finding 4, from its repro): a job writing a
// sequence exactly-once is cancelled after checkpoint 6 and restored from
// checkpoint 2 with a slower checkpoint interval, so the restored run's
// checkpoints 3, 4, … cover more of the sequence than the first run's.
// Its commits must not be taken for done (the markers were at 6): every
// id up to the highest written is in the table.
func restoreOlderSQL(t *testing.T, srv *jdbctest.Server) {
	dst := srv.Table(t, "eo_older_sql")
	srv.Exec(t, "CREATE TABLE "+dst+" (id BIGINT)")
	t.Cleanup(func() { srv.DB.Exec("DELETE FROM spry_sink_commits WHERE sink_id = '" + dst + "'") }) //nolint:errcheck // best effort
	dir := t.TempDir()
	start := func(interval, restore string) *table.Result {
		// One subtask: a parallel sequence's subtasks progress at their
		// own pace, and the check below needs one gap-free prefix.
		e := table.NewEnvironment(table.Settings{Parallelism: 1})
		exec(t, e, `SET 'execution.checkpointing.interval' = '`+interval+`'`)
		exec(t, e, `SET 'state.checkpoints.dir' = '`+dir+`'`)
		exec(t, e, `SET 'state.checkpoints.num-retained' = '100'`)
		if restore != "" {
			exec(t, e, `SET 'execution.savepoint.path' = '`+restore+`'`)
		}
		exec(t, e, `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '4000',
			'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100000000')`)
		exec(t, e, `CREATE TABLE dst (id BIGINT) `+srv.With(dst, "sink.delivery-guarantee", "exactly-once"))
		return exec(t, e, `INSERT INTO dst SELECT id FROM src`)
	}
	waitFor := func(what string, ok func() bool) {
		for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	first := start("40 ms", "")
	waitFor("checkpoint 6", func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, "*", "chk-6", "_metadata"))
		return len(m) == 1
	})
	first.Cancel()
	first.Wait() //nolint:errcheck // cancelled
	chk2, _ := filepath.Glob(filepath.Join(dir, "*", "chk-2"))
	if len(chk2) != 1 {
		t.Fatalf("checkpoint 2 of the first run: %v", chk2)
	}
	second := start("150 ms", chk2[0])
	waitFor("the restored run's checkpoint 9 committed", func() bool {
		var lo int64
		err := srv.DB.QueryRowContext(context.Background(),
			"SELECT MIN(checkpoint_id) FROM spry_sink_commits WHERE sink_id = '"+dst+"'").Scan(&lo)
		return err == nil && lo >= 9
	})
	second.Cancel()
	second.Wait() //nolint:errcheck // cancelled
	var distinct, lo, hi int64
	if err := srv.DB.QueryRow("SELECT COUNT(DISTINCT id), MIN(id), MAX(id) FROM "+dst).Scan(&distinct, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if lo != 1 || distinct != hi {
		t.Fatalf("table holds %d distinct ids in [%d, %d]: %d ids missing", distinct, lo, hi, hi-lo+1-distinct)
	}
}
