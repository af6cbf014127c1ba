package script

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

func str(s string) *string { return &s }

func testTable(opts map[string]string) *connector.Table {
	return &connector.Table{
		Name: "default_catalog.default_database.t",
		Schema: types.NewSchema(
			types.Field{Name: "name", Type: types.String},
			types.Field{Name: "n", Type: types.Int},
			types.Field{Name: "ts", Type: types.Timestamp(3)},
		),
		Options: opts,
	}
}

// events reads the source until it ends or idles, printing what the
// runtime would see after each Next: rows, then watermark and barrier.
func events(t *testing.T, src connector.Source) []string {
	t.Helper()
	var out []string
	wm := int64(math.MinInt64)
	for idle := 0; idle < 3; {
		b, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return append(out, "EOF")
		}
		if err != nil {
			return append(out, "error: "+err.Error())
		}
		if b == nil {
			idle++
		}
		for i := 0; b != nil && i < b.Len(); i++ {
			out = append(out, fmt.Sprintf("%s%v", b.Kind(i), b.Row(i)))
		}
		if w := src.(connector.WatermarkSource).CurrentWatermark(); w != wm {
			wm = w
			out = append(out, fmt.Sprintf("wm %d", w))
		}
		if id, ok := src.(interface{ TakeBarrier() (int64, bool) }).TakeBarrier(); ok {
			out = append(out, fmt.Sprintf("barrier %d", id))
		}
	}
	return out
}

func open(t *testing.T, opts map[string]string) connector.Source {
	t.Helper()
	src, err := newSource(testTable(opts))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Open(context.Background(), connector.Task{BatchSize: 2}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// TestSourceOrder checks that rows, watermarks and barriers come out in
// script order, rows batched up to the batch size, and the end ends it.
func TestSourceOrder(t *testing.T) {
	Reset()
	defer Reset()
	s := Get("t")
	s.AddRow(Row{Kind: types.Insert, Values: []*string{str("a"), str("1"), str("1970-01-01 00:00:01")}})
	s.AddRow(Row{Kind: types.Insert, Values: []*string{str("b"), nil, nil}})
	s.AddRow(Row{Kind: types.Insert, Values: []*string{str("c"), str("3"), str("1970-01-01 00:00:03.5")}})
	s.AddWatermark(2_000_000)
	Barrier(1)
	s.AddRow(Row{Kind: types.Insert, Values: []*string{str("d"), str("4"), nil}})
	End()
	got := events(t, open(t, nil))
	want := []string{
		"+I[a 1 1000000]", "+I[b <nil> <nil>]", "+I[c 3 3500000]", "wm 2000000", "barrier 1", "+I[d 4 <nil>]", "EOF",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events:\n got %q\nwant %q", got, want)
	}
}

// TestLateScript checks that a script first read after barriers were
// broadcast still gets them, and that every reader reads every event.
func TestLateScript(t *testing.T) {
	Reset()
	defer Reset()
	Barrier(1)
	Get("t").AddRow(Row{Kind: types.Insert, Values: []*string{str("a"), str("1"), nil}})
	End()
	for range 2 {
		got := events(t, open(t, nil))
		want := []string{"barrier 1", "+I[a 1 <nil>]", "EOF"}
		if !slices.Equal(got, want) {
			t.Errorf("events:\n got %q\nwant %q", got, want)
		}
	}
}

// TestSourceErrors checks rows the table cannot take.
func TestSourceErrors(t *testing.T) {
	cases := []struct {
		opts map[string]string
		row  Row
		want string
	}{
		{nil, Row{Kind: types.Delete, Values: []*string{str("a"), str("1"), nil}, Line: 7},
			"script table default_catalog.default_database.t, row of line 7: row kind -D is not in changelog-mode"},
		{map[string]string{OptChangelogMode: "I,UB,UA,D"}, Row{Kind: types.Insert, Values: []*string{str("a")}, Line: 3},
			"script table default_catalog.default_database.t, row of line 3: 1 values, the table has 3 columns"},
		{nil, Row{Kind: types.Insert, Values: []*string{str("a"), str("x"), nil}, Line: 4},
			"script table default_catalog.default_database.t, row of line 4: column n: cannot cast 'x'"},
	}
	for _, c := range cases {
		Reset()
		if c.row.Line == 4 { // a good row first: the error names the bad one
			Get("t").AddRow(Row{Kind: types.Insert, Values: []*string{str("a"), str("1"), nil}, Line: 2})
		}
		Get("t").AddRow(c.row)
		got := events(t, open(t, c.opts))
		if len(got) != 1 || len(got[0]) < len("error: "+c.want) || got[0][:len("error: "+c.want)] != "error: "+c.want {
			t.Errorf("got %q, want an error starting %q", got, c.want)
		}
	}
	Reset()
	if _, err := newSource(testTable(map[string]string{OptChangelogMode: "X"})); err == nil {
		t.Error("changelog-mode X accepted")
	}
}
