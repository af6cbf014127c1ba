package functions

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// TIMESTAMPADD and TIMESTAMPDIFF; the binder passes the unit as an
// upper-case string literal first argument.

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "TIMESTAMPADD", Doc: docOf("Temporal", "TIMESTAMPADD(unit, interval, timepoint)",
			"Adds interval units (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND) to a date or timestamp; month arithmetic clamps to the end of the month.",
			"TIMESTAMPADD(WEEK, 1, DATE '2003-01-02') → 2003-01-09", "TIMESTAMPADD(MONTH, 1, TIMESTAMP '2024-01-31 10:00:00') → 2024-02-29 10:00:00"), Bind: bindTimestampAdd},
		&expr.ScalarFunction{Name: "TIMESTAMPDIFF", Doc: docOf("Temporal", "TIMESTAMPDIFF(unit, timepoint1, timepoint2)",
			"Returns the number of whole units (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND) from timepoint1 to timepoint2 as INT; negative when timepoint2 is earlier.",
			"TIMESTAMPDIFF(DAY, TIMESTAMP '2003-01-02 10:00:00', TIMESTAMP '2003-01-05 09:00:00') → 2", "TIMESTAMPDIFF(MONTH, DATE '2024-01-31', DATE '2024-02-29') → 0"), Bind: bindTimestampDiff},
	)
}

var addUnits = map[string]bool{"YEAR": true, "QUARTER": true, "MONTH": true, "WEEK": true, "DAY": true,
	"HOUR": true, "MINUTE": true, "SECOND": true, "MILLISECOND": true, "MICROSECOND": true}

// monthsOf returns how many months one unit is (0 for fixed-length units).
func monthsOf(unit string) int64 {
	switch unit {
	case "YEAR":
		return 12
	case "QUARTER":
		return 3
	case "MONTH":
		return 1
	}
	return 0
}

// fixedUs returns the length of a fixed-length unit in µs.
func fixedUs(unit string) int64 {
	if unit == "WEEK" {
		return 7 * microsPerDay
	}
	return floorUnitUs[unit]
}

// addMonthsWall adds n months to wall µs, clamping the day of month.
func addMonthsWall(wall, n int64) int64 {
	days, tod := divFloor(wall, microsPerDay), modFloor(wall, microsPerDay)
	return addMonthsToDays(days, n)*microsPerDay + tod
}

func bindTimestampAdd(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "TIMESTAMPADD(unit, INT, DATE | TIMESTAMP)"
	if len(args) != 3 || !isIntArg(args[1].Type) || !isDateTimeArg(args[2].Type) {
		return types.Null, nil, sigErr("TIMESTAMPADD", args, sig)
	}
	unit, ok := constStr(args[0])
	unit = strings.ToUpper(unit)
	if !ok || !addUnits[unit] {
		return types.Null, nil, sigErr("TIMESTAMPADD", args, sig+" with unit among YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND")
	}
	t := args[2].Type.WithoutTimeAttr()
	months, step := monthsOf(unit), fixedUs(unit)
	toTS := t.Kind == types.KindDate && step > 0 && step < microsPerDay
	res := t
	if toTS {
		res = types.Timestamp(0)
	}
	res = res.WithNullable(args[1].Type.Nullable() || t.Nullable())
	add := func(wall, n int64) int64 {
		if months > 0 {
			return addMonthsWall(wall, n*months)
		}
		return wall + n*step
	}
	k := func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		n := intAt(a[1])
		switch v := a[2].(type) {
		case *array.Date32:
			if toTS {
				return numKernel(types.ArrowType(res), func([]arrow.Array) func(int) (arrow.Timestamp, bool) {
					return func(i int) (arrow.Timestamp, bool) {
						return arrow.Timestamp(add(int64(v.Value(i))*microsPerDay, n(i))), true
					}
				})(ctx, a[1:], rows)
			}
			return numKernel(arrow.FixedWidthTypes.Date32, func([]arrow.Array) func(int) (arrow.Date32, bool) {
				return func(i int) (arrow.Date32, bool) {
					return arrow.Date32(divFloor(add(int64(v.Value(i))*microsPerDay, n(i)), microsPerDay)), true
				}
			})(ctx, a[1:], rows)
		case *array.Timestamp:
			ltz := v.DataType().(*arrow.TimestampType).TimeZone != ""
			z := newZoneCache(sessionLoc(ctx))
			return numKernel(v.DataType(), func([]arrow.Array) func(int) (arrow.Timestamp, bool) {
				return func(i int) (arrow.Timestamp, bool) {
					us := int64(v.Value(i))
					if ltz && months > 0 {
						return arrow.Timestamp(z.fromWall(add(z.toWall(us), n(i)))), true
					}
					return arrow.Timestamp(add(us, n(i))), true
				}
			})(ctx, a[1:], rows)
		}
		return nullArray(res, rows), nil
	}
	return res, k, nil
}

func bindTimestampDiff(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	const sig = "TIMESTAMPDIFF(unit, DATE | TIMESTAMP, DATE | TIMESTAMP)"
	if len(args) != 3 || !isDateTimeArg(args[1].Type) || !isDateTimeArg(args[2].Type) {
		return types.Null, nil, sigErr("TIMESTAMPDIFF", args, sig)
	}
	unit, ok := constStr(args[0])
	unit = strings.ToUpper(unit)
	if !ok || !addUnits[unit] {
		return types.Null, nil, sigErr("TIMESTAMPDIFF", args, sig+" with unit among YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND")
	}
	months, step := monthsOf(unit), fixedUs(unit)
	k := numKernelCtx(arrow.PrimitiveTypes.Int32, func(ctx *expr.Context, a []arrow.Array) func(int) (int32, bool) {
		w1, w2 := wallAt(a[1], sessionLoc(ctx)), wallAt(a[2], sessionLoc(ctx))
		return func(i int) (int32, bool) {
			x, y := w1(i), w2(i)
			if months == 0 {
				return int32((y - x) / step), true
			}
			return int32(monthsBetween(x, y) / months), true
		}
	})
	return types.Int.WithNullable(args[1].Type.Nullable() || args[2].Type.Nullable()), k, nil
}

// monthsBetween counts whole months from wall x to wall y, as Calcite's
// subtractMonths: a month is complete once the day and time of day reach
// those of x.
func monthsBetween(x, y int64) int64 {
	dx, dy := divFloor(x, microsPerDay), divFloor(y, microsPerDay)
	y1, m1, d1 := civil(dx)
	y2, m2, d2 := civil(dy)
	n := (y2-y1)*12 + int64(m2-m1)
	r1 := int64(d1)*microsPerDay + modFloor(x, microsPerDay)
	r2 := int64(d2)*microsPerDay + modFloor(y, microsPerDay)
	switch {
	case n > 0 && r2 < r1:
		n--
	case n < 0 && r2 > r1:
		n++
	}
	return n
}
