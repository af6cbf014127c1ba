// Command chaos runs Spry's chaos harness (package chaos) once and ends by
// printing one line "kills=N lost=L duplicated=D" per sink; it exits with
// status 1 when a row was lost or duplicated. scripts/chaos.sh builds the
// engine and the servers first and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spry-engine/spry/chaos"
)

func main() {
	var cfg chaos.Config
	var noRef bool
	var defines multiFlag
	flag.IntVar(&cfg.Kills, "kills", 20, "SIGKILLs to deliver before letting the job finish")
	flag.IntVar(&cfg.Events, "events", 2_000_000, "bids to generate")
	flag.IntVar(&cfg.Auctions, "auctions", 1000, "distinct auctions of the bids")
	flag.StringVar(&cfg.Sink, "sink", chaos.SinkBoth, "sinks to check: kafka, mariadb or both")
	flag.Uint64Var(&cfg.Seed, "seed", 0, "seed of the input and the kill moments (0: from the clock; printed)")
	flag.StringVar(&cfg.Bin, "bin", "bin/spry", "the engine binary")
	flag.IntVar(&cfg.Parallelism, "parallelism", 2, "the job's parallelism.default")
	flag.DurationVar(&cfg.Interval, "interval", 0, "execution.checkpointing.interval (0: 1 s, shortened so that the kills fit in the job)")
	flag.DurationVar(&cfg.MaxAfter, "max-after", 400*time.Millisecond, "longest time from a run's checkpoint to its kill (at most half the interval)")
	flag.StringVar(&cfg.Guarantee, "guarantee", "exactly-once", "the Kafka sink's sink.delivery-guarantee")
	flag.BoolVar(&noRef, "no-reference", false, "skip the failure-free reference run")
	flag.DurationVar(&cfg.Timeout, "timeout", 30*time.Minute, "bound on the whole run")
	flag.StringVar(&cfg.WorkDir, "workdir", "", "checkpoints, job scripts and run logs (default: a new temporary directory)")
	flag.BoolVar(&cfg.Keep, "keep", false, "keep the topics and tables for inspection")
	flag.Var(&defines, "D", "an extra configuration option key=value for the job (repeatable)")
	flag.Parse()
	cfg.Reference = !noRef
	cfg.Defines = defines
	cfg.Bootstrap = os.Getenv("SPRY_KAFKA_BOOTSTRAP")
	cfg.MySQLDSN = os.Getenv("SPRY_MYSQL_DSN")
	if cfg.Bootstrap == "" {
		fmt.Fprintln(os.Stderr, "chaos: SPRY_KAFKA_BOOTSTRAP is not set: eval \"$(scripts/services.sh env)\"")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := chaos.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaos: %v\n", err)
		os.Exit(2)
	}
	names := make([]string, len(res.Sinks))
	for i, r := range res.Sinks {
		fmt.Printf("chaos: %s sink: %s\n", r.Sink, r.Diff)
		names[i] = r.Sink
	}
	// The verdict: one line per sink, in this order.
	fmt.Printf("chaos: verdict (%s):\n", strings.Join(names, ", "))
	for _, r := range res.Sinks {
		fmt.Println(r.Line())
	}
	if res.Kills < cfg.Kills {
		fmt.Fprintf(os.Stderr, "chaos: the job finished after %d of the %d kills asked for: raise --events\n", res.Kills, cfg.Kills)
		os.Exit(1)
	}
	if !res.OK() {
		os.Exit(1)
	}
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }

func (m *multiFlag) Set(v string) error {
	*m = append(*m, v)
	return nil
}
