package jdbc_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	_ "github.com/spry-engine/spry/connector/all"
	"github.com/spry-engine/spry/connector/jdbc/jdbctest"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

// SQL scenarios run through the table API on SQLite always (TestSQLSQLite)
// and on the test servers (TestSQLMariaDB, TestSQLPostgres: they need
// SPRY_MYSQL_DSN / SPRY_POSTGRES_DSN, see scripts/services.sh).
var scenarios = []struct {
	name string
	run  func(t *testing.T, srv *jdbctest.Server)
}{
	{"RoundTripTypes", roundTripTypes},
	{"UpsertFromGroupBy", upsertFromGroupBy},
	{"AppendRejectsUpdates", appendRejectsUpdates},
	{"ScanParallel", scanParallel},
	{"LookupJoinCached", lookupJoin},
	{"PasswordHidden", passwordHidden},
	{"BatchMode", batchMode},
	{"TimestampLTZ", timestampLTZ},
	{"LegacyOptions", legacyOptions},
}

func TestSQLSQLite(t *testing.T)   { runAll(t, jdbctest.SQLite(t)) }
func TestSQLMariaDB(t *testing.T)  { runAll(t, jdbctest.MySQL(t)) }
func TestSQLPostgres(t *testing.T) { runAll(t, jdbctest.Postgres(t)) }

func runAll(t *testing.T, srv *jdbctest.Server) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) { s.run(t, srv) })
	}
}

func env() *table.Environment { return table.NewEnvironment(table.Settings{Parallelism: 2}) }

func exec(t *testing.T, e *table.Environment, stmt string) *table.Result {
	t.Helper()
	r, err := e.ExecuteSQL(context.Background(), stmt)
	if err != nil {
		t.Fatalf("%s\n: %v", stmt, err)
	}
	return r
}

func insert(t *testing.T, e *table.Environment, stmt string) {
	t.Helper()
	if err := exec(t, e, stmt).Wait(); err != nil {
		t.Fatalf("%s\n: %v", stmt, err)
	}
}

// query runs a bounded query and returns its final rows (the changelog
// applied) as sorted +I[...] strings.
func query(t *testing.T, e *table.Environment, stmt string) []string {
	t.Helper()
	r := exec(t, e, stmt)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rows, err := r.Rows(ctx)
	if err != nil {
		t.Fatalf("%s\n: %v", stmt, err)
	}
	live := map[string]int{}
	for _, row := range rows {
		k := row.Kind
		row.Kind = types.Insert
		s := row.Format(r.Schema, nil)
		if k.IsRetraction() {
			live[s]--
		} else {
			live[s]++
		}
	}
	var out []string
	for s, n := range live {
		for ; n > 0; n-- {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func check(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n got %s\nwant %s", what, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

// dbTypes maps a portable column list to each database's DDL types.
func dbType(srv *jdbctest.Server, kind string) string {
	m := map[string]map[string]string{
		"ts":    {"mysql": "DATETIME(6)", "postgres": "TIMESTAMP(6)", "sqlite": "TIMESTAMP"},
		"bytes": {"mysql": "VARBINARY(20)", "postgres": "BYTEA", "sqlite": "BLOB"},
		"float": {"mysql": "DOUBLE", "postgres": "DOUBLE PRECISION", "sqlite": "DOUBLE"},
	}
	if t, ok := m[kind][srv.Kind]; ok {
		return t
	}
	return kind
}

func roundTripTypes(t *testing.T, srv *jdbctest.Server) {
	items := srv.Table(t, "items")
	srv.Exec(t, fmt.Sprintf(`CREATE TABLE %s (id BIGINT PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2),
		ts %s, d DATE, ok BOOLEAN, score %s, raw %s, n INT)`, items, dbType(srv, "ts"), dbType(srv, "float"), dbType(srv, "bytes")))
	e := env()
	exec(t, e, `CREATE TABLE items (id BIGINT, name STRING, price DECIMAL(10, 2), ts TIMESTAMP(3), d DATE, ok BOOLEAN,
		score DOUBLE, raw BYTES, n INT, PRIMARY KEY (id) NOT ENFORCED) `+srv.With(items))
	insert(t, e, `INSERT INTO items VALUES
		(1, 'apple', 1.50, TIMESTAMP '2024-01-02 03:04:05.123', DATE '2024-01-02', TRUE, 0.5, CAST('hi' AS BYTES), 7),
		(2, CAST(NULL AS STRING), CAST(NULL AS DECIMAL(10, 2)), CAST(NULL AS TIMESTAMP(3)), CAST(NULL AS DATE), CAST(NULL AS BOOLEAN),
		 CAST(NULL AS DOUBLE), CAST(NULL AS BYTES), CAST(NULL AS INT)),
		(3, 'ünïcode ✓', -12345678.99, TIMESTAMP '1999-12-31 23:59:59', DATE '1970-01-01', FALSE, -1e10, CAST('' AS BYTES), -2147483648)`)
	check(t, "scan", query(t, e, "SELECT * FROM items"),
		"+I[1, apple, 1.50, 2024-01-02 03:04:05.123, 2024-01-02, TRUE, 0.5, x'6869', 7]",
		"+I[2, null, null, null, null, null, null, null, null]",
		"+I[3, ünïcode ✓, -12345678.99, 1999-12-31 23:59:59.000, 1970-01-01, FALSE, -1.0E10, x'', -2147483648]")
	// A projection reads only the named columns.
	check(t, "projection", query(t, e, "SELECT name, id FROM items WHERE id < 3"), "+I[apple, 1]", "+I[null, 2]")
}

// upsertFromGroupBy writes a two-level streaming aggregation (its output
// updates and deletes rows) into a keyed table, one statement per change.
func upsertFromGroupBy(t *testing.T, srv *jdbctest.Server) {
	cnts := srv.Table(t, "cnts")
	srv.Exec(t, "CREATE TABLE "+cnts+" (cnt BIGINT PRIMARY KEY, n BIGINT)", "INSERT INTO "+cnts+" VALUES (1, 42), (7, 7)")
	for _, rows := range []string{"1", "100"} {
		e := env()
		exec(t, e, "CREATE TABLE cnts (cnt BIGINT, n BIGINT, PRIMARY KEY (cnt) NOT ENFORCED) "+
			srv.With(cnts, "sink.buffer-flush.max-rows", rows))
		// Counts per word a:2 b:2 c:1; the count-of-counts row for 1 is
		// upserted, deleted (twice) and inserted again along the way.
		insert(t, e, `INSERT INTO cnts SELECT cnt, COUNT(*) FROM
			(SELECT w, COUNT(*) AS cnt FROM (VALUES ('a'), ('a'), ('b'), ('b'), ('c')) AS t(w) GROUP BY w) GROUP BY cnt`)
		check(t, "table after max-rows="+rows, query(t, e, "SELECT * FROM cnts"), "+I[1, 1]", "+I[2, 2]", "+I[7, 7]")
	}
	// A row deleted by the changelog is gone from the database.
	srv.Exec(t, "DELETE FROM "+cnts+" WHERE cnt = 7")
	e := env()
	exec(t, e, "CREATE TABLE cnts (cnt BIGINT, n BIGINT, PRIMARY KEY (cnt) NOT ENFORCED) "+srv.With(cnts, "sink.buffer-flush.max-rows", "1"))
	insert(t, e, `INSERT INTO cnts SELECT cnt, COUNT(*) FROM
		(SELECT w, COUNT(*) AS cnt FROM (VALUES ('a'), ('a'), ('b'), ('b')) AS t(w) GROUP BY w) GROUP BY cnt`)
	check(t, "after deletes", query(t, e, "SELECT * FROM cnts"), "+I[2, 2]")
}

func appendRejectsUpdates(t *testing.T, srv *jdbctest.Server) {
	logs := srv.Table(t, "logs")
	srv.Exec(t, "CREATE TABLE "+logs+" (w VARCHAR(10), n BIGINT)")
	e := env()
	exec(t, e, "CREATE TABLE logs (w STRING, n BIGINT) "+srv.With(logs))
	insert(t, e, "INSERT INTO logs VALUES ('x', 1), ('y', 2)")
	insert(t, e, "INSERT INTO logs SELECT w, n + 10 FROM logs")
	check(t, "append", query(t, e, "SELECT * FROM logs"), "+I[x, 11]", "+I[x, 1]", "+I[y, 12]", "+I[y, 2]")
	_, err := e.ExecuteSQL(context.Background(), "INSERT INTO logs SELECT w, COUNT(*) FROM logs GROUP BY w")
	if err == nil || !strings.Contains(err.Error(), "doesn't support consuming update changes") {
		t.Fatalf("a sink without primary key must reject updates, got %v", err)
	}
}

func scanParallel(t *testing.T, srv *jdbctest.Server) {
	nums := srv.Table(t, "nums")
	srv.Exec(t, "CREATE TABLE "+nums+" (id BIGINT, v VARCHAR(10))")
	var vals []string
	for i := 1; i <= 1000; i++ {
		vals = append(vals, fmt.Sprintf("(%d, 'v%d')", i, i%10))
	}
	srv.Exec(t, "INSERT INTO "+nums+" VALUES "+strings.Join(vals, ", "))
	e := env()
	exec(t, e, "CREATE TABLE nums (id BIGINT, v STRING) "+srv.With(nums, "scan.partition.column", "id",
		"scan.partition.num", "7", "scan.partition.lower-bound", "1", "scan.partition.upper-bound", "1000", "scan.fetch-size", "100"))
	check(t, "all partitions", query(t, e, "SELECT COUNT(*), SUM(id), COUNT(DISTINCT v) FROM nums"), "+I[1000, 500500, 10]")
	exec(t, e, "CREATE TABLE half (id BIGINT, v STRING) "+srv.With(nums, "scan.partition.column", "id",
		"scan.partition.num", "3", "scan.partition.lower-bound", "1", "scan.partition.upper-bound", "500", "scan.auto-commit", "false"))
	check(t, "bounds filter", query(t, e, "SELECT COUNT(*), MIN(id), MAX(id) FROM half"), "+I[500, 1, 500]")
	exec(t, e, "CREATE TABLE whole (id BIGINT) "+srv.With(nums))
	check(t, "unpartitioned", query(t, e, "SELECT COUNT(*) FROM whole"), "+I[1000]")
}

// lookupJoin enriches a stream (a CSV file with a processing-time
// attribute) from a dimension table in the database, through the cache.
func lookupJoin(t *testing.T, srv *jdbctest.Server) {
	dim := srv.Table(t, "dim")
	srv.Exec(t, "CREATE TABLE "+dim+" (id INT PRIMARY KEY, name VARCHAR(20))",
		"INSERT INTO "+dim+" VALUES (1, 'one'), (2, 'two'), (3, 'three')")
	dir := t.TempDir()
	var lines []string
	for i := 1; i <= 40; i++ {
		lines = append(lines, fmt.Sprintf("%d,%d", i, i%5)) // 0 and 4 are missing keys
	}
	if err := os.WriteFile(filepath.Join(dir, "orders.csv"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := env()
	exec(t, e, fmt.Sprintf(`CREATE TABLE orders (oid INT, did INT, proc AS PROCTIME())
		WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'csv')`, filepath.Join(dir, "orders.csv")))
	exec(t, e, "CREATE TABLE dim (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED) "+srv.With(dim,
		"lookup.cache", "PARTIAL", "lookup.partial-cache.max-rows", "2", "lookup.partial-cache.expire-after-write", "1 min",
		"lookup.partial-cache.cache-missing-key", "true"))
	got := query(t, e, `SELECT d.name, COUNT(*) AS n, SUM(o.oid) FROM orders AS o
		LEFT JOIN dim FOR SYSTEM_TIME AS OF o.proc AS d ON o.did = d.id GROUP BY d.name`)
	check(t, "enriched", got, "+I[null, 16, 352]", "+I[one, 8, 148]", "+I[three, 8, 164]", "+I[two, 8, 156]")
}

func passwordHidden(t *testing.T, srv *jdbctest.Server) {
	e := env()
	user, pw := srv.Username, srv.Password
	if user == "" { // SQLite ignores credentials; the option must still be hidden
		user, pw = "me", "hunter2-secret"
	}
	exec(t, e, fmt.Sprintf(`CREATE TABLE secret (id INT) WITH ('connector' = 'jdbc', 'url' = '%s', 'table-name' = 'x',
		'username' = '%s', 'password' = '%s')`, srv.JDBCURL, user, pw))
	got := strings.Join(query(t, e, "SHOW CREATE TABLE secret"), "\n")
	if strings.Contains(got, "'password' = '"+pw+"'") || !strings.Contains(got, "'password' = '******'") {
		t.Fatalf("SHOW CREATE TABLE must hide the password:\n%s", got)
	}
	plan := strings.Join(query(t, e, "EXPLAIN SELECT * FROM secret"), "\n")
	if strings.Contains(plan, pw) || !strings.Contains(plan, "TableSourceScan") {
		t.Fatalf("EXPLAIN must not show the password:\n%s", plan)
	}
	if srv.Kind == "sqlite" {
		return
	}
	// A wrong password: the error names the server, not the password.
	exec(t, e, fmt.Sprintf(`CREATE TABLE wrong (id INT) WITH ('connector' = 'jdbc', 'url' = '%s', 'table-name' = 'x',
		'username' = '%s', 'password' = 'Wr0ng-Secret')`, srv.JDBCURL, user))
	r, err := e.ExecuteSQL(context.Background(), "SELECT * FROM wrong")
	if err == nil {
		_, err = r.Rows(context.Background())
	}
	if err == nil || strings.Contains(err.Error(), "Wr0ng-Secret") || !strings.Contains(err.Error(), "option 'url'") {
		t.Fatalf("want a login error naming the url and hiding the password, got %v", err)
	}
}

// TestUnreachable checks that a database that does not answer fails the
// job quickly with the host:port and the option to fix.
func TestUnreachable(t *testing.T) {
	for _, url := range []string{"jdbc:mysql://127.0.0.1:1/spry", "jdbc:postgresql://127.0.0.1:1/spry"} {
		e := env()
		exec(t, e, fmt.Sprintf(`CREATE TABLE t (id INT) WITH ('connector' = 'jdbc', 'url' = '%s', 'table-name' = 't',
			'username' = 'u', 'password' = 'S3cr3t-pw')`, url))
		start := time.Now()
		r, err := e.ExecuteSQL(context.Background(), "INSERT INTO t VALUES (1)")
		if err == nil {
			err = r.Wait()
		}
		if err == nil {
			t.Fatalf("%s: want an error", url)
		}
		msg := err.Error()
		if !strings.Contains(msg, "127.0.0.1:1") || !strings.Contains(msg, "option 'url'") || strings.Contains(msg, "S3cr3t-pw") {
			t.Errorf("%s: error should name 127.0.0.1:1 and option 'url', without the password: %v", url, err)
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("%s: took %s to fail", url, d)
		}
	}
}

// batchMode runs an aggregation into an upsert table and a lookup join in
// execution.runtime-mode = batch.
func batchMode(t *testing.T, srv *jdbctest.Server) {
	bcnt, bdim := srv.Table(t, "bcnt"), srv.Table(t, "bdim")
	srv.Exec(t, "CREATE TABLE "+bcnt+" (w VARCHAR(10) PRIMARY KEY, n BIGINT)", "INSERT INTO "+bcnt+" VALUES ('a', 99)",
		"CREATE TABLE "+bdim+" (w VARCHAR(10) PRIMARY KEY, label VARCHAR(10))", "INSERT INTO "+bdim+" VALUES ('a', 'A'), ('c', 'C')")
	e := table.NewEnvironment(table.Settings{Batch: true, Parallelism: 2})
	exec(t, e, "CREATE TABLE bcnt (w STRING, n BIGINT, PRIMARY KEY (w) NOT ENFORCED) "+srv.With(bcnt))
	exec(t, e, "CREATE TABLE bdim (w STRING, label STRING, PRIMARY KEY (w) NOT ENFORCED) "+srv.With(bdim, "lookup.cache", "PARTIAL"))
	insert(t, e, "INSERT INTO bcnt SELECT w, COUNT(*) FROM (VALUES ('a'), ('b'), ('a'), ('c')) AS t(w) GROUP BY w")
	check(t, "upserted", query(t, e, "SELECT * FROM bcnt"), "+I[a, 2]", "+I[b, 1]", "+I[c, 1]")
	exec(t, e, "CREATE TEMPORARY VIEW v AS SELECT w, n, PROCTIME() AS p FROM bcnt")
	check(t, "lookup", query(t, e, "SELECT v.w, v.n, d.label FROM v LEFT JOIN bdim FOR SYSTEM_TIME AS OF v.p AS d ON v.w = d.w"),
		"+I[a, 2, A]", "+I[b, 1, null]", "+I[c, 1, C]")
}

// timestampLTZ round-trips TIMESTAMP_LTZ (an instant) and TIMESTAMP (a
// wall clock) columns; the session time zone must shift neither.
func timestampLTZ(t *testing.T, srv *jdbctest.Server) {
	tb := srv.Table(t, "ltz")
	ltz := map[string]string{"mysql": "TIMESTAMP(3) NULL", "postgres": "TIMESTAMPTZ", "sqlite": "TIMESTAMP"}[srv.Kind]
	srv.Exec(t, fmt.Sprintf("CREATE TABLE %s (id INT, at %s, wall %s)", tb, ltz, dbType(srv, "ts")))
	e := env()
	exec(t, e, "SET 'table.local-time-zone' = 'Asia/Shanghai'")
	exec(t, e, "CREATE TABLE ltz (id INT, at TIMESTAMP_LTZ(3), wall TIMESTAMP(3)) "+srv.With(tb))
	insert(t, e, `INSERT INTO ltz VALUES (1, TO_TIMESTAMP_LTZ(1700000000123, 3), TIMESTAMP '2023-11-14 22:13:20.123')`)
	check(t, "ltz", query(t, e, "SELECT id, UNIX_TIMESTAMP(CAST(at AS STRING)), CAST(at AS STRING), wall FROM ltz"),
		"+I[1, 1700000000, 2023-11-15 06:13:20.123, 2023-11-14 22:13:20.123]")
	if srv.Kind == "postgres" { // TIMESTAMPTZ holds the instant itself
		var at time.Time
		if err := srv.DB.QueryRow("SELECT at FROM " + tb).Scan(&at); err != nil || at.UnixMilli() != 1700000000123 {
			t.Fatalf("PostgreSQL holds %v (%v), want the instant 1700000000123 ms", at, err)
		}
	}
}

// legacyOptions runs a table declared the Flink 1.9 way ('connector.type'
// = 'jdbc', 'connector.*' keys), as the seed's PV/UV sink was.
func legacyOptions(t *testing.T, srv *jdbctest.Server) {
	tb := srv.Table(t, "legacy")
	srv.Exec(t, "CREATE TABLE "+tb+" (dt VARCHAR(20), pv BIGINT, uv BIGINT)")
	creds := ""
	if srv.Username != "" {
		creds = fmt.Sprintf("'connector.username' = '%s', 'connector.password' = '%s',", srv.Username, srv.Password)
	}
	e := env()
	exec(t, e, fmt.Sprintf(`CREATE TABLE pvuv_sink (dt VARCHAR, pv BIGINT, uv BIGINT) WITH (
		'connector.type' = 'jdbc', 'connector.url' = '%s', 'connector.table' = '%s', %s
		'connector.write.flush.max-rows' = '1', 'connector.property-version' = '1')`, srv.JDBCURL, tb, creds))
	insert(t, e, "INSERT INTO pvuv_sink VALUES ('2017-11-26 01:00', 3, 2)")
	check(t, "legacy", query(t, e, "SELECT * FROM pvuv_sink"), "+I[2017-11-26 01:00, 3, 2]")
	_, err := e.ExecuteSQL(context.Background(), `CREATE TABLE bad (x INT) WITH ('connector.type' = 'jdbc', 'connector.urll' = 'x')`)
	if err == nil || !strings.Contains(err.Error(), "unsupported legacy JDBC option 'connector.urll'") {
		t.Fatalf("want an error naming the unknown legacy key, got %v", err)
	}
}
