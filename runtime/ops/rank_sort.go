package ops

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// TemporalSortConfig configures Flink's TemporalSort: a streaming ORDER BY
// whose first key is a time attribute ascending. Keys is the whole ORDER
// BY (the time column first).
type TemporalSortConfig struct {
	InSchema *types.Schema
	TimeCol  int
	Keys     []kernel.SortKey
	// Proctime sorts by arrival: rows are buffered and emitted, ordered
	// by the other keys, at each processing-time tick.
	Proctime bool
	Display  string
}

// OutputSchema returns the input schema.
func (c *TemporalSortConfig) OutputSchema() *types.Schema { return c.InSchema }

// TemporalSort buffers rows until the watermark passes their rowtime and
// then emits them in order (Flink's RowTimeSortOperator); rows at or
// before the watermark on arrival are late, dropped and counted.
type TemporalSort struct {
	BaseOperator
	cfg       *TemporalSortConfig
	buf       []*types.Batch
	watermark int64
	late      *metrics.Counter
	batchSize int
}

var (
	_ Operator               = (*TemporalSort)(nil)
	_ ProcessingTimeOperator = (*TemporalSort)(nil)
	_ Snapshotter            = (*TemporalSort)(nil)
)

// NewTemporalSort makes a TemporalSort.
func NewTemporalSort(c *TemporalSortConfig) (*TemporalSort, error) {
	if c.InSchema == nil || c.TimeCol < 0 || c.TimeCol >= c.InSchema.Len() || !c.InSchema.Fields[c.TimeCol].Type.Kind.IsTimestamp() {
		return nil, &SpecError{KindTemporalSort, fmt.Sprintf("time column %d is not a timestamp", c.TimeCol)}
	}
	return &TemporalSort{cfg: c, watermark: math.MinInt64}, nil
}

// Open prepares the late-row counter.
func (s *TemporalSort) Open(ctx *OpContext) error {
	s.batchSize = ctx.BatchSize
	if s.batchSize <= 0 {
		s.batchSize = 4096
	}
	s.late = ctx.Metrics.Counter(metrics.LateRecordsDropped)
	return nil
}

// String prints Flink's TemporalSort(orderBy=[...]).
func (s *TemporalSort) String() string {
	if s.cfg.Display != "" {
		return s.cfg.Display
	}
	return fmt.Sprintf("TemporalSort(orderBy=%v)", s.cfg.Keys)
}

// ProcessBatch buffers the rows that are not late.
func (s *TemporalSort) ProcessBatch(_ int, b *types.Batch, _ Collector) error {
	if b.Len() == 0 {
		return nil
	}
	if !b.InsertOnly() {
		return fmt.Errorf("%s doesn't support consuming update and delete changes", s)
	}
	if !s.cfg.Proctime && s.watermark != math.MinInt64 {
		ts := b.Cols[s.cfg.TimeCol].(*array.Timestamp).TimestampValues()
		var keep []int32
		for i, t := range ts {
			if int64(t) > s.watermark {
				keep = append(keep, int32(i))
			}
		}
		if len(keep) < b.Len() {
			s.late.Add(int64(b.Len() - len(keep)))
			if len(keep) == 0 {
				return nil
			}
			b = kernel.TakeBatch(b, keep)
		}
	}
	s.buf = append(s.buf, b)
	return nil
}

// ProcessWatermark emits the buffered rows with rowtime <= ts, in order.
func (s *TemporalSort) ProcessWatermark(ts int64, out Collector) error {
	if ts <= s.watermark {
		return nil
	}
	s.watermark = ts
	if s.cfg.Proctime {
		return nil
	}
	return s.flush(ts, out)
}

// OnProcessingTime emits a processing-time sort's buffer.
func (s *TemporalSort) OnProcessingTime(_ int64, out Collector) error {
	if !s.cfg.Proctime {
		return nil
	}
	return s.flush(math.MaxInt64, out)
}

// EndInput emits everything left.
func (s *TemporalSort) EndInput(_ int, out Collector) error {
	return s.flush(math.MaxInt64, out)
}

func (s *TemporalSort) flush(upTo int64, out Collector) error {
	if len(s.buf) == 0 {
		return nil
	}
	all := kernel.Concat(s.buf)
	s.buf = nil
	var ready, rest []int32
	if upTo == math.MaxInt64 {
		ready = nil
	} else {
		ts := all.Cols[s.cfg.TimeCol].(*array.Timestamp).TimestampValues()
		for i, t := range ts {
			if int64(t) <= upTo {
				ready = append(ready, int32(i))
			} else {
				rest = append(rest, int32(i))
			}
		}
		if len(rest) > 0 {
			s.buf = []*types.Batch{kernel.TakeBatch(all, rest)}
		}
		if len(ready) == 0 {
			return nil
		}
		all = kernel.TakeBatch(all, ready)
	}
	keys := s.cfg.Keys
	if s.cfg.Proctime && len(keys) > 0 {
		keys = keys[1:] // arrival order is the time order
	}
	res := all
	if len(keys) > 0 {
		res = kernel.TakeBatch(all, kernel.SortIndices(all.Cols, keys, all.Len()))
	}
	return emitRanked(types.NewBatch(s.cfg.InSchema, res.Cols, nil, res.Len()), s.batchSize, out)
}

// SnapshotState writes the buffered rows and the watermark reached (a
// global sort runs in one subtask, so its state has no key: key group
// -1, restored by every subtask).
func (s *TemporalSort) SnapshotState(w io.Writer) error {
	if err := binary.Write(w, binary.LittleEndian, s.watermark); err != nil {
		return fmt.Errorf("temporal sort snapshot: %w", err)
	}
	iw := ipc.NewWriter(w, ipc.WithSchema(types.ArrowSchema(s.cfg.InSchema)))
	for _, b := range s.buf {
		rec := types.NewBatch(s.cfg.InSchema, b.Cols, nil, b.Len()).Record()
		err := iw.Write(rec)
		rec.Release()
		if err != nil {
			return fmt.Errorf("temporal sort snapshot: %w", err)
		}
	}
	return iw.Close()
}

// RestoreState puts the snapshot's rows back into the buffer.
func (s *TemporalSort) RestoreState(r io.Reader) error {
	var wm int64
	if err := binary.Read(r, binary.LittleEndian, &wm); err != nil {
		return fmt.Errorf("temporal sort restore: %w", err)
	}
	s.watermark = max(s.watermark, wm)
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("temporal sort restore: %w", err)
	}
	defer rd.Release()
	for rd.Next() {
		rec := rd.RecordBatch()
		rec.Retain()
		b := types.NewBatch(s.cfg.InSchema, rec.Columns(), nil, int(rec.NumRows()))
		if err := b.Validate(); err != nil {
			return fmt.Errorf("temporal sort restore: %w", err)
		}
		s.buf = append(s.buf, b)
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("temporal sort restore: %w", err)
	}
	return nil
}
