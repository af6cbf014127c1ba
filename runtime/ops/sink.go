package ops

import (
	"context"
	"fmt"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// SinkConfig configures a table sink.
type SinkConfig struct {
	Factory *connector.Factory
	Table   *connector.Table
}

// Sink writes its input to a connector table and calls Finish when a
// bounded input ends (flush and commit).
type Sink struct {
	BaseOperator
	cfg  *SinkConfig
	sink connector.Sink
	ctx  context.Context
	// subtask and par pick the restored states (sink_checkpoint.go).
	subtask, par int
	// ckpt is set when the job takes checkpoints: a two-phase sink's end
	// of input then waits for the final checkpoint (sink_checkpoint.go).
	ckpt bool
}

var _ Operator = (*Sink)(nil)

// NewSink makes a Sink; the connector is created when it opens.
func NewSink(c *SinkConfig) (*Sink, error) {
	if c.Factory == nil || c.Table == nil {
		return nil, &SpecError{KindSink, "factory and table are required"}
	}
	if c.Factory.NewSink == nil {
		return nil, &SpecError{KindSink, fmt.Sprintf("connector '%s' cannot be used as a sink", c.Factory.Name)}
	}
	return &Sink{cfg: c}, nil
}

// Open creates and opens the connector sink for this subtask.
func (s *Sink) Open(ctx *OpContext) error {
	sink, err := s.cfg.Factory.NewSink(s.cfg.Table)
	if err != nil {
		return err
	}
	s.sink, s.ctx = sink, ctx.Ctx
	s.subtask, s.par = ctx.Subtask, max(ctx.Parallelism, 1)
	s.ckpt = ctx.Checkpointing
	return sink.Open(ctx.Ctx, connector.Task{
		Subtask: ctx.Subtask, Parallelism: ctx.Parallelism, BatchSize: ctx.BatchSize, Checkpointing: ctx.Checkpointing,
	})
}

// ProcessBatch writes b.
func (s *Sink) ProcessBatch(_ int, b *types.Batch, _ Collector) error {
	return s.sink.Write(s.ctx, b)
}

// ProcessWatermark hands the watermark to a sink that acts on event time
// (connector.WatermarkSink: a partitioned filesystem sink commits
// partitions when it passes their time).
func (s *Sink) ProcessWatermark(ts int64, _ Collector) error {
	if w, ok := s.sink.(connector.WatermarkSink); ok {
		return w.WriteWatermark(s.ctx, ts)
	}
	return nil
}

// EndInput finishes the sink: flush and, for a bounded job, commit. With
// checkpointing the runtime calls it only after the final checkpoint
// committed the sink's rows (AwaitsFinalCheckpoint), so that nothing
// becomes final that no completed checkpoint covers.
func (s *Sink) EndInput(int, Collector) error { return s.sink.Finish(s.ctx) }

// Close closes the connector sink.
func (s *Sink) Close() error {
	if s.sink == nil {
		return nil
	}
	return s.sink.Close()
}

// String prints e.g. Sink(table=[default_catalog.default_database.out],
// fields=[word, cnt]), as Flink's EXPLAIN.
func (s *Sink) String() string {
	return fmt.Sprintf("Sink(table=[%s], fields=[%s])", s.cfg.Table.Name, fieldNames(s.cfg.Table.Schema))
}

// CollectConfig configures Collect, the operator that hands a query's
// results to the client. The job closes Out when it ends, successfully or
// not; the reader should then call Job.Wait for the outcome.
type CollectConfig struct {
	Schema *types.Schema
	Out    chan<- *types.Batch
}

// Collect sends its input batches to a channel read by the client (the SQL
// shell, TableResult.collect, the Python gateway). A reader that stops
// reading holds the job through back-pressure until it is cancelled.
type Collect struct {
	BaseOperator
	cfg *CollectConfig
	ctx context.Context
}

var _ Operator = (*Collect)(nil)

// NewCollect makes a Collect.
func NewCollect(c *CollectConfig) (*Collect, error) {
	if c.Out == nil {
		return nil, &SpecError{KindCollect, "no output channel"}
	}
	return &Collect{cfg: c}, nil
}

// Open records the job context, so sends stop when the job is cancelled.
func (c *Collect) Open(ctx *OpContext) error {
	c.ctx = ctx.Ctx
	return nil
}

// ProcessBatch sends b to the client.
func (c *Collect) ProcessBatch(_ int, b *types.Batch, _ Collector) error {
	if c.cfg.Schema != nil && b.Schema != c.cfg.Schema {
		b = types.NewBatch(c.cfg.Schema, b.Cols, b.Kinds, b.Len())
	}
	select {
	case c.cfg.Out <- b:
		return nil
	case <-c.ctx.Done():
		return context.Cause(c.ctx)
	}
}

// String prints e.g. Collect(fields=[word, cnt]).
func (c *Collect) String() string {
	return fmt.Sprintf("Collect(fields=[%s])", fieldNames(c.cfg.Schema))
}
