// Package table is Spry's Go Table API: the entry point the CLI
// (spry sql), the Python gateway and tests use to run Flink SQL.
//
// An Environment holds a session: its configuration (SET/RESET), its
// catalogs and its registered functions. ExecuteSQL runs one statement:
// DDL and SET change the session and return ResultOK; queries, SHOW,
// DESCRIBE and EXPLAIN return rows (ResultRows) read with Result.Next;
// INSERT and STATEMENT SET start a job (ResultJob) awaited with
// Result.Wait. Statements go through parse → bind → optimize → physical
// planning → runtime, the same path whichever front end built them.
package table
