// Package connector defines how Spry reads from and writes to external
// systems: the Source and Sink interfaces the runtime drives, and a registry
// of self-describing connector factories keyed by the 'connector' option of
// a table's WITH clause.
//
// Each connector lives in its own sub-package and registers itself in init;
// package connector/all imports them all. A factory's option spec validates
// WITH options (an unknown key is an error naming the valid keys) and
// generates docs/connectors/<name>.md.
package connector

import (
	"context"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Table is what a factory gets to build a source or sink: the table's name,
// its physical columns (computed columns are evaluated by the planner), its
// primary key and its WITH options (already validated).
type Table struct {
	Name       string // fully qualified, e.g. default_catalog.default_database.words
	Schema     *types.Schema
	PrimaryKey []int
	Options    map[string]string
	// Projection, when set on a source's table, lists the columns of
	// Schema (by index, in output order) the source must emit: the
	// planner pushed a projection into a factory with SupportsProjection.
	// Schema stays the full physical schema so positional formats (CSV)
	// can still find the columns.
	Projection []int
	// Filters, when set on a source's table, are conditions (over the
	// columns the source emits) the source must apply: the planner pushed
	// them into a factory whose SupportsFilterPushDown accepted them, and
	// evaluates them nowhere else.
	Filters []expr.Expr
	// Overwrite is set on a sink's table for INSERT OVERWRITE (batch
	// only): the sink replaces the table's existing data when the job
	// finishes instead of adding to it.
	Overwrite bool
	// Metadata, when the table declares metadata columns, holds the
	// metadata key of each Schema field (`METADATA FROM 'key'`, or the
	// column name without FROM), "" for physical columns. Nil when the
	// table has no metadata columns.
	Metadata []string
	// PartitionKeys are the table's PARTITIONED BY columns, in order
	// (names of Schema fields); nil for an unpartitioned table.
	PartitionKeys []string
}

// Task identifies one parallel instance of a source or sink.
type Task struct {
	Subtask     int // 0-based index of this instance
	Parallelism int // number of instances
	// BatchSize is the preferred number of rows per batch.
	BatchSize int
	// Checkpointing says the job takes checkpoints (the runtime sets it),
	// so sinks that commit on checkpoint completion can run.
	Checkpointing bool
}

// Source reads a table's rows as batches. The runtime calls Next in a loop
// from one goroutine per subtask.
type Source interface {
	Open(ctx context.Context, task Task) error
	// Next returns the next batch. A bounded source returns (nil, io.EOF)
	// when done. An unbounded source with nothing to read returns (nil, nil)
	// within about 100 ms so the runtime can emit watermarks and handle
	// checkpoints; it must return promptly when ctx is cancelled.
	Next(ctx context.Context) (*types.Batch, error)
	Close() error
}

// Sink writes a table's rows. Write receives batches whose row kinds are
// within the modes the factory accepts.
type Sink interface {
	Open(ctx context.Context, task Task) error
	Write(ctx context.Context, b *types.Batch) error
	// Finish is called once after the last batch of a bounded job, before
	// Close: flush buffers and commit.
	Finish(ctx context.Context) error
	Close() error
}

// Factory describes and builds one connector.
type Factory struct {
	Name        string // the value of 'connector'
	Description string
	Options     []Option
	// FormatOption names the option choosing a format ("format"), if the
	// connector takes one; that format's own options are then accepted too.
	FormatOption string
	// MoreFormatOptions names further options choosing formats, each
	// with its own prefixed options ("key.format", "value.format" of
	// Kafka: 'key.format' = 'json' accepts 'key.json.*').
	MoreFormatOptions []string

	// NewSource is nil for sink-only connectors.
	NewSource func(t *Table) (Source, error)
	// NewSink is nil for source-only connectors.
	NewSink func(t *Table) (Sink, error)
	// SourceBounded reports whether the source with these options ends.
	SourceBounded func(opts map[string]string) bool
	// SourceMode is the changelog the source produces (nil: insert-only).
	SourceMode func(opts map[string]string) types.ChangelogMode
	// SinkMode is the changelog the sink accepts (nil: insert-only).
	SinkMode func(opts map[string]string) types.ChangelogMode
	// SinkModeForTable, if set, replaces SinkMode for sinks whose accepted
	// changelog depends on the table, not only its options (JDBC: upsert
	// with a primary key, insert-only without one, as Flink).
	SinkModeForTable func(t *Table) types.ChangelogMode
	// SourceParallelism, if set, caps the source's parallelism (e.g. 1 for
	// a single file).
	SourceParallelism func(opts map[string]string) int
	// SupportsProjection says the source honours Table.Projection, reading
	// and emitting only those columns (Flink's
	// SupportsProjectionPushDown).
	SupportsProjection bool
	// SupportsFilterPushDown, if set, reports whether the source applies
	// the condition cond (over the columns it emits) itself, so the
	// planner may drop it from the plan (Flink's SupportsFilterPushDown).
	// The planner passes accepted conditions in Table.Filters.
	SupportsFilterPushDown func(opts map[string]string, cond expr.Expr) bool
}
