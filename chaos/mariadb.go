package chaos

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	// The MariaDB server speaks the MySQL protocol.
	_ "github.com/go-sql-driver/mysql"
)

// mariaDB is the MariaDB server the job's upsert sink writes to.
type mariaDB struct {
	jdbcURL, user, password string
	db                      *sql.DB
}

// openMariaDB connects to the server named by a URL as SPRY_MYSQL_DSN
// gives it: mysql://user:password@host:port/db.
func openMariaDB(dsn string) (*mariaDB, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("MariaDB DSN %q: expected mysql://user:password@host:port/db", dsn)
	}
	pw, _ := u.User.Password()
	name := strings.TrimPrefix(u.Path, "/")
	m := &mariaDB{jdbcURL: "jdbc:mysql://" + u.Host + "/" + name, user: u.User.Username(), password: pw}
	m.db, err = sql.Open("mysql", fmt.Sprintf("%s:%s@tcp(%s)/%s?parseTime=true", m.user, pw, u.Host, name))
	if err != nil {
		return nil, err
	}
	if err := m.db.Ping(); err != nil {
		m.db.Close()
		return nil, fmt.Errorf("MariaDB at %s is not answering (scripts/services.sh up): %w", u.Host, err)
	}
	return m, nil
}

func (m *mariaDB) close() { m.db.Close() }

// createTable makes the sink's table; its primary key is the job's
// upsert key, so a row written again after a restore replaces itself.
func (m *mariaDB) createTable(ctx context.Context, name string) error {
	_, err := m.db.ExecContext(ctx, "CREATE TABLE "+name+` (
		auction BIGINT NOT NULL, category VARCHAR(32), window_start DATETIME(3) NOT NULL,
		window_end DATETIME(3) NOT NULL, cnt BIGINT, total BIGINT, max_price BIGINT,
		PRIMARY KEY (auction, window_start, window_end))`)
	return err
}

func (m *mariaDB) dropTable(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, _ = m.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+name)
}

// with is the WITH clause of a Flink jdbc table on this server.
func (m *mariaDB) with(table string) string {
	return fmt.Sprintf("'connector' = 'jdbc', 'url' = '%s', 'table-name' = '%s', 'username' = '%s', 'password' = '%s'",
		m.jdbcURL, table, m.user, m.password)
}

// rows reads the table's rows as row keys.
func (m *mariaDB) rows(ctx context.Context, name string) ([]string, error) {
	rs, err := m.db.QueryContext(ctx, "SELECT auction, category, window_start, window_end, cnt, total, max_price FROM "+name)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var r Row
		var start, end time.Time
		if err := rs.Scan(&r.Auction, &r.Category, &start, &end, &r.Cnt, &r.Total, &r.MaxPrice); err != nil {
			return nil, err
		}
		r.WindowStart, r.WindowEnd = start.UnixMilli(), end.UnixMilli()
		out = append(out, r.Key())
	}
	return out, rs.Err()
}

// count is the number of rows in the table, for pacing (see outputShare).
func (m *mariaDB) count(ctx context.Context, name string) (int, error) {
	var n int
	err := m.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+name).Scan(&n)
	return n, err
}
