package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/spry-engine/spry/table"
)

func newSQLCommand() *cobra.Command {
	var (
		file, stmt, mode string
		cpuprofile       string
		memprofile       string
		parallelism      int
		defines          []string
		restPort         int
		logs             logSettings
	)
	cmd := &cobra.Command{
		Use:   "sql",
		Short: "Run Flink SQL: interactively, from a file (-f) or one statement (-e)",
		Long: `spry sql runs Flink SQL statements.

Without -f or -e it starts an interactive client: statements end with ';' and
may span lines, the history is kept in ~/.spry_history, 'help' lists the
client commands. Results are shown as Flink's SQL client shows them; the
form is chosen with SET 'sql-client.execution.result-mode' = 'tableau'
(default), 'table' or 'changelog'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file != "" && stmt != "" {
				return &exitError{2, errors.New("use either -f or -e, not both")}
			}
			cfg := map[string]string{}
			switch mode {
			case "":
			case "batch", "streaming":
				cfg["execution.runtime-mode"] = mode
			default:
				return &exitError{2, fmt.Errorf("--mode must be batch or streaming, not %q", mode)}
			}
			if parallelism > 0 {
				cfg["parallelism.default"] = strconv.Itoa(parallelism)
			}
			if err := parseDefines(cfg, defines); err != nil {
				return &exitError{2, err}
			}
			if cpuprofile != "" {
				stopProfile, err := startCPUProfile(cpuprofile)
				if err != nil {
					return &exitError{2, err}
				}
				defer stopProfile()
			}
			if memprofile != "" {
				defer writeHeapProfile(memprofile)
			}
			logger, closeLog, err := logs.open(cmd.ErrOrStderr())
			if err != nil {
				return &exitError{2, err}
			}
			defer closeLog()
			env := table.NewEnvironment(table.Settings{Batch: mode == "batch", Parallelism: parallelism, Config: cfg, Logger: logger})
			c := &client{env: env, out: cmd.OutOrStdout(), errOut: cmd.ErrOrStderr()}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			stopREST, err := startREST(restPort, cfg, cmd.ErrOrStderr())
			if err != nil {
				return &exitError{2, err}
			}
			defer stopREST()
			switch {
			case stmt != "":
				return c.runScript(ctx, stmt)
			case file != "":
				src, err := os.ReadFile(file)
				if err != nil {
					return &exitError{2, err}
				}
				return c.runScript(ctx, string(src))
			default:
				return c.repl()
			}
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "run the statements of a SQL script file")
	cmd.Flags().StringVarP(&stmt, "execute", "e", "", "run the given statement(s)")
	cmd.Flags().StringVar(&mode, "mode", "", "runtime mode: streaming (default, as Flink) or batch")
	cmd.Flags().IntVarP(&parallelism, "parallelism", "p", 0, fmt.Sprintf("parallelism.default (default: the number of cores, %d)", runtime.NumCPU()))
	cmd.Flags().StringArrayVarP(&defines, "define", "D", nil, "set a configuration option, key=value (repeatable)")
	cmd.Flags().StringVar(&logs.file, "log-file", "", "append job logs (checkpoints, restarts, failures) to this file (or set SPRY_LOG_FILE)")
	cmd.Flags().StringVar(&logs.level, "log-level", "", "job log level: debug, info, warn, error (default: info with --log-file, else warn to stderr)")
	cmd.Flags().IntVar(&restPort, "rest-port", -1, "serve the REST API (jobs, checkpoints, savepoints) on this port of 127.0.0.1 (or set rest.port)")
	// Hidden: for profiling the engine (go tool pprof), not a user feature.
	cmd.Flags().StringVar(&cpuprofile, "cpuprofile", "", "write a CPU profile to this file")
	_ = cmd.Flags().MarkHidden("cpuprofile")
	cmd.Flags().StringVar(&memprofile, "memprofile", "", "write an allocation profile to this file at exit")
	_ = cmd.Flags().MarkHidden("memprofile")
	return cmd
}
