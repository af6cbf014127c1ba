package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/spry-engine/spry/state/checkpoint"
)

func newCheckpointCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "Inspect checkpoints and savepoints",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "info <path>",
		Short: "Print a checkpoint's or savepoint's metadata and each operator's state size",
		Long: `spry checkpoint info prints the metadata of a checkpoint (a chk-<n>
directory), a savepoint directory or their _metadata file: checkpoint id,
job, time, format version, and every operator's parallelism and state size
in bytes. Given a checkpoints directory (state.checkpoints.dir) it shows the
newest completed checkpoint under it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := interruptible()
			defer stop()
			m, err := loadCheckpoint(ctx, args[0])
			if err != nil {
				return &exitError{1, err}
			}
			defer m.Close()
			printCheckpointInfo(cmd.OutOrStdout(), m)
			return nil
		},
	})
	return cmd
}

// loadCheckpoint loads path, or the latest checkpoint under it when path
// is a checkpoints directory.
func loadCheckpoint(ctx context.Context, path string) (*checkpoint.Metadata, error) {
	m, err := checkpoint.Load(ctx, path)
	if err == nil || !errors.Is(err, checkpoint.ErrNotFound) {
		return m, err
	}
	latest, lerr := checkpoint.Latest(ctx, path)
	if lerr != nil || latest == "" {
		return nil, err
	}
	return checkpoint.Load(ctx, latest)
}

// printCheckpointInfo prints the metadata header and the operator table.
func printCheckpointInfo(w io.Writer, m *checkpoint.Metadata) {
	kind := "Checkpoint"
	if m.Savepoint {
		kind = "Savepoint"
	}
	fmt.Fprintf(w, "%s %d of job %s (%s)\n", kind, m.CheckpointID, m.JobName, m.JobID)
	fmt.Fprintf(w, "Path:            %s\n", m.Dir())
	fmt.Fprintf(w, "Time:            %s\n", m.Timestamp.UTC().Format("2006-01-02 15:04:05.000 MST"))
	fmt.Fprintf(w, "Format version:  %d\n", m.Version)
	fmt.Fprintf(w, "Max parallelism: %d\n\n", m.MaxParallelism)
	// Numbers right-aligned; the operator's name last, as it is long.
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "vertex\tindex\tkind\tparallelism\tstate size (bytes)\t  operator")
	var total int64
	for _, o := range m.Operators {
		var size int64
		for _, p := range o.Parts {
			size += p.Size
		}
		total += size
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t%s\t  %s\n", o.Vertex, o.Index, o.Kind, o.Parallelism, strconv.FormatInt(size, 10), o.Name)
	}
	fmt.Fprintf(tw, "\t\t\t\t%d\t  total\n", total)
	tw.Flush()
}
