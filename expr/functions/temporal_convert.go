package functions

import (
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Conversions between temporal values, epoch numbers and formatted text.

const defaultTSFormat = "yyyy-MM-dd HH:mm:ss"

func init() {
	registerAll(
		&expr.ScalarFunction{Name: "DATE_FORMAT", Doc: docOf("Temporal", "DATE_FORMAT(timestamp | string, format)",
			"Formats a timestamp (or a 'yyyy-MM-dd HH:mm:ss' string) with a Java date-time pattern; a TIMESTAMP_LTZ is shown in the session time zone.",
			"DATE_FORMAT(TIMESTAMP '2024-03-05 09:02:03', 'yyyy/MM/dd HH:mm') → '2024/03/05 09:02'"), Bind: bindDateFormat},
		&expr.ScalarFunction{Name: "TO_TIMESTAMP", Doc: docOf("Temporal", "TO_TIMESTAMP(string[, format])",
			"Parses string with a Java date-time pattern ('yyyy-MM-dd HH:mm:ss' by default) into a TIMESTAMP(3); NULL if it does not parse.",
			"TO_TIMESTAMP('2024-03-05 09:02:03') → 2024-03-05 09:02:03.000", "TO_TIMESTAMP('05/03/2024', 'dd/MM/yyyy') → 2024-03-05 00:00:00.000"), Bind: bindToTimestamp},
		&expr.ScalarFunction{Name: "TO_DATE", Doc: docOf("Temporal", "TO_DATE(string[, format])",
			"Parses string with a Java date pattern ('yyyy-MM-dd' by default) into a DATE; NULL if it does not parse.",
			"TO_DATE('2024-03-05') → 2024-03-05", "TO_DATE('20240305', 'yyyyMMdd') → 2024-03-05"), Bind: bindToDate},
		&expr.ScalarFunction{Name: "TO_TIMESTAMP_LTZ", Doc: docOf("Temporal", "TO_TIMESTAMP_LTZ(numeric[, precision]) or TO_TIMESTAMP_LTZ(string[, format[, zone]])",
			"Converts an epoch number of seconds (precision 0) or milliseconds (precision 3, the default) into a TIMESTAMP_LTZ(3); or parses a datetime string with format (Flink's default timestamp text when omitted) in time zone zone ('UTC' by default). NULL if it does not parse.",
			"TO_TIMESTAMP_LTZ(1709600523, 0) → 2024-03-05 01:02:03.000 (in UTC)", "TO_TIMESTAMP_LTZ(1709600523456, 3) → 2024-03-05 01:02:03.456 (in UTC)"), Bind: bindToTimestampLTZ},
		&expr.ScalarFunction{Name: "UNIX_TIMESTAMP", Doc: docOf("Temporal", "UNIX_TIMESTAMP([string[, format]])",
			"Without arguments, the current epoch seconds; otherwise parses string with format ('yyyy-MM-dd HH:mm:ss' by default) in the session time zone and returns epoch seconds, or -9223372036854775808 if it does not parse.",
			"UNIX_TIMESTAMP('1970-01-01 08:00:01') → 1 (in Asia/Shanghai)"), Bind: bindUnixTimestamp, NonDeterministic: true},
		&expr.ScalarFunction{Name: "FROM_UNIXTIME", Doc: docOf("Temporal", "FROM_UNIXTIME(seconds[, format])",
			"Formats epoch seconds in the session time zone with format ('yyyy-MM-dd HH:mm:ss' by default).",
			"FROM_UNIXTIME(44) → '1970-01-01 00:00:44' (in UTC)"), Bind: bindFromUnixtime},
		&expr.ScalarFunction{Name: "CONVERT_TZ", Doc: docOf("Temporal", "CONVERT_TZ(string, fromZone, toZone)",
			"Converts a 'yyyy-MM-dd HH:mm:ss' datetime from time zone fromZone to toZone (ids such as 'UTC', 'Asia/Shanghai' or 'GMT+08:00').",
			"CONVERT_TZ('1970-01-01 00:00:00', 'UTC', 'America/Los_Angeles') → '1969-12-31 16:00:00'"), Bind: bindConvertTZ},
	)
}

// sessionLoc returns the session zone of ctx (UTC when unset).
func sessionLoc(ctx *expr.Context) *time.Location {
	if ctx == nil || ctx.Loc == nil {
		return time.UTC
	}
	return ctx.Loc
}

// patternArg returns a per-call pattern getter for argument j (or def when
// the call has fewer arguments). Constant patterns compile at bind time, so
// a bad constant pattern is a bind error.
func patternArg(args []expr.Arg, j int, def string) (func(a []arrow.Array) func(i int) *dtPattern, error) {
	src, isConst := def, j >= len(args)
	if !isConst {
		src, isConst = constStr(args[j])
	}
	if isConst {
		p, err := compileDT(src)
		if err != nil {
			return nil, err
		}
		return func([]arrow.Array) func(int) *dtPattern { return func(int) *dtPattern { return p } }, nil
	}
	return func(a []arrow.Array) func(int) *dtPattern {
		s := strAt(a[j])
		var last *dtPattern
		return func(i int) *dtPattern {
			if v := s(i); last == nil || last.src != v {
				last, _ = compileDT(v)
			}
			return last
		}
	}, nil
}

func bindDateFormat(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("DATE_FORMAT", "DATE_FORMAT(TIMESTAMP, STRING) or DATE_FORMAT(STRING, STRING)", args, 2, 2,
		func(t types.DataType) bool { return isDateTimeArg(t) || isStrArg(t) }, isStrArg); err != nil {
		return types.Null, nil, err
	}
	pat, err := patternArg(args, 1, "")
	if err != nil {
		return types.Null, nil, err
	}
	ltz := args[0].Type.Kind == types.KindTimestampLTZ
	k := strKernelCtx(false, func(ctx *expr.Context, a []arrow.Array) rowFunc {
		p := pat(a)
		z := newZoneCache(sessionLoc(ctx))
		if s, ok := a[0].(*array.String); ok {
			return func(i int, dst []byte) ([]byte, bool) {
				w, ok := parseTimestampDefault(s.Value(i))
				if f := p(i); ok && f != nil {
					return f.format(dst, w, 0), true
				}
				return dst, false
			}
		}
		ts, isTS := a[0].(*array.Timestamp)
		wall := wallAt(a[0], sessionLoc(ctx))
		// Streams arrive nearly in time order: the previous row's text
		// serves every row in the same span of the pattern's coarsest
		// field (q10's 'yyyy-MM-dd' changes once a day).
		var last struct {
			f    *dtPattern
			span int64
			text []byte
		}
		return func(i int, dst []byte) ([]byte, bool) {
			f := p(i)
			if f == nil {
				return dst, false
			}
			w := wall(i)
			if f == last.f {
				if g := f.granularity(); g > 0 && divFloor(w, g) == last.span {
					return append(dst, last.text...), true
				}
			}
			off := 0
			if ltz && isTS {
				off = int(z.offset(divFloor(int64(ts.Value(i)), microsPerSec)))
			}
			start := len(dst)
			dst = f.format(dst, w, off)
			if g := f.granularity(); g > 0 {
				last.f, last.span = f, divFloor(w, g)
				last.text = append(last.text[:0], dst[start:]...)
			}
			return dst, true
		}
	})
	return types.String.WithNullable(true), k, nil
}

// wallParser returns a parser of row i of s into wall-clock microseconds:
// with the row's pattern when the call names one (a bad row pattern gives
// NULL), else with Flink's lenient default timestamp forms.
func wallParser(explicit bool, s func(int) string, p func(int) *dtPattern) func(int) (int64, bool) {
	if !explicit {
		return func(i int) (int64, bool) { return parseTimestampDefault(s(i)) }
	}
	return func(i int) (int64, bool) {
		if f := p(i); f != nil {
			return f.parse(s(i), false)
		}
		return 0, false
	}
}

func bindToTimestamp(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("TO_TIMESTAMP", "TO_TIMESTAMP(STRING[, STRING])", args, 1, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	pat, err := patternArg(args, 1, defaultTSFormat)
	if err != nil {
		return types.Null, nil, err
	}
	explicit := len(args) == 2
	k := numKernel(types.ArrowType(types.TimestampMs), func(a []arrow.Array) func(int) (arrow.Timestamp, bool) {
		parse := wallParser(explicit, strAt(a[0]), pat(a))
		return func(i int) (arrow.Timestamp, bool) {
			w, ok := parse(i)
			return arrow.Timestamp(divFloor(w, 1000) * 1000), ok
		}
	})
	return types.TimestampMs.WithNullable(true), k, nil
}

func bindToDate(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("TO_DATE", "TO_DATE(STRING[, STRING])", args, 1, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	pat, err := patternArg(args, 1, "yyyy-MM-dd")
	if err != nil {
		return types.Null, nil, err
	}
	explicit := len(args) == 2
	k := numKernel(arrow.FixedWidthTypes.Date32, func(a []arrow.Array) func(int) (arrow.Date32, bool) {
		parse := wallParser(explicit, strAt(a[0]), pat(a))
		return func(i int) (arrow.Date32, bool) {
			w, ok := parse(i)
			return arrow.Date32(divFloor(w, microsPerDay)), ok
		}
	})
	return types.Date.WithNullable(true), k, nil
}

// numAt reads any numeric column as float64 (DECIMAL with its scale).
func numAt(a arrow.Array) func(int) float64 {
	switch a := a.(type) {
	case *array.Float32:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Float64:
		return a.Value
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(i int) float64 { return a.Value(i).ToFloat64(scale) }
	}
	n := intAt(a)
	return func(i int) float64 { return float64(n(i)) }
}

func isNumberArg(t types.DataType) bool { return t.Kind.IsNumeric() || t.Kind == types.KindNull }

func bindToTimestampLTZ(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) > 0 && isStrArg(args[0].Type) && args[0].Type.Kind != types.KindNull {
		return bindStringToLTZ(args)
	}
	if err := checkSig("TO_TIMESTAMP_LTZ", "TO_TIMESTAMP_LTZ(NUMERIC[, INT])", args, 1, 2, isNumberArg, isIntArg); err != nil {
		return types.Null, nil, err
	}
	exact := args[0].Type.Kind.IsInteger()
	k := numKernel(types.ArrowType(types.TimestampLTZ), func(a []arrow.Array) func(int) (arrow.Timestamp, bool) {
		n, f := intAt(a[0]), numAt(a[0])
		prec := func(int) int64 { return 3 }
		if len(a) == 2 {
			prec = intAt(a[1])
		}
		return func(i int) (arrow.Timestamp, bool) {
			var ms int64
			switch p := prec(i); {
			case p == 0 && exact:
				ms = n(i) * 1000
			case p == 3 && exact:
				ms = n(i)
			case p == 0:
				ms = int64(f(i) * 1000)
			case p == 3:
				ms = int64(f(i))
			default:
				return 0, false
			}
			return arrow.Timestamp(ms * 1000), true
		}
	})
	return types.TimestampLTZ.WithNullable(true), k, nil
}

func bindUnixTimestamp(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if len(args) == 0 {
		k := func(ctx *expr.Context, _ []arrow.Array, rows int) (arrow.Array, error) {
			return fillCol(arrow.PrimitiveTypes.Int64, ctxNow(ctx).Unix(), rows), nil
		}
		return types.BigInt.NotNullable(), k, nil
	}
	if err := checkSig("UNIX_TIMESTAMP", "UNIX_TIMESTAMP([STRING[, STRING]])", args, 1, 2, isStrArg); err != nil {
		return types.Null, nil, err
	}
	pat, err := patternArg(args, 1, defaultTSFormat)
	if err != nil {
		return types.Null, nil, err
	}
	k := numKernelCtx(arrow.PrimitiveTypes.Int64, func(ctx *expr.Context, a []arrow.Array) func(int) (int64, bool) {
		s, p := strAt(a[0]), pat(a)
		z := newZoneCache(sessionLoc(ctx))
		return func(i int) (int64, bool) {
			f := p(i)
			if f == nil {
				return math.MinInt64, true
			}
			w, ok := f.parse(s(i), true)
			if !ok {
				return math.MinInt64, true
			}
			return divFloor(z.fromWall(w), microsPerSec), true
		}
	})
	return types.BigInt.WithNullable(argsNullable(args)), k, nil
}

func bindFromUnixtime(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("FROM_UNIXTIME", "FROM_UNIXTIME(NUMERIC[, STRING])", args, 1, 2, isNumberArg, isStrArg); err != nil {
		return types.Null, nil, err
	}
	pat, err := patternArg(args, 1, defaultTSFormat)
	if err != nil {
		return types.Null, nil, err
	}
	exact := args[0].Type.Kind.IsInteger()
	k := strKernelCtx(false, func(ctx *expr.Context, a []arrow.Array) rowFunc {
		n, f, p := intAt(a[0]), numAt(a[0]), pat(a)
		z := newZoneCache(sessionLoc(ctx))
		return func(i int, dst []byte) ([]byte, bool) {
			pt := p(i)
			if pt == nil {
				return dst, false
			}
			sec := n(i)
			if !exact {
				sec = int64(f(i))
			}
			inst := sec * microsPerSec
			return pt.format(dst, z.toWall(inst), int(z.offset(sec))), true
		}
	})
	return types.String.WithNullable(true), k, nil
}

func bindConvertTZ(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("CONVERT_TZ", "CONVERT_TZ(STRING, STRING, STRING)", args, 3, 3, isStrArg); err != nil {
		return types.Null, nil, err
	}
	out, _ := compileDT(defaultTSFormat)
	k := strKernel(false, func(a []arrow.Array) rowFunc {
		s, from, to := strAt(a[0]), strAt(a[1]), strAt(a[2])
		var fz, tz *zoneCache
		return func(i int, dst []byte) ([]byte, bool) {
			w, ok := parseTimestampDefault(s(i))
			fl, ok1 := loadZone(from(i))
			tl, ok2 := loadZone(to(i))
			if !ok || !ok1 || !ok2 {
				return dst, false
			}
			if fz == nil || fz.loc != fl {
				fz = newZoneCache(fl)
			}
			if tz == nil || tz.loc != tl {
				tz = newZoneCache(tl)
			}
			inst := fz.fromWall(w)
			return out.format(dst, tz.toWall(inst), 0), true
		}
	})
	return types.String.WithNullable(true), k, nil
}

// bindStringToLTZ binds TO_TIMESTAMP_LTZ(string[, format[, zone]]).
func bindStringToLTZ(args []expr.Arg) (types.DataType, expr.Kernel, error) {
	if err := checkSig("TO_TIMESTAMP_LTZ", "TO_TIMESTAMP_LTZ(STRING[, STRING[, STRING]])", args, 1, 3, isStrArg); err != nil {
		return types.Null, nil, err
	}
	pat, err := patternArg(args, 1, defaultTSFormat)
	if err != nil {
		return types.Null, nil, err
	}
	explicit := len(args) >= 2
	k := numKernel(types.ArrowType(types.TimestampLTZ), func(a []arrow.Array) func(int) (arrow.Timestamp, bool) {
		parse := wallParser(explicit, strAt(a[0]), pat(a))
		zone := func(int) string { return "UTC" }
		if len(a) == 3 {
			zone = strAt(a[2])
		}
		var z *zoneCache
		return func(i int) (arrow.Timestamp, bool) {
			w, ok := parse(i)
			loc, okz := loadZone(zone(i))
			if !ok || !okz {
				return 0, false
			}
			if z == nil || z.loc != loc {
				z = newZoneCache(loc)
			}
			return arrow.Timestamp(divFloor(z.fromWall(w), 1000) * 1000), true
		}
	})
	return types.TimestampLTZ.WithNullable(true), k, nil
}
