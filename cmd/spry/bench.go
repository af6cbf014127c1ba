package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	nexmarkbench "github.com/spry-engine/spry/bench/nexmark"
)

// newBenchCommand groups Spry's shipped benchmarks.
func newBenchCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:           "bench",
		Short:         "Run Spry's benchmarks (spry bench nexmark)",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.AddCommand(newBenchNexmarkCommand(), newBenchRunQueryCommand())
	return cmd
}

// nexmarkOptions are the flags of `spry bench nexmark`.
type nexmarkOptions struct {
	queries     string
	events      int64
	parallelism int
	source      string
	format      string
	bootstrap   string
	topic       string
	fillOnly    bool
	tps         int64
	from        string
	reference   string
	plot        string
	out         string
	defines     []string
	// profileDir, when set, receives a CPU profile per query (<q>.pprof).
	profileDir string
}

func newBenchNexmarkCommand() *cobra.Command {
	o := &nexmarkOptions{}
	cmd := &cobra.Command{
		Use:   "nexmark",
		Short: "Run the Nexmark queries and report events/s, events/s per core, latency and memory",
		Long: `spry bench nexmark runs nexmark-flink's queries (bench/nexmark, built into
the binary) over N events, each in a child process into its blackhole sink,
and reports wall time, CPU time (user + system), events/s, events/s per
used core (events / CPU seconds, the figure to compare engines by), p50/p99
source-to-sink latency and peak RSS.

Events come from the in-process generator (--source generator) or from a
Kafka topic that --source kafka fills once with the generator's events and
every query then reads from the start to its end offsets (bounded), as
nexmark-flink does. --reference adds another engine's results (the same
JSON shape, e.g. bench/flink's) and the per-core ratio; --plot draws both.`,
		Example: `  spry bench nexmark --queries q0,q1,q2,q5,q7,q8 --events 1000000
  spry bench nexmark --source kafka --fill-only --events 10000000
  spry bench nexmark --source kafka --format json --out spry.json
  spry bench nexmark --from spry.json --reference flink.json --format markdown --plot nexmark.svg`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			queries, err := o.validate(cmd)
			if err != nil {
				return &exitError{2, err}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			return o.run(ctx, queries, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.queries, "queries", strings.Join(nexmarkbench.Queries(), ","), "comma-separated queries to run")
	f.Int64Var(&o.events, "events", 1_000_000, "events per query")
	f.IntVarP(&o.parallelism, "parallelism", "p", runtime.NumCPU(), "parallelism of every query (and the Kafka topic's partitions)")
	f.StringVar(&o.source, "source", nexmarkbench.SourceGenerator, "where events come from: generator or kafka")
	f.StringVar(&o.format, "format", "table", "report format: table, markdown or json")
	f.StringVar(&o.bootstrap, "bootstrap-servers", defaultBootstrap(), "Kafka brokers for --source kafka (default $SPRY_KAFKA_BOOTSTRAP or 127.0.0.1:19092)")
	f.StringVar(&o.topic, "topic", "", "Kafka topic for --source kafka (default nexmark-<events>)")
	f.BoolVar(&o.fillOnly, "fill-only", false, "with --source kafka: fill the topic with the events (if it does not hold exactly that many) and exit")
	f.Int64Var(&o.tps, "tps", 10_000_000, "the generator's first-event.rate: events per second of event time")
	f.StringVar(&o.from, "from", "", "report the results of this JSON file instead of running")
	f.StringVar(&o.reference, "reference", "", "JSON results of another engine: adds its columns and the per-core ratio")
	f.StringVar(&o.plot, "plot", "", "write an SVG chart of events/s per core per query to this file")
	f.StringVar(&o.out, "out", "", "also write the results as JSON to this file")
	f.StringArrayVarP(&o.defines, "define", "D", nil, "set a configuration option for every query, key=value (repeatable)")
	// Hidden: for the speed work (go tool pprof DIR/q5.pprof), not a user feature.
	f.StringVar(&o.profileDir, "cpuprofile-dir", "", "write each query's CPU profile to DIR/<query>.pprof")
	_ = f.MarkHidden("cpuprofile-dir")
	return cmd
}

// defaultBootstrap is $SPRY_KAFKA_BOOTSTRAP, else the test broker of
// scripts/services.sh.
func defaultBootstrap() string {
	if b := os.Getenv("SPRY_KAFKA_BOOTSTRAP"); b != "" {
		return b
	}
	return "127.0.0.1:19092"
}

// validate checks the flags and returns the queries to run, normalised.
func (o *nexmarkOptions) validate(cmd *cobra.Command) ([]string, error) {
	var queries []string
	seen := map[string]bool{}
	for _, q := range strings.Split(o.queries, ",") {
		q = strings.ToLower(strings.TrimSpace(q))
		if q == "" {
			continue
		}
		if _, err := nexmarkbench.Query(q); err != nil {
			return nil, fmt.Errorf("--queries: %w", err)
		}
		if !seen[q] {
			seen[q] = true
			queries = append(queries, q)
		}
	}
	switch {
	case len(queries) == 0 && !o.fillOnly && o.from == "":
		return nil, errors.New("--queries names no query: give e.g. --queries q0,q5")
	case o.events <= 0:
		return nil, fmt.Errorf("--events must be positive, got %d", o.events)
	case o.parallelism <= 0:
		return nil, fmt.Errorf("--parallelism must be positive, got %d", o.parallelism)
	case o.tps <= 0:
		return nil, fmt.Errorf("--tps must be positive, got %d", o.tps)
	case o.source != nexmarkbench.SourceGenerator && o.source != nexmarkbench.SourceKafka:
		return nil, fmt.Errorf("--source must be generator or kafka, not %q", o.source)
	case o.format != "table" && o.format != "markdown" && o.format != "json":
		return nil, fmt.Errorf("--format must be table, markdown or json, not %q", o.format)
	case o.fillOnly && o.source != nexmarkbench.SourceKafka:
		return nil, errors.New("--fill-only fills a Kafka topic: add --source kafka")
	case o.fillOnly && o.from != "":
		return nil, errors.New("--fill-only and --from exclude each other")
	case o.plot != "" && !strings.EqualFold(filepath.Ext(o.plot), ".svg"):
		return nil, fmt.Errorf("--plot writes SVG: name a .svg file, not %q", o.plot)
	}
	for _, d := range o.defines {
		if k, _, ok := strings.Cut(d, "="); !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("-D takes key=value, got %q", d)
		}
	}
	if o.from != "" && (cmd.Flags().Changed("source") || cmd.Flags().Changed("events")) {
		return nil, errors.New("--from reports saved results: --source and --events do not apply")
	}
	if o.topic == "" {
		o.topic = "nexmark-" + strconv.FormatInt(o.events, 10)
	}
	return queries, nil
}

// run runs (or, with --from, loads) the results and reports them.
func (o *nexmarkOptions) run(ctx context.Context, queries []string, stdout, stderr io.Writer) error {
	var results []benchResult
	if o.from != "" {
		rs, err := readResults(o.from)
		if err != nil {
			return &exitError{2, err}
		}
		results = rs
	} else {
		rs, err := o.runQueries(ctx, queries, stderr)
		if errors.Is(err, context.Canceled) && len(rs) > 0 {
			// Interrupted: report what finished, then say so.
			_ = o.report(rs, nil, stdout)
			return &exitError{130, errors.New("interrupted")}
		}
		if err != nil {
			return &exitError{1, err}
		}
		if o.fillOnly {
			return nil
		}
		results = rs
	}
	var ref map[string]benchResult
	if o.reference != "" {
		rs, err := readResults(o.reference)
		if err != nil {
			return &exitError{2, err}
		}
		ref = map[string]benchResult{}
		for _, r := range rs {
			ref[r.Query] = r
		}
	}
	if err := o.report(results, ref, stdout); err != nil {
		return &exitError{1, err}
	}
	for _, r := range results {
		if r.Status == statusFailed {
			return &exitError{1, nil}
		}
	}
	return nil
}

// report writes the results in the chosen format and the --out and
// --plot files.
func (o *nexmarkOptions) report(results []benchResult, ref map[string]benchResult, stdout io.Writer) error {
	var err error
	switch o.format {
	case "json":
		err = writeBenchJSON(stdout, results)
	case "markdown":
		err = writeBenchMarkdown(stdout, results, ref)
	default:
		err = writeBenchTable(stdout, results, ref)
	}
	if err != nil {
		return err
	}
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return err
		}
		if err := writeBenchJSON(f, results); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if o.plot != "" {
		svg, err := benchPlot(results, ref)
		if err != nil {
			return err
		}
		return os.WriteFile(o.plot, svg, 0o644)
	}
	return nil
}
