// Package chaos is the harness that proves Spry's exactly-once guarantee
// under crashes (Flink's promise that a failure loses nothing and writes
// nothing twice).
//
// It fills Kafka topics with generated bids and an auction→category table,
// writes a Flink SQL job (a HOP window aggregation joined by a regular join
// with the categories, into an exactly-once Kafka sink and a MariaDB upsert
// table), and runs it as a child process (bin/spry sql -f). It kills the
// engine's whole process group with SIGKILL, finds the latest completed
// checkpoint and restarts the job from it (-D execution.savepoint.path=...),
// until it has made the kills asked for; then the job ends by itself, one
// more kill landing right after its whole output was committed if it still
// runs then. Spry reads and restores fast, so the kills follow the job's
// checkpoint progress rather than the clock (see pacer): a run is killed
// right after or a seeded random moment after its 1st or 2nd new
// checkpoint, or before its first one (never two runs in a row), as much
// as the work left allows, and the checkpoint interval is shortened after
// the failure-free run so that the job spans enough checkpoints. A
// read_committed consumer then reads the output topic and the harness
// reads the table; both are compared, as multisets, with the job's result
// computed independently in Go (the oracle), which a failure-free run of
// the same job also checks.
//
// scripts/chaos.sh runs the long variant (chaos/cmd/chaos); go test ./chaos
// runs a shortened one against the servers of scripts/services.sh.
package chaos
