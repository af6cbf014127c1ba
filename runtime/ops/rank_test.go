package ops

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// rankStep is one input batch of a Top-N test and the rows it must emit.
type rankStep struct {
	kinds []types.RowKind
	rows  [][]any
	want  []string
}

func kindsOf(s string) []types.RowKind {
	var out []types.RowKind
	for i := 0; i+1 < len(s); i += 3 {
		k, _ := types.ParseRowKind(s[i : i+2])
		out = append(out, k)
	}
	return out
}

func topCfg(strategy RankStrategy, typ RankType, end int64, withRank bool) *RankConfig {
	return &RankConfig{
		InSchema: schema, PartitionKeys: []int{0}, OrderKeys: []kernel.SortKey{{Col: 1, Desc: true}},
		Type: typ, RankStart: 1, RankEnd: end, OutputRankNumber: withRank, RankName: "rn", Strategy: strategy,
	}
}

// runRank feeds steps to a Rank operator built from cfg, checking each
// step's output; at restoreAt it snapshots and continues on a fresh
// operator restored from the snapshot.
func runRank(t *testing.T, cfg *RankConfig, steps []rankStep, restoreAt int) {
	t.Helper()
	op := mustBuild(t, Spec{Kind: KindRank, Config: cfg})
	for n, s := range steps {
		c := &sliceCollector{}
		if err := op.ProcessBatch(0, batchOf(s.kinds, s.rows...), c); err != nil {
			t.Fatalf("step %d: %v", n, err)
		}
		if got := c.rows(); !slices.Equal(got, s.want) {
			t.Fatalf("step %d (restore at %d):\n got %q\nwant %q", n, restoreAt, got, s.want)
		}
		if n == restoreAt {
			var snap bytes.Buffer
			if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
				t.Fatal(err)
			}
			op = mustBuild(t, Spec{Kind: KindRank, Config: cfg})
			if err := op.(Snapshotter).RestoreState(&snap); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestTopN(t *testing.T) {
	r := func(w string, a int32) []any { return []any{w, a} }
	cases := []struct {
		name  string
		cfg   *RankConfig
		steps []rankStep
	}{
		{"append without rank number", topCfg(AppendFastStrategy, RowNumber, 2, false), []rankStep{
			{rows: [][]any{r("x", 5), r("x", 3)}, want: []string{"+I[x 5]", "+I[x 3]"}},
			{rows: [][]any{r("x", 1)}, want: nil},
			{rows: [][]any{r("x", 4), r("y", 1)}, want: []string{"-D[x 3]", "+I[x 4]", "+I[y 1]"}},
			{rows: [][]any{r("x", 4)}, want: nil}, // a tie with the last row stays out
			{rows: [][]any{r("x", 9)}, want: []string{"-D[x 4]", "+I[x 9]"}},
		}},
		{"append with rank number", topCfg(AppendFastStrategy, RowNumber, 3, true), []rankStep{
			{rows: [][]any{r("x", 5), r("x", 3)}, want: []string{"+I[x 5 1]", "+I[x 3 2]"}},
			{rows: [][]any{r("x", 4)}, want: []string{"-U[x 3 2]", "+U[x 4 2]", "+I[x 3 3]"}},
			{rows: [][]any{r("x", 6)}, want: []string{"-U[x 5 1]", "+U[x 6 1]", "-U[x 4 2]", "+U[x 5 2]", "-U[x 3 3]", "+U[x 4 3]"}},
			{rows: [][]any{r("x", 1)}, want: nil},
		}},
		{"retract without rank number", topCfg(RetractStrategy, RowNumber, 2, false), []rankStep{
			{rows: [][]any{r("x", 5), r("x", 3), r("x", 1)}, want: []string{"+I[x 5]", "+I[x 3]"}},
			{kinds: kindsOf("-U +U"), rows: [][]any{r("x", 5), r("x", 0)}, want: []string{"-D[x 5]", "+I[x 1]"}},
			{kinds: kindsOf("-D"), rows: [][]any{r("x", 1)}, want: []string{"-D[x 1]", "+I[x 0]"}},
			{kinds: kindsOf("-D"), rows: [][]any{r("x", 3)}, want: []string{"-D[x 3]"}},
			{kinds: kindsOf("-D"), rows: [][]any{r("x", 7)}, want: nil}, // never seen
		}},
		{"retract with rank number", topCfg(RetractStrategy, RowNumber, 2, true), []rankStep{
			{rows: [][]any{r("x", 5), r("x", 3), r("x", 1)}, want: []string{"+I[x 5 1]", "+I[x 3 2]"}},
			{kinds: kindsOf("-D"), rows: [][]any{r("x", 5)}, want: []string{"-U[x 5 1]", "+U[x 3 1]", "-U[x 3 2]", "+U[x 1 2]"}},
			{kinds: kindsOf("-D"), rows: [][]any{r("x", 1)}, want: []string{"-D[x 1 2]"}},
		}},
		{"rank with ties", topCfg(AppendFastStrategy, RankRank, 2, true), []rankStep{
			{rows: [][]any{r("x", 5), r("x", 5), r("x", 3)}, want: []string{"+I[x 5 1]", "+I[x 5 1]"}},
			{rows: [][]any{r("x", 6)}, want: []string{"-U[x 5 1]", "+U[x 6 1]", "-U[x 5 1]", "+U[x 5 2]", "+I[x 5 2]"}},
		}},
		{"dense rank", topCfg(RetractStrategy, DenseRank, 2, true), []rankStep{
			{rows: [][]any{r("x", 5), r("x", 5), r("x", 3), r("x", 1)}, want: []string{"+I[x 5 1]", "+I[x 5 1]", "+I[x 3 2]"}},
		}},
	}
	for _, c := range cases {
		for restore := -1; restore < len(c.steps)-1; restore++ {
			t.Run(c.name, func(t *testing.T) { runRank(t, c.cfg, c.steps, restore) })
		}
	}
}

func TestBatchRank(t *testing.T) {
	for _, c := range []struct {
		typ  RankType
		want []string
	}{
		{RowNumber, []string{"+I[x 5 1]", "+I[x 5 2]", "+I[y 2 1]", "+I[y 1 2]"}},
		{RankRank, []string{"+I[x 5 1]", "+I[x 5 1]", "+I[y 2 1]", "+I[y 1 2]"}},
		{DenseRank, []string{"+I[x 5 1]", "+I[x 5 1]", "+I[x 3 2]", "+I[y 2 1]", "+I[y 1 2]"}},
	} {
		cfg := topCfg(AppendFastStrategy, c.typ, 2, true)
		cfg.Batch = true
		op := mustBuild(t, Spec{Kind: KindRank, Config: cfg})
		col := &sliceCollector{}
		b := batchOf(nil, []any{"x", int32(5)}, []any{"y", int32(1)}, []any{"x", int32(3)}, []any{"x", int32(5)}, []any{"y", int32(2)})
		if err := op.ProcessBatch(0, b, col); err != nil {
			t.Fatal(err)
		}
		if err := op.EndInput(0, col); err != nil {
			t.Fatal(err)
		}
		if got := col.rows(); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.typ, got, c.want)
		}
	}
}

// TestTopNTTL checks that a partition idle for longer than the TTL
// forgets its rows: the next row starts a new top without retracting the
// expired ones, as Flink's state TTL does.
func TestTopNTTL(t *testing.T) {
	now := int64(0)
	cfg := topCfg(AppendFastStrategy, RowNumber, 1, false)
	cfg.TTL = time.Second
	op, err := Build(Spec{Kind: KindRank, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx := opCtx()
	ctx.Now = func() int64 { return now }
	if err := op.Open(ctx); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		at   int64
		v    int32
		want []string
	}{
		{0, 5, []string{"+I[x 5]"}},
		{900_000, 3, nil},
		{1_500_000, 4, nil}, // 0.6 s after the last access: still kept
		{3_000_000, 1, []string{"+I[x 1]"}},
	} {
		now = c.at
		col := &sliceCollector{}
		if err := op.ProcessBatch(0, batchOf(nil, []any{"x", c.v}), col); err != nil {
			t.Fatal(err)
		}
		if got := col.rows(); !slices.Equal(got, c.want) {
			t.Errorf("step %d: got %q, want %q", i, got, c.want)
		}
	}
}
