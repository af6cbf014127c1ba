// Package jdbctest connects tests to the MariaDB and PostgreSQL servers
// that scripts/services.sh starts (or any other server named by the
// SPRY_MYSQL_DSN and SPRY_POSTGRES_DSN environment variables), and gives
// SQLite databases in a test's temporary directory.
package jdbctest

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	// The drivers the servers need.
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// Environment variables naming the test servers, as URLs:
// mysql://user:password@host:port/db and
// postgres://user:password@host:port/db?sslmode=disable.
const (
	EnvMySQL    = "SPRY_MYSQL_DSN"
	EnvPostgres = "SPRY_POSTGRES_DSN"
)

// Server is a database for a test: the Flink JDBC URL and credentials to
// put in a table's WITH clause, and a connection for setting up and
// checking tables.
type Server struct {
	Kind     string // "mysql", "postgres" or "sqlite"
	JDBCURL  string // jdbc:mysql://127.0.0.1:13306/spry
	Username string
	Password string
	DB       *sql.DB
}

// With returns the WITH options of a jdbc table on this server:
// 'connector', 'url', 'table-name' and the credentials, then extra
// key/value pairs, as SQL text.
func (s *Server) With(table string, extra ...string) string {
	opts := []string{"'connector' = 'jdbc'", "'url' = '" + s.JDBCURL + "'", "'table-name' = '" + table + "'"}
	if s.Username != "" {
		opts = append(opts, "'username' = '"+s.Username+"'", "'password' = '"+s.Password+"'")
	}
	for i := 0; i+1 < len(extra); i += 2 {
		opts = append(opts, "'"+extra[i]+"' = '"+extra[i+1]+"'")
	}
	return "WITH (" + strings.Join(opts, ", ") + ")"
}

// Exec runs statements on the server, failing the test on an error.
func (s *Server) Exec(t testing.TB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := s.DB.Exec(q); err != nil {
			t.Fatalf("%s: %s: %v", s.Kind, q, err)
		}
	}
}

var seq atomic.Int64

// Table returns a table name unique to this test run, starting with
// spry_ and base, and drops that table when the test ends: tests sharing a
// server never touch each other's (or anyone else's) tables.
func (s *Server) Table(t testing.TB, base string) string {
	name := fmt.Sprintf("spry_%s_%d_%d", base, time.Now().UnixNano()%1e6, seq.Add(1))
	t.Cleanup(func() { s.DB.Exec("DROP TABLE IF EXISTS " + name) }) //nolint:errcheck // best effort
	return name
}

// MySQL connects to the MariaDB/MySQL test server; the test fails when
// SPRY_MYSQL_DSN is unset.
func MySQL(t testing.TB) *Server { return fromEnv(t, EnvMySQL, "mysql") }

// Postgres connects to the PostgreSQL test server; the test fails when
// SPRY_POSTGRES_DSN is unset.
func Postgres(t testing.TB) *Server { return fromEnv(t, EnvPostgres, "postgres") }

// SQLite makes an empty SQLite database file in the test's directory.
func SQLite(t testing.TB) *Server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &Server{Kind: "sqlite", JDBCURL: "jdbc:sqlite:" + path, DB: db}
}

// Servers returns SQLite and, for the named kinds ("mysql", "postgres"),
// the servers of the environment, for tests that run on each.
func Servers(t testing.TB, kinds ...string) []*Server {
	out := []*Server{SQLite(t)}
	for _, k := range kinds {
		switch k {
		case "mysql":
			out = append(out, MySQL(t))
		case "postgres":
			out = append(out, Postgres(t))
		}
	}
	return out
}

func fromEnv(t testing.TB, env, kind string) *Server {
	t.Helper()
	dsn := os.Getenv(env)
	if dsn == "" {
		msg := fmt.Sprintf("%s is not set: run scripts/services.sh up and eval \"$(scripts/services.sh env)\" "+
			"(or point %s at a %s server, see README); make test does both", env, env, kind)
		// make test sets SPRY_REQUIRE_SERVICES=1: there a missing server
		// fails the test; a plain go test without servers skips it.
		if os.Getenv("SPRY_REQUIRE_SERVICES") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	s, err := parse(dsn, kind)
	if err != nil {
		t.Fatalf("%s: %v", env, err)
	}
	if err := s.DB.Ping(); err != nil {
		t.Fatalf("%s server from %s is not answering (run scripts/services.sh up): %v", kind, env, err)
	}
	t.Cleanup(func() { s.DB.Close() })
	return s
}

func parse(dsn, kind string) (*Server, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, err
	}
	user := u.User.Username()
	pw, _ := u.User.Password()
	db := strings.TrimPrefix(u.Path, "/")
	s := &Server{Kind: kind, Username: user, Password: pw}
	var driver, conn string
	switch kind {
	case "mysql":
		s.JDBCURL = "jdbc:mysql://" + u.Host + "/" + db
		driver, conn = "mysql", fmt.Sprintf("%s:%s@tcp(%s)/%s?parseTime=true&multiStatements=true", user, pw, u.Host, db)
	default:
		s.JDBCURL = "jdbc:postgresql://" + u.Host + "/" + db
		driver, conn = "pgx", dsn
	}
	if s.DB, err = sql.Open(driver, conn); err != nil {
		return nil, err
	}
	return s, nil
}
