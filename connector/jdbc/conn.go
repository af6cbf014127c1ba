package jdbc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	// The drivers behind the url schemes.
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// connectTimeout bounds the first connection, so an unreachable database
// fails the job quickly instead of hanging in the driver.
const connectTimeout = 10 * time.Second

// ConnectError reports that the database named by the 'url' option could
// not be reached or refused the login. Its message names the host:port and
// the url without credentials.
type ConnectError struct {
	Table string // the Spry table
	DB    string // MySQL, PostgreSQL, SQLite
	Addr  string // host:port ("" for SQLite)
	URL   string // the 'url' option, credentials removed
	Err   error
}

func (e *ConnectError) Error() string {
	where := e.Addr
	if where == "" {
		where = e.URL
	}
	return fmt.Sprintf("table %s: could not connect to %s at %s (option 'url' = '%s'): %v", e.Table, e.DB, where, e.URL, e.Err)
}

func (e *ConnectError) Unwrap() error { return e.Err }

// StatementError reports a statement that failed after its retries.
type StatementError struct {
	Table    string
	Op       string // "write", "scan", "lookup"
	Attempts int
	Err      error
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("table %s: JDBC %s failed after %d attempt(s): %v", e.Table, e.Op, e.Attempts, e.Err)
}

func (e *StatementError) Unwrap() error { return e.Err }

// secretError hides a password that a driver may have put into its error
// text (none of ours do, but a DSN echoed in a parse error would).
type secretError struct {
	err    error
	secret string
}

func (e *secretError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.secret, "******")
}

func (e *secretError) Unwrap() error { return e.err }

// scrub wraps err so its text never shows password. Passwords shorter
// than minScrub are left alone: replacing them would mangle ordinary words
// of the message (a password "spry" in "Table 'spry.t' doesn't exist").
func scrub(err error, password string) error {
	if err == nil || len(password) < minScrub || !strings.Contains(err.Error(), password) {
		return err
	}
	return &secretError{err, password}
}

const minScrub = 8

// connect opens the database of table and checks that it answers within
// connectTimeout.
func connect(ctx context.Context, tableName string, o *options, password string) (*sql.DB, error) {
	db, err := sql.Open(o.d.driver, o.d.dsn)
	if err != nil {
		return nil, &ConnectError{tableName, o.d.name, o.d.addr, o.url, scrub(err, password)}
	}
	if o.d.driver == "sqlite" {
		// One connection: SQLite serializes writers anyway, and an
		// in-memory database lives in its connection.
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(4)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		if errors.Is(pctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("no answer within %s: %w", connectTimeout, err)
		}
		return nil, &ConnectError{tableName, o.d.name, o.d.addr, o.url, scrub(err, password)}
	}
	return db, nil
}

// retry runs f up to 1+retries times, sleeping 1 s, 2 s, ... (capped by
// maxWait) between attempts, as Flink's JDBC output format does; it stops
// early when ctx ends or f's error cannot be fixed by retrying.
func retry(ctx context.Context, retries int, maxWait time.Duration, f func() error) (attempts int, err error) {
	for attempt := 0; ; attempt++ {
		err = f()
		if err == nil || attempt >= retries || !retryable(err) || ctx.Err() != nil {
			return attempt + 1, err
		}
		wait := time.Duration(attempt+1) * time.Second
		if maxWait > 0 && wait > maxWait {
			wait = maxWait
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return attempt + 1, err
		}
	}
}

// retryable tells connection and transient errors, worth another attempt,
// from statement errors (bad SQL, constraint violations) that would fail
// again the same way.
func retryable(err error) bool {
	var le *LineageError
	if errors.Is(err, context.Canceled) || errors.As(err, &le) {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, w := range []string{"syntax", "doesn't exist", "does not exist", "no such table", "no such column",
		"unknown column", "constraint", "duplicate", "violates", "data too long", "out of range", "incorrect"} {
		if strings.Contains(msg, w) {
			return false
		}
	}
	return true
}
