package ops

import (
	"context"
	"fmt"
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// SourceConfig configures a table source scan.
type SourceConfig struct {
	Factory *connector.Factory
	Table   *connector.Table
}

// Source reads a connector table; the runtime pulls batches with Next.
type Source struct {
	BaseOperator
	cfg   *SourceConfig
	src   connector.Source
	skips skipCount       // numSkippedRecords (watermark_source.go)
	ctx   context.Context // for checkpoint calls (source_checkpoint.go)
}

var _ SourceOperator = (*Source)(nil)

// NewSource makes a Source; the connector is created when it opens.
func NewSource(c *SourceConfig) (*Source, error) {
	if c.Factory == nil || c.Table == nil {
		return nil, &SpecError{KindSource, "factory and table are required"}
	}
	if c.Factory.NewSource == nil {
		return nil, &SpecError{KindSource, fmt.Sprintf("connector '%s' cannot be used as a source", c.Factory.Name)}
	}
	return &Source{cfg: c}, nil
}

// Open creates and opens the connector source for this subtask.
func (s *Source) Open(ctx *OpContext) error {
	src, err := s.cfg.Factory.NewSource(s.cfg.Table)
	if err != nil {
		return err
	}
	s.src, s.ctx = src, ctx.Ctx
	s.skips.open(src, ctx.Metrics)
	return src.Open(ctx.Ctx, connector.Task{Subtask: ctx.Subtask, Parallelism: ctx.Parallelism, BatchSize: ctx.BatchSize})
}

// Next reads the next batch: io.EOF at the end, (nil, nil) when idle.
func (s *Source) Next(ctx context.Context) (*types.Batch, error) {
	b, err := s.src.Next(ctx)
	s.skips.update()
	return b, err
}

// ProcessBatch is never called: a source has no input.
func (s *Source) ProcessBatch(int, *types.Batch, Collector) error {
	return fmt.Errorf("%s has no input", s)
}

// Close closes the connector source.
func (s *Source) Close() error {
	if s.src == nil {
		return nil
	}
	return s.src.Close()
}

// String prints e.g. TableSourceScan(table=[[default_catalog,
// default_database, words]], fields=[word, n]), as Flink's EXPLAIN.
func (s *Source) String() string {
	return fmt.Sprintf("TableSourceScan(table=[[%s]], fields=[%s])",
		strings.Join(strings.Split(s.cfg.Table.Name, "."), ", "), fieldNames(s.cfg.Table.Schema))
}

func fieldNames(s *types.Schema) string {
	if s == nil {
		return ""
	}
	return strings.Join(s.Names(), ", ")
}
