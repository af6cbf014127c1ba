// Package print is Flink's 'print' connector: a sink writing every row to
// standard output (or standard error) as "+I[a, 1]", prefixed with
// 'print-identifier' and, when parallel, the subtask number ("id:2> ").
// It accepts every row kind, so it shows a query's full changelog.
package print

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// Option keys.
const (
	OptPrintIdentifier = "print-identifier"
	OptStandardError   = "standard-error"
	OptSinkParallelism = "sink.parallelism"
)

var (
	outMu sync.Mutex
	// stdout and stderr are where the sink writes; SetOutput replaces them
	// so tests and the CLI can capture what a job prints.
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

// SetOutput redirects the print sink's standard output and standard error
// (nil keeps the current one) and returns a function restoring them.
func SetOutput(out, errOut io.Writer) (restore func()) {
	outMu.Lock()
	defer outMu.Unlock()
	oldOut, oldErr := stdout, stderr
	if out != nil {
		stdout = out
	}
	if errOut != nil {
		stderr = errOut
	}
	return func() {
		outMu.Lock()
		defer outMu.Unlock()
		stdout, stderr = oldOut, oldErr
	}
}

// Factory is the print connector.
var Factory = &connector.Factory{
	Name:        "print",
	Description: "Writes every row to standard output or standard error, for debugging. Rows are printed as +I[a, 1] (the row kind, then the values).",
	Options: []connector.Option{
		{Key: OptPrintIdentifier, Type: connector.TypeString,
			Description: "Message that identifies print and is prefixed to the output of the value."},
		{Key: OptStandardError, Type: connector.TypeBool, Default: "false",
			Description: "True, if the format should print to standard error instead of standard out."},
		{Key: OptSinkParallelism, Type: connector.TypeInt,
			Description: "Defines the parallelism of the print sink. By default, the parallelism is determined by the framework using the same parallelism of the upstream chained operator."},
	},
	NewSink:  func(t *connector.Table) (connector.Sink, error) { return &sink{table: t}, nil },
	SinkMode: func(map[string]string) types.ChangelogMode { return types.ModeAll },
}

func init() { connector.Register(Factory) }

type sink struct {
	table  *connector.Table
	prefix string
	stdErr bool
	buf    strings.Builder
}

var _ connector.Sink = (*sink)(nil)

// Open computes the prefix as Flink's PrintSinkOutputWriter does.
func (s *sink) Open(_ context.Context, task connector.Task) error {
	s.prefix = s.table.Options[OptPrintIdentifier]
	if task.Parallelism > 1 {
		if s.prefix != "" {
			s.prefix += ":"
		}
		s.prefix += strconv.Itoa(task.Subtask + 1)
	}
	if s.prefix != "" {
		s.prefix += "> "
	}
	s.stdErr, _ = connector.ParseBool(s.table.Options[OptStandardError])
	return nil
}

// Write prints a batch; its lines are written at once so that parallel
// subtasks never interleave within a line.
func (s *sink) Write(_ context.Context, b *types.Batch) error {
	s.buf.Reset()
	for i := 0; i < b.Len(); i++ {
		s.buf.WriteString(s.prefix)
		writeRow(&s.buf, b.Kind(i), b.Row(i), b.Schema.Fields)
		s.buf.WriteByte('\n')
	}
	outMu.Lock()
	defer outMu.Unlock()
	w := stdout
	if s.stdErr {
		w = stderr
	}
	_, err := io.WriteString(w, s.buf.String())
	return err
}

// Finish does nothing: every row is written by Write.
func (s *sink) Finish(context.Context) error { return nil }

// Close does nothing.
func (s *sink) Close() error { return nil }
