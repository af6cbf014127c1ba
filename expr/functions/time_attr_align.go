package functions

import "time"

// Window alignment helpers shared by the window operators (window TVFs and
// legacy group windows) and the planner. Times are µs since the epoch.
// Windows over a TIMESTAMP_LTZ (or proctime) attribute are aligned in the
// session time zone, as Flink does: the instant is turned into the
// wall-clock time of table.local-time-zone (ToLocal), windows are cut on
// that wall clock (WindowStart), and a window end is turned back into the
// instant at which it closes (ToUTC) to compare it with watermarks and
// processing time. TIMESTAMP attributes are wall-clock values already and
// need no conversion.

// WindowStart returns the start of the size-long window containing ts,
// with windows shifted by offset, as Flink's
// TimeWindow.getWindowStartWithOffset (correct for negative ts too).
func WindowStart(ts, size, offset int64) int64 {
	r := (ts - offset) % size
	if r < 0 {
		r += size
	}
	return ts - r
}

// ToLocal converts the instant ts into the wall-clock time of loc, as
// Flink's TimeWindowUtil.toUtcTimestampMills's inverse: the returned value
// reads as a TIMESTAMP (no zone). A nil loc or UTC returns ts.
func ToLocal(ts int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return ts
	}
	_, off := time.UnixMicro(ts).In(loc).Zone()
	return ts + int64(off)*1_000_000
}

// ToUTC converts a wall-clock time of loc back to an instant, resolving
// daylight-saving transitions as Flink (java.time) does: a wall time that
// occurs twice takes the earlier instant; one skipped by a gap is moved
// forward by the gap's length. A nil loc or UTC returns wall.
func ToUTC(wall int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return wall
	}
	offAt := func(instant int64) int64 {
		_, off := time.UnixMicro(instant).In(loc).Zone()
		return int64(off) * 1_000_000
	}
	guess := wall - offAt(wall)
	t := time.UnixMicro(guess).In(loc)
	offs := []int64{offAt(guess)}
	if start, end := t.ZoneBounds(); !start.IsZero() || !end.IsZero() {
		if !start.IsZero() {
			offs = append(offs, offAt(start.UnixMicro()-1))
		}
		if !end.IsZero() {
			offs = append(offs, offAt(end.UnixMicro()))
		}
	}
	best, found, minOff := int64(0), false, offs[0]
	for _, o := range offs {
		if c := wall - o; offAt(c) == o && (!found || c < best) {
			best, found = c, true
		}
		if o < minOff {
			minOff = o
		}
	}
	if found {
		return best
	}
	return wall - minOff // in a gap: shifted forward by the gap
}

// AlignLocal returns, as an instant, the start of the window containing
// the instant ts when windows of size (shifted by offset) are cut on the
// wall clock of loc.
func AlignLocal(ts, size, offset int64, loc *time.Location) int64 {
	return ToUTC(WindowStart(ToLocal(ts, loc), size, offset), loc)
}
