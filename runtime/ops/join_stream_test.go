package ops

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/spry-engine/spry/types"
)

// streamStep feeds one batch to a side and lists the changes it must emit,
// in order.
type streamStep struct {
	input int
	kinds string
	rows  [][]any
	want  []string
}

func L(kinds string, rows ...[]any) streamStep { return streamStep{input: 0, kinds: kinds, rows: rows} }
func R(kinds string, rows ...[]any) streamStep { return streamStep{input: 1, kinds: kinds, rows: rows} }

func (s streamStep) emits(want ...string) streamStep { s.want = want; return s }

func row(a any, b string) []any {
	if i, ok := a.(int); ok {
		a = int32(i)
	}
	return []any{a, b}
}

func streamCfg(t JoinType, residual bool) *JoinConfig {
	c := joinCfg(t, true, nil)
	if residual {
		c.Residual = dGtX
	}
	c.Streaming = true
	return c
}

// runStream feeds steps to op, checking each step's output; with restoreAt
// >= 0 the state is snapshotted after that step and the rest runs on a
// fresh operator restored from it.
func runStream(t *testing.T, cfg *JoinConfig, steps []streamStep, restoreAt int) {
	t.Helper()
	op := mustBuild(t, Spec{Kind: KindJoin, Config: cfg})
	for n, s := range steps {
		schema := jLeft
		if s.input == 1 {
			schema = jRight
		}
		c := &sliceCollector{}
		if err := op.ProcessBatch(s.input, jBatch(schema, s.kinds, s.rows...), c); err != nil {
			t.Fatalf("step %d: %v", n, err)
		}
		if got := flinkRows(t, c); !slices.Equal(got, s.want) {
			t.Fatalf("step %d (restore at %d): got %q, want %q", n, restoreAt, got, s.want)
		}
		if n == restoreAt {
			var snap bytes.Buffer
			if err := op.(Snapshotter).SnapshotState(&snap); err != nil {
				t.Fatal(err)
			}
			op = mustBuild(t, Spec{Kind: KindJoin, Config: cfg})
			if err := op.(Snapshotter).RestoreState(&snap); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestStreamJoin(t *testing.T) {
	tests := []struct {
		name  string
		cfg   *JoinConfig
		steps []streamStep
	}{
		{"inner insert-only", streamCfg(JoinInner, false), []streamStep{
			L("", row(1, "a")),
			R("", row(1, "x")).emits("+I[1, a, 1, x]"),
			L("", row(1, "b"), row(2, "c")).emits("+I[1, b, 1, x]"),
			R("", row(1, "y"), row(3, "z")).emits("+I[1, a, 1, y]", "+I[1, b, 1, y]"),
			L("", row(nil, "n")),
			R("", row(nil, "m")),
		}},
		{"inner retract", streamCfg(JoinInner, false), []streamStep{
			L("", row(1, "a"), row(1, "b")),
			R("", row(1, "x")).emits("+I[1, a, 1, x]", "+I[1, b, 1, x]"),
			L("D", row(1, "a")).emits("-D[1, a, 1, x]"),
			R("UA", row(1, "x"), row(1, "y")).emits("-U[1, b, 1, x]", "+U[1, b, 1, y]"),
			L("D", row(1, "zz")).emits("-D[1, zz, 1, y]"), // not in state: Flink still emits
			L("D", row(1, "b")).emits("-D[1, b, 1, y]"),
			R("", row(1, "w")),
		}},
		{"inner duplicates", streamCfg(JoinInner, false), []streamStep{
			L("II", row(1, "a"), row(1, "a")),
			R("", row(1, "x")).emits("+I[1, a, 1, x]", "+I[1, a, 1, x]"),
			L("D", row(1, "a")).emits("-D[1, a, 1, x]"),
			R("", row(1, "y")).emits("+I[1, a, 1, y]"),
		}},
		{"left", streamCfg(JoinLeft, false), []streamStep{
			L("", row(1, "a")).emits("+I[1, a, null, null]"),
			R("", row(1, "x")).emits("-D[1, a, null, null]", "+I[1, a, 1, x]"),
			R("", row(1, "y")).emits("+I[1, a, 1, y]"),
			R("D", row(1, "x")).emits("-D[1, a, 1, x]"),
			R("D", row(1, "y")).emits("-D[1, a, 1, y]", "+I[1, a, null, null]"),
			L("D", row(1, "a")).emits("-D[1, a, null, null]"),
			R("D", row(1, "q")),
			L("", row(nil, "n")).emits("+I[null, n, null, null]"),
			R("", row(nil, "m")),
			L("D", row(nil, "n")).emits("-D[null, n, null, null]"),
		}},
		{"left updates", streamCfg(JoinLeft, false), []streamStep{
			R("", row(1, "x")),
			L("", row(1, "a")).emits("+I[1, a, 1, x]"),
			L("UA", row(1, "a"), row(2, "a")).emits("-D[1, a, 1, x]", "+I[2, a, null, null]"),
			R("UA", row(1, "x"), row(2, "x")).emits("-D[2, a, null, null]", "+I[2, a, 2, x]"),
		}},
		{"left duplicates", streamCfg(JoinLeft, false), []streamStep{
			L("II", row(1, "a"), row(1, "a")).emits("+I[1, a, null, null]", "+I[1, a, null, null]"),
			R("", row(1, "x")).emits("-D[1, a, null, null]", "+I[1, a, 1, x]", "-D[1, a, null, null]", "+I[1, a, 1, x]"),
			R("", row(1, "x")).emits("+I[1, a, 1, x]", "+I[1, a, 1, x]"),
			R("D", row(1, "x")).emits("-D[1, a, 1, x]", "-D[1, a, 1, x]"),
			R("D", row(1, "x")).emits("-D[1, a, 1, x]", "+I[1, a, null, null]", "-D[1, a, 1, x]", "+I[1, a, null, null]"),
		}},
		{"left residual", streamCfg(JoinLeft, true), []streamStep{
			L("", row(1, "a")).emits("+I[1, a, null, null]"),
			R("", row(1, "x")),
			R("", row(1, "y")).emits("-D[1, a, null, null]", "+I[1, a, 1, y]"),
			L("", row(1, "b")).emits("+I[1, b, 1, y]"),
		}},
		{"right", streamCfg(JoinRight, false), []streamStep{
			R("", row(1, "x")).emits("+I[null, null, 1, x]"),
			L("", row(1, "a")).emits("-D[null, null, 1, x]", "+I[1, a, 1, x]"),
			L("U", row(1, "a")).emits("-U[1, a, 1, x]", "+I[null, null, 1, x]"),
		}},
		{"full", streamCfg(JoinFull, false), []streamStep{
			R("", row(2, "z")).emits("+I[null, null, 2, z]"),
			L("", row(1, "a")).emits("+I[1, a, null, null]"),
			L("", row(2, "b")).emits("-D[null, null, 2, z]", "+I[2, b, 2, z]"),
			R("", row(2, "y")).emits("+I[2, b, 2, y]"),
			L("D", row(2, "b")).emits("-D[2, b, 2, z]", "+I[null, null, 2, z]", "-D[2, b, 2, y]", "+I[null, null, 2, y]"),
			R("D", row(2, "z")).emits("-D[null, null, 2, z]"),
			L("", row(nil, "n")).emits("+I[null, n, null, null]"),
		}},
		{"semi", streamCfg(JoinSemi, false), []streamStep{
			L("", row(1, "a")),
			R("", row(1, "x")).emits("+I[1, a]"),
			R("", row(1, "y")),
			L("", row(1, "b")).emits("+I[1, b]"),
			R("D", row(1, "x")),
			R("D", row(1, "y")).emits("-D[1, a]", "-D[1, b]"),
			L("D", row(1, "a")),
			R("A", row(1, "x")).emits("+U[1, b]"),
			L("D", row(1, "b")).emits("-D[1, b]"),
		}},
		{"anti", streamCfg(JoinAnti, false), []streamStep{
			L("", row(1, "a")).emits("+I[1, a]"),
			R("", row(1, "x")).emits("-D[1, a]"),
			R("", row(1, "x")),
			R("D", row(1, "x")),
			R("U", row(1, "x")).emits("+I[1, a]"),
			L("D", row(1, "a")).emits("-D[1, a]"),
			L("", row(nil, "n")).emits("+I[null, n]"),
		}},
	}
	for _, tc := range tests {
		for restoreAt := -1; restoreAt < len(tc.steps); restoreAt++ {
			t.Run(fmt.Sprintf("%s/restore%d", tc.name, restoreAt), func(t *testing.T) {
				runStream(t, tc.cfg, tc.steps, restoreAt)
			})
		}
	}
}

func TestStreamJoinCompaction(t *testing.T) {
	// Insert then retract many left rows so their chunks are compacted
	// away; the few survivors must still join correctly.
	cfg := streamCfg(JoinLeft, false)
	op := mustBuild(t, Spec{Kind: KindJoin, Config: cfg})
	c := &sliceCollector{}
	var ins, del [][]any
	for i := 0; i < 20000; i++ {
		ins = append(ins, row(i%10, fmt.Sprint(i)))
		if i >= 3 {
			del = append(del, row(i%10, fmt.Sprint(i)))
		}
	}
	for i := 0; i < len(ins); i += 1000 {
		if err := op.ProcessBatch(0, jBatch(jLeft, "", ins[i:i+1000]...), c); err != nil {
			t.Fatal(err)
		}
	}
	dk := make([]byte, len(del))
	for i := range dk {
		dk[i] = 'D'
	}
	if err := op.ProcessBatch(0, jBatch(jLeft, string(dk), del...), c); err != nil {
		t.Fatal(err)
	}
	side := op.(*streamJoin).sides[0]
	if side.live != 3 || side.stored > 2*side.live+4096 {
		t.Fatalf("after retractions: %d live records in %d stored rows", side.live, side.stored)
	}
	c = &sliceCollector{}
	if err := op.ProcessBatch(1, jBatch(jRight, "", row(1, "x"), row(2, "y")), c); err != nil {
		t.Fatal(err)
	}
	want := []string{"-D[1, 1, null, null]", "+I[1, 1, 1, x]", "-D[2, 2, null, null]", "+I[2, 2, 2, y]"}
	if got := flinkRows(t, c); !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestStreamJoinMultipleKeysAndCross(t *testing.T) {
	// Without keys every row shares one key: a streaming cross join.
	cfg := joinCfg(JoinInner, false, aLtC)
	cfg.Streaming = true
	runStream(t, cfg, []streamStep{
		L("", row(1, "a"), row(5, "b")),
		R("", row(3, "x")).emits("+I[1, a, 3, x]"),
		L("D", row(1, "a")).emits("-D[1, a, 3, x]"),
	}, 1)
	_ = types.Insert
}
