package connector

import "context"

// WatermarkSink is implemented by sinks that act on event time: the
// runtime hands them each advance of their input's watermark (µs since
// the epoch; math.MaxInt64 at end of input). The filesystem sink commits
// partitions with it (Flink's 'partition-time' commit trigger).
type WatermarkSink interface {
	WriteWatermark(ctx context.Context, watermark int64) error
}
