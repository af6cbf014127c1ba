package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/table"
)

// benchLatencyInterval is the latency-marker interval of a benchmarked
// query (Flink's metrics.latency.interval): frequent enough for stable
// quantiles, rare enough to cost nothing measurable.
const benchLatencyInterval = "200ms"

// childReport is one JSON line the benchmark's child process writes to
// stdout: progress lines while the job runs (Done false), then one final
// line. The parent measures time, CPU and memory itself.
type childReport struct {
	// RowsRead is the rows read so far per source scan: a query that
	// scans the events twice (a self-join) still counts up to N.
	RowsRead int64    `json:"rows_read"`
	Done     bool     `json:"done,omitempty"`
	P50      *float64 `json:"latency_p50_ms,omitempty"`
	P99      *float64 `json:"latency_p99_ms,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// newBenchRunQueryCommand is the hidden child of `spry bench nexmark`: it
// runs one SQL script in this process, awaiting each INSERT job, and
// reports on stdout as JSON lines, so that the parent's wait4 rusage
// covers exactly one query.
func newBenchRunQueryCommand() *cobra.Command {
	var (
		file        string
		parallelism int
		defines     []string
		cpuprofile  string
	)
	cmd := &cobra.Command{
		Use:    "run-query",
		Short:  "Run one benchmark script in this process (used by spry bench)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := map[string]string{"metrics.latency.interval": benchLatencyInterval}
			if parallelism > 0 {
				cfg["parallelism.default"] = strconv.Itoa(parallelism)
			}
			if err := parseDefines(cfg, defines); err != nil {
				return &exitError{2, err}
			}
			src, err := os.ReadFile(file)
			if err != nil {
				return &exitError{2, err}
			}
			if cpuprofile != "" {
				stopProfile, err := startCPUProfile(cpuprofile)
				if err != nil {
					return &exitError{2, err}
				}
				defer stopProfile()
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			env := table.NewEnvironment(table.Settings{Parallelism: parallelism, Config: cfg})
			rep := runBenchScript(ctx, env, string(src), cmd.OutOrStdout())
			if rep.Error != "" {
				return &exitError{1, nil}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "the SQL script to run")
	cmd.Flags().IntVarP(&parallelism, "parallelism", "p", 0, "parallelism.default")
	cmd.Flags().StringArrayVarP(&defines, "define", "D", nil, "set a configuration option, key=value (repeatable)")
	cmd.Flags().StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile to this file")
	return cmd
}

// runBenchScript runs script on env, writing progress lines to out every
// progressInterval while a job runs and the final report last.
func runBenchScript(ctx context.Context, env *table.Environment, script string, out io.Writer) childReport {
	var (
		mu    sync.Mutex
		final childReport
	)
	enc := json.NewEncoder(out)
	emit := func(r childReport) {
		mu.Lock()
		defer mu.Unlock()
		_ = enc.Encode(r)
	}
	err := env.ExecuteScript(ctx, script, func(_ string, r *table.Result, err error) bool {
		if err != nil {
			final.Error = err.Error()
			return false
		}
		switch r.Kind {
		case table.ResultJob:
			done := make(chan struct{})
			go func() {
				tick := time.NewTicker(progressInterval)
				defer tick.Stop()
				for {
					select {
					case <-done:
						return
					case <-ctx.Done(): // interrupted: the job outlives ctx
						r.Cancel()
						return
					case <-tick.C:
						emit(childReport{RowsRead: rowsPerScan(r.Progress())})
					}
				}
			}()
			err = r.Wait()
			close(done)
			final.RowsRead += rowsPerScan(r.Progress())
			final.P50, final.P99 = latencyQuantiles(r)
		case table.ResultRows:
			_, err = r.Collect(ctx) // a bare query: its rows are not the benchmark's
		}
		if err != nil {
			final.Error = err.Error()
			return false
		}
		return true
	})
	if err != nil && final.Error == "" {
		final.Error = err.Error()
	}
	var se *table.SQLError
	if errors.As(err, &se) {
		final.Error = se.Pretty()
	}
	final.Done = true
	emit(final)
	return final
}

// rowsPerScan is the rows the job's source scans produced, divided by
// the number of scans.
func rowsPerScan(vs []*runtime.VertexProgress) int64 {
	var read, scans int64
	for _, v := range vs {
		if strings.HasPrefix(v.Name, "TableSourceScan") {
			read += v.RowsIn.Load()
			scans++
		}
	}
	if scans == 0 {
		return 0
	}
	return read / scans
}
