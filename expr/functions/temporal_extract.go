package functions

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// EXTRACT and the field shorthands (YEAR(), HOUR(), ...). Fields follow
// Calcite as Flink uses it: DOW counts Sunday as 1, WEEK is the ISO week,
// MILLISECOND and MICROSECOND include the seconds of the minute.

func init() {
	registerAll(&expr.ScalarFunction{Name: "EXTRACT", Doc: docOf("Temporal", "EXTRACT(unit FROM temporal)",
		"Returns a field of a date, time, timestamp or interval as BIGINT; unit is one of MILLENNIUM, CENTURY, DECADE, YEAR, ISOYEAR, QUARTER, MONTH, WEEK, DAY, DOW, ISODOW, DOY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND, EPOCH.",
		"EXTRACT(DAY FROM DATE '2006-06-05') → 5", "EXTRACT(MILLISECOND FROM TIMESTAMP '2024-01-01 00:00:01.234') → 1234"), Bind: bindExtract})
	for _, s := range []struct{ name, unit, desc, ex string }{
		{"YEAR", "YEAR", "Returns the year of a date or timestamp.", "YEAR(DATE '1994-09-27') → 1994"},
		{"QUARTER", "QUARTER", "Returns the quarter (1 to 4) of a date or timestamp.", "QUARTER(DATE '1994-09-27') → 3"},
		{"MONTH", "MONTH", "Returns the month (1 to 12) of a date or timestamp.", "MONTH(DATE '1994-09-27') → 9"},
		{"WEEK", "WEEK", "Returns the ISO-8601 week of the year (1 to 53) of a date or timestamp.", "WEEK(DATE '1994-09-27') → 39"},
		{"DAYOFYEAR", "DOY", "Returns the day of the year (1 to 366) of a date or timestamp.", "DAYOFYEAR(DATE '1994-09-27') → 270"},
		{"DAYOFMONTH", "DAY", "Returns the day of the month (1 to 31) of a date or timestamp.", "DAYOFMONTH(DATE '1994-09-27') → 27"},
		{"DAYOFWEEK", "DOW", "Returns the day of the week (1 = Sunday to 7 = Saturday) of a date or timestamp.", "DAYOFWEEK(DATE '1994-09-27') → 3"},
		{"HOUR", "HOUR", "Returns the hour of the day (0 to 23) of a timestamp or time.", "HOUR(TIMESTAMP '1994-09-27 13:14:15') → 13"},
		{"MINUTE", "MINUTE", "Returns the minute of the hour (0 to 59) of a timestamp or time.", "MINUTE(TIMESTAMP '1994-09-27 13:14:15') → 14"},
		{"SECOND", "SECOND", "Returns the second of the minute (0 to 59) of a timestamp or time.", "SECOND(TIMESTAMP '1994-09-27 13:14:15') → 15"},
	} {
		unit := s.unit
		name := s.name
		registerAll(&expr.ScalarFunction{Name: name, Doc: docOf("Temporal", name+"(temporal)", s.desc, s.ex),
			Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) {
				if err := checkSig(name, name+"(DATE) or "+name+"(TIMESTAMP)", args, 1, 1, isTemporalArg); err != nil {
					return types.Null, nil, err
				}
				return bindExtractUnit(name, unit, args[0].Type)
			}})
	}
}

func bindExtract(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "EXTRACT(unit FROM DATE | TIME | TIMESTAMP | INTERVAL)"
	if len(args) != 2 || !isStrArg(args[0].Type) {
		return types.Null, nil, sigErr("EXTRACT", args, sig)
	}
	unit, ok := constStr(args[0])
	t := args[1].Type
	if !ok || !(isTemporalArg(t) || t.Kind.IsInterval()) {
		return types.Null, nil, sigErr("EXTRACT", args, sig)
	}
	return bindExtractUnit("EXTRACT", strings.ToUpper(unit), t)
}

// timeUnits are the fields a TIME value has.
var timeUnits = map[string]bool{"HOUR": true, "MINUTE": true, "SECOND": true, "MILLISECOND": true, "MICROSECOND": true, "NANOSECOND": true, "EPOCH": true}

func bindExtractUnit(name, unit string, t types.DataType) (types.DataType, expr.Kernel, error) {
	res := types.BigInt.WithNullable(t.Nullable())
	if t.Kind.IsInterval() {
		k, err := intervalExtract(name, unit, t)
		return res, k, err
	}
	if _, ok := extractWall(unit, 0); !ok || (t.Kind == types.KindTime && !timeUnits[unit]) {
		return types.Null, nil, &expr.TypeError{Func: name, Got: []types.DataType{t},
			Expected: "a unit among MILLENNIUM, CENTURY, DECADE, YEAR, ISOYEAR, QUARTER, MONTH, WEEK, DAY, DOW, ISODOW, DOY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND, EPOCH valid for " + t.String() + "; got " + unit}
	}
	k := func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		v := a[len(a)-1]
		return numKernelCtx(arrow.PrimitiveTypes.Int64, func(ctx *expr.Context, _ []arrow.Array) func(int) (int64, bool) {
			wall := wallAt(v, sessionLoc(ctx))
			if ts, ok := v.(*array.Timestamp); ok && unit == "EPOCH" {
				// EPOCH counts from the instant, whatever the session zone.
				return func(i int) (int64, bool) { return divFloor(int64(ts.Value(i)), microsPerSec), true }
			}
			return func(i int) (int64, bool) { return extractWall(unit, wall(i)) }
		})(ctx, a[len(a)-1:], rows)
	}
	return res, k, nil
}

// extractWall returns field unit of wall-clock microseconds.
func extractWall(unit string, wall int64) (int64, bool) {
	days := divFloor(wall, microsPerDay)
	tod := modFloor(wall, microsPerDay)
	switch unit {
	case "HOUR":
		return tod / microsPerHour, true
	case "MINUTE":
		return tod / microsPerMin % 60, true
	case "SECOND":
		return tod / microsPerSec % 60, true
	case "MILLISECOND":
		return tod % microsPerMin / 1000, true
	case "MICROSECOND":
		return tod % microsPerMin, true
	case "NANOSECOND":
		return tod % microsPerMin * 1000, true
	case "EPOCH":
		return divFloor(wall, microsPerSec), true
	case "DOW":
		return int64(isoDow(days)%7 + 1), true
	case "ISODOW":
		return int64(isoDow(days)), true
	case "WEEK":
		_, w := isoWeek(days)
		return int64(w), true
	case "ISOYEAR":
		y, _ := isoWeek(days)
		return y, true
	}
	y, m, d := civil(days)
	switch unit {
	case "YEAR":
		return y, true
	case "MONTH":
		return int64(m), true
	case "DAY":
		return int64(d), true
	case "QUARTER":
		return int64((m-1)/3 + 1), true
	case "DOY":
		return days - daysOf(y, 1, 1) + 1, true
	case "DECADE":
		return divFloor(y, 10), true
	case "CENTURY":
		if y > 0 {
			return (y + 99) / 100, true
		}
		return (y - 99) / 100, true
	case "MILLENNIUM":
		if y > 0 {
			return (y + 999) / 1000, true
		}
		return (y - 999) / 1000, true
	}
	return 0, false
}

// intervalExtract extracts from INTERVAL YEAR TO MONTH (months) or
// INTERVAL DAY TO SECOND (milliseconds); fields keep the interval's sign.
func intervalExtract(name, unit string, t types.DataType) (expr.Kernel, error) {
	var f func(v int64) int64
	if t.Kind == types.KindIntervalYearMonth {
		switch unit {
		case "YEAR":
			f = func(v int64) int64 { return v / 12 }
		case "MONTH":
			f = func(v int64) int64 { return v % 12 }
		case "QUARTER":
			f = func(v int64) int64 { return v % 12 / 3 }
		}
	} else {
		switch unit {
		case "DAY":
			f = func(v int64) int64 { return v / 86_400_000 }
		case "HOUR":
			f = func(v int64) int64 { return v / 3_600_000 % 24 }
		case "MINUTE":
			f = func(v int64) int64 { return v / 60_000 % 60 }
		case "SECOND":
			f = func(v int64) int64 { return v / 1000 % 60 }
		case "MILLISECOND":
			f = func(v int64) int64 { return v % 60_000 }
		case "EPOCH":
			f = func(v int64) int64 { return v / 1000 }
		}
	}
	if f == nil {
		return nil, &expr.TypeError{Func: name, Got: []types.DataType{t}, Expected: "a unit the interval has; got " + unit}
	}
	return func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		v := a[len(a)-1]
		return numKernel(arrow.PrimitiveTypes.Int64, func([]arrow.Array) func(int) (int64, bool) {
			var get func(int) int64
			switch v := v.(type) {
			case *array.MonthInterval:
				get = func(i int) int64 { return int64(v.Value(i)) }
			case *array.Duration:
				get = func(i int) int64 { return int64(v.Value(i)) }
			default:
				get = func(int) int64 { return 0 }
			}
			return func(i int) (int64, bool) { return f(get(i)), true }
		})(ctx, a[len(a)-1:], rows)
	}, nil
}
