package print

import (
	"bytes"
	"context"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

func TestPrefixes(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "w", Type: types.String}, types.Field{Name: "n", Type: types.Int})
	bb := types.NewBatchBuilder(s)
	bb.Add(types.Insert, []any{"a", int32(1)})
	bb.Add(types.UpdateBefore, []any{nil, int32(2)})
	b := bb.Build()
	cases := []struct {
		opts    map[string]string
		subtask int
		par     int
		out     string
		errOut  string
	}{
		{nil, 0, 1, "+I[a, 1]\n-U[null, 2]\n", ""},
		{nil, 1, 2, "2> +I[a, 1]\n2> -U[null, 2]\n", ""},
		{map[string]string{OptPrintIdentifier: "id"}, 0, 1, "id> +I[a, 1]\nid> -U[null, 2]\n", ""},
		{map[string]string{OptPrintIdentifier: "id"}, 2, 3, "id:3> +I[a, 1]\nid:3> -U[null, 2]\n", ""},
		{map[string]string{OptStandardError: "true"}, 0, 1, "", "+I[a, 1]\n-U[null, 2]\n"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		restore := SetOutput(&out, &errOut)
		sk, _ := Factory.NewSink(&connector.Table{Name: "t", Schema: s, Options: c.opts})
		ctx := context.Background()
		if err := sk.Open(ctx, connector.Task{Subtask: c.subtask, Parallelism: c.par}); err != nil {
			t.Fatal(err)
		}
		if err := sk.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
		_ = sk.Finish(ctx)
		_ = sk.Close()
		restore()
		if out.String() != c.out || errOut.String() != c.errOut {
			t.Errorf("%v %d/%d: got %q / %q, want %q / %q", c.opts, c.subtask, c.par, out.String(), errOut.String(), c.out, c.errOut)
		}
	}
}

func TestFormatRow(t *testing.T) {
	dec := func(s string, p, sc int) any {
		n, _, _ := format.ParseDecimal([]byte(s), p, sc)
		return n
	}
	ts := func(s string) any {
		us, _ := format.ParseTimestamp([]byte(s), format.SQLTimestamp)
		return us
	}
	cases := []struct {
		t    types.DataType
		v    any
		want string
	}{
		{types.Boolean, true, "true"},
		{types.Double, 1e10, "1.0E10"},
		{types.Float, float32(1.5), "1.5"},
		{types.Decimal(10, 2), dec("12.30", 10, 2), "12.30"},
		{types.Decimal(12, 9), dec("0.0000001", 12, 9), "1.00E-7"},
		{types.Bytes, []byte{1, 255}, "[1, -1]"},
		{types.Date, int32(18626), "2020-12-30"},
		{types.Time(0), int32(12*3600000 + 13*60000), "12:13"},
		{types.Time(3), int32(12*3600000 + 13*60000 + 14123), "12:13:14.123"},
		{types.Timestamp(3), ts("2020-12-30 12:13:00"), "2020-12-30T12:13"},
		{types.Timestamp(6), ts("2020-12-30 12:13:14.1234"), "2020-12-30T12:13:14.123400"},
		{types.TimestampLTZ, ts("2020-12-30 12:13:00"), "2020-12-30T12:13:00Z"},
		{types.IntervalYM, int32(14), "P1Y2M"},
		{types.IntervalDT, int64(3723500), "PT1H2M3.5S"},
		{types.ArrayOf(types.Int), []any{int32(1), nil}, "[1, null]"},
		{types.MapOf(types.String, types.Int), []types.MapEntry{{Key: "k", Value: int32(1)}}, "{k=1}"},
		{types.RowOf(types.Field{Name: "x", Type: types.Int}), []any{int32(1)}, "+I[1]"},
	}
	for _, c := range cases {
		got := FormatRow(types.Insert, []any{c.v}, types.NewSchema(types.Field{Name: "c", Type: c.t}))
		if want := "+I[" + c.want + "]"; got != want {
			t.Errorf("%s: got %s, want %s", c.t, got, want)
		}
	}
}
