package functions

import (
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Temporal casts. DATE is days, TIME milliseconds of the day, TIMESTAMP
// wall-clock microseconds and TIMESTAMP_LTZ instant microseconds; the
// session zone (ctx.Loc) links the wall clock and the instant.

// Calendar arithmetic (civil, daysOf, monthDays, divFloor) lives in
// temporal.go, shared with the temporal functions.
const (
	usPerMs  = 1000
	msPerDay = 86400 * 1000
)

func appendPadded(dst []byte, v int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

func appendDate(dst []byte, days int64) []byte {
	y, m, d := civil(days)
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int64(m), 2)
	dst = append(dst, '-')
	return appendPadded(dst, int64(d), 2)
}

// appendTimestamp prints wall-clock microseconds with exactly prec
// fractional digits, like types.FormatTimestamp.
func appendTimestamp(dst []byte, us int64, prec int) []byte {
	days, rem := divFloor(us, microsPerDay), modFloor(us, microsPerDay)
	dst = appendDate(dst, days)
	dst = append(dst, ' ')
	secs := rem / 1e6
	dst = appendPadded(dst, secs/3600, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, secs/60%60, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, secs%60, 2)
	if prec > 0 {
		var frac [9]byte
		f := rem % 1e6
		for i := 5; i >= 0; i-- {
			frac[i] = byte('0' + f%10)
			f /= 10
		}
		for i := 6; i < 9; i++ {
			frac[i] = '0'
		}
		dst = append(dst, '.')
		dst = append(dst, frac[:min(prec, 9)]...)
	}
	return dst
}

// wallMicros converts an instant to the wall clock of loc.
func wallMicros(us int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return us
	}
	_, off := time.UnixMicro(us).In(loc).Zone()
	return us + int64(off)*1e6
}

// instantMicros converts a wall-clock time in loc to an instant. Times in a
// DST gap or overlap resolve as Go's time.Date does.
func instantMicros(wall int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return wall
	}
	t := time.UnixMicro(wall).UTC()
	l := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	return l.UnixMicro()
}

// timeUnit is the milliseconds one digit of TIME(prec) stands for.
func timeUnit(prec int) int32 {
	unit := int32(1)
	for i := prec; i < 3; i++ {
		unit *= 10
	}
	return unit
}

// truncMicros drops digits beyond a TIMESTAMP precision.
func truncMicros(us int64, prec int) int64 {
	if prec >= 6 {
		return us
	}
	unit := int64(1)
	for i := prec; i < 6; i++ {
		unit *= 10
	}
	return us - modFloor(us, unit)
}

// scanInt reads 1..maxDigits decimal digits of s from i.
func scanInt(s string, i, maxDigits int) (v int64, next int, ok bool) {
	j := i
	for j < len(s) && j-i < maxDigits && s[j] >= '0' && s[j] <= '9' {
		v = v*10 + int64(s[j]-'0')
		j++
	}
	return v, j, j > i
}

// parseDateAt parses yyyy-M-d at the start of s.
func parseDateAt(s string) (days int64, next int, ok bool) {
	y, i, ok1 := scanInt(s, 0, 9)
	if !ok1 || i >= len(s) || s[i] != '-' {
		return 0, 0, false
	}
	m, i, ok2 := scanInt(s, i+1, 2)
	if !ok2 || i >= len(s) || s[i] != '-' {
		return 0, 0, false
	}
	d, i, ok3 := scanInt(s, i+1, 2)
	if !ok3 || m < 1 || m > 12 || d < 1 || d > int64(monthDays(y, int(m))) {
		return 0, 0, false
	}
	return daysOf(y, int(m), int(d)), i, true
}

// parseTimeAt parses H:m[:s[.fraction]] from s, returning microseconds.
func parseTimeAt(s string) (us int64, ok bool) {
	h, i, ok1 := scanInt(s, 0, 2)
	if !ok1 || i >= len(s) || s[i] != ':' {
		return 0, false
	}
	m, i, ok2 := scanInt(s, i+1, 2)
	if !ok2 {
		return 0, false
	}
	var sec, frac int64
	if i < len(s) && s[i] == ':' {
		var ok3 bool
		if sec, i, ok3 = scanInt(s, i+1, 2); !ok3 {
			return 0, false
		}
		if i < len(s) && s[i] == '.' {
			start := i + 1
			var ok4 bool
			if frac, i, ok4 = scanInt(s, start, 9); !ok4 {
				return 0, false
			}
			for n := i - start; n < 9; n++ {
				frac *= 10
			}
			frac /= 1000
		}
	}
	if i != len(s) || h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	return ((h*60+m)*60+sec)*1e6 + frac, true
}

// parseTimestamp parses 'yyyy-M-d[( |T)H:m[:s[.f]]]' as wall microseconds.
func parseTimestamp(s string) (int64, bool) {
	s = javaTrim(s)
	days, i, ok := parseDateAt(s)
	if !ok {
		return 0, false
	}
	if i == len(s) {
		return days * microsPerDay, true
	}
	if s[i] != ' ' && s[i] != 'T' {
		return 0, false
	}
	t, ok := parseTimeAt(s[i+1:])
	return days*microsPerDay + t, ok
}

func parseDate(s string) (int32, bool) {
	s = javaTrim(s)
	days, i, ok := parseDateAt(s)
	if ok && i != len(s) {
		_, ok = parseTimestamp(s)
	}
	return int32(days), ok
}

func parseTime(s string) (int32, bool) {
	us, ok := parseTimeAt(javaTrim(s))
	return int32(us / usPerMs), ok
}

// castStringTo parses a string column with parse, producing T values.
func castStringTo[T fixed](a arrow.Array, from, to types.DataType, try bool, parse func(string) (T, bool)) (arrow.Array, error) {
	rows := a.Len()
	get := strAt(a)
	valid := validBits(rows, a)
	out := make([]T, rows)
	for i := 0; i < rows; i++ {
		if !bitutil.BitIsSet(valid, i) {
			continue
		}
		v, ok := parse(get(i))
		if !ok {
			if _, err := castFail(try, get(i), from, to); err != nil {
				return nil, err
			}
			bitutil.ClearBit(valid, i)
		}
		out[i] = v
	}
	vb, nulls := finishValidity(valid, rows)
	return newFixedArray(types.ArrowType(to), out, vb, nulls), nil
}

func castToTemporal(from, to types.DataType) castFn {
	dt := types.ArrowType(to)
	fk, tk := from.Kind, to.Kind
	if fk.IsString() {
		return func(ctx *expr.Context, a arrow.Array, try bool) (arrow.Array, error) {
			loc := ctxLoc(ctx)
			switch tk {
			case types.KindDate:
				return castStringTo(a, from, to, try, parseDate)
			case types.KindTime:
				unit := timeUnit(to.Prec)
				return castStringTo(a, from, to, try, func(s string) (int32, bool) {
					ms, ok := parseTime(s)
					return ms - ms%unit, ok
				})
			}
			return castStringTo(a, from, to, try, func(s string) (int64, bool) {
				us, ok := parseTimestamp(s)
				us = truncMicros(us, to.Prec)
				if tk == types.KindTimestampLTZ {
					us = instantMicros(us, loc)
				}
				return us, ok
			})
		}
	}
	ok := func(f func(loc *time.Location, a arrow.Array) arrow.Array) castFn {
		return func(ctx *expr.Context, a arrow.Array, _ bool) (arrow.Array, error) { return f(ctxLoc(ctx), a), nil }
	}
	switch {
	case tk == types.KindDate && fk == types.KindDate:
		return castIdentity
	case tk == types.KindDate && fk.IsTimestamp():
		return ok(func(loc *time.Location, a arrow.Array) arrow.Array {
			return mapUnary(a, dt, func(us int64) int32 {
				if fk == types.KindTimestampLTZ {
					us = wallMicros(us, loc)
				}
				return int32(divFloor(us, microsPerDay))
			})
		})
	case tk == types.KindTime && fk == types.KindTime:
		unit := timeUnit(to.Prec)
		return ok(func(_ *time.Location, a arrow.Array) arrow.Array {
			return mapUnary(a, dt, func(ms int32) int32 { return ms - ms%unit })
		})
	case tk == types.KindTime && fk.IsTimestamp():
		return ok(func(loc *time.Location, a arrow.Array) arrow.Array {
			return mapUnary(a, dt, func(us int64) int32 {
				if fk == types.KindTimestampLTZ {
					us = wallMicros(us, loc)
				}
				return int32(modFloor(us, microsPerDay) / usPerMs)
			})
		})
	case tk.IsTimestamp() && fk == types.KindTime:
		// The time of day on 1970-01-01, as Flink's TimeToTimestampCastRule.
		return ok(func(loc *time.Location, a arrow.Array) arrow.Array {
			return mapUnary(a, dt, func(ms int32) int64 {
				us := truncMicros(int64(ms)*usPerMs, to.Prec)
				if tk == types.KindTimestampLTZ {
					us = instantMicros(us, loc)
				}
				return us
			})
		})
	case tk.IsTimestamp() && fk == types.KindDate:
		return ok(func(loc *time.Location, a arrow.Array) arrow.Array {
			return mapUnary(a, dt, func(d int32) int64 {
				us := int64(d) * microsPerDay
				if tk == types.KindTimestampLTZ {
					us = instantMicros(us, loc)
				}
				return us
			})
		})
	case tk.IsTimestamp() && fk.IsTimestamp():
		return ok(func(loc *time.Location, a arrow.Array) arrow.Array {
			return mapUnary(a, dt, func(us int64) int64 {
				switch {
				case fk == types.KindTimestamp && tk == types.KindTimestampLTZ:
					us = instantMicros(truncMicros(us, to.Prec), loc)
				case fk == types.KindTimestampLTZ && tk == types.KindTimestamp:
					us = truncMicros(wallMicros(us, loc), to.Prec)
				default:
					us = truncMicros(us, to.Prec)
				}
				return us
			})
		})
	}
	return nil
}
