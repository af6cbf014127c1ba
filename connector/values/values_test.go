package values

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

var schema = types.NewSchema(types.Field{Name: "w", Type: types.String}, types.Field{Name: "n", Type: types.BigInt},
	types.Field{Name: "d", Type: types.Decimal(5, 2)})

// roundTrip reads a values source to the end and writes everything to a
// values sink named sinkName.
func roundTrip(t *testing.T, srcOpts, sinkOpts map[string]string, sinkName string) error {
	t.Helper()
	ctx := context.Background()
	src, err := Factory.NewSource(&connector.Table{Name: "src", Schema: schema, Options: srcOpts})
	if err != nil {
		return err
	}
	if err := src.Open(ctx, connector.Task{Parallelism: 1, BatchSize: 2}); err != nil {
		return err
	}
	snk, _ := Factory.NewSink(&connector.Table{Name: sinkName, Schema: schema, Options: sinkOpts})
	snk.Open(ctx, connector.Task{Parallelism: 1})
	for {
		b, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := snk.Write(ctx, b); err != nil {
			return err
		}
	}
	return snk.Finish(ctx)
}

func TestChangelogRoundTrip(t *testing.T) {
	defer Clear()
	id := Register([][]any{
		{"+I", "a", 1, "1.5"},
		{"+I", "b", 2, nil},
		{"-U", "a", 1, "1.5"},
		{types.UpdateAfter, "a", 3, 2.25},
		{"-D", "b", 2, nil},
	})
	err := roundTrip(t, map[string]string{OptDataID: id, OptChangelogMode: "I,UB,UA,D"},
		map[string]string{OptSinkInsertOnly: "false"}, "default_catalog.default_database.out")
	if err != nil {
		t.Fatal(err)
	}
	var raw []string
	for _, r := range RawResults("out") {
		raw = append(raw, r.String())
	}
	want := "+I[a, 1, 1.50] +I[b, 2, null] -U[a, 1, 1.50] +U[a, 3, 2.25] -D[b, 2, null]"
	if got := strings.Join(raw, " "); got != want {
		t.Errorf("raw: got %s, want %s", got, want)
	}
	if got := strings.Join(Results("default_catalog.default_database.out"), " "); got != "+I[a, 3, 2.25]" {
		t.Errorf("results: %s", got)
	}
}

func TestErrors(t *testing.T) {
	defer Clear()
	insertOnly := Register([][]any{{"a", 1, nil}})
	changelog := Register([][]any{{"-D", "a", 1, nil}})
	cases := []struct {
		name     string
		src, snk map[string]string
		want     string
	}{
		{"kind outside source mode", map[string]string{OptDataID: changelog}, nil, "not in changelog-mode"},
		{"sink refuses updates", map[string]string{OptDataID: changelog, OptChangelogMode: "I,D"}, nil, "accepts [I]"},
		{"unknown id", map[string]string{OptDataID: "nope"}, nil, "no data registered"},
		{"bad value", map[string]string{OptDataID: Register([][]any{{"a", "x", nil}})}, nil, "cannot use x"},
		{"ok", map[string]string{OptDataID: insertOnly}, nil, ""},
	}
	for _, c := range cases {
		err := roundTrip(t, c.src, c.snk, c.name)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}

func TestModes(t *testing.T) {
	cases := []struct {
		opts     map[string]string
		src, snk types.ChangelogMode
		bounded  bool
	}{
		{nil, types.ModeInsertOnly, types.ModeInsertOnly, false},
		{map[string]string{OptChangelogMode: "I,UA,D", OptSinkInsertOnly: "false", OptBounded: "true"}, types.ModeUpsert, types.ModeAll, true},
		{map[string]string{OptSinkChangelogModeEnforce: "I,UA,D"}, types.ModeInsertOnly, types.ModeUpsert, false},
	}
	for _, c := range cases {
		if Factory.SourceMode(c.opts) != c.src || Factory.SinkMode(c.opts) != c.snk || Factory.SourceBounded(c.opts) != c.bounded {
			t.Errorf("%v: got %s %s %v", c.opts, Factory.SourceMode(c.opts), Factory.SinkMode(c.opts), Factory.SourceBounded(c.opts))
		}
	}
}
