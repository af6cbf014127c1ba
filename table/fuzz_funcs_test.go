package table_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/spry-engine/spry/expr"
)

// funcTable holds a column of every common type, with a row of NULLs and
// rows of edge values, for calling functions with arguments they were not
// written for.
const funcTable = `CREATE TEMPORARY VIEW ft AS SELECT * FROM (VALUES ` +
	`(1, CAST(2 AS BIGINT), CAST(3 AS SMALLINT), CAST(4 AS TINYINT), CAST(1.25 AS DECIMAL(10, 2)), 2.5e0, CAST(0.5 AS FLOAT), ` +
	`'abc', TRUE, DATE '2024-02-29', TIME '12:34:56', TIMESTAMP '2024-02-29 12:34:56.789', ` +
	`ARRAY[1, 2], MAP['k', 1], ROW(1, 'x'), X'0102', '{"a": [1, {"b": 2}]}'), ` +
	`(CAST(NULL AS INT), CAST(NULL AS BIGINT), CAST(NULL AS SMALLINT), CAST(NULL AS TINYINT), CAST(NULL AS DECIMAL(10, 2)), ` +
	`CAST(NULL AS DOUBLE), CAST(NULL AS FLOAT), CAST(NULL AS STRING), CAST(NULL AS BOOLEAN), CAST(NULL AS DATE), ` +
	`CAST(NULL AS TIME), CAST(NULL AS TIMESTAMP(3)), CAST(NULL AS ARRAY<INT>), CAST(NULL AS MAP<STRING, INT>), ` +
	`CAST(NULL AS ROW<a INT, b STRING>), CAST(NULL AS BYTES), CAST(NULL AS STRING)), ` +
	`(-2147483648, -9223372036854775808, CAST(-32768 AS SMALLINT), CAST(-128 AS TINYINT), CAST(-99999999.99 AS DECIMAL(10, 2)), ` +
	`-1e308, CAST(-3.4e38 AS FLOAT), '', FALSE, DATE '0001-01-01', TIME '00:00:00', TIMESTAMP '0001-01-01 00:00:00', ` +
	`ARRAY[CAST(NULL AS INT)], MAP['', CAST(NULL AS INT)], ROW(CAST(NULL AS INT), CAST(NULL AS STRING)), X'', '['), ` +
	`(2147483647, 9223372036854775807, CAST(32767 AS SMALLINT), CAST(127 AS TINYINT), CAST(99999999.99 AS DECIMAL(10, 2)), ` +
	`1e308, CAST(3.4e38 AS FLOAT), '%_\\ ünï', TRUE, DATE '9999-12-31', TIME '23:59:59.999', TIMESTAMP '9999-12-31 23:59:59.999', ` +
	`ARRAY[0, -1, 2147483647], MAP['a', 1, 'b', 2], ROW(0, ''), X'FF', '0')` +
	`) AS ft(i, bi, si, ti, d, f, r, s, b, dt, tm, ts, arr, mp, rw, bs, js)`

// funcArgs are the argument expressions functions are called with: every
// column of ft and literals of every kind (constant arguments take the
// constant-folding path at plan time).
var funcArgs = []string{
	"i", "bi", "si", "ti", "d", "f", "r", "s", "b", "dt", "tm", "ts", "arr", "mp", "rw", "bs", "js",
	"NULL", "0", "-1", "1", "100000", "2.5", "1e0", "''", "'a'", "'%'", "'$.a'", "'yyyy-MM-dd'", "'1970-01-01'",
	"TRUE", "DATE '2024-01-01'", "TIMESTAMP '2024-01-01 00:00:00'", "INTERVAL '1' DAY", "ARRAY['a']",
	"MAP[1, 'x']", "CAST(NULL AS INT)", "CAST(NULL AS STRING)", "-9223372036854775808", "2147483647",
}

// TestFunctionArgumentMatrix calls every registered scalar and aggregate
// function with seeded random argument lists (0 to 3 arguments, columns
// and constants of every type): a wrong-type call must be a bind error,
// and a call that binds must run without panicking.
func TestFunctionArgumentMatrix(t *testing.T) {
	_, preload := loadCorpus(t)
	perFunc := envInt("SPRY_FUZZ_CALLS", 12)
	if testing.Short() {
		perFunc = 3
	}
	if msg := probeSQL(nil, funcTable+"; SELECT * FROM ft", false); msg != "" {
		t.Fatal(msg)
	}
	env := newFuzzEnv(preload, false)
	if res, err := env.ExecuteSQL(context.Background(), "SELECT * FROM ft"); err != nil {
		t.Fatalf("the function test table does not load: %v", err)
	} else {
		res.Cancel()
	}
	var names []string
	for _, f := range expr.Builtins.Scalars() {
		names = append(names, f.Name)
	}
	for _, f := range expr.Builtins.Aggregates() {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	rng := rand.New(rand.NewPCG(42, uint64(len(names))))
	seen := map[string]bool{}
	n := 0
	for _, name := range names {
		if !isIdent(name) {
			continue // operators are reached through SQL syntax
		}
		for range perFunc {
			args := make([]string, rng.IntN(4))
			for i := range args {
				args[i] = funcArgs[rng.IntN(len(funcArgs))]
			}
			q := fmt.Sprintf("SELECT %s(%s) FROM ft", name, strings.Join(args, ", "))
			if msg := probeSQL(preload, q, n%3 == 2); msg != "" {
				if key := name + ":" + failureKey(msg); !seen[key] {
					seen[key] = true
					t.Error(msg)
				}
			}
			n++
		}
	}
	t.Logf("%d calls of %d functions", n, len(names))
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) || s[i] == '.' {
			return false
		}
	}
	return s != ""
}

// castTargets are the types every argument expression is cast to.
var castTargets = []string{
	"BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL(3, 1)", "DECIMAL(38, 18)",
	"CHAR(2)", "VARCHAR(3)", "STRING", "BINARY(2)", "BYTES", "DATE", "TIME", "TIME(3)", "TIMESTAMP(0)",
	"TIMESTAMP(9)", "TIMESTAMP_LTZ(3)", "ARRAY<STRING>", "ARRAY<BIGINT>", "MAP<STRING, STRING>", "ROW<x STRING, y DOUBLE>",
}

// binaryOps are the infix operators tried on every pair of arguments.
var binaryOps = []string{"+", "-", "*", "/", "%", "||", "=", "<>", "<", ">=", "AND", "OR", "LIKE", "IS DISTINCT FROM"}

// TestCastAndOperatorMatrix runs CAST and TRY_CAST of every argument
// expression to every type, and seeded random infix operations, with the
// same property as TestFunctionArgumentMatrix.
func TestCastAndOperatorMatrix(t *testing.T) {
	_, preload := loadCorpus(t)
	seen := map[string]bool{}
	report := func(q string, streaming bool) {
		if msg := probeSQL(preload, q, streaming); msg != "" {
			if key := failureKey(msg); !seen[key] {
				seen[key] = true
				t.Error(msg)
			}
		}
	}
	n := 0
	for _, a := range funcArgs {
		for _, to := range castTargets {
			report(fmt.Sprintf("SELECT CAST(%s AS %s), TRY_CAST(%s AS %s) FROM ft", a, to, a, to), n%3 == 2)
			n++
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	ops := envInt("SPRY_FUZZ_CALLS", 12) * 40
	if testing.Short() {
		ops /= 4
	}
	for range ops {
		a, b := funcArgs[rng.IntN(len(funcArgs))], funcArgs[rng.IntN(len(funcArgs))]
		op := binaryOps[rng.IntN(len(binaryOps))]
		report(fmt.Sprintf("SELECT %s %s %s FROM ft", a, op, b), n%3 == 2)
		n++
	}
	t.Logf("%d casts and operations", n)
}
