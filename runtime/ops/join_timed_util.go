package ops

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/types"
)

// Helpers shared by the time-bounded joins (interval, window, temporal).

// emitPadded emits stored rows refs of side input (0 left, 1 right)
// padded with NULLs for the other side.
func emitPadded(input int, s *timedStore, refs []rowRef, outSchema *types.Schema, size int, out Collector) error {
	selfCols := takeRefs(s.schema, s.chunks, refs)
	var cols []arrow.Array
	if input == 0 {
		cols = append(selfCols, nullColumns(types.NewSchema(outSchema.Fields[len(selfCols):]...), len(refs))...)
	} else {
		cols = append(nullColumns(types.NewSchema(outSchema.Fields[:outSchema.Len()-len(selfCols)]...), len(refs)), selfCols...)
	}
	return emitSliced(out, types.NewBatch(outSchema, cols, nil, len(refs)), size)
}

// satAdd adds without overflowing past the int64 range.
func satAdd(a, b int64) int64 {
	s := a + b
	if b > 0 && s < a {
		return math.MaxInt64
	}
	if b < 0 && s > a {
		return math.MinInt64
	}
	return s
}

// emitWatermark forwards a watermark when the collector can carry one.
func emitWatermark(out Collector, ts int64) error {
	if w, ok := out.(WatermarkCollector); ok {
		return w.EmitWatermark(ts)
	}
	return nil
}
