// Package blackhole is Flink's 'blackhole' connector: a sink that accepts
// every row kind and drops everything, for performance tests and for
// running a query only for its side effects.
package blackhole

import (
	"context"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// Factory is the blackhole connector.
var Factory = &connector.Factory{
	Name:        "blackhole",
	Description: "Swallows all input rows; useful for performance testing and debugging.",
	NewSink:     func(*connector.Table) (connector.Sink, error) { return Sink{}, nil },
	SinkMode:    func(map[string]string) types.ChangelogMode { return types.ModeAll },
}

func init() { connector.Register(Factory) }

// Sink drops every batch.
type Sink struct{}

var _ connector.Sink = Sink{}

// Open does nothing.
func (Sink) Open(context.Context, connector.Task) error { return nil }

// Write drops b.
func (Sink) Write(context.Context, *types.Batch) error { return nil }

// Finish does nothing.
func (Sink) Finish(context.Context) error { return nil }

// Close does nothing.
func (Sink) Close() error { return nil }
