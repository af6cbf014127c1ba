package connector

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/types"
)

// ProjectSource wraps src so that it emits only the columns cols (indexes
// into src's batches, in output order) under schema out: a zero-copy
// column selection. The planner uses it to push a projection into the
// scan of a connector that does not yet read projected columns itself
// (Factory.SupportsProjection), so plans and data already have the shape
// projection push-down gives.
func ProjectSource(src Source, cols []int, out *types.Schema) Source {
	return &projectSource{Source: src, cols: cols, out: out}
}

type projectSource struct {
	Source
	cols []int
	out  *types.Schema
}

// Unwrap returns the wrapped source, whose optional capabilities
// (watermarks, idleness, barriers, skip counts) a projection keeps.
func (p *projectSource) Unwrap() Source { return p.Source }

// Underlying returns src without the wrappers Spry adds around a
// connector's source (ProjectSource), so checks of optional interfaces
// such as WatermarkSource see the connector's own source.
func Underlying(src Source) Source {
	for {
		w, ok := src.(interface{ Unwrap() Source })
		if !ok {
			return src
		}
		src = w.Unwrap()
	}
}

// Next selects the projected columns of the wrapped source's batch.
func (p *projectSource) Next(ctx context.Context) (*types.Batch, error) {
	b, err := p.Source.Next(ctx)
	if b == nil || err != nil {
		return b, err
	}
	return ProjectBatch(b, p.cols, p.out), nil
}

// ProjectBatch returns the columns cols of b (indexes into b.Cols, in
// output order) as a batch of schema out, sharing b's arrays and row
// kinds: the one place a source narrows its batches to a pushed-down
// projection, whether wrapped by ProjectSource or projecting itself.
func ProjectBatch(b *types.Batch, cols []int, out *types.Schema) *types.Batch {
	sel := make([]arrow.Array, len(cols))
	for i, c := range cols {
		sel[i] = b.Cols[c]
	}
	return types.NewBatch(out, sel, b.Kinds, b.Len())
}
