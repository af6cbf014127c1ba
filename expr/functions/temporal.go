package functions

import (
	"math"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Temporal functions: the current-time family and the calendar helpers the
// other temporal_*.go files share. Calendar arithmetic works on plain
// integers (days and microseconds since the epoch, proleptic Gregorian) so
// kernels never build a time.Time per row; only TIMESTAMP_LTZ needs the
// session zone, whose offset is cached per zone period.

const (
	microsPerSec  = int64(1_000_000)
	microsPerMin  = 60 * microsPerSec
	microsPerHour = 60 * microsPerMin
	microsPerDay  = 24 * microsPerHour
)

func init() {
	registerAll(
		nowFunc("CURRENT_TIMESTAMP", types.TimestampLTZ, "CURRENT_TIMESTAMP",
			"Returns the current instant as TIMESTAMP_LTZ(3) (the query start in batch mode, per record in streaming mode).",
			"CURRENT_TIMESTAMP → 2024-03-05 09:02:03.456"),
		nowFunc("NOW", types.TimestampLTZ, "NOW()",
			"Returns the current instant as TIMESTAMP_LTZ(3); same as CURRENT_TIMESTAMP.", "NOW() → 2024-03-05 09:02:03.456"),
		nowFunc("LOCALTIMESTAMP", types.TimestampMs, "LOCALTIMESTAMP",
			"Returns the current date and time in the session time zone as TIMESTAMP(3).", "LOCALTIMESTAMP → 2024-03-05 09:02:03.456"),
		nowFunc("CURRENT_DATE", types.Date, "CURRENT_DATE",
			"Returns the current date in the session time zone.", "CURRENT_DATE → 2024-03-05"),
		nowFunc("CURRENT_TIME", types.Time(0), "CURRENT_TIME",
			"Returns the current time of day in the session time zone as TIME(0).", "CURRENT_TIME → 09:02:03"),
		nowFunc("LOCALTIME", types.Time(0), "LOCALTIME",
			"Returns the current time of day in the session time zone as TIME(0); same as CURRENT_TIME.", "LOCALTIME → 09:02:03"),
		nowFunc("CURRENT_ROW_TIMESTAMP", types.TimestampLTZ, "CURRENT_ROW_TIMESTAMP()",
			"Returns the current instant as TIMESTAMP_LTZ(3), evaluated for every record in both batch and streaming mode.",
			"CURRENT_ROW_TIMESTAMP() → 2024-03-05 09:02:03.456"),
		nowFunc("PROCTIME", types.DataType{Kind: types.KindTimestampLTZ, Prec: 3, TimeAttr: types.TimeAttrProctime}, "PROCTIME()",
			"Returns the processing-time attribute: the wall-clock instant at which the record is processed, as TIMESTAMP_LTZ(3) *PROCTIME*.",
			"PROCTIME() → 2024-03-05 09:02:03.456"),
	)
}

// nowFunc builds a zero-argument current-time function. CURRENT_ROW_TIMESTAMP
// and PROCTIME read the clock at evaluation; the others use ctx.Now.
func nowFunc(name string, t types.DataType, syntax, desc, example string) *expr.ScalarFunction {
	perRecord := name == "CURRENT_ROW_TIMESTAMP" || name == "PROCTIME"
	t = t.NotNullable()
	return &expr.ScalarFunction{
		Name: name, Doc: docOf("Temporal", syntax, desc, example), NonDeterministic: true,
		Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
			if len(args) != 0 {
				return types.Null, nil, sigErr(name, args, syntax)
			}
			k := func(ctx *expr.Context, _ []arrow.Array, rows int) (arrow.Array, error) {
				now := ctxNow(ctx)
				if perRecord {
					now = procNow(ctx)
				}
				inst := now.UnixMilli() * 1000
				wall := newZoneCache(sessionLoc(ctx)).toWall(inst)
				switch t.Kind {
				case types.KindTimestampLTZ:
					return fillCol(types.ArrowType(t), inst, rows), nil
				case types.KindTimestamp:
					return fillCol(types.ArrowType(t), wall, rows), nil
				case types.KindDate:
					return fillCol(arrow.FixedWidthTypes.Date32, arrow.Date32(divFloor(wall, microsPerDay)), rows), nil
				}
				ms := modFloor(wall, microsPerDay) / microsPerSec * 1000
				return fillCol(arrow.FixedWidthTypes.Time32ms, arrow.Time32(ms), rows), nil
			}
			return t, k, nil
		},
	}
}

// ctxNow returns the statement time of ctx, or the clock when unset.
func ctxNow(ctx *expr.Context) time.Time {
	if ctx == nil || ctx.Now.IsZero() {
		return time.Now()
	}
	return ctx.Now
}

// fillCol returns rows copies of v.
func fillCol[T arrow.FixedWidthType](dt arrow.DataType, v T, rows int) arrow.Array {
	vals := make([]T, rows)
	for i := range vals {
		vals[i] = v
	}
	return fixedCol(dt, vals, nil)
}

func divFloor(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func modFloor(a, b int64) int64 { return a - divFloor(a, b)*b }

// civil converts days since 1970-01-01 to a proleptic Gregorian date.
func civil(days int64) (y int64, m, d int) {
	z := days + 719468
	era := divFloor(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// daysOf is the inverse of civil; out-of-range days roll over.
func daysOf(y int64, m, d int) int64 {
	y += int64(divFloor(int64(m-1), 12))
	m = int(modFloor(int64(m-1), 12)) + 1
	if m <= 2 {
		y--
	}
	era := divFloor(y, 400)
	yoe := y - era*400
	mm := int64(m) + 9
	if m > 2 {
		mm = int64(m) - 3
	}
	doy := (153*mm+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// monthDays returns the number of days in month m of year y.
func monthDays(y int64, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// zoneCache converts between instants and wall-clock time in one zone,
// remembering the offset of the last zone period it looked up.
type zoneCache struct {
	loc        *time.Location
	start, end int64 // unix seconds of the cached period
	off        int64 // its offset in seconds
}

func newZoneCache(loc *time.Location) *zoneCache {
	if loc == nil {
		loc = time.UTC
	}
	return &zoneCache{loc: loc, start: 1, end: 0}
}

func (z *zoneCache) offset(sec int64) int64 {
	if z.loc == time.UTC {
		return 0
	}
	if sec >= z.start && sec < z.end {
		return z.off
	}
	t := time.Unix(sec, 0).In(z.loc)
	_, off := t.Zone()
	s, e := t.ZoneBounds()
	z.start, z.end, z.off = math.MinInt64, math.MaxInt64, int64(off)
	if !s.IsZero() {
		z.start = s.Unix()
	}
	if !e.IsZero() {
		z.end = e.Unix()
	}
	return z.off
}

// toWall converts an instant (µs) to wall-clock µs in the zone.
func (z *zoneCache) toWall(us int64) int64 {
	return us + z.offset(divFloor(us, microsPerSec))*microsPerSec
}

// fromWall converts wall-clock µs in the zone to an instant; in a gap the
// later offset applies, so the time moves forward as java.time does.
func (z *zoneCache) fromWall(wall int64) int64 {
	sec := divFloor(wall, microsPerSec)
	off := z.offset(sec - z.offset(sec))
	return wall - off*microsPerSec
}

var zones sync.Map // zone name → *time.Location

// loadZone resolves a Java zone id: region names, UTC/GMT/Z, and fixed
// offsets such as '+08:00', 'GMT+8', 'UTC-05:30'.
func loadZone(name string) (*time.Location, bool) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), true
	}
	loc, ok := parseZone(name)
	if ok {
		zones.Store(name, loc)
	}
	return loc, ok
}

func parseZone(name string) (*time.Location, bool) {
	up := strings.ToUpper(name)
	switch up {
	case "UTC", "GMT", "Z", "UT":
		return time.UTC, true
	}
	rest := up
	for _, p := range []string{"UTC", "GMT", "UT"} {
		if strings.HasPrefix(up, p) && len(up) > len(p) && (up[len(p)] == '+' || up[len(p)] == '-') {
			rest = up[len(p):]
			break
		}
	}
	if rest != "" && (rest[0] == '+' || rest[0] == '-') {
		sign := 1
		if rest[0] == '-' {
			sign = -1
		}
		h, m, ok := parseOffset(rest[1:])
		if !ok {
			return nil, false
		}
		return time.FixedZone(name, sign*(h*3600+m*60)), true
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// parseOffset reads H, HH, HHMM or HH:MM.
func parseOffset(s string) (h, m int, ok bool) {
	digits := strings.ReplaceAll(s, ":", "")
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
	}
	switch len(digits) {
	case 1, 2:
		h = atoiSmall(digits)
	case 3:
		h, m = atoiSmall(digits[:1]), atoiSmall(digits[1:])
	case 4:
		h, m = atoiSmall(digits[:2]), atoiSmall(digits[2:])
	default:
		return 0, 0, false
	}
	return h, m, h <= 18 && m < 60
}

func atoiSmall(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// wallAt returns an accessor giving a temporal column as wall-clock µs:
// DATE at midnight, TIME on 1970-01-01, TIMESTAMP as is, TIMESTAMP_LTZ in
// the session zone.
func wallAt(a arrow.Array, loc *time.Location) func(int) int64 {
	switch a := a.(type) {
	case *array.Date32:
		return func(i int) int64 { return int64(a.Value(i)) * microsPerDay }
	case *array.Time32:
		return func(i int) int64 { return int64(a.Value(i)) * 1000 }
	case *array.Timestamp:
		if a.DataType().(*arrow.TimestampType).TimeZone == "" {
			return func(i int) int64 { return int64(a.Value(i)) }
		}
		z := newZoneCache(loc)
		return func(i int) int64 { return z.toWall(int64(a.Value(i))) }
	}
	return func(int) int64 { return 0 }
}

func isTemporalArg(t types.DataType) bool { return t.Kind.IsTemporal() || t.Kind == types.KindNull }
func isDateTimeArg(t types.DataType) bool {
	return t.Kind == types.KindDate || t.Kind.IsTimestamp() || t.Kind == types.KindNull
}
