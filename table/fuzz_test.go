package table_test

// The fuzz harness holds Spry to its rule that bad input gets an error and
// never a panic or a hang: arbitrary SQL goes through a fresh Environment
// (batch or streaming) with small tables preloaded, every result is read to
// the end under a deadline, and a panic — in the planner or, reported as a
// "panic:" job error, in an operator — fails the input with its stack.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	spryrt "github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/sqltest"
	"github.com/spry-engine/spry/table"
	"github.com/spry-engine/spry/types"
)

const (
	// fuzzTimeout bounds each statement: planning, running and reading.
	fuzzTimeout = 2 * time.Second
	// fuzzGrace is how long past the deadline a statement may take to
	// notice it before it counts as hung; generous because fuzz workers
	// share the CPUs.
	fuzzGrace = 10 * time.Second
	// fuzzMaxStatements caps the statements run from one input.
	fuzzMaxStatements = 6
)

// fuzzTables are preloaded in every environment besides the corpus's own
// views: bounded datagen tables (at most 100 rows) with the main types,
// time attributes and a primary key, and VALUES views (ft has a column
// of every common type with edge values).
var fuzzTables = []string{
	`CREATE TABLE gen (id BIGINT, name STRING, amount DOUBLE, price DECIMAL(10, 2), flag BOOLEAN, ts TIMESTAMP(3), ` +
		`WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '100', ` +
		`'fields.name.length' = '3', 'fields.id.min' = '1', 'fields.id.max' = '20')`,
	`CREATE TABLE gseq (k INT, v BIGINT, d DATE, arr ARRAY<INT>, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'datagen', ` +
		`'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '50')`,
	`CREATE TEMPORARY VIEW kv AS SELECT * FROM (VALUES (1, 'a', 1.5), (2, 'b', CAST(NULL AS DECIMAL(2, 1))), ` +
		`(CAST(NULL AS INT), 'c', 3.0), (2, CAST(NULL AS STRING), 0.5)) AS kv(k, s, d)`,
	`CREATE TEMPORARY VIEW tsv AS SELECT * FROM (VALUES (1, TIMESTAMP '2024-01-01 00:00:01', DATE '2024-02-29'), ` +
		`(2, TIMESTAMP '2024-01-01 00:00:07', DATE '1970-01-01')) AS tsv(id, ts, dt)`,
	funcTable,
}

var corpus struct {
	once    sync.Once
	seeds   []string // every statement and query of testdata/slt
	preload []string // fuzzTables, then the corpus's CREATE statements
	err     error
}

// loadCorpus parses testdata/slt once.
func loadCorpus(tb testing.TB) ([]string, []string) {
	corpus.once.Do(func() {
		files, err := filepath.Glob(filepath.Join("..", "testdata", "slt", "*.slt"))
		if err != nil || len(files) == 0 {
			corpus.err = fmt.Errorf("no slt files: %v", err)
			return
		}
		corpus.preload = append(corpus.preload, fuzzTables...)
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				corpus.err = err
				return
			}
			recs, _, err := sqltest.Parse(string(src))
			if err != nil {
				corpus.err = err
				return
			}
			for _, r := range recs {
				corpus.seeds = append(corpus.seeds, r.SQL)
				up := strings.ToUpper(r.SQL)
				if r.Kind == sqltest.StatementOK && strings.HasPrefix(up, "CREATE ") && safeForFuzz(r.SQL) {
					corpus.preload = append(corpus.preload, r.SQL)
				}
			}
		}
	})
	if corpus.err != nil {
		tb.Fatal(corpus.err)
	}
	return corpus.seeds, corpus.preload
}

// safeForFuzz rejects inputs that could touch the machine outside the
// process (files written by the filesystem connector, stdout floods from
// print) or spawn unbounded goroutines (huge parallelism).
func safeForFuzz(s string) bool {
	l := strings.ToLower(s)
	for _, bad := range []string{"filesystem", "path", "print", "parallelism", "python", "java", "scala", "jar", "u&"} {
		if strings.Contains(l, bad) {
			return false
		}
	}
	return true
}

// newFuzzEnv makes a fresh environment with the preloaded tables; a
// preload statement that fails (a name the corpus uses twice) is skipped.
func newFuzzEnv(preload []string, streaming bool) *table.Environment {
	env := table.NewEnvironment(table.Settings{Batch: !streaming, Parallelism: 2,
		Config: map[string]string{"table.local-time-zone": "UTC"}})
	for _, ddl := range preload {
		_, _ = env.ExecuteSQL(context.Background(), ddl)
	}
	return env
}

// checkSQL runs every statement of input (at most fuzzMaxStatements) and
// fails t on a panic, a "panic:" error or a hang.
func checkSQL(t *testing.T, preload []string, input string, streaming bool) {
	t.Helper()
	if msg := probeSQL(preload, input, streaming); msg != "" {
		t.Fatal(msg)
	}
}

// probeSQL is checkSQL returning the failure ("" for none).
func probeSQL(preload []string, input string, streaming bool) string {
	if !safeForFuzz(input) {
		return ""
	}
	env := newFuzzEnv(preload, streaming)
	stmts := sql.SplitStatements(input)
	if len(stmts) == 0 {
		stmts = []string{input}
	}
	if len(stmts) > fuzzMaxStatements {
		stmts = stmts[:fuzzMaxStatements]
	}
	for _, st := range stmts {
		if msg := runStatement(env, st); msg != "" {
			return fmt.Sprintf("streaming=%v input %q\nstatement %q\n%s", streaming, input, st, msg)
		}
	}
	return ""
}

// runStatement executes one statement and reads its result under
// fuzzTimeout; it returns a description of a panic or hang, or "".
func runStatement(env *table.Environment, stmt string) string {
	done := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				buf := make([]byte, 1<<16)
				done <- fmt.Sprintf("panic: %v\n%s", r, buf[:runtime.Stack(buf, false)])
			}
		}()
		done <- execAndRead(env, stmt)
	}()
	select {
	case msg := <-done:
		return msg
	case <-time.After(fuzzTimeout + fuzzGrace):
		buf := make([]byte, 1<<22)
		return fmt.Sprintf("hung past the %v deadline; goroutines:\n%s", fuzzTimeout, buf[:runtime.Stack(buf, true)])
	}
}

func execAndRead(env *table.Environment, stmt string) string {
	ctx, cancel := context.WithTimeout(context.Background(), fuzzTimeout)
	defer cancel()
	res, err := env.ExecuteSQL(ctx, stmt)
	if err != nil {
		return panicMessage(err)
	}
	err = readAll(ctx, res)
	res.Cancel()
	if msg := panicMessage(err); msg != "" {
		return msg
	}
	var bad *badBatchError
	if errors.As(err, &bad) {
		return bad.Error()
	}
	return panicMessage(res.Wait())
}

// badBatchError is a result batch that does not match the result's schema:
// a planner bug that would print wrong rows or crash a client.
type badBatchError struct{ msg string }

func (e *badBatchError) Error() string { return "bad result batch: " + e.msg }

// readAll reads every batch, checks it against the result's schema and
// formats every value as a client would.
func readAll(ctx context.Context, res *table.Result) error {
	for {
		b, err := res.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if b == nil {
			continue
		}
		if err := checkBatch(res.Schema, b); err != nil {
			return err
		}
		for i := 0; i < b.Len(); i++ {
			table.Row{Kind: b.Kind(i), Values: b.Row(i)}.Format(res.Schema, time.UTC)
		}
	}
}

func checkBatch(s *types.Schema, b *types.Batch) error {
	if len(b.Cols) != s.Len() {
		return &badBatchError{fmt.Sprintf("%d columns, schema %v has %d", len(b.Cols), s.Names(), s.Len())}
	}
	if b.Kinds != nil && len(b.Kinds) != b.Len() {
		return &badBatchError{fmt.Sprintf("%d row kinds for %d rows", len(b.Kinds), b.Len())}
	}
	for i, c := range b.Cols {
		f := s.Fields[i]
		if c.Len() != b.Len() {
			return &badBatchError{fmt.Sprintf("column %s has %d rows, batch %d", f.Name, c.Len(), b.Len())}
		}
		if want := types.ArrowType(f.Type); !arrow.TypeEqual(c.DataType(), want) {
			return &badBatchError{fmt.Sprintf("column %s (%s) is %s, want %s", f.Name, f.Type, c.DataType(), want)}
		}
		// A DECIMAL overflow is NULL even in a NOT NULL column, as in
		// Flink, whose CAST keeps its operand's nullability.
		if f.Type.NotNull && c.NullN() > 0 && f.Type.Kind != types.KindDecimal {
			return &badBatchError{fmt.Sprintf("NOT NULL column %s (%s) holds %d nulls", f.Name, f.Type, c.NullN())}
		}
	}
	return nil
}

// panicMessage returns the panic a job or statement error carries, if any.
func panicMessage(err error) string {
	if err == nil {
		return ""
	}
	var pe *spryrt.PanicError
	if errors.As(err, &pe) {
		return fmt.Sprintf("job panicked: %v\n%s", err, pe.Stack)
	}
	var ie *table.InternalError
	if errors.As(err, &ie) {
		return fmt.Sprintf("statement panicked: %v\n%s", err, ie.Stack)
	}
	if strings.Contains(err.Error(), "panic:") {
		return fmt.Sprintf("error reports a panic: %v", err)
	}
	return ""
}

// configPrefixes are session settings that send queries down other
// operator paths: one-row batches, mini-batch and two-phase aggregation.
var configPrefixes = []string{
	"SET 'table.exec.batch-size' = '1';\n",
	"SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.size' = '2';\n",
	"SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE';\n",
	"SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';\nSET 'table.exec.batch-size' = '2';\n",
	"SET 'table.local-time-zone' = 'Asia/Kolkata';\n",
}

// extraSeeds reach operators the slt corpus (batch mode) touches little:
// windows, OVER, top-N, UNNEST, interval joins, grouping sets.
var extraSeeds = []string{
	`SELECT window_start, window_end, COUNT(*), SUM(amount) FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '1' HOUR)) GROUP BY window_start, window_end`,
	`SELECT window_start, name, MAX(price) FROM TABLE(HOP(TABLE gen, DESCRIPTOR(ts), INTERVAL '1' DAY, INTERVAL '2' DAY)) GROUP BY window_start, window_end, name`,
	`SELECT window_end, COUNT(DISTINCT name) FROM TABLE(CUMULATE(TABLE gen, DESCRIPTOR(ts), INTERVAL '1' DAY, INTERVAL '3' DAY)) GROUP BY window_start, window_end`,
	`SELECT TUMBLE_START(ts, INTERVAL '1' DAY), COUNT(*) FROM gen GROUP BY TUMBLE(ts, INTERVAL '1' DAY)`,
	`SELECT id, SUM(amount) OVER (PARTITION BY name ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM gen`,
	`SELECT * FROM (SELECT id, name, ROW_NUMBER() OVER (PARTITION BY name ORDER BY amount DESC) AS rn FROM gen) WHERE rn <= 2`,
	`SELECT k, x FROM gseq CROSS JOIN UNNEST(arr) AS u(x)`,
	`SELECT a.id, b.id FROM gen a JOIN gen b ON a.id = b.id AND a.ts BETWEEN b.ts - INTERVAL '1' HOUR AND b.ts`,
	`SELECT name, flag, COUNT(*) FROM gen GROUP BY GROUPING SETS ((name), (flag), ())`,
	`SELECT k, LAST_VALUE(v), LISTAGG(CAST(v AS STRING)) FROM gseq GROUP BY k HAVING COUNT(*) > 0`,
	`SELECT DISTINCT flag FROM gen ORDER BY flag LIMIT 1`,
	`SELECT k, s FROM kv WHERE k IN (SELECT id FROM tsv) OR EXISTS (SELECT 1 FROM gseq WHERE gseq.k = kv.k)`,
}

// FuzzExecuteSQL feeds arbitrary SQL, seeded with every slt statement, to
// fresh environments: no input may panic or hang; errors are fine.
//
//	go test ./table -run '^$' -fuzz FuzzExecuteSQL -fuzztime 5m
func FuzzExecuteSQL(f *testing.F) {
	seeds, preload := loadCorpus(f)
	for i, s := range seeds {
		f.Add(s, i%2 == 1)
		if i%5 == 0 {
			f.Add(configPrefixes[i/5%len(configPrefixes)]+s, i%3 == 0)
		}
	}
	for _, s := range extraSeeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, input string, streaming bool) {
		checkSQL(t, preload, input, streaming)
	})
}

// TestFuzzEnv checks that the fuzz environment really has its tables, so
// that fuzzing explores execution and not only name-resolution errors.
func TestFuzzEnv(t *testing.T) {
	seeds, preload := loadCorpus(t)
	if len(seeds) < 300 {
		t.Fatalf("only %d slt seeds", len(seeds))
	}
	for _, streaming := range []bool{false, true} {
		env := newFuzzEnv(nil, streaming)
		for _, ddl := range fuzzTables {
			if _, err := env.ExecuteSQL(context.Background(), ddl); err != nil {
				t.Fatalf("%s: %v", ddl, err)
			}
		}
		env = newFuzzEnv(preload, streaming)
		for q, want := range map[string]int{
			"SELECT * FROM gen":                       100,
			"SELECT * FROM gseq":                      50,
			"SELECT * FROM kv":                        4,
			"SELECT * FROM sales":                     6,
			"SELECT * FROM ft":                        4,
			"SELECT name FROM gen WHERE amount > 0.0": -1,
		} {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			res, err := env.ExecuteSQL(ctx, q)
			if err != nil {
				cancel()
				t.Fatalf("%s: %v", q, err)
			}
			rows, err := res.Rows(ctx)
			cancel()
			if err != nil || want >= 0 && len(rows) != want {
				t.Fatalf("streaming=%v %s: %d rows, %v; want %d", streaming, q, len(rows), err, want)
			}
		}
	}
}
