package connector

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
