package jdbc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		url, user, pw    string
		driver, addr, in string // in: a fragment the DSN must contain
		err              string
	}{
		{url: "jdbc:mysql://db.example:3307/shop", user: "u", pw: "p", driver: "mysql", addr: "db.example:3307", in: "u:p@tcp(db.example:3307)/shop"},
		{url: "jdbc:mariadb://localhost/shop?useSSL=false", user: "u", pw: "p", driver: "mysql", addr: "localhost:3306", in: "/shop"},
		{url: "jdbc:mysql://h/shop?user=a&password=b", driver: "mysql", addr: "h:3306", in: "a:b@tcp"},
		{url: "jdbc:postgresql://127.0.0.1:15432/spry", user: "spry", pw: "x y", driver: "pgx", addr: "127.0.0.1:15432", in: "sslmode=disable"},
		{url: "jdbc:postgresql://h/db?sslmode=require", driver: "pgx", addr: "h:5432", in: "sslmode=require"},
		{url: "jdbc:sqlite:/tmp/a.db", driver: "sqlite", in: "file:/tmp/a.db?_pragma=busy_timeout"},
		{url: "jdbc:sqlite::memory:", driver: "sqlite", in: ":memory:"},
		{url: "jdbc:oracle:thin:@h:1521:x", err: "unsupported JDBC URL"},
		{url: "jdbc:sqlite:", err: "names no SQLite database"},
	}
	for _, c := range cases {
		d, err := parseURL(c.url, c.user, c.pw)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.url, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if d.driver != c.driver || d.addr != c.addr || !strings.Contains(d.dsn, c.in) {
			t.Errorf("%s: got driver %s addr %s dsn %s; want %s %s containing %q", c.url, d.driver, d.addr, d.dsn, c.driver, c.addr, c.in)
		}
	}
}

func TestStatements(t *testing.T) {
	my, _ := parseURL("jdbc:mysql://h/db", "", "")
	pg, _ := parseURL("jdbc:postgresql://h/db", "", "")
	lite, _ := parseURL("jdbc:sqlite:x.db", "", "")
	names := []string{"id", "name", "cnt"}
	cases := []struct {
		d    *dialect
		keys []int
		got  func(*statements) string
		want string
	}{
		{my, nil, func(s *statements) string { return s.insertSQL(2) },
			"INSERT INTO `db`.`t` (`id`, `name`, `cnt`) VALUES (?, ?, ?), (?, ?, ?)"},
		{my, []int{0}, func(s *statements) string { return s.insertSQL(1) },
			"INSERT INTO `db`.`t` (`id`, `name`, `cnt`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `cnt` = VALUES(`cnt`)"},
		{pg, []int{0, 1}, func(s *statements) string { return s.insertSQL(1) },
			`INSERT INTO "db"."t" ("id", "name", "cnt") VALUES ($1, $2, $3) ON CONFLICT ("id", "name") DO UPDATE SET "cnt" = EXCLUDED."cnt"`},
		{pg, []int{0, 1}, func(s *statements) string { return s.deleteSQL(2) },
			`DELETE FROM "db"."t" WHERE ("id" = $1 AND "name" = $2) OR ("id" = $3 AND "name" = $4)`},
		{lite, []int{0}, func(s *statements) string { return s.deleteSQL(3) },
			`DELETE FROM "db"."t" WHERE "id" IN (?, ?, ?)`},
		{lite, []int{0, 1, 2}, func(s *statements) string { return s.insertSQL(1) },
			`INSERT INTO "db"."t" ("id", "name", "cnt") VALUES (?, ?, ?) ON CONFLICT ("id", "name", "cnt") DO NOTHING`},
	}
	for i, c := range cases {
		if got := c.got(newStatements(c.d, "db.t", names, c.keys)); got != c.want {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, c.want)
		}
	}
}

func TestSplits(t *testing.T) {
	cases := []struct {
		lo, hi int64
		n      int
		want   []split
	}{
		{1, 10, 3, []split{{1, 4}, {5, 7}, {8, 10}}},
		{0, 0, 4, []split{{0, 0}}},
		{-5, 4, 2, []split{{-5, -1}, {0, 4}}},
		{1, 1000, 1, []split{{1, 1000}}},
	}
	for _, c := range cases {
		got := splits(c.lo, c.hi, c.n)
		if len(got) != len(c.want) {
			t.Errorf("splits(%d, %d, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("splits(%d, %d, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
				break
			}
		}
	}
}

func TestPartialCache(t *testing.T) {
	now := time.Unix(0, 0)
	c := newPartialCache(2, 10*time.Second, 4*time.Second)
	c.now = func() time.Time { return now }
	c.put("a", cachedRows{rows: []int32{1}})
	c.put("b", cachedRows{})
	c.put("c", cachedRows{}) // evicts a, the least recently used
	if _, ok := c.get("a"); ok {
		t.Error("a should have been evicted by max-rows")
	}
	now = now.Add(3 * time.Second)
	if _, ok := c.get("b"); !ok {
		t.Error("b should be cached")
	}
	now = now.Add(3 * time.Second) // c idle 6 s > expire-after-access; b read 3 s ago
	if _, ok := c.get("c"); ok {
		t.Error("c should have expired after access")
	}
	if _, ok := c.get("b"); !ok {
		t.Error("b should still be cached")
	}
	now = now.Add(5 * time.Second) // b written 11 s ago > expire-after-write
	if _, ok := c.get("b"); ok {
		t.Error("b should have expired after write")
	}
	if c.size() != 0 {
		t.Errorf("size %d, want 0", c.size())
	}
}

func TestOptionErrors(t *testing.T) {
	schema := types.NewSchema(types.Field{Name: "id", Type: types.BigInt})
	base := func(kv ...string) *connector.Table {
		o := map[string]string{"connector": "jdbc", OptURL: "jdbc:sqlite:x.db", OptTableName: "t"}
		for i := 0; i+1 < len(kv); i += 2 {
			o[kv[i]] = kv[i+1]
		}
		return &connector.Table{Name: "cat.db.t", Schema: schema, Options: o}
	}
	cases := []struct {
		t    *connector.Table
		want string
	}{
		{base(OptUsername, "u"), "either all or none of the following options should be provided:\nusername\npassword"},
		{base(OptPartitionColumn, "id"), "either all or none of the following options should be provided:\nscan.partition.column"},
		{base(OptPartitionColumn, "nope", OptPartitionNum, "2", OptPartitionLower, "0", OptPartitionUpper, "9"), "which is not a column"},
		{base(OptPartitionColumn, "id", OptPartitionNum, "2", OptPartitionLower, "10", OptPartitionUpper, "9"), "must not be larger"},
		{base(OptURL, "jdbc:db2://h/x"), "unsupported JDBC URL"},
		{&connector.Table{Name: "t", Schema: types.NewSchema(types.Field{Name: "s", Type: types.String}), Options: map[string]string{
			OptURL: "jdbc:sqlite:x.db", OptTableName: "t", OptPartitionColumn: "s", OptPartitionNum: "2",
			OptPartitionLower: "0", OptPartitionUpper: "9"}}, "must be a numeric column"},
	}
	for _, c := range cases {
		_, err := parseOptions(c.t)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.t.Options, err, c.want)
		}
	}
	if err := connector.ValidateTable(Factory, "t", base(OptLookupCache, "FULL").Options); err == nil {
		t.Error("lookup.cache FULL should be rejected (NONE or PARTIAL)")
	}
}

func TestSecretsHidden(t *testing.T) {
	if got, want := redactURL("jdbc:mysql://root:hunter2@h/db?password=hunter2&x=1"), "jdbc:mysql://root@h/db?password=******&x=1"; got != want {
		t.Errorf("redactURL = %s, want %s", got, want)
	}
	err := scrub(errors.New("login failed for spry/hunter2-long"), "hunter2-long")
	if strings.Contains(err.Error(), "hunter2-long") {
		t.Errorf("scrub kept the password: %v", err)
	}
	if err := scrub(errors.New("Table 'spry.nope' doesn't exist"), "spry"); !strings.Contains(err.Error(), "spry.nope") {
		t.Errorf("scrub mangled a message with a short password: %v", err)
	}
	for _, k := range []string{"password", "properties.sasl.jaas.config", "SECRET-key"} {
		if connector.DisplayValue(k, "v") != connector.HiddenValue {
			t.Errorf("%s should be hidden", k)
		}
	}
	if connector.DisplayValue("url", "v") != "v" {
		t.Error("url should be shown")
	}
}

func TestRetry(t *testing.T) {
	ctx := context.Background()
	transient := errors.New("driver: bad connection")
	cases := []struct {
		name     string
		errs     []error // returned by successive attempts; nil = success
		retries  int
		attempts int
		fails    bool
	}{
		{"succeeds after transient errors", []error{transient, transient, nil}, 3, 3, false},
		{"gives up after max retries", []error{transient, transient, transient}, 2, 3, true},
		{"no retry of a statement error", []error{errors.New("UNIQUE constraint failed: t.k"), nil}, 3, 1, true},
		{"zero retries", []error{transient, nil}, 0, 1, true},
	}
	for _, c := range cases {
		i := 0
		n, err := retry(ctx, c.retries, time.Millisecond, func() error {
			e := c.errs[min(i, len(c.errs)-1)]
			i++
			return e
		})
		if n != c.attempts || (err != nil) != c.fails {
			t.Errorf("%s: %d attempts, err %v; want %d attempts, failure %v", c.name, n, err, c.attempts, c.fails)
		}
	}
}
