package connector

import (
	"time"

	"github.com/spry-engine/spry/expr"
)

// WatermarkSource is implemented by a Source that produces event-time
// watermarks itself, for tables declaring
// `WATERMARK FOR ts AS SOURCE_WATERMARK()` (Flink's
// SupportsSourceWatermark). The runtime asks for the watermark after every
// call of Next, whether it returned rows or not, and passes it down the
// chain after the rows that call returned: a source that wants rows after a
// watermark returns the rows before it first, then reports the watermark,
// and returns the later rows on the next call.
//
// Sources of tables with any other WATERMARK clause may implement it too:
// their watermarks are then ignored, as Flink ignores a connector's
// watermarks unless the table asks for SOURCE_WATERMARK().
type WatermarkSource interface {
	Source
	// CurrentWatermark returns the source subtask's event-time watermark in
	// µs since the epoch (the same unit as TIMESTAMP values), or
	// math.MinInt64 while it has none. It must never decrease; a value not
	// above the last one reported is ignored.
	CurrentWatermark() int64
}

// IdleSource is optionally implemented by a WatermarkSource that can tell
// it will produce no rows for a while (a partition without data): while
// SourceIdle reports true the subtask is marked idle and does not hold back
// the watermark of downstream operators, as Flink's
// WatermarkOutput.markIdle. The next row or watermark makes it active again.
type IdleSource interface {
	SourceIdle() bool
}

// SkipCounter is optionally implemented by a Source whose format skips
// unparsable records (json.ignore-parse-errors and the like): Skipped
// returns how many this subtask skipped so far. The runtime reports it as
// the numSkippedRecords metric, so skipped rows are never silent.
type SkipCounter interface {
	Skipped() int64
}

// WatermarkPushDown is optionally implemented by a Source that generates
// a table's watermarks itself from its WATERMARK FOR expression (Flink's
// SupportsWatermarkPushDown), e.g. per Kafka partition so that a subtask
// reading several partitions does not drop a slower partition's rows as
// late. The planner calls ApplyWatermark before Open, on connectors
// registered with DeclareWatermarkPushDown, and only when the expression
// reads the source's output columns directly; the source must then
// return a WatermarkSource (and IdleSource) to use in its place, whose
// watermarks the assigner forwards as for SOURCE_WATERMARK(). The source
// itself does not implement WatermarkSource, so a SOURCE_WATERMARK()
// table over such a connector still fails as in Flink.
type WatermarkPushDown interface {
	// ApplyWatermark hands over the bound watermark expression (over the
	// source's output columns), the rowtime column's index and
	// table.exec.source.idle-timeout (0: partitions never go idle), and
	// returns the source to read from.
	ApplyWatermark(e expr.Expr, rowtimeIndex int, idleTimeout time.Duration) (WatermarkSource, error)
}

// watermarkPushDown holds the connector names declared by
// DeclareWatermarkPushDown; written only from init functions.
var watermarkPushDown = map[string]bool{}

// DeclareWatermarkPushDown records that the named connector's sources
// implement WatermarkPushDown. Call it from an init function.
func DeclareWatermarkPushDown(connectorName string) { watermarkPushDown[connectorName] = true }

// SupportsWatermarkPushDown reports whether the named connector declared
// WatermarkPushDown.
func SupportsWatermarkPushDown(connectorName string) bool { return watermarkPushDown[connectorName] }
