package ops

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/types"
)

// The window operator kinds (see Build).
const (
	KindWindowAgg Kind = "WindowAggregate"     // *WindowAggConfig: window aggregation (TVF merged in)
	KindWindowTVF Kind = "WindowTableFunction" // *WindowTVFConfig: window TVF on its own
)

// WindowKind is the kind of a window TVF, as plan.WindowKind (the runtime
// does not import plan).
type WindowKind uint8

// Window kinds.
const (
	WindowTumble WindowKind = iota
	WindowHop
	WindowCumulate
	WindowSession
)

// String returns the TVF's name.
func (k WindowKind) String() string {
	return [...]string{"TUMBLE", "HOP", "CUMULATE", "SESSION"}[k]
}

// WindowAssigner is how a window operator assigns rows to windows. All
// durations are µs, as TIMESTAMP values.
type WindowAssigner struct {
	Kind WindowKind
	// TimeCol is the input's time attribute column.
	TimeCol int
	// Proctime windows use the job's processing time (OpContext.Now), not
	// the column, and fire on processing time.
	Proctime bool
	Size     int64 // TUMBLE, HOP; CUMULATE's max size
	Slide    int64 // HOP's slide; CUMULATE's step
	Gap      int64 // SESSION
	Offset   int64
	// LTZ marks a TIMESTAMP_LTZ (or processing) time: windows are aligned
	// on the wall clock of the session time zone (table.local-time-zone),
	// window_start / window_end are those wall-clock values, and a window
	// fires when time reaches the instant of its end, as Flink.
	LTZ bool
	// Attached windows were assigned upstream: TimeCol is the input's
	// window_end column (wall clock for LTZ windows) and each row belongs
	// to the window ending there, as Flink's window-attached aggregation.
	Attached bool

	loc *time.Location // set by the operator's Open when LTZ
}

// setZone takes the session time zone from ctx for LTZ windows.
func (w *WindowAssigner) setZone(ctx *OpContext) {
	if w.LTZ && ctx != nil && ctx.Eval != nil && ctx.Eval.Loc != nil && ctx.Eval.Loc != time.UTC {
		w.loc = ctx.Eval.Loc
	}
}

// local returns the wall-clock value windows are aligned on.
func (w *WindowAssigner) local(ts int64) int64 {
	if w.loc == nil {
		return ts
	}
	return functions.ToLocal(ts, w.loc)
}

// instant returns the instant of a window bound (wall clock for LTZ).
func (w *WindowAssigner) instant(wall int64) int64 {
	if w.loc == nil {
		return wall
	}
	return functions.ToUTC(wall, w.loc)
}

// windowTime returns window_time of a window ending at end: its last
// instant (end - 1 ms), an instant for LTZ windows.
func (w *WindowAssigner) windowTime(end int64) int64 {
	return w.instant(end) - windowMs
}

// windowMs is one millisecond in µs: a window [start, end) holds rows up to
// end - 1 ms, Flink's window max timestamp, which is also window_time.
const windowMs = 1000

// validate rejects sizes that would divide by zero or loop forever.
func (w *WindowAssigner) validate() error {
	switch w.Kind {
	case WindowTumble:
		if w.Size <= 0 {
			return fmt.Errorf("TUMBLE window size must be positive, got %d µs", w.Size)
		}
	case WindowHop:
		if w.Size <= 0 || w.Slide <= 0 {
			return fmt.Errorf("HOP window size %d µs and slide %d µs must be positive", w.Size, w.Slide)
		}
	case WindowCumulate:
		if w.Size <= 0 || w.Slide <= 0 || w.Size%w.Slide != 0 {
			return fmt.Errorf("%s window size %d µs must be a positive multiple of %d µs", w.Kind, w.Size, w.Slide)
		}
	case WindowSession:
		if w.Gap <= 0 {
			return fmt.Errorf("SESSION window gap must be positive, got %d µs", w.Gap)
		}
	}
	return nil
}

// floorTo returns the largest start <= ts aligned to size from offset.
func floorTo(ts, offset, size int64) int64 {
	m := (ts - offset) % size
	if m < 0 {
		m += size
	}
	return ts - m
}

// pane returns the width of the slices rows are late against: the window
// for TUMBLE, the slide for HOP, the step for CUMULATE. A row is late when
// its slice (and so every window still to hold it) has fired.
func (w *WindowAssigner) pane() int64 {
	if w.Kind == WindowTumble {
		return w.Size
	}
	return w.Slide
}

// paneEnd returns the end of ts's slice.
func (w *WindowAssigner) paneEnd(ts int64) int64 {
	p := w.pane()
	return floorTo(ts, w.Offset, p) + p
}

// appendWindows appends to ends the end of every window holding ts, and to
// rows row once per window, in ascending end order.
func (w *WindowAssigner) appendWindows(ts int64, row int32, rows []int32, ends []int64) ([]int32, []int64) {
	switch w.Kind {
	case WindowTumble:
		return append(rows, row), append(ends, floorTo(ts, w.Offset, w.Size)+w.Size)
	case WindowHop:
		// Starts aligned to the slide in (ts - size, ts], ascending; the
		// size need not be a multiple of the slide.
		last := floorTo(ts, w.Offset, w.Slide)
		first := last - (last-ts+w.Size-1)/w.Slide*w.Slide
		for s := first; s <= last; s += w.Slide {
			rows, ends = append(rows, row), append(ends, s+w.Size)
		}
	case WindowCumulate:
		start := floorTo(ts, w.Offset, w.Size)
		for e := floorTo(ts, w.Offset, w.Slide) + w.Slide; e <= start+w.Size; e += w.Slide {
			rows, ends = append(rows, row), append(ends, e)
		}
	}
	return rows, ends
}

// startOf returns the start of the window ending at end (not for SESSION).
func (w *WindowAssigner) startOf(end int64) int64 {
	if w.Kind == WindowCumulate {
		return floorTo(end-windowMs, w.Offset, w.Size)
	}
	return end - w.Size
}

// String prints the window as Flink's EXPLAIN, e.g.
// TUMBLE(time_col=[ts], size=[10 min]); timeName names the time column.
func (w *WindowAssigner) String(timeName string) string {
	d := func(us int64) string { return formatDuration(us) }
	s := fmt.Sprintf("%s(time_col=[%s], ", w.Kind, timeName)
	switch w.Kind {
	case WindowTumble:
		s += "size=[" + d(w.Size) + "]"
	case WindowHop:
		s += "size=[" + d(w.Size) + "], slide=[" + d(w.Slide) + "]"
	case WindowCumulate:
		s += "max_size=[" + d(w.Size) + "], step=[" + d(w.Slide) + "]"
	case WindowSession:
		s += "gap=[" + d(w.Gap) + "]"
	}
	if w.Offset != 0 {
		s += ", offset=[" + d(w.Offset) + "]"
	}
	return s + ")"
}

// formatDuration prints µs with the largest unit dividing it, as Flink's
// TimeUtils.formatWithHighestUnit.
func formatDuration(us int64) string {
	ms := us / 1000
	for _, u := range []struct {
		n    int64
		name string
	}{{86400000, "d"}, {3600000, "h"}, {60000, "min"}, {1000, "s"}} {
		if ms != 0 && ms%u.n == 0 {
			return fmt.Sprintf("%d %s", ms/u.n, u.name)
		}
	}
	return fmt.Sprintf("%d ms", ms)
}

// timesOf returns the µs values of a TIMESTAMP / TIMESTAMP_LTZ column.
func timesOf(a arrow.Array) ([]arrow.Timestamp, error) {
	t, ok := a.(*array.Timestamp)
	if !ok {
		return nil, fmt.Errorf("window time column is %s, want a TIMESTAMP", a.DataType())
	}
	return t.TimestampValues(), nil
}

// int64Column wraps vals (not copied) as an Arrow array of type t, a
// 64-bit type (BIGINT, TIMESTAMP, TIMESTAMP_LTZ) without NULLs.
func int64Column(vals []int64, t types.DataType) arrow.Array {
	buf := memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals))
	data := array.NewData(types.ArrowType(t), len(vals), []*memory.Buffer{nil, buf}, nil, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}
