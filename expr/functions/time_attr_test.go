package functions

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

func TestWindowAlignment(t *testing.T) {
	sh := shanghai(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	const h = microsPerHour
	tests := []struct {
		name string
		got  int64
		want int64
	}{
		{"start", WindowStart(btTS("2024-03-05 09:17:00"), h, 0), btTS("2024-03-05 09:00:00")},
		{"start with offset", WindowStart(btTS("2024-03-05 09:17:00"), h, 20*microsPerMin), btTS("2024-03-05 08:20:00")},
		{"start before 1970", WindowStart(-1, microsPerSec, 0), -microsPerSec},
		{"to local", ToLocal(btTS("2024-03-05 23:30:00"), sh), btTS("2024-03-06 07:30:00")},
		{"to utc", ToUTC(btTS("2024-03-06 07:30:00"), sh), btTS("2024-03-05 23:30:00")},
		// A day window over TIMESTAMP_LTZ in Shanghai starts at local midnight.
		{"align local day", AlignLocal(btTS("2024-03-05 17:00:00"), 24*h, 0, sh), btTS("2024-03-05 16:00:00")},
		{"align utc day", AlignLocal(btTS("2024-03-05 17:00:00"), 24*h, 0, nil), btTS("2024-03-05 00:00:00")},
		// 01:30 happens twice on 2024-11-03 in New York: the earlier instant (EDT).
		{"overlap", ToUTC(btTS("2024-11-03 01:30:00"), ny), btTS("2024-11-03 05:30:00")},
		// 02:30 does not exist on 2024-03-10: moved forward by the gap (03:30 EDT).
		{"gap", ToUTC(btTS("2024-03-10 02:30:00"), ny), btTS("2024-03-10 07:30:00")},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, time.UnixMicro(tc.got).UTC(), time.UnixMicro(tc.want).UTC())
		}
	}
}

func TestCurrentWatermark(t *testing.T) {
	f := expr.Builtins.Scalar("CURRENT_WATERMARK")
	rowtime := types.DataType{Kind: types.KindTimestamp, Prec: 3, TimeAttr: types.TimeAttrRowtime}
	typ, k, err := f.Bind([]expr.Arg{{Type: rowtime}})
	if err != nil {
		t.Fatal(err)
	}
	if typ.TimeAttr != types.TimeAttrNone || !typ.Nullable() || typ.Kind != types.KindTimestamp {
		t.Errorf("type = %s, want nullable TIMESTAMP(3) without time attribute", typ)
	}
	for _, tc := range []struct {
		ctx  *expr.Context
		null bool
		want int64
	}{
		{&expr.Context{}, true, 0},
		{&expr.Context{HasWatermark: true, Watermark: math.MinInt64}, true, 0},
		{&expr.Context{HasWatermark: true, Watermark: btTS("2024-03-05 09:00:00")}, false, btTS("2024-03-05 09:00:00")},
	} {
		a, err := k(tc.ctx, nil, 2)
		if err != nil {
			t.Fatal(err)
		}
		ts := a.(*array.Timestamp)
		if ts.Len() != 2 || ts.IsNull(0) != tc.null || (!tc.null && int64(ts.Value(1)) != tc.want) {
			t.Errorf("watermark %+v: got %v", tc.ctx, a)
		}
	}
	if _, _, err := f.Bind([]expr.Arg{{Type: types.TimestampMs}}); err == nil {
		t.Error("CURRENT_WATERMARK accepted a column that is not a rowtime attribute")
	}
}

func TestProctimeReadsJobClock(t *testing.T) {
	_, k, err := expr.Builtins.Scalar("PROCTIME").Bind(nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := btTS("2024-03-05 09:00:00.123456")
	a, err := k(&expr.Context{Clock: func() int64 { return clock }}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Milliseconds: PROCTIME() is TIMESTAMP_LTZ(3).
	if got, want := int64(a.(*array.Timestamp).Value(0)), btTS("2024-03-05 09:00:00.123"); got != want {
		t.Errorf("PROCTIME() = %d, want %d", got, want)
	}
}

func TestSourceWatermarkHasNoValue(t *testing.T) {
	_, k, err := expr.Builtins.Scalar("SOURCE_WATERMARK").Bind(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k(&expr.Context{}, nil, 1); !errors.Is(err, ErrSourceWatermarkCall) {
		t.Errorf("err = %v", err)
	}
}
