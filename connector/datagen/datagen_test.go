package datagen

import (
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// readAll runs every subtask of a datagen table to its end and returns
// the rows of each.
func readAll(t *testing.T, s *types.Schema, opts map[string]string, par int) ([][][]any, error) {
	t.Helper()
	out := make([][][]any, par)
	for sub := 0; sub < par; sub++ {
		src, _ := Factory.NewSource(&connector.Table{Name: "gen", Schema: s, Options: opts})
		ctx := context.Background()
		if err := src.Open(ctx, connector.Task{Subtask: sub, Parallelism: par, BatchSize: 7}); err != nil {
			return nil, err
		}
		for {
			b, err := src.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			if b == nil {
				continue
			}
			if err := b.Validate(); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < b.Len(); i++ {
				out[sub] = append(out[sub], b.Row(i))
			}
		}
		src.Close()
	}
	return out, nil
}

func TestSequenceSplitsAcrossSubtasks(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "id", Type: types.BigInt}, types.Field{Name: "s", Type: types.String})
	opts := map[string]string{"fields.id.kind": "sequence", "fields.id.start": "1", "fields.id.end": "10",
		"fields.s.kind": "sequence", "fields.s.start": "1", "fields.s.end": "100", "rows-per-second": "1000000"}
	if !Factory.SourceBounded(opts) {
		t.Error("all-sequence table should be bounded")
	}
	rows, err := readAll(t, s, opts, 3)
	if err != nil {
		t.Fatal(err)
	}
	var all []int
	for sub, rs := range rows {
		for _, r := range rs {
			id := int(r[0].(int64))
			if (id-1)%3 != sub {
				t.Errorf("subtask %d got id %d", sub, id)
			}
			all = append(all, id)
		}
	}
	sort.Ints(all)
	if len(all) != 10 || all[0] != 1 || all[9] != 10 {
		t.Errorf("ids %v", all)
	}
}

func TestRandomRespectsOptions(t *testing.T) {
	s := types.NewSchema(
		types.Field{Name: "i", Type: types.Int},
		types.Field{Name: "d", Type: types.Double},
		types.Field{Name: "s", Type: types.String},
		types.Field{Name: "dec", Type: types.Decimal(5, 2)},
		types.Field{Name: "ts", Type: types.Timestamp(3)},
		types.Field{Name: "b", Type: types.Boolean},
		types.Field{Name: "arr", Type: types.ArrayOf(types.SmallInt)},
		types.Field{Name: "r", Type: types.RowOf(types.Field{Name: "x", Type: types.TinyInt})},
		types.Field{Name: "n", Type: types.BigInt},
	)
	fixed := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	now = func() time.Time { return fixed }
	defer func() { now = time.Now }()
	opts := map[string]string{"number-of-rows": "50", "rows-per-second": "1000000",
		"fields.i.min": "5", "fields.i.max": "7", "fields.d.min": "0", "fields.d.max": "1",
		"fields.s.length": "4", "fields.ts.max-past": "1 h", "fields.arr.length": "2", "fields.r.x.min": "1", "fields.r.x.max": "1",
		"fields.n.null-rate": "1"}
	if err := connector.ValidateTable(Factory, "gen", opts); err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(t, s, opts, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows[0]) != 25 || len(rows[1]) != 25 {
		t.Fatalf("got %d + %d rows, want 25 + 25", len(rows[0]), len(rows[1]))
	}
	for _, r := range append(rows[0], rows[1]...) {
		i, d, str, ts := r[0].(int32), r[1].(float64), r[2].(string), r[4].(int64)
		if i < 5 || i > 7 || d < 0 || d > 1 || len(str) != 4 || strings.Trim(str, "0123456789abcdef") != "" ||
			ts > fixed.UnixMicro() || ts < fixed.Add(-time.Hour).UnixMicro() || len(r[6].([]any)) != 2 ||
			r[7].([]any)[0].(int8) != 1 || r[8] != nil {
			t.Fatalf("row out of spec: %v", r)
		}
	}
	// Same seed, same rows.
	again, _ := readAll(t, s, opts, 2)
	if types.Format(again[0][3][2], types.String, nil, "") != types.Format(rows[0][3][2], types.String, nil, "") {
		t.Error("generation is not reproducible")
	}
}

func TestRateLimit(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "i", Type: types.Int})
	src, _ := Factory.NewSource(&connector.Table{Name: "gen", Schema: s, Options: map[string]string{"rows-per-second": "100"}})
	ctx := context.Background()
	src.Open(ctx, connector.Task{Parallelism: 2, BatchSize: 1000})
	start := time.Now()
	total := 0
	for time.Since(start) < 300*time.Millisecond {
		b, err := src.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b != nil {
			total += b.Len()
		}
	}
	// 50 rows/s for this subtask: about 15 in 300 ms plus the first burst.
	if total < 10 || total > 30 {
		t.Errorf("emitted %d rows in 300 ms at 50 rows/s", total)
	}
}

func TestBadOptions(t *testing.T) {
	s := types.NewSchema(types.Field{Name: "i", Type: types.Int})
	for _, opts := range []map[string]string{
		{"fields.i.kind": "sequence", "fields.i.start": "1"},
		{"fields.i.kind": "sequence", "fields.i.start": "5", "fields.i.end": "1"},
		{"fields.i.min": "x"},
		{"fields.i.null-rate": "2"},
		{"fields.i.kind": "sequence", "fields.i.start": "1", "fields.i.end": "99999999999"},
	} {
		if _, err := readAll(t, s, opts, 1); err == nil {
			t.Errorf("%v: no error", opts)
		}
	}
	if err := connector.ValidateTable(Factory, "t", map[string]string{"fields.i.kind": "zigzag"}); err == nil {
		t.Error("bad kind accepted by validation")
	}
}
