package functions

import (
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/types"
)

var (
	tTS   = types.Timestamp(3)
	tLTZ  = types.TimestampLTZ
	tDate = types.Date
)

// btTS returns wall-clock µs of "yyyy-MM-dd HH:mm:ss[.ffffff]".
func btTS(s string) int64 {
	t, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		panic(err)
	}
	return t.UnixMicro()
}

// btDate returns days since the epoch of "yyyy-MM-dd".
func btDate(s string) int32 { return int32(btTS(s+" 00:00:00") / microsPerDay) }

func shanghai(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	return loc
}

func TestCurrentTime(t *testing.T) {
	sh := shanghai(t)
	// btEval sets ctx.Now to 2024-03-05 01:02:03.456789 UTC.
	btRunIn(t, sh, []btCase{
		{"CURRENT_TIMESTAMP", nil, []any{btTS("2024-03-05 01:02:03.456"), btTS("2024-03-05 01:02:03.456")}},
		{"NOW", nil, []any{btTS("2024-03-05 01:02:03.456")}},
		{"LOCALTIMESTAMP", nil, []any{btTS("2024-03-05 09:02:03.456")}},
		{"CURRENT_DATE", nil, []any{btDate("2024-03-05")}},
		{"CURRENT_TIME", nil, []any{int32((9*3600 + 2*60 + 3) * 1000)}},
		{"UNIX_TIMESTAMP", nil, []any{int64(1709600523)}},
	})
	typ, got, err := btEval(sh, "PROCTIME", nil, 1)
	if err != nil || typ.TimeAttr != types.TimeAttrProctime || math.Abs(float64(got[0].(int64)-time.Now().UnixMicro())) > 5e6 {
		t.Errorf("PROCTIME() = %v %v %v", typ, got, err)
	}
}

func TestTemporalFormatAndParse(t *testing.T) {
	sh := shanghai(t)
	ts := btTS("2024-03-05 09:02:03.456")
	btRun(t, []btCase{
		{"DATE_FORMAT", []btArg{btCol(tTS, ts, nil), btLit(tS, "yyyy/MM/dd HH:mm:ss.SSS")}, []any{"2024/03/05 09:02:03.456", nil}},
		{"DATE_FORMAT", []btArg{btCol(tTS, ts), btLit(tS, "EEE, MMM d yy hh a 'at' k''D")}, []any{"Tue, Mar 5 24 09 AM at 9'65"}},
		{"DATE_FORMAT", []btArg{btCol(tS, "2024-03-05 09:02:03", "junk"), btLit(tS, "yyyyMMdd")}, []any{"20240305", nil}},
		{"DATE_FORMAT", []btArg{btCol(tDate, btDate("2024-12-30")), btCol(tS, "yyyy-ww EEEE MMMM")}, []any{"2024-01 Monday December"}},
		{"TO_TIMESTAMP", []btArg{btCol(tS, "2024-03-05 09:02:03", "2024-03-05 09:02:03.123456", "2024-03-05", "2024-13-05 00:00:00", nil)},
			[]any{btTS("2024-03-05 09:02:03"), btTS("2024-03-05 09:02:03.123"), btTS("2024-03-05 00:00:00"), nil, nil}},
		{"TO_TIMESTAMP", []btArg{btCol(tS, "05/03/2024", "5/3/2024"), btLit(tS, "dd/MM/yyyy")}, []any{btTS("2024-03-05 00:00:00"), nil}},
		{"TO_TIMESTAMP", []btArg{btCol(tS, "20240305 0902"), btLit(tS, "yyyyMMdd HHmm")}, []any{btTS("2024-03-05 09:02:00")}},
		{"TO_DATE", []btArg{btCol(tS, "2024-03-05", "x")}, []any{btDate("2024-03-05"), nil}},
		{"TO_DATE", []btArg{btCol(tS, "20240305"), btLit(tS, "yyyyMMdd")}, []any{btDate("2024-03-05")}},
		{"TO_TIMESTAMP_LTZ", []btArg{btCol(tBI, 1709600523, nil), btLit(tI, 0)}, []any{int64(1709600523000000), nil}},
		{"TO_TIMESTAMP_LTZ", []btArg{btCol(tBI, 1709600523456)}, []any{int64(1709600523456000)}},
		{"TO_TIMESTAMP_LTZ", []btArg{btCol(types.Double, 1709600523.5), btLit(tI, 0)}, []any{int64(1709600523500000)}},
		{"TO_TIMESTAMP_LTZ", []btArg{btCol(tS, "1970-01-01 08:00:01.5", "x")}, []any{int64(28801500000), nil}},
		{"TO_TIMESTAMP_LTZ", []btArg{btCol(tS, "1970-01-01 08:00:01"), btLit(tS, "yyyy-MM-dd HH:mm:ss"), btLit(tS, "Asia/Shanghai")}, []any{int64(1000000)}},
		{"FROM_UNIXTIME", []btArg{btCol(tBI, 44, nil)}, []any{"1970-01-01 00:00:44", nil}},
		{"CONVERT_TZ", []btArg{btCol(tS, "1970-01-01 00:00:00"), btLit(tS, "UTC"), btCol(tS, "America/Los_Angeles")}, []any{"1969-12-31 16:00:00"}},
		{"CONVERT_TZ", []btArg{btCol(tS, "1970-01-01 00:00:00", "1970-01-01 00:00:00"), btLit(tS, "GMT+08:00"), btCol(tS, "UTC", "Nowhere/Zone")}, []any{"1969-12-31 16:00:00", nil}},
		{"UNIX_TIMESTAMP", []btArg{btCol(tS, "1970-01-01 00:00:01", "bad")}, []any{int64(1), int64(math.MinInt64)}},
		{"UNIX_TIMESTAMP", []btArg{btCol(tS, "1970/1/2"), btLit(tS, "yyyy/MM/dd")}, []any{int64(86400)}},
	})
	btRunIn(t, sh, []btCase{
		{"DATE_FORMAT", []btArg{btCol(tLTZ, btTS("2024-03-05 01:02:03")), btLit(tS, "yyyy-MM-dd HH:mm:ss XXX")}, []any{"2024-03-05 09:02:03 +08:00"}},
		{"UNIX_TIMESTAMP", []btArg{btCol(tS, "1970-01-01 08:00:01")}, []any{int64(1)}},
		{"FROM_UNIXTIME", []btArg{btCol(tBI, 44), btLit(tS, "yyyy-MM-dd HH:mm:ss Z")}, []any{"1970-01-01 08:00:44 +0800"}},
		{"HOUR", []btArg{btCol(tLTZ, btTS("2024-03-05 20:02:03"))}, []any{int64(4)}},
		{"EXTRACT", []btArg{btLit(tS, "EPOCH"), btCol(tLTZ, btTS("1970-01-01 00:00:10"))}, []any{int64(10)}},
		{"EXTRACT", []btArg{btLit(tS, "DAY"), btCol(tLTZ, btTS("1970-01-01 20:00:00"))}, []any{int64(2)}},
	})
	btBindErr(t, "DATE_FORMAT", tTS, types.Int)
	if _, _, err := btEval(nil, "DATE_FORMAT", []btArg{btCol(tTS, ts), btLit(tS, "yyyy-bb")}, 1); err == nil {
		t.Error("DATE_FORMAT with an unknown pattern letter bound, want an error")
	}
}

func TestExtract(t *testing.T) {
	ts := btTS("2024-03-05 09:02:03.456789")
	d := btDate("1994-09-27")
	ex := func(unit string, arg btArg, want any) btCase {
		return btCase{"EXTRACT", []btArg{btLit(tS, unit), arg}, []any{want}}
	}
	btRun(t, []btCase{
		ex("YEAR", btCol(tTS, ts), int64(2024)),
		ex("MONTH", btCol(tTS, ts), int64(3)),
		ex("DAY", btCol(tTS, ts), int64(5)),
		ex("HOUR", btCol(tTS, ts), int64(9)),
		ex("MINUTE", btCol(tTS, ts), int64(2)),
		ex("SECOND", btCol(tTS, ts), int64(3)),
		ex("MILLISECOND", btCol(tTS, ts), int64(3456)),
		ex("MICROSECOND", btCol(tTS, ts), int64(3456789)),
		ex("QUARTER", btCol(tDate, d), int64(3)),
		ex("WEEK", btCol(tDate, d), int64(39)),
		ex("DOW", btCol(tDate, d), int64(3)),
		ex("ISODOW", btCol(tDate, d), int64(2)),
		ex("DOY", btCol(tDate, d), int64(270)),
		ex("DECADE", btCol(tDate, d), int64(199)),
		ex("CENTURY", btCol(tDate, d), int64(20)),
		ex("MILLENNIUM", btCol(tDate, d), int64(2)),
		ex("EPOCH", btCol(tTS, btTS("1970-01-02 00:00:01")), int64(86401)),
		ex("HOUR", btCol(types.Time(0), int32(13*3600000+5)), int64(13)),
		ex("YEAR", btCol(types.IntervalYM, int32(-27)), int64(-2)),
		ex("MONTH", btCol(types.IntervalYM, int32(27)), int64(3)),
		ex("DAY", btCol(types.IntervalDT, int64(3*86400000+7200000)), int64(3)),
		ex("HOUR", btCol(types.IntervalDT, int64(3*86400000+7200000)), int64(2)),
		{"EXTRACT", []btArg{btLit(tS, "YEAR"), btCol(tDate, nil)}, []any{nil}},
		{"YEAR", []btArg{btCol(tDate, d)}, []any{int64(1994)}},
		{"QUARTER", []btArg{btCol(tDate, d)}, []any{int64(3)}},
		{"MONTH", []btArg{btCol(tDate, d)}, []any{int64(9)}},
		{"WEEK", []btArg{btCol(tDate, d)}, []any{int64(39)}},
		{"DAYOFYEAR", []btArg{btCol(tDate, d)}, []any{int64(270)}},
		{"DAYOFMONTH", []btArg{btCol(tDate, d)}, []any{int64(27)}},
		{"DAYOFWEEK", []btArg{btCol(tDate, d)}, []any{int64(3)}},
		{"HOUR", []btArg{btCol(tTS, btTS("1994-09-27 13:14:15"))}, []any{int64(13)}},
		{"MINUTE", []btArg{btCol(tTS, btTS("1994-09-27 13:14:15"))}, []any{int64(14)}},
		{"SECOND", []btArg{btCol(tTS, btTS("1994-09-27 13:14:15"))}, []any{int64(15)}},
	})
	btBindErr(t, "EXTRACT", tS, tS)
	if _, _, err := btEval(nil, "EXTRACT", []btArg{btLit(tS, "YEAR"), btCol(types.Time(0), int32(0))}, 1); err == nil {
		t.Error("EXTRACT(YEAR FROM TIME) bound, want an error")
	}
}

func TestFloorCeil(t *testing.T) {
	sh := shanghai(t)
	ts := btTS("2024-03-05 09:32:03.456")
	dec := types.Decimal(5, 2)
	btRun(t, []btCase{
		{"FLOOR", []btArg{btCol(tTS, ts, nil), btLit(tS, "HOUR")}, []any{btTS("2024-03-05 09:00:00"), nil}},
		{"CEIL", []btArg{btCol(tTS, ts, btTS("2024-03-05 00:00:00")), btLit(tS, "DAY")}, []any{btTS("2024-03-06 00:00:00"), btTS("2024-03-05 00:00:00")}},
		{"FLOOR", []btArg{btCol(tTS, ts), btLit(tS, "MONTH")}, []any{btTS("2024-03-01 00:00:00")}},
		{"CEIL", []btArg{btCol(tTS, ts), btLit(tS, "QUARTER")}, []any{btTS("2024-04-01 00:00:00")}},
		{"FLOOR", []btArg{btCol(tTS, ts), btLit(tS, "YEAR")}, []any{btTS("2024-01-01 00:00:00")}},
		{"FLOOR", []btArg{btCol(tTS, ts), btLit(tS, "WEEK")}, []any{btTS("2024-03-03 00:00:00")}},
		{"CEILING", []btArg{btCol(tTS, ts), btLit(tS, "SECOND")}, []any{btTS("2024-03-05 09:32:04")}},
		{"FLOOR", []btArg{btCol(tDate, btDate("2024-03-05")), btLit(tS, "MONTH")}, []any{btDate("2024-03-01")}},
		{"CEIL", []btArg{btCol(types.Time(0), int32(3600000+1)), btLit(tS, "HOUR")}, []any{int32(7200000)}},
		{"FLOOR", []btArg{btCol(types.Double, -1.5, 2.0, nil)}, []any{-2.0, 2.0, nil}},
		{"CEIL", []btArg{btCol(types.Float, float32(1.2))}, []any{float32(2)}},
		{"FLOOR", []btArg{btCol(tI, 7)}, []any{int32(7)}},
		{"FLOOR", []btArg{btCol(dec, decimal128.FromI64(-150), decimal128.FromI64(150))}, []any{decimal128.FromI64(-2), decimal128.FromI64(1)}},
		{"CEIL", []btArg{btCol(dec, decimal128.FromI64(-150), decimal128.FromI64(150), decimal128.FromI64(200))}, []any{decimal128.FromI64(-1), decimal128.FromI64(2), decimal128.FromI64(2)}},
	})
	// An LTZ instant floors to the day in the session zone.
	btRunIn(t, sh, []btCase{
		{"FLOOR", []btArg{btCol(tLTZ, btTS("2024-03-05 20:00:00")), btLit(tS, "DAY")}, []any{btTS("2024-03-05 16:00:00")}},
	})
	typ, _, err := btEval(nil, "FLOOR", []btArg{btCol(dec, decimal128.FromI64(1))}, 1)
	if err != nil || !typ.Equal(types.Decimal(5, 0)) {
		t.Errorf("FLOOR(DECIMAL(5, 2)) type = %v, %v", typ, err)
	}
	btBindErr(t, "FLOOR", tS)
}

func TestTimestampAddDiff(t *testing.T) {
	btRun(t, []btCase{
		{"TIMESTAMPADD", []btArg{btLit(tS, "WEEK"), btLit(tI, 1), btCol(tDate, btDate("2003-01-02"), nil)}, []any{btDate("2003-01-09"), nil}},
		{"TIMESTAMPADD", []btArg{btLit(tS, "MONTH"), btCol(tI, 1, -1, 13), btCol(tTS, btTS("2024-01-31 10:00:00"), btTS("2024-03-31 10:00:00"), btTS("2023-12-31 00:00:00"))},
			[]any{btTS("2024-02-29 10:00:00"), btTS("2024-02-29 10:00:00"), btTS("2025-01-31 00:00:00")}},
		{"TIMESTAMPADD", []btArg{btLit(tS, "HOUR"), btLit(tI, 25), btCol(tTS, btTS("2024-01-31 10:00:00"))}, []any{btTS("2024-02-01 11:00:00")}},
		{"TIMESTAMPADD", []btArg{btLit(tS, "HOUR"), btLit(tI, 2), btCol(tDate, btDate("2024-01-31"))}, []any{btTS("2024-01-31 02:00:00")}},
		{"TIMESTAMPDIFF", []btArg{btLit(tS, "DAY"), btCol(tTS, btTS("2003-01-02 10:00:00")), btCol(tTS, btTS("2003-01-05 09:00:00"))}, []any{int32(2)}},
		{"TIMESTAMPDIFF", []btArg{btLit(tS, "HOUR"), btCol(tTS, btTS("2003-01-05 10:00:00")), btCol(tTS, btTS("2003-01-02 09:30:00"))}, []any{int32(-72)}},
		{"TIMESTAMPDIFF", []btArg{btLit(tS, "MONTH"), btCol(tDate, btDate("2024-01-31"), btDate("2024-01-31"), btDate("2024-03-31")), btCol(tDate, btDate("2024-02-29"), btDate("2024-03-31"), btDate("2024-01-31"))},
			[]any{int32(0), int32(2), int32(-2)}},
		{"TIMESTAMPDIFF", []btArg{btLit(tS, "YEAR"), btCol(tDate, btDate("2020-05-01")), btCol(tTS, btTS("2024-04-30 23:00:00"))}, []any{int32(3)}},
	})
	btBindErr(t, "TIMESTAMPADD", tS, tI, tS)
}
