// Package chaos is the harness that proves Spry's exactly-once guarantee
// under crashes (Flink's promise that a failure loses nothing and writes
// nothing twice).
//
// It fills Kafka topics with generated bids and an auction→category table,
// writes a Flink SQL job (a HOP window aggregation joined by a regular join
// with the categories, into an exactly-once Kafka sink and a MariaDB upsert
// table), and runs it as a child process (bin/spry sql -f). At random,
// seeded moments, some of them right after a checkpoint completed, it kills
// the engine's whole process group with SIGKILL, finds the latest completed
// checkpoint and restarts the job from it (-D execution.savepoint.path=...),
// until the job ends by itself. Spry reads fast, so the kills are paced by
// the job's progress (the offsets its sources commit when a checkpoint
// completes): a run that is ahead is killed before its first checkpoint.
// A read_committed consumer then reads the
// output topic and the harness reads the table; both are compared, as
// multisets, with the job's result computed independently in Go (the
// oracle), which a failure-free run of the same job also checks.
//
// scripts/chaos.sh runs the long variant (chaos/cmd/chaos); go test ./chaos
// runs a shortened one against the servers of scripts/services.sh.
package chaos
