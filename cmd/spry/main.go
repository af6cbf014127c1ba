// Command spry is Spry's command line: the SQL client (`spry sql`), Python
// jobs (`spry run`), the Python API's engine (`spry gateway`), the job
// commands that reach a running engine's REST API (`spry list`,
// `spry savepoint`, `spry stop`), `spry checkpoint info`, the Nexmark
// benchmark (`spry bench nexmark`) and `spry version`. Exit codes: 0
// success, 1 a SQL or job error, 2 a usage error.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	_ "github.com/spry-engine/spry/connector/all"
	_ "github.com/spry-engine/spry/pyudf"                  // Python UDFs registered through the gateway
	_ "github.com/spry-engine/spry/state/checkpoint/cloud" // s3:// and gs:// checkpoint storage
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "0.1.0-dev"

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	root := &cobra.Command{
		Use:           "spry",
		Short:         "Spry runs Flink SQL and PyFlink jobs without a JVM",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newSQLCommand(), newVersionCommand(), newGatewayCommand(), newRunCommand())
	root.AddCommand(newListCommand(), newSavepointCommand(), newStopCommand(), newCheckpointCommand())
	root.AddCommand(newBenchCommand())
	err := root.Execute()
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(os.Stderr, ee.err)
		}
		os.Exit(ee.code)
	}
	// Anything cobra itself rejects (unknown flag, bad arguments) is usage.
	fmt.Fprintf(os.Stderr, "Error: %v\nRun 'spry --help' for usage.\n", err)
	os.Exit(2)
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print Spry's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "Spry %s\n", Version)
		},
	}
}
