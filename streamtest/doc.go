// Package streamtest runs time-scripted streaming SQL tests, in the spirit
// of Prometheus's promqltest: a file (testdata/stream/*.test) declares
// tables on the 'script' test connector, starts a query, then feeds it
// rows, watermarks and processing-time advances step by step and lists
// the exact changelog (+I, -U, +U, -D rows, as Flink prints them) the
// query emits in response to each step. Steps are delimited by aligned
// barriers: after feeding a step the runner injects barrier n into every
// script source and waits until the query's output shows it, so each
// step's output is exact and the tests are deterministic.
//
// The format is described in testdata/stream/README.md. Run the files
// with `go test ./streamtest` (one file: -run 'TestStream/calc'), and
// rewrite their expected rows with -update.
package streamtest
