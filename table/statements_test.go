package table

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

func init() {
	connector.Register(&connector.Factory{
		Name:    "spry-table-test",
		Options: []connector.Option{{Key: "k", Type: connector.TypeString}},
		NewSink: func(*connector.Table) (connector.Sink, error) { return nil, errors.New("no sink") },
	})
}

// rowsText renders a result's rows as "+I[a, b]" lines (NULL as "NULL").
func rowsText(t *testing.T, r *Result) []string {
	t.Helper()
	rows, err := r.Rows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, row := range rows {
		parts := make([]string, len(row.Values))
		for i, v := range row.Values {
			parts[i] = types.Format(v, r.Schema.Fields[i].Type, nil, "NULL")
		}
		out = append(out, row.Kind.String()+"["+strings.Join(parts, ", ")+"]")
	}
	return out
}

func mustExec(t *testing.T, env *Environment, stmt string) *Result {
	t.Helper()
	r, err := env.ExecuteSQL(context.Background(), stmt)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return r
}

func TestMetadataStatements(t *testing.T) {
	env := NewEnvironment(Settings{Parallelism: 1})
	mustExec(t, env, `CREATE TABLE t1 (
		id BIGINT,
		name STRING COMMENT 'the name',
		ts TIMESTAMP(3),
		PRIMARY KEY (id) NOT ENFORCED,
		WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
	) WITH ('connector' = 'spry-table-test')`)
	mustExec(t, env, `CREATE TEMPORARY TABLE tmp (a INT) WITH ('connector' = 'spry-table-test', 'k' = 'v')`)
	tests := []struct {
		stmt    string
		kind    ResultKind
		cols    string
		rows    []string
		wantErr string
	}{
		{stmt: "SHOW TABLES", kind: ResultRows, cols: "table name", rows: []string{"+I[t1]", "+I[tmp]"}},
		{stmt: "SHOW TABLES LIKE 't%'", kind: ResultRows, cols: "table name", rows: []string{"+I[t1]", "+I[tmp]"}},
		{stmt: "SHOW TABLES NOT LIKE 'tm_'", kind: ResultRows, cols: "table name", rows: []string{"+I[t1]"}},
		{stmt: "SHOW VIEWS", kind: ResultRows, cols: "view name"},
		{stmt: "SHOW CATALOGS", kind: ResultRows, cols: "catalog name", rows: []string{"+I[default_catalog]"}},
		{stmt: "SHOW DATABASES", kind: ResultRows, cols: "database name", rows: []string{"+I[default_database]"}},
		{stmt: "SHOW CURRENT CATALOG", kind: ResultRows, cols: "current catalog name", rows: []string{"+I[default_catalog]"}},
		{stmt: "SHOW CURRENT DATABASE", kind: ResultRows, cols: "current database name", rows: []string{"+I[default_database]"}},
		{stmt: "DESCRIBE t1", kind: ResultRows, cols: "name,type,null,key,extras,watermark", rows: []string{
			"+I[id, BIGINT, FALSE, PRI(id), , ]",
			"+I[name, STRING, TRUE, , , ]",
			"+I[ts, TIMESTAMP(3) *ROWTIME*, TRUE, , , `ts` - INTERVAL '5' SECOND]",
		}},
		{stmt: "DESC tmp", kind: ResultRows, cols: "name,type,null,key,extras,watermark", rows: []string{"+I[a, INT, TRUE, , , ]"}},
		{stmt: "DESCRIBE wrods", wantErr: "Object 'wrods' not found within 'default_catalog.default_database'"},
		{stmt: "SET 'table.local-time-zone' = 'UTC'", kind: ResultOK, cols: "result", rows: []string{"+I[OK]"}},
		{stmt: "SET 'execution.runtime-mode' = 'nonsense'", wantErr: "Could not parse value 'nonsense' for key 'execution.runtime-mode'"},
		{stmt: "SET", kind: ResultRows, cols: "key,value", rows: []string{"+I[parallelism.default, 1]", "+I[table.local-time-zone, UTC]"}},
		{stmt: "RESET 'table.local-time-zone'", kind: ResultOK, cols: "result", rows: []string{"+I[OK]"}},
		{stmt: "SET", kind: ResultRows, cols: "key,value", rows: []string{"+I[parallelism.default, 1]"}},
		{stmt: "CREATE DATABASE db2", kind: ResultOK, cols: "result", rows: []string{"+I[OK]"}},
		{stmt: "USE db2", kind: ResultOK, cols: "result", rows: []string{"+I[OK]"}},
		{stmt: "SHOW CURRENT DATABASE", kind: ResultRows, cols: "current database name", rows: []string{"+I[db2]"}},
		{stmt: "SHOW TABLES", kind: ResultRows, cols: "table name"},
		{stmt: "USE default_database", kind: ResultOK, cols: "result", rows: []string{"+I[OK]"}},
		{stmt: "DROP TABLE t1", kind: ResultOK, cols: "result", rows: []string{"+I[OK]"}},
		{stmt: "DROP TEMPORARY TABLE tmp", kind: ResultOK, cols: "result", rows: []string{"+I[OK]"}},
		{stmt: "SHOW TABLES", kind: ResultRows, cols: "table name"},
		{stmt: "CREATE TABLE bad (a INT) WITH ('connector' = 'spry-table-test', 'nope' = '1')", wantErr: "unsupported option 'nope'"},
		{stmt: "CREATE TABLE bad (a INT) WITH ('connector' = 'nosuch')", wantErr: "could not find any factory for identifier 'nosuch'"},
		{stmt: "SELECT 1; SELECT 2", wantErr: "expected end of input"},
	}
	for _, tc := range tests {
		t.Run(tc.stmt, func(t *testing.T) {
			r, err := env.ExecuteSQL(context.Background(), tc.stmt)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != tc.kind {
				t.Errorf("kind = %s, want %s", r.Kind, tc.kind)
			}
			if got := strings.Join(r.Schema.Names(), ","); got != tc.cols {
				t.Errorf("columns = %s, want %s", got, tc.cols)
			}
			got := rowsText(t, r)
			if fmt.Sprint(got) != fmt.Sprint(tc.rows) && !(len(got) == 0 && len(tc.rows) == 0) {
				t.Errorf("rows = %q, want %q", got, tc.rows)
			}
		})
	}
}

func TestExecuteScript(t *testing.T) {
	env := NewEnvironment(Settings{})
	var stmts []string
	err := env.ExecuteScript(context.Background(), `
		-- a comment
		SET 'pipeline.name' = 'my job';
		CREATE TABLE a (x INT) WITH ('connector' = 'spry-table-test');
		SHOW TABLES;
	`, func(stmt string, r *Result, err error) bool {
		if err != nil {
			t.Errorf("%s: %v", stmt, err)
		}
		stmts = append(stmts, stmt)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"SET 'pipeline.name' = 'my job'", "CREATE TABLE a (x INT) WITH ('connector' = 'spry-table-test')", "SHOW TABLES"}
	if fmt.Sprint(stmts) != fmt.Sprint(want) {
		t.Errorf("statements %q, want %q", stmts, want)
	}
	if v, _ := env.Config().Get("pipeline.name"); v != "my job" {
		t.Errorf("pipeline.name = %q", v)
	}
	// Stopping early: the callback's false ends the script.
	n := 0
	_ = env.ExecuteScript(context.Background(), "SHOW TABLES; SHOW TABLES; SHOW TABLES", func(string, *Result, error) bool {
		n++
		return false
	})
	if n != 1 {
		t.Errorf("callback ran %d times after returning false", n)
	}
}

func TestSettingsErrors(t *testing.T) {
	env := NewEnvironment(Settings{Config: map[string]string{KeyParallelism: "zero"}})
	if _, err := env.ExecuteSQL(context.Background(), "SHOW TABLES"); err == nil {
		t.Fatal("a bad initial setting should be reported")
	}
	env = NewEnvironment(Settings{Batch: true, Parallelism: 3})
	if !env.Config().IsBatch() || env.Config().Int(KeyParallelism, 0) != 3 {
		t.Errorf("settings not applied: %v", env.Config().All())
	}
}

func TestShowCreateAndViews(t *testing.T) {
	env := NewEnvironment(Settings{Parallelism: 1, Batch: true})
	mustExec(t, env, `CREATE TABLE orders (
		id BIGINT COMMENT 'order id',
		amount INT,
		PRIMARY KEY (id) NOT ENFORCED
	) COMMENT 'all orders' WITH ('connector' = 'spry-table-test', 'k' = 'v')`)
	r := mustExec(t, env, "SHOW CREATE TABLE orders")
	rows, err := r.Rows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := "CREATE TABLE `default_catalog`.`default_database`.`orders` (\n" +
		"  `id` BIGINT NOT NULL COMMENT 'order id',\n" +
		"  `amount` INT,\n" +
		"  CONSTRAINT `PK_id` PRIMARY KEY (`id`) NOT ENFORCED\n" +
		")\nCOMMENT 'all orders' WITH (\n" +
		"  'connector' = 'spry-table-test',\n" +
		"  'k' = 'v'\n" +
		")\n"
	if got := rows[0].Values[0].(string); got != want {
		t.Errorf("SHOW CREATE TABLE:\n%s\nwant\n%s", got, want)
	}
	mustExec(t, env, "CREATE VIEW v (x, y) AS SELECT id, amount * 2 FROM orders")
	if got := rowsText(t, mustExec(t, env, "SHOW VIEWS")); fmt.Sprint(got) != "[+I[v]]" {
		t.Errorf("SHOW VIEWS = %q", got)
	}
	got := rowsText(t, mustExec(t, env, "DESCRIBE v"))
	wantRows := []string{"+I[x, BIGINT, FALSE, , , ]", "+I[y, INT, TRUE, , , ]"}
	if fmt.Sprint(got) != fmt.Sprint(wantRows) {
		t.Errorf("DESCRIBE v = %q, want %q", got, wantRows)
	}
	if _, err := env.ExecuteSQL(context.Background(), "SHOW CREATE TABLE v"); err == nil {
		t.Errorf("SHOW CREATE TABLE of a view should fail")
	}
	fns := rowsText(t, mustExec(t, env, "SHOW FUNCTIONS"))
	if !strings.Contains(fmt.Sprint(fns), "+I[upper]") || !strings.Contains(fmt.Sprint(fns), "+I[count]") {
		t.Errorf("SHOW FUNCTIONS lacks built-ins: %q", fns)
	}
}

func TestErrorPretty(t *testing.T) {
	env := NewEnvironment(Settings{Batch: true})
	var errs []error
	_ = env.ExecuteScript(context.Background(), "SHOW TABLES;\nSELECT wrd FROM (VALUES (1)) AS t(word);", func(_ string, _ *Result, err error) bool {
		if err != nil {
			errs = append(errs, err)
		}
		return true
	})
	if len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
	var se *SQLError
	if !errors.As(errs[0], &se) {
		t.Fatalf("%T is not *SQLError", errs[0])
	}
	want := "SELECT wrd FROM (VALUES (1)) AS t(word);\n       ^"
	if !strings.Contains(se.Pretty(), want) {
		t.Errorf("Pretty() =\n%s\nwant it to contain\n%s", se.Pretty(), want)
	}
	if se.Statement != "SELECT wrd FROM (VALUES (1)) AS t(word)" {
		t.Errorf("Statement = %q", se.Statement)
	}
	_, err := env.ExecuteSQL(context.Background(), "SELEC 1")
	if !errors.As(err, &se) || !strings.Contains(se.Pretty(), "^") {
		t.Errorf("parse error Pretty: %v", err)
	}
}
