package kafka

import (
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

func init() {
	connector.DeclareWatermarkPushDown(Factory.Name)
	connector.DeclareWatermarkPushDown(UpsertFactory.Name)
}

var (
	_ connector.WatermarkPushDown = (*Source)(nil)
	_ connector.WatermarkSource   = watermarked{}
	_ connector.IdleSource        = watermarked{}
)

// watermarked is a Source generating its table's watermarks per
// partition. Only it implements connector.WatermarkSource: a plain Kafka
// source has no watermarks of its own, so SOURCE_WATERMARK() fails on
// Kafka tables as in Flink. Embedding keeps the Source's other methods
// (state, skipped-record count) visible to the runtime.
type watermarked struct{ *Source }

// partWatermarks generates a table's watermarks per partition, as Flink's
// KafkaSource does with a pushed-down WATERMARK clause: each partition
// keeps the largest watermark expression value of its own rows, and the
// subtask's watermark is the minimum over its live partitions, so rows of
// a partition that lags behind the others are never late because of them.
// Partitions without records for the idle timeout do not hold it back.
type partWatermarks struct {
	e       expr.Expr
	eval    *expr.Context
	idle    time.Duration
	max     map[tp]int64     // largest watermark per partition
	active  map[tp]time.Time // last record (or assignment) per partition
	runs    []partRun        // partitions of the rows of the batch being built
	emitted int64            // last watermark reported; never decreases
}

// partRun says the next n rows of a batch came from partition p.
type partRun struct {
	p tp
	n int
}

// ApplyWatermark makes the source generate watermarks from e per
// partition (connector.WatermarkPushDown); read from the returned source.
func (s *Source) ApplyWatermark(e expr.Expr, rowtimeIndex int, idleTimeout time.Duration) (connector.WatermarkSource, error) {
	schema := s.t.Schema
	if s.out != nil {
		schema = s.out
	}
	if rowtimeIndex < 0 || rowtimeIndex >= schema.Len() {
		return nil, s.wrap(fmt.Errorf("watermark rowtime index %d outside the source's %d columns", rowtimeIndex, schema.Len()))
	}
	if k := e.Type().Kind; k != types.KindTimestamp && k != types.KindTimestampLTZ {
		return nil, s.wrap(fmt.Errorf("watermark expression must be TIMESTAMP or TIMESTAMP_LTZ, found %s", e.Type()))
	}
	s.wm = &partWatermarks{e: e, eval: expr.NewContext(nil), idle: idleTimeout,
		max: map[tp]int64{}, active: map[tp]time.Time{}, emitted: math.MinInt64}
	return watermarked{s}, nil
}

// assigned starts tracking a newly owned partition: it counts as active
// from now, so a partition without data goes idle after the timeout.
func (w *partWatermarks) assigned(p tp) {
	if _, ok := w.max[p]; !ok {
		w.max[p] = math.MinInt64
		w.active[p] = time.Now()
	}
}

// record notes a record of p that added n rows to the batch being built.
func (w *partWatermarks) record(p tp, n int, now time.Time) {
	w.active[p] = now
	if n == 0 {
		return
	}
	if k := len(w.runs); k > 0 && w.runs[k-1].p == p {
		w.runs[k-1].n += n
		return
	}
	w.runs = append(w.runs, partRun{p, n})
}

// observe evaluates the watermark expression over a finished batch and
// raises each partition's maximum from its own rows.
func (w *partWatermarks) observe(b *types.Batch) error {
	runs := w.runs
	w.runs = w.runs[:0]
	if b == nil || b.Len() == 0 {
		return nil
	}
	a, err := w.e.Eval(w.eval, b)
	if err != nil {
		return err
	}
	ts, ok := a.(*array.Timestamp)
	if !ok {
		return fmt.Errorf("watermark expression evaluated to %T, not a timestamp array", a)
	}
	vals := ts.TimestampValues()
	i := 0
	for _, r := range runs {
		m := w.max[r.p]
		end := min(i+r.n, len(vals))
		for ; i < end; i++ {
			if v := int64(vals[i]); v > m && ts.IsValid(i) {
				m = v
			}
		}
		w.max[r.p] = m
	}
	return nil
}

// current is the minimum watermark over live partitions that are not
// idle; idle reports that every live partition is idle (or, with an idle
// timeout, that the subtask owns none).
func (w *partWatermarks) current(live func(tp) bool, now time.Time) (wm int64, idle bool) {
	wm, any := int64(math.MaxInt64), false
	for p, m := range w.max {
		if !live(p) || w.idle > 0 && now.Sub(w.active[p]) > w.idle {
			continue
		}
		any = true
		wm = min(wm, m)
	}
	if !any {
		// Without an idle timeout a subtask owning no partitions is not
		// idle either: Flink's Kafka source does not go idle by itself
		// when the parallelism exceeds the partitions.
		return w.emitted, w.idle > 0
	}
	if wm > w.emitted {
		w.emitted = wm
	}
	return w.emitted, false
}

// live reports whether the subtask still reads p: bounded partitions at
// their end no longer hold back the watermark, as finished Flink splits.
func (s *Source) live(p tp) bool {
	e, ok := s.stop[p]
	return !ok || s.pos[p] < e
}

// CurrentWatermark is the minimum of the per-partition watermarks over
// the subtask's live, non-idle partitions (connector.WatermarkSource);
// math.MinInt64 while a partition has none yet.
func (s watermarked) CurrentWatermark() int64 {
	wm, _ := s.wm.current(s.live, time.Now())
	return wm
}

// SourceIdle reports that all the subtask's partitions are idle, so it
// must not hold back downstream watermarks.
func (s watermarked) SourceIdle() bool {
	_, idle := s.wm.current(s.live, time.Now())
	return idle
}
