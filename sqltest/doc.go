// Package sqltest runs SQL logic test files (testdata/slt/*.slt): scripts of
// statements and queries with their expected results, in the format of
// sqllogictest as DataFusion uses it. Running the tests with -update
// rewrites the expected results from what Spry produces, so a reviewer
// reads the change as a diff of the golden files.
//
// Record forms:
//
//	statement ok
//	CREATE TABLE t (a INT) WITH ('connector' = 'datagen')
//
//	statement error <substring of the expected error>
//	SELECT nope FROM t
//
//	query [rowsort]
//	SELECT a, b FROM t
//	----
//	1	x
//	2	y
//
// Values are tab-separated and rendered as Flink's CAST(x AS STRING)
// (NULL for null, "(empty)" for the empty string). A one-column value of
// several lines (EXPLAIN, SHOW CREATE TABLE) is written one text line per
// result line, blank lines as "(empty)". A streaming query's rows start
// with their kind (+I, -U, +U, -D). "rowsort" compares rows sorted, for
// queries without ORDER BY.
// "$TMP" in a statement is replaced by a directory private to the run (for
// filesystem sinks). Lines starting with # are comments; "# duckdb: skip" before a record keeps
// it out of the DuckDB cross-check (scripts/crosscheck_duckdb.py).
package sqltest
