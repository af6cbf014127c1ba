package format

import (
	"errors"
	"fmt"
	"strconv"
)

// Text conversions shared by the text formats (CSV, JSON and the formats
// built on them). They parse and print the forms Flink's formats use,
// without going through time.Time or big.Int on the common paths.

// ErrSyntax is wrapped by the parse errors of this file.
var ErrSyntax = errors.New("invalid syntax")

func syntaxErr(what string, s []byte) error {
	return fmt.Errorf("%w: cannot parse '%s' as %s", ErrSyntax, s, what)
}

// DaysFromCivil returns the days since 1970-01-01 of a proleptic
// Gregorian date.
func DaysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// CivilFromDays is the inverse of DaysFromCivil.
func CivilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// digits reads between min and max ASCII digits at s[i:].
func digits(s []byte, i, min, max int) (v int64, next int, ok bool) {
	j := i
	for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
		v = v*10 + int64(s[j]-'0')
		j++
	}
	return v, j, j-i >= min
}

// parseDatePart reads yyyy-MM-dd (lenient: yyyy-M-d, as java.sql.Date
// accepts) at the start of s and returns the day number and the rest.
func parseDatePart(s []byte, lenient bool) (int64, int, bool) {
	mn := 2
	if lenient {
		mn = 1
	}
	y, i, ok := digits(s, 0, 4, 4)
	if !ok || i >= len(s) || s[i] != '-' {
		return 0, 0, false
	}
	m, i, ok := digits(s, i+1, mn, 2)
	if !ok || i >= len(s) || s[i] != '-' {
		return 0, 0, false
	}
	d, i, ok := digits(s, i+1, mn, 2)
	if !ok || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, false
	}
	return DaysFromCivil(y, m, d), i, true
}

// ParseDate parses yyyy-MM-dd (ISO_LOCAL_DATE) into days since the epoch;
// lenient also accepts one-digit months and days (java.sql.Date.valueOf,
// which Flink's CSV format uses).
func ParseDate(s []byte, lenient bool) (int32, error) {
	d, i, ok := parseDatePart(s, lenient)
	if !ok || i != len(s) {
		return 0, syntaxErr("DATE", s)
	}
	return int32(d), nil
}

// parseTimePart reads HH:mm[:ss[.fffffffff]] at s[i:] and returns
// nanoseconds of the day; seconds are required unless secOptional.
func parseTimePart(s []byte, i int, secOptional bool) (int64, int, bool) {
	h, i, ok := digits(s, i, 2, 2)
	if !ok || i >= len(s) || s[i] != ':' || h > 23 {
		return 0, 0, false
	}
	m, i, ok := digits(s, i+1, 2, 2)
	if !ok || m > 59 {
		return 0, 0, false
	}
	var sec, nanos int64
	if i < len(s) && s[i] == ':' {
		if sec, i, ok = digits(s, i+1, 2, 2); !ok || sec > 59 {
			return 0, 0, false
		}
		if i < len(s) && s[i] == '.' {
			start := i + 1
			var f int64
			if f, i, ok = digits(s, start, 1, 9); !ok {
				return 0, 0, false
			}
			for n := i - start; n < 9; n++ {
				f *= 10
			}
			nanos = f
		}
	} else if !secOptional {
		return 0, 0, false
	}
	return ((h*60+m)*60+sec)*1e9 + nanos, i, true
}

// ParseTime parses HH:mm:ss[.fff] (secOptional: also HH:mm, as ISO
// LocalTime) into milliseconds of the day.
func ParseTime(s []byte, secOptional bool) (int32, error) {
	ns, i, ok := parseTimePart(s, 0, secOptional)
	if !ok || i != len(s) {
		return 0, syntaxErr("TIME", s)
	}
	return int32(ns / 1e6), nil
}

// TimestampLayout says how a timestamp is written.
type TimestampLayout struct {
	Sep         byte // ' ' (SQL) or 'T' (ISO-8601) between date and time
	SecOptional bool // ISO-8601 allows HH:mm
	Zulu        bool // a trailing 'Z' (TIMESTAMP_LTZ)
}

// Timestamp layouts of Flink's 'timestamp-format.standard'.
var (
	SQLTimestamp    = TimestampLayout{Sep: ' '}
	ISOTimestamp    = TimestampLayout{Sep: 'T', SecOptional: true}
	SQLTimestampLTZ = TimestampLayout{Sep: ' ', Zulu: true}
	ISOTimestampLTZ = TimestampLayout{Sep: 'T', SecOptional: true, Zulu: true}
)

// ParseTimestamp parses a timestamp in layout l into microseconds since
// the epoch (fractions beyond microseconds are truncated).
func ParseTimestamp(s []byte, l TimestampLayout) (int64, error) {
	days, i, ok := parseDatePart(s, false)
	if !ok || i >= len(s) || s[i] != l.Sep {
		return 0, syntaxErr("TIMESTAMP", s)
	}
	ns, i, ok := parseTimePart(s, i+1, l.SecOptional)
	if ok && l.Zulu {
		ok = i < len(s) && s[i] == 'Z'
		i++
	}
	if !ok || i != len(s) {
		return 0, syntaxErr("TIMESTAMP", s)
	}
	return days*86400e6 + ns/1000, nil
}

func append2(dst []byte, v int64) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

// AppendDate appends yyyy-MM-dd.
func AppendDate(dst []byte, days int32) []byte {
	y, m, d := CivilFromDays(int64(days))
	if y >= 0 && y < 10000 {
		dst = append2(append2(dst, y/100), y%100)
	} else {
		dst = strconv.AppendInt(dst, y, 10)
	}
	dst = append2(append(dst, '-'), m)
	return append2(append(dst, '-'), d)
}

// appendFrac appends .fff, .ffffff or .fffffffff as Java's ISO formatters
// do (nothing when zero); minimal trims trailing zeros instead, as
// DateTimeFormatterBuilder.appendFraction(0, 9) does.
func appendFrac(dst []byte, nanos int64, minimal bool) []byte {
	if nanos == 0 {
		return dst
	}
	n := 9
	if minimal {
		for nanos%10 == 0 {
			nanos /= 10
			n--
		}
	} else if nanos%1e6 == 0 {
		nanos, n = nanos/1e6, 3
	} else if nanos%1e3 == 0 {
		nanos, n = nanos/1e3, 6
	}
	dst = append(dst, '.')
	var buf [9]byte
	for i := n - 1; i >= 0; i-- {
		buf[i] = byte('0' + nanos%10)
		nanos /= 10
	}
	return append(dst, buf[:n]...)
}

// AppendTime appends HH:mm:ss with the fraction trimmed (Flink's
// SQL_TIME_FORMAT).
func AppendTime(dst []byte, ms int32) []byte {
	s := int64(ms) / 1000
	dst = append2(dst, s/3600)
	dst = append2(append(dst, ':'), s/60%60)
	dst = append2(append(dst, ':'), s%60)
	return appendFrac(dst, int64(ms%1000)*1e6, true)
}

// AppendTimestamp appends a timestamp (µs since the epoch) in layout l,
// always with seconds and with the fraction trimmed, as Flink's JSON and
// CSV formats write it.
func AppendTimestamp(dst []byte, us int64, l TimestampLayout) []byte {
	days := us / 86400e6
	rem := us % 86400e6
	if rem < 0 {
		days--
		rem += 86400e6
	}
	dst = AppendDate(dst, int32(days))
	dst = append(dst, l.Sep)
	s := rem / 1e6
	dst = append2(dst, s/3600)
	dst = append2(append(dst, ':'), s/60%60)
	dst = append2(append(dst, ':'), s%60)
	dst = appendFrac(dst, rem%1e6*1000, true)
	if l.Zulu {
		dst = append(dst, 'Z')
	}
	return dst
}

// ParseJavaBool is Java's Boolean.parseBoolean: "true" in any case is
// true, anything else false. Flink's formats parse text booleans this way.
func ParseJavaBool(s []byte) bool {
	return len(s) == 4 && (s[0]|0x20) == 't' && (s[1]|0x20) == 'r' && (s[2]|0x20) == 'u' && (s[3]|0x20) == 'e'
}

// TrimSpace trims ASCII whitespace and control characters as Java's
// String.trim does.
func TrimSpace(s []byte) []byte {
	for len(s) > 0 && s[0] <= ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] <= ' ' {
		s = s[:len(s)-1]
	}
	return s
}
