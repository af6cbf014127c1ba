package ops

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/spry-engine/spry/types"
)

var dedupSchema = types.NewSchema(
	types.Field{Name: "k", Type: types.String},
	types.Field{Name: "ts", Type: types.Timestamp(3)},
	types.Field{Name: "v", Type: types.Int},
)

func dedupBatch(rows ...[]any) *types.Batch {
	bb := types.NewBatchBuilder(dedupSchema)
	for _, r := range rows {
		bb.Add(types.Insert, r)
	}
	return bb.Build()
}

func TestDedup(t *testing.T) {
	sec := func(s int64) int64 { return s * 1e6 }
	r := func(k string, s int64, v int32) []any { return []any{k, sec(s), v} }
	steps := [][][]any{
		{r("a", 5, 1), r("b", 1, 2)},
		{r("a", 3, 3), r("a", 7, 4)},
		{r("b", 1, 5)},
	}
	cases := []struct {
		name string
		cfg  DedupConfig
		want [][]string
	}{
		{"first proctime", DedupConfig{}, [][]string{
			{"+I[a 5000000 1]", "+I[b 1000000 2]"}, nil, nil}},
		{"last proctime", DedupConfig{KeepLast: true}, [][]string{
			{"+I[a 5000000 1]", "+I[b 1000000 2]"},
			{"-U[a 5000000 1]", "+U[a 3000000 3]", "-U[a 3000000 3]", "+U[a 7000000 4]"},
			{"-U[b 1000000 2]", "+U[b 1000000 5]"}}},
		{"first rowtime", DedupConfig{Rowtime: true, TimeCol: 1}, [][]string{
			{"+I[a 5000000 1]", "+I[b 1000000 2]"},
			{"-U[a 5000000 1]", "+U[a 3000000 3]"},
			nil}},
		{"last rowtime", DedupConfig{Rowtime: true, TimeCol: 1, KeepLast: true}, [][]string{
			{"+I[a 5000000 1]", "+I[b 1000000 2]"},
			{"-U[a 5000000 1]", "+U[a 7000000 4]"},
			{"-U[b 1000000 2]", "+U[b 1000000 5]"}}},
	}
	for _, c := range cases {
		for restore := -1; restore < len(steps)-1; restore++ {
			cfg := c.cfg
			cfg.InSchema, cfg.Keys = dedupSchema, []int{0}
			op := mustBuild(t, Spec{Kind: KindDedup, Config: &cfg})
			for n, s := range steps {
				col := &sliceCollector{}
				if err := op.ProcessBatch(0, dedupBatch(s...), col); err != nil {
					t.Fatal(err)
				}
				if got := col.rows(); !slices.Equal(got, c.want[n]) {
					t.Fatalf("%s step %d (restore at %d):\n got %q\nwant %q", c.name, n, restore, got, c.want[n])
				}
				if n == restore {
					var snap bytes.Buffer
					if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
						t.Fatal(err)
					}
					op = mustBuild(t, Spec{Kind: KindDedup, Config: &cfg})
					if err := op.(Snapshotter).RestoreState(&snap); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}

func TestDedupTTL(t *testing.T) {
	now := int64(0)
	cfg := &DedupConfig{InSchema: dedupSchema, Keys: []int{0}, TTL: time.Second}
	op, err := Build(Spec{Kind: KindDedup, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx := opCtx()
	ctx.Now = func() int64 { return now }
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	row := []any{"a", int64(0), int32(1)}
	for i, c := range []struct {
		at   int64
		want int
	}{{0, 1}, {500_000, 0}, {1_400_000, 0}, {2_500_000, 1}} {
		now = c.at
		col := &sliceCollector{}
		if err := op.ProcessBatch(0, dedupBatch(row), col); err != nil {
			t.Fatal(err)
		}
		if got := len(col.rows()); got != c.want {
			t.Errorf("step %d at %dµs: %d rows, want %d", i, c.at, got, c.want)
		}
	}
}
