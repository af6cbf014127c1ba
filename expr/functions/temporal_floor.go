package functions

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// FLOOR, CEIL and CEILING in both forms: numeric FLOOR(x) and temporal
// FLOOR(x TO unit), which the binder passes as FLOOR(x, 'UNIT').

func init() {
	for _, n := range []struct {
		name string
		up   bool
		desc string
		ex   []string
	}{
		{"FLOOR", false, "Rounds a number down to an integral value (DECIMAL(p, s) gives DECIMAL(p, 0)), or a date/time down to the start of unit (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND).",
			[]string{"FLOOR(-1.5) → -2", "FLOOR(TIMESTAMP '2024-03-05 09:32:03' TO HOUR) → 2024-03-05 09:00:00"}},
		{"CEIL", true, "Rounds a number up to an integral value (DECIMAL(p, s) gives DECIMAL(p, 0)), or a date/time up to the start of the next unit unless it is already at one.",
			[]string{"CEIL(1.2) → 2", "CEIL(TIMESTAMP '2024-03-05 09:32:03' TO DAY) → 2024-03-06 00:00:00"}},
		{"CEILING", true, "Same as CEIL.", []string{"CEILING(1.2) → 2"}},
	} {
		name, up := n.name, n.up
		registerAll(&expr.ScalarFunction{Name: name,
			Doc:  docOf("Math", name+"(numeric) or "+name+"(temporal TO unit)", n.desc, n.ex...),
			Bind: func(args []expr.Arg) (types.DataType, expr.Kernel, error) { return bindFloorCeil(name, up, args) }})
	}
}

func bindFloorCeil(name string, up bool, args []expr.Arg) (types.DataType, expr.Kernel, error) {
	sig := name + "(NUMERIC) or " + name + "(DATE | TIME | TIMESTAMP TO unit)"
	if len(args) == 1 && (isNumberArg(args[0].Type) || args[0].Type.Kind.IsInterval()) {
		return bindNumericFloor(up, args[0].Type)
	}
	if len(args) != 2 || !isTemporalArg(args[0].Type) {
		return types.Null, nil, sigErr(name, args, sig)
	}
	unit, ok := constStr(args[1])
	unit = strings.ToUpper(unit)
	t := args[0].Type
	if !ok || !validFloorUnit(unit, t.Kind) {
		return types.Null, nil, &expr.TypeError{Func: name, Got: []types.DataType{t, args[1].Type},
			Expected: sig + " with unit among YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND"}
	}
	k := func(ctx *expr.Context, a []arrow.Array, rows int) (arrow.Array, error) {
		v := a[0]
		switch v := v.(type) {
		case *array.Date32:
			return numKernel(arrow.FixedWidthTypes.Date32, func([]arrow.Array) func(int) (arrow.Date32, bool) {
				return func(i int) (arrow.Date32, bool) {
					w := roundWall(unit, int64(v.Value(i))*microsPerDay, up)
					return arrow.Date32(divFloor(w, microsPerDay)), true
				}
			})(ctx, a[:1], rows)
		case *array.Time32:
			return numKernel(arrow.FixedWidthTypes.Time32ms, func([]arrow.Array) func(int) (arrow.Time32, bool) {
				return func(i int) (arrow.Time32, bool) {
					w := roundWall(unit, int64(v.Value(i))*1000, up)
					return arrow.Time32(modFloor(w, microsPerDay) / 1000), true
				}
			})(ctx, a[:1], rows)
		case *array.Timestamp:
			ltz := v.DataType().(*arrow.TimestampType).TimeZone != ""
			z := newZoneCache(sessionLoc(ctx))
			return numKernel(v.DataType(), func([]arrow.Array) func(int) (arrow.Timestamp, bool) {
				return func(i int) (arrow.Timestamp, bool) {
					us := int64(v.Value(i))
					if !ltz {
						return arrow.Timestamp(roundWall(unit, us, up)), true
					}
					return arrow.Timestamp(z.fromWall(roundWall(unit, z.toWall(us), up))), true
				}
			})(ctx, a[:1], rows)
		}
		return nullArray(t, rows), nil
	}
	return t.WithoutTimeAttr(), k, nil
}

var floorUnitUs = map[string]int64{
	"DAY": microsPerDay, "HOUR": microsPerHour, "MINUTE": microsPerMin, "SECOND": microsPerSec, "MILLISECOND": 1000, "MICROSECOND": 1,
}

func validFloorUnit(unit string, k types.Kind) bool {
	if k == types.KindTime {
		return unit == "HOUR" || unit == "MINUTE" || unit == "SECOND" || unit == "MILLISECOND"
	}
	switch unit {
	case "YEAR", "QUARTER", "MONTH", "WEEK", "DECADE", "CENTURY", "MILLENNIUM":
		return true
	}
	return floorUnitUs[unit] > 0
}

// roundWall floors (or ceils) wall-clock µs to unit; weeks start on Sunday
// as in Calcite.
func roundWall(unit string, wall int64, up bool) int64 {
	if u := floorUnitUs[unit]; u > 0 {
		f := divFloor(wall, u) * u
		if up && f != wall {
			f += u
		}
		return f
	}
	days := divFloor(wall, microsPerDay)
	var fd, next int64
	if unit == "WEEK" {
		fd = days - modFloor(days+4, 7)
		next = fd + 7
	} else {
		y, m, _ := civil(days)
		step := 0 // months
		switch unit {
		case "YEAR":
			m, step = 1, 12
		case "QUARTER":
			m, step = (m-1)/3*3+1, 3
		case "MONTH":
			step = 1
		case "DECADE":
			y, m, step = y-modFloor(y, 10), 1, 120
		case "CENTURY":
			y, m, step = y-modFloor(y-1, 100), 1, 1200
		case "MILLENNIUM":
			y, m, step = y-modFloor(y-1, 1000), 1, 12000
		}
		fd = daysOf(y, m, 1)
		next = daysOf(y, m+step, 1)
	}
	f := fd * microsPerDay
	if up && f != wall {
		return next * microsPerDay
	}
	return f
}

// bindNumericFloor rounds numbers: integers are returned as they are,
// floats with math.Floor/Ceil, DECIMAL(p, s) to DECIMAL(p, 0).
func bindNumericFloor(up bool, t types.DataType) (types.DataType, expr.Kernel, error) {
	switch {
	case t.Kind.IsInteger() || t.Kind.IsInterval() || t.Kind == types.KindNull:
		return t, func(_ *expr.Context, a []arrow.Array, _ int) (arrow.Array, error) {
			a[0].Retain()
			return a[0], nil
		}, nil
	case t.Kind == types.KindDecimal:
		res := types.Decimal(t.Prec, 0).WithNullable(t.Nullable())
		scale := t.Scale
		mul := decimal128.GetScaleMultiplier(scale)
		one := decimal128.FromI64(1)
		k := numKernel(types.ArrowType(res), func(a []arrow.Array) func(int) (decimal128.Num, bool) {
			d := a[0].(*array.Decimal128)
			return func(i int) (decimal128.Num, bool) {
				v := d.Value(i)
				q, r := v.Div(mul)
				if r.Sign() != 0 {
					if up && v.Sign() > 0 {
						q = q.Add(one)
					} else if !up && v.Sign() < 0 {
						q = q.Sub(one)
					}
				}
				return q, true
			}
		})
		return res, k, nil
	}
	round := math.Floor
	if up {
		round = math.Ceil
	}
	if t.Kind == types.KindFloat {
		return t, numKernel(arrow.PrimitiveTypes.Float32, func(a []arrow.Array) func(int) (float32, bool) {
			f := a[0].(*array.Float32)
			return func(i int) (float32, bool) { return float32(round(float64(f.Value(i)))), true }
		}), nil
	}
	return t, numKernel(arrow.PrimitiveTypes.Float64, func(a []arrow.Array) func(int) (float64, bool) {
		f := a[0].(*array.Float64)
		return func(i int) (float64, bool) { return round(f.Value(i)), true }
	}), nil
}
