package ops

import (
	"fmt"
	"time"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// RankType is the ranking function of a Rank operator.
type RankType uint8

// Ranking functions, as Flink's RankType.
const (
	RowNumber RankType = iota
	RankRank
	DenseRank
)

// String returns Flink's rankType spelling.
func (t RankType) String() string {
	return [...]string{"ROW_NUMBER", "RANK", "DENSE_RANK"}[t]
}

// RankStrategy is how a streaming Top-N keeps its state, as Flink's
// RankProcessStrategy.
type RankStrategy uint8

// Streaming Top-N strategies.
const (
	// AppendFastStrategy serves insert-only input: each partition keeps
	// only its current top rows.
	AppendFastStrategy RankStrategy = iota
	// RetractStrategy serves input with updates and deletes: each
	// partition keeps every row, so a retracted top row can be replaced
	// by the next one.
	RetractStrategy
)

// String returns Flink's strategy name.
func (s RankStrategy) String() string {
	return [...]string{"AppendFastStrategy", "RetractStrategy"}[s]
}

// RankConfig configures a Rank operator: per partition, the rows ranked
// by OrderKeys whose rank lies in [RankStart, RankEnd].
type RankConfig struct {
	InSchema      *types.Schema
	PartitionKeys []int
	OrderKeys     []kernel.SortKey
	Type          RankType
	// RankStart and RankEnd are inclusive, counted from 1.
	RankStart, RankEnd int64
	// OutputRankNumber appends the rank as a BIGINT column named RankName.
	OutputRankNumber bool
	RankName         string
	Strategy         RankStrategy
	// Window marks a window Top-N (WindowRank): rows are buffered per
	// window, keyed by the window_end column WindowEnd, and the window's
	// final top rows are emitted, insert-only, once the watermark passes
	// its end.
	Window    bool
	WindowEnd int
	// WindowLocal marks window bounds that are wall-clock values of the
	// session time zone (TIMESTAMP_LTZ or proctime windows); WindowProctime
	// fires windows by the job clock instead of the watermark.
	WindowLocal, WindowProctime bool
	// TieLast, for deduplication keeping the last row, ranks rows with
	// equal order keys latest first (the row that arrived last wins).
	TieLast bool
	// Batch ranks the whole bounded input at its end (batch mode).
	Batch bool
	// TTL expires a partition's state after this long without access
	// (table.exec.state.ttl); zero keeps it forever.
	TTL time.Duration
	// Name and Display are how the operator prints (Rank, WindowRank,
	// WindowDeduplicate and Flink's attributes).
	Name, Display string
}

// OutputSchema returns the input columns and the rank column if output.
func (c *RankConfig) OutputSchema() *types.Schema {
	out := &types.Schema{Fields: append([]types.Field(nil), c.InSchema.Fields...)}
	if c.OutputRankNumber {
		name := c.RankName
		if name == "" {
			name = "w0$o0"
		}
		out.Fields = append(out.Fields, types.Field{Name: name, Type: types.BigInt.NotNullable()})
	}
	return out
}

func (c *RankConfig) validate() error {
	if c.InSchema == nil {
		return &SpecError{KindRank, "no input schema"}
	}
	if c.RankStart < 1 || c.RankEnd < 0 {
		return &SpecError{KindRank, fmt.Sprintf("invalid rank range [%d, %d]", c.RankStart, c.RankEnd)}
	}
	n := c.InSchema.Len()
	for _, k := range c.PartitionKeys {
		if k < 0 || k >= n {
			return &SpecError{KindRank, fmt.Sprintf("partition key %d out of range for %d columns", k, n)}
		}
	}
	for _, k := range c.OrderKeys {
		if k.Col < 0 || k.Col >= n {
			return &SpecError{KindRank, fmt.Sprintf("order key %d out of range for %d columns", k.Col, n)}
		}
	}
	if c.Window && (c.WindowEnd < 0 || c.WindowEnd >= n) {
		return &SpecError{KindRank, fmt.Sprintf("window end column %d out of range for %d columns", c.WindowEnd, n)}
	}
	return nil
}

// describe prints the operator as Flink's EXPLAIN does when the planner
// gave no display string.
func (c *RankConfig) describe() string {
	if c.Display != "" {
		return c.Display
	}
	name := c.Name
	if name == "" {
		name = "Rank"
	}
	return fmt.Sprintf("%s(rankType=[%s], rankRange=[rankStart=%d, rankEnd=%d], partitionBy=%v, orderBy=%v)",
		name, c.Type, c.RankStart, c.RankEnd, c.PartitionKeys, c.OrderKeys)
}

// NewRank builds the operator the config asks for: a window Top-N, a
// batch rank, or a streaming Top-N.
func NewRank(c *RankConfig) (Operator, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	switch {
	case c.Window:
		return newWindowRank(c), nil
	case c.Batch:
		return &batchRank{cfg: c}, nil
	}
	return newTopN(c), nil
}
