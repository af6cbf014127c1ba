package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Sink kinds the harness checks.
const (
	SinkKafka   = "kafka"
	SinkMariaDB = "mariadb"
	SinkBoth    = "both"
)

// Config is one chaos run.
type Config struct {
	Bin       string // the engine binary (bin/spry)
	Bootstrap string // Kafka brokers (SPRY_KAFKA_BOOTSTRAP)
	MySQLDSN  string // MariaDB server (SPRY_MYSQL_DSN), for the mariadb sink
	Sink      string // SinkKafka, SinkMariaDB or SinkBoth
	Events    int    // bids to generate
	Auctions  int    // distinct auctions (default 1000)
	Kills     int    // SIGKILLs to deliver before letting the job finish
	Seed      uint64 // seeds the input and the kill moments
	WorkDir   string // checkpoints, job scripts and run logs
	// Parallelism is the job's parallelism.default (default 2).
	Parallelism int
	// Interval is execution.checkpointing.interval. Unset, it is 1 s,
	// shortened after the reference run so that the kills fit in the job
	// (fitInterval).
	Interval time.Duration
	// MaxAfter bounds the random time from a run's checkpoint to its kill
	// (default 400 ms, at most half the interval).
	MaxAfter time.Duration
	// Guarantee is the Kafka sink's sink.delivery-guarantee (default
	// exactly-once; at-least-once shows the harness detects duplicates).
	Guarantee string
	// Reference runs the job once without kills first and checks its
	// output against the independent computation; its duration also
	// paces the kills so that Kills fit in the job (see pacer).
	Reference bool
	// Timeout bounds the whole run (default 30 min).
	Timeout time.Duration
	// Keep leaves topics and tables in place for inspection.
	Keep bool
	// Extra -D options for every run of the job.
	Defines []string
	Log     io.Writer // progress; nil = os.Stdout

	autoInterval bool // Interval was not given
}

// SinkResult is the verdict for one sink.
type SinkResult struct {
	Sink  string
	Kills int
	Diff  Diff
	// Warning notes a transaction left open on the output topic.
	Warning string
}

// Line is the verdict line: kills=N lost=L duplicated=D.
func (r SinkResult) Line() string { return r.Diff.Line(r.Kills) }

// Result is the outcome of a chaos run.
type Result struct {
	Kills    int
	Restarts []string // the checkpoint each restart restored ("" = from the start)
	Sinks    []SinkResult
	// Reference is the failure-free run's comparison with the oracle, per
	// sink (nil without Config.Reference).
	Reference []SinkResult
}

// OK reports whether every sink (and the reference run) matched.
func (r *Result) OK() bool {
	for _, s := range append(append([]SinkResult(nil), r.Sinks...), r.Reference...) {
		if !s.Diff.OK() {
			return false
		}
	}
	return true
}

func (c *Config) defaults() error {
	if c.Bin == "" || c.Bootstrap == "" {
		return errors.New("chaos: Config.Bin and Config.Bootstrap are required")
	}
	switch c.Sink {
	case "":
		c.Sink = SinkBoth
	case SinkKafka, SinkMariaDB, SinkBoth:
	default:
		return fmt.Errorf("chaos: sink must be kafka, mariadb or both, not %q", c.Sink)
	}
	if c.Sink != SinkKafka && c.MySQLDSN == "" {
		return errors.New("chaos: the mariadb sink needs a MariaDB server (SPRY_MYSQL_DSN)")
	}
	setDefault(&c.Events, 2_000_000)
	setDefault(&c.Auctions, 1000)
	setDefault(&c.Parallelism, 2)
	if c.Interval == 0 {
		c.Interval, c.autoInterval = time.Second, true
	}
	setDefault(&c.MaxAfter, 400*time.Millisecond)
	setDefault(&c.Timeout, 30*time.Minute)
	setDefault(&c.Guarantee, "exactly-once")
	if c.Seed == 0 {
		c.Seed = uint64(time.Now().UnixNano())
	}
	if c.Log == nil {
		c.Log = os.Stdout
	}
	if c.WorkDir == "" {
		d, err := os.MkdirTemp("", "spry-chaos-")
		if err != nil {
			return err
		}
		c.WorkDir = d
	}
	return os.MkdirAll(c.WorkDir, 0o755)
}

func setDefault[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

func (c *Config) printf(format string, args ...any) { fmt.Fprintf(c.Log, format+"\n", args...) }

// Run fills the input topics, optionally runs the failure-free reference,
// runs the job under kills until it finishes and compares each sink's
// output with the independently computed result.
func Run(ctx context.Context, cfg Config) (res *Result, err error) {
	ownDir := cfg.WorkDir == ""
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if ownDir && !cfg.Keep {
		// The run logs and checkpoints stay for a failed run only.
		defer func() {
			if err == nil && res.OK() {
				os.RemoveAll(cfg.WorkDir)
			}
		}()
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	id := fmt.Sprintf("%d_%d", time.Now().UnixNano()%1e9, os.Getpid())
	cfg.printf("chaos: seed=%d events=%d kills=%d sink=%s parallelism=%d checkpoint interval=%v work dir %s",
		cfg.Seed, cfg.Events, cfg.Kills, cfg.Sink, cfg.Parallelism, cfg.Interval, cfg.WorkDir)

	in := Generate(cfg.Seed, cfg.Events, cfg.Auctions)
	want := Keys(Expected(in))
	cfg.printf("chaos: %d bids over %d auctions; the independent computation expects %d output rows", len(in.Bids), cfg.Auctions, len(want))

	var db *mariaDB
	if cfg.Sink != SinkKafka {
		var err error
		if db, err = openMariaDB(cfg.MySQLDSN); err != nil {
			return nil, err
		}
		defer db.close()
	}
	bids, cats := "spry_chaos_bids_"+id, "spry_chaos_categories_"+id
	topics := []string{bids, cats}
	if err := createTopics(ctx, cfg.Bootstrap, map[string]int32{bids: 1, cats: 2}); err != nil {
		return nil, err
	}
	if !cfg.Keep {
		defer func() { deleteTopics(cfg.Bootstrap, topics...) }()
	}
	t0 := time.Now()
	if err := fill(ctx, cfg.Bootstrap, bids, cats, in); err != nil {
		return nil, err
	}
	cfg.printf("chaos: wrote %d bids to %s and %d categories to %s in %.1f s", len(in.Bids), bids, len(in.Categories), cats, time.Since(t0).Seconds())

	var tables []string
	if !cfg.Keep {
		defer func() {
			for _, t := range tables {
				db.dropTable(t)
			}
		}()
	}
	// outputs makes a fresh output topic and table for one run.
	outputs := func(name string) (jobSpec, error) {
		s := jobSpec{bootstrap: cfg.Bootstrap, bidsTopic: bids, catTopic: cats, guarantee: cfg.Guarantee, db: db,
			txnPrefix: "spry-chaos-" + name + "-" + id, groupID: "spry_chaos_" + name + "_" + id, wantRows: len(want)}
		if cfg.Sink != SinkMariaDB {
			s.outTopic = "spry_chaos_out_" + name + "_" + id
			topics = append(topics, s.outTopic)
			if err := createTopics(ctx, cfg.Bootstrap, map[string]int32{s.outTopic: 2}); err != nil {
				return s, err
			}
		}
		if cfg.Sink != SinkKafka {
			s.dbTable = "spry_chaos_" + name + "_" + id
			if err := db.createTable(ctx, s.dbTable); err != nil {
				return s, fmt.Errorf("creating table %s: %w", s.dbTable, err)
			}
			tables = append(tables, s.dbTable)
		}
		return s, nil
	}

	res = &Result{}
	total := 0.0 // checkpoints the job takes (0 = unknown)
	if cfg.Reference {
		spec, err := outputs("ref")
		if err != nil {
			return nil, err
		}
		t0 := time.Now()
		if _, err := runJob(ctx, &cfg, spec, "ref", 0, 0); err != nil {
			return nil, fmt.Errorf("the failure-free run: %w", err)
		}
		work := time.Since(t0)
		cfg.printf("chaos: the failure-free run took %.1f s", work.Seconds())
		total = cfg.fitInterval(work)
		if res.Reference, err = check(ctx, &cfg, spec, want, 0); err != nil {
			return nil, err
		}
		for _, r := range res.Reference {
			if r.Diff.OK() {
				cfg.printf("chaos: the failure-free run's %s output equals the independent computation (%d rows)", r.Sink, r.Diff.Got)
			} else {
				cfg.printf("chaos: the failure-free run's %s output differs from the independent computation: %s", r.Sink, r.Diff)
			}
		}
	}

	spec, err := outputs("chaos")
	if err != nil {
		return nil, err
	}
	t0 = time.Now()
	kl, err := runJob(ctx, &cfg, spec, "chaos", cfg.Kills, total)
	if kl != nil {
		res.Kills, res.Restarts = kl.kills, kl.restored
	}
	if err != nil {
		return res, err
	}
	cfg.printf("chaos: the job finished after %d kills in %.1f s", res.Kills, time.Since(t0).Seconds())
	if res.Sinks, err = check(ctx, &cfg, spec, want, res.Kills); err != nil {
		return res, err
	}
	return res, nil
}

// check reads each sink's output and compares it with want.
func check(ctx context.Context, cfg *Config, spec jobSpec, want []string, kills int) ([]SinkResult, error) {
	var out []SinkResult
	if spec.outTopic != "" {
		got, warn, err := readCommitted(ctx, cfg.Bootstrap, spec.outTopic, 30*time.Second)
		if err != nil {
			return nil, err
		}
		if warn != "" {
			cfg.printf("chaos: WARNING %s", warn)
		}
		cfg.printf("chaos: read %d rows from %s (read_committed)", len(got), spec.outTopic)
		out = append(out, SinkResult{Sink: SinkKafka, Kills: kills, Diff: Compare(want, got), Warning: warn})
	}
	if spec.dbTable != "" {
		got, err := spec.db.rows(ctx, spec.dbTable)
		if err != nil {
			return nil, fmt.Errorf("reading table %s: %w", spec.dbTable, err)
		}
		cfg.printf("chaos: read %d rows from MariaDB table %s", len(got), spec.dbTable)
		out = append(out, SinkResult{Sink: SinkMariaDB, Kills: kills, Diff: Compare(want, got)})
	}
	return out, nil
}

// writeScript writes the job's SQL into the work directory.
func writeScript(cfg *Config, spec jobSpec, name string) (string, error) {
	path := filepath.Join(cfg.WorkDir, name+".sql")
	return path, os.WriteFile(path, []byte(spec.sql()), 0o644)
}

// defines are the -D options of every run of a job.
func (c *Config) defines(checkpoints string) []string {
	d := []string{
		"parallelism.default=" + fmt.Sprint(c.Parallelism),
		"execution.checkpointing.interval=" + durationOption(c.Interval),
		"state.checkpoints.dir=" + checkpoints,
		// A failure inside the engine ends the process: the harness, not
		// an in-process restart, is what recovers the job here, and an
		// unexpected failure must show.
		"restart-strategy.type=none",
	}
	return append(d, c.Defines...)
}

func durationOption(d time.Duration) string {
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// indent prefixes every line of s for nesting in progress output.
func indent(s string) string { return "    | " + strings.ReplaceAll(s, "\n", "\n    | ") }
