package ops

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/types"
)

// windowRank is Flink's WindowRank / WindowDeduplicate: rows of a window
// TVF or window aggregation are buffered per window (by window_end), and
// when the watermark (or, for processing-time windows, the clock)
// passes a window's end its rows are ranked per partition and the rows
// in range are emitted as inserts. A window's result is final, so the
// output is insert-only; a row whose window has already fired is late,
// dropped and counted.
type windowRank struct {
	BaseOperator
	cfg       *RankConfig
	ctx       *OpContext
	windows   map[int64][]*types.Batch
	watermark int64
	late      *metrics.Counter
	batchSize int
}

var (
	_ Operator               = (*windowRank)(nil)
	_ Snapshotter            = (*windowRank)(nil)
	_ ProcessingTimeOperator = (*windowRank)(nil)
)

func newWindowRank(c *RankConfig) *windowRank {
	return &windowRank{cfg: c, windows: map[int64][]*types.Batch{}, watermark: math.MinInt64}
}

func (w *windowRank) Open(ctx *OpContext) error {
	w.ctx = ctx
	w.batchSize = ctx.BatchSize
	if w.batchSize <= 0 {
		w.batchSize = 4096
	}
	w.late = ctx.Metrics.Counter(metrics.LateRecordsDropped)
	return nil
}

func (w *windowRank) String() string { return w.cfg.describe() }

// fireTime is the instant at which the window ending at end (a wall-clock
// value of the session zone for TIMESTAMP_LTZ and proctime windows) is
// complete: its last µs... Flink's window max timestamp, end - 1 ms.
func (w *windowRank) fireTime(end int64) int64 {
	if w.cfg.WindowLocal && w.ctx != nil && w.ctx.Eval != nil {
		end = functions.ToUTC(end, w.ctx.Eval.Loc)
	}
	return end - 1000
}

// ProcessBatch buffers each row under its window, dropping late rows.
func (w *windowRank) ProcessBatch(_ int, b *types.Batch, _ Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	if !b.InsertOnly() {
		return fmt.Errorf("%s doesn't support consuming update and delete changes", w)
	}
	ends, ok := b.Cols[w.cfg.WindowEnd].(*array.Timestamp)
	if !ok {
		return fmt.Errorf("%s: window_end column is %s, want a timestamp", w, b.Cols[w.cfg.WindowEnd].DataType())
	}
	vals := ends.TimestampValues()
	first := int64(vals[0])
	same := true
	for _, v := range vals {
		if int64(v) != first {
			same = false
			break
		}
	}
	if same && !ends.IsNull(0) {
		if w.fireTime(first) <= w.watermark {
			w.late.Add(int64(n))
			return nil
		}
		w.windows[first] = append(w.windows[first], b)
		return nil
	}
	byEnd := map[int64][]int32{}
	for i, v := range vals {
		if ends.IsNull(i) {
			continue
		}
		if w.fireTime(int64(v)) <= w.watermark {
			w.late.Add(1)
			continue
		}
		byEnd[int64(v)] = append(byEnd[int64(v)], int32(i))
	}
	for end, idx := range byEnd {
		w.windows[end] = append(w.windows[end], kernel.TakeBatch(b, idx))
	}
	return nil
}

// ProcessWatermark fires the windows the watermark completes.
func (w *windowRank) ProcessWatermark(ts int64, out Collector) error {
	if ts <= w.watermark {
		return nil
	}
	w.watermark = ts
	if w.cfg.WindowProctime {
		return nil
	}
	return w.fire(ts, out)
}

// OnProcessingTime fires processing-time windows the clock completes.
func (w *windowRank) OnProcessingTime(now int64, out Collector) error {
	if !w.cfg.WindowProctime {
		return nil
	}
	return w.fire(now, out)
}

// EndInput fires every window left (a bounded input is complete).
func (w *windowRank) EndInput(_ int, out Collector) error {
	return w.fire(math.MaxInt64, out)
}

func (w *windowRank) fire(upTo int64, out Collector) error {
	var ready []int64
	for end := range w.windows {
		if upTo == math.MaxInt64 || w.fireTime(end) <= upTo {
			ready = append(ready, end)
		}
	}
	slices.Sort(ready)
	for _, end := range ready {
		bs := w.windows[end]
		delete(w.windows, end)
		if err := emitRanked(rankRows(w.cfg, kernel.Concat(bs)), w.batchSize, out); err != nil {
			return err
		}
	}
	return nil
}

// SnapshotState writes the watermark reached (operator-wide, so late
// rows stay late after a restore) and the buffered rows (all windows) as
// an Arrow IPC stream of input rows; restore re-buffers those of its key
// groups.
func (w *windowRank) SnapshotState(wr io.Writer) error {
	if err := binary.Write(wr, binary.LittleEndian, w.watermark); err != nil {
		return fmt.Errorf("window rank snapshot: %w", err)
	}
	iw := ipc.NewWriter(wr, ipc.WithSchema(types.ArrowSchema(w.cfg.InSchema)))
	for _, bs := range w.windows {
		for _, b := range bs {
			rec := types.NewBatch(w.cfg.InSchema, b.Cols, nil, b.Len()).Record()
			err := iw.Write(rec)
			rec.Release()
			if err != nil {
				return fmt.Errorf("window rank snapshot: %w", err)
			}
		}
	}
	return iw.Close()
}

// RestoreState re-buffers the snapshot's rows of this subtask's keys.
func (w *windowRank) RestoreState(r io.Reader) error {
	var wm int64
	if err := binary.Read(r, binary.LittleEndian, &wm); err != nil {
		return fmt.Errorf("window rank restore: %w", err)
	}
	w.watermark = max(w.watermark, wm)
	rd, err := ipc.NewReader(r)
	if err != nil {
		return fmt.Errorf("window rank restore: %w", err)
	}
	defer rd.Release()
	for rd.Next() {
		rec := rd.RecordBatch()
		rec.Retain()
		b := types.NewBatch(w.cfg.InSchema, rec.Columns(), nil, int(rec.NumRows()))
		if err := b.Validate(); err != nil {
			return fmt.Errorf("window rank restore: %w", err)
		}
		if err := w.ProcessBatch(0, ownedRows(w.ctx, w.cfg.PartitionKeys, b), nil); err != nil {
			return fmt.Errorf("window rank restore: %w", err)
		}
	}
	if err := rd.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("window rank restore: %w", err)
	}
	return nil
}
