package jdbc

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/spry-engine/spry/connector"
)

// dialect is what differs between the databases behind a JDBC URL: the Go
// driver and its DSN, identifier quoting, placeholders and the upsert
// statement.
type dialect struct {
	name   string // "MySQL", "PostgreSQL", "SQLite"
	driver string // database/sql driver name
	dsn    string // driver connection string, with the credentials
	addr   string // host:port for error messages ("" for SQLite)
}

// parseURL maps a Flink JDBC URL onto a Go driver: jdbc:mysql:// and
// jdbc:mariadb:// to go-sql-driver/mysql, jdbc:postgresql:// to pgx,
// jdbc:sqlite: to modernc.org/sqlite. The username and password options
// win over credentials in the URL's query (user=, password=). Other query
// parameters are JDBC driver properties that the Go drivers do not share,
// so only sslmode (PostgreSQL) is kept.
func parseURL(raw, user, password string) (*dialect, error) {
	switch {
	case strings.HasPrefix(raw, "jdbc:mysql://"), strings.HasPrefix(raw, "jdbc:mariadb://"):
		return mysqlDialect(raw, user, password)
	case strings.HasPrefix(raw, "jdbc:postgresql://"):
		return postgresDialect(raw, user, password)
	case strings.HasPrefix(raw, "jdbc:sqlite:"):
		path := strings.TrimPrefix(raw, "jdbc:sqlite:")
		if path == "" {
			return nil, fmt.Errorf("the 'url' option %q names no SQLite database file", raw)
		}
		// busy_timeout lets a source, a sink and a lookup of one job share
		// the file; foreign keys and WAL are left to the user.
		dsn := path
		if !strings.Contains(path, "?") {
			dsn += "?_pragma=busy_timeout(10000)"
		}
		if !strings.HasPrefix(path, "file:") && path != ":memory:" {
			dsn = "file:" + dsn
		}
		return &dialect{name: "SQLite", driver: "sqlite", dsn: dsn}, nil
	}
	return nil, fmt.Errorf("unsupported JDBC URL in option 'url': expected jdbc:mysql://, jdbc:mariadb://, jdbc:postgresql:// or jdbc:sqlite:, found %q",
		redactURL(raw))
}

// splitURL parses the part after "jdbc:" as a URL and returns host:port
// (with the default port filled in), the database and the credentials.
func splitURL(raw string, defPort int, user, password string) (u *url.URL, addr, db, usr, pw string, err error) {
	u, err = url.Parse(strings.TrimPrefix(raw, "jdbc:"))
	if err != nil {
		return nil, "", "", "", "", fmt.Errorf("invalid JDBC URL in option 'url': %s", redactURL(raw))
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = strconv.Itoa(defPort)
	}
	addr = net.JoinHostPort(host, port)
	db = strings.TrimPrefix(u.Path, "/")
	q := u.Query()
	usr, pw = q.Get("user"), q.Get("password")
	if u.User != nil {
		usr = u.User.Username()
		if p, ok := u.User.Password(); ok {
			pw = p
		}
	}
	if user != "" {
		usr = user
	}
	if password != "" {
		pw = password
	}
	return u, addr, db, usr, pw, nil
}

func mysqlDialect(raw, user, password string) (*dialect, error) {
	_, addr, db, usr, pw, err := splitURL(raw, 3306, user, password)
	if err != nil {
		return nil, err
	}
	c := mysql.NewConfig()
	c.User, c.Passwd, c.Net, c.Addr, c.DBName = usr, pw, "tcp", addr, db
	c.ParseTime = true
	c.Timeout = connectTimeout
	c.InterpolateParams = false
	// Spry's TIMESTAMP values are zone-less; read and write them as UTC
	// wall clocks so no session zone shifts them.
	c.Params = map[string]string{"time_zone": "'+00:00'"}
	return &dialect{name: "MySQL", driver: "mysql", dsn: c.FormatDSN(), addr: addr}, nil
}

func postgresDialect(raw, user, password string) (*dialect, error) {
	u, addr, db, usr, pw, err := splitURL(raw, 5432, user, password)
	if err != nil {
		return nil, err
	}
	pu := url.URL{Scheme: "postgres", Host: addr, Path: "/" + db}
	if usr != "" {
		pu.User = url.UserPassword(usr, pw)
	}
	q := url.Values{}
	if m := u.Query().Get("sslmode"); m != "" {
		q.Set("sslmode", m)
	} else {
		// The PostgreSQL JDBC driver does not use SSL unless asked.
		q.Set("sslmode", "disable")
	}
	q.Set("timezone", "UTC")
	q.Set("connect_timeout", "10")
	pu.RawQuery = q.Encode()
	return &dialect{name: "PostgreSQL", driver: "pgx", dsn: pu.String(), addr: addr}, nil
}

// quote quotes an identifier (a column name).
func (d *dialect) quote(id string) string {
	if d.driver == "mysql" {
		return "`" + strings.ReplaceAll(id, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(id, `"`, `""`) + `"`
}

// quoteTable quotes a table name that may be qualified (db.table or
// schema.table): each part separately, as Flink's dialects do.
func (d *dialect) quoteTable(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = d.quote(p)
	}
	return strings.Join(parts, ".")
}

// placeholder returns the n-th (1-based) bind parameter.
func (d *dialect) placeholder(n int) string {
	if d.driver == "pgx" {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// maxParams is the number of bind parameters one statement may carry
// (PostgreSQL's wire protocol counts them in 16 bits; SQLite's default
// limit is 32766).
func (d *dialect) maxParams() int {
	if d.driver == "sqlite" {
		return 32766
	}
	return 65535
}

// redactURL hides credentials a JDBC URL may carry, so the URL can be
// printed in an error.
func redactURL(raw string) string {
	out := raw
	if u, err := url.Parse(strings.TrimPrefix(raw, "jdbc:")); err == nil {
		changed := false
		if u.User != nil {
			u.User = url.User(u.User.Username())
			changed = true
		}
		q := u.Query()
		for k := range q {
			if connector.IsSensitiveOption(k) {
				q.Set(k, connector.HiddenValue)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
			out = strings.ReplaceAll("jdbc:"+u.String(), url.QueryEscape(connector.HiddenValue), connector.HiddenValue)
		}
	}
	return out
}
