package ops

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// ExpandConfig configures Expand, which implements GROUPING SETS, ROLLUP
// and CUBE: every input row is emitted once per grouping set, with the
// columns outside the set replaced by NULL and a trailing BIGINT group id
// column ($e) telling the sets apart.
type ExpandConfig struct {
	// Projections holds one projection per grouping set: for each output
	// column before $e, the input column it copies, or -1 for NULL.
	Projections [][]int
	// GroupIDs holds the $e value of each projection.
	GroupIDs  []int64
	InSchema  *types.Schema
	OutSchema *types.Schema
}

// OutputSchema returns the configured output schema.
func (c *ExpandConfig) OutputSchema() *types.Schema { return c.OutSchema }

// ExpandConfigError reports an ExpandConfig that cannot run.
type ExpandConfigError struct{ Msg string }

func (e *ExpandConfigError) Error() string { return "expand: " + e.Msg }

type expand struct {
	BaseOperator
	cfg *ExpandConfig
	idx []int32
}

var _ Operator = (*expand)(nil)

// NewExpand returns an Expand operator for cfg.
func NewExpand(cfg *ExpandConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil || cfg.OutSchema == nil {
		return nil, &ExpandConfigError{"missing schema"}
	}
	if len(cfg.Projections) != len(cfg.GroupIDs) || len(cfg.Projections) == 0 {
		return nil, &ExpandConfigError{fmt.Sprintf("%d projections but %d group ids", len(cfg.Projections), len(cfg.GroupIDs))}
	}
	width := cfg.OutSchema.Len() - 1
	for i, p := range cfg.Projections {
		if len(p) != width {
			return nil, &ExpandConfigError{fmt.Sprintf("projection %d has %d columns, output has %d before $e", i, len(p), width)}
		}
		for _, c := range p {
			if c >= cfg.InSchema.Len() {
				return nil, &ExpandConfigError{fmt.Sprintf("projection %d reads column %d of %d", i, c, cfg.InSchema.Len())}
			}
		}
	}
	return &expand{cfg: cfg}, nil
}

// ProcessBatch emits, for each input row in order, one row per grouping
// set, as Flink's Expand does.
func (e *expand) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	sets := len(e.cfg.Projections)
	parts := make([]*types.Batch, sets)
	for k, p := range e.cfg.Projections {
		cols := make([]arrow.Array, 0, len(p)+1)
		for j, c := range p {
			if c < 0 {
				cols = append(cols, array.MakeArrayOfNull(memory.DefaultAllocator, types.ArrowType(e.cfg.OutSchema.Fields[j].Type), n))
			} else {
				cols = append(cols, b.Cols[c])
			}
		}
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = e.cfg.GroupIDs[k]
		}
		cols = append(cols, int64Array(ids))
		parts[k] = types.NewBatch(e.cfg.OutSchema, cols, b.Kinds, n)
	}
	all := kernel.Concat(parts)
	if sets == 1 {
		return out.Emit(all)
	}
	// Interleave: row i of set k sits at k*n+i in all.
	if cap(e.idx) < n*sets {
		e.idx = make([]int32, n*sets)
	}
	idx := e.idx[:n*sets]
	for i := 0; i < n; i++ {
		for k := 0; k < sets; k++ {
			idx[i*sets+k] = int32(k*n + i)
		}
	}
	return out.Emit(kernel.TakeBatch(all, idx))
}

// String prints the operator as Flink's EXPLAIN does:
// Expand(projects=[{a, b, 0 AS $e}, {a, null AS b, 1 AS $e}]).
func (e *expand) String() string {
	in, outNames := e.cfg.InSchema.Names(), e.cfg.OutSchema.Names()
	sets := make([]string, len(e.cfg.Projections))
	for k, p := range e.cfg.Projections {
		items := make([]string, 0, len(p)+1)
		for j, c := range p {
			switch {
			case c < 0:
				items = append(items, "null AS "+outNames[j])
			case in[c] == outNames[j]:
				items = append(items, in[c])
			default:
				items = append(items, in[c]+" AS "+outNames[j])
			}
		}
		items = append(items, fmt.Sprintf("%d AS %s", e.cfg.GroupIDs[k], outNames[len(outNames)-1]))
		sets[k] = "{" + strings.Join(items, ", ") + "}"
	}
	return "Expand(projects=[" + strings.Join(sets, ", ") + "])"
}
