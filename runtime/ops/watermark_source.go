package ops

import (
	"math"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/metrics"
)

// SourceWatermark reports the watermark the connector source produced
// itself (connector.WatermarkSource, for SOURCE_WATERMARK()) and whether it
// says it is idle (connector.IdleSource); math.MinInt64 when it produces
// none. The runtime reads it after every call of Next.
func (s *Source) SourceWatermark() (wm int64, idle bool) {
	ws, ok := connector.Underlying(s.src).(connector.WatermarkSource)
	if !ok {
		return math.MinInt64, false
	}
	if is, ok := connector.Underlying(s.src).(connector.IdleSource); ok {
		idle = is.SourceIdle()
	}
	return ws.CurrentWatermark(), idle
}

// ProducesWatermarks reports whether the connector source produces its own
// watermarks (connector.WatermarkSource), as SOURCE_WATERMARK() needs.
func (s *Source) ProducesWatermarks() bool {
	_, ok := connector.Underlying(s.src).(connector.WatermarkSource)
	return ok
}

// skipCount publishes a connector's skipped-record count
// (connector.SkipCounter) as the numSkippedRecords metric.
type skipCount struct {
	src     connector.SkipCounter
	counter *metrics.Counter
	seen    int64
}

// open picks up the source's counter, if it keeps one.
func (c *skipCount) open(src connector.Source, g *metrics.Group) {
	if sc, ok := connector.Underlying(src).(connector.SkipCounter); ok {
		c.src, c.counter = sc, g.Counter(metrics.SkippedRecords)
	}
}

// update adds the records skipped since the last call.
func (c *skipCount) update() {
	if c.src == nil {
		return
	}
	if n := c.src.Skipped(); n > c.seen {
		c.counter.Add(n - c.seen)
		c.seen = n
	}
}
