package ops

import (
	"fmt"
	"testing"

	"github.com/spry-engine/spry/types"
)

// Window join test schemas: (k INT, ws TIMESTAMP(3), we TIMESTAMP(3), v STRING).
var (
	tsPlain = types.DataType{Kind: types.KindTimestamp, Prec: 3, NotNull: true}
	wLeft   = types.NewSchema(types.Field{Name: "k", Type: types.Int}, types.Field{Name: "ws", Type: tsPlain},
		types.Field{Name: "we", Type: tsPlain}, types.Field{Name: "v", Type: types.String})
	wRight = types.NewSchema(types.Field{Name: "k0", Type: types.Int}, types.Field{Name: "ws0", Type: tsPlain},
		types.Field{Name: "we0", Type: tsPlain}, types.Field{Name: "w", Type: types.String})
)

// wr is a row (k, window [start, start+10) in seconds, v).
func wr(k any, start int64, v string) []any {
	if i, ok := k.(int); ok {
		k = int32(i)
	}
	return []any{k, start * 1_000_000, (start + 10) * 1_000_000, v}
}

func windowCfg(jt JoinType) *WindowJoinConfig {
	return &WindowJoinConfig{
		Type: jt, LeftKeys: []int{0, 1, 2}, RightKeys: []int{0, 1, 2},
		LeftSchema: wLeft, RightSchema: wRight, OutSchema: concatSchemas(wLeft, wRight),
		LeftEnd: 2, RightEnd: 2,
	}
}

func TestWindowJoin(t *testing.T) {
	tests := []struct {
		name  string
		jt    JoinType
		steps []timeStep
	}{
		{"inner", JoinInner, []timeStep{
			tl(wr(1, 0, "a"), wr(2, 0, "b"), wr(1, 10, "c")),
			tR(wr(1, 0, "x"), wr(1, 0, "y"), wr(1, 10, "z")),
			twm(9), // window [0, 10) fires at 9.999
			twm(10).emits("+I[1, 0, 10, a, 1, 0, 10, x]", "+I[1, 0, 10, a, 1, 0, 10, y]"),
			tl(wr(1, 0, "late")),
			tend().emits("+I[1, 10, 20, c, 1, 10, 20, z]"),
		}},
		{"left", JoinLeft, []timeStep{
			tl(wr(1, 0, "a"), wr(2, 0, "b")),
			tR(wr(1, 0, "x"), wr(3, 0, "q")),
			twm(10).emits("+I[1, 0, 10, a, 1, 0, 10, x]", "+I[2, 0, 10, b, null, null, null, null]"),
		}},
		{"full", JoinFull, []timeStep{
			tl(wr(2, 0, "b")),
			tR(wr(3, 0, "q")),
			tend().emits("+I[2, 0, 10, b, null, null, null, null]", "+I[null, null, null, null, 3, 0, 10, q]"),
		}},
		{"right", JoinRight, []timeStep{
			tl(wr(2, 0, "b")),
			tR(wr(3, 0, "q"), wr(2, 0, "p")),
			tend().emits("+I[2, 0, 10, b, 2, 0, 10, p]", "+I[null, null, null, null, 3, 0, 10, q]"),
		}},
	}
	for _, tc := range tests {
		for restoreAt := -1; restoreAt < len(tc.steps); restoreAt++ {
			t.Run(fmt.Sprintf("%s/restore%d", tc.name, restoreAt), func(t *testing.T) {
				runTimeJoin(t, Spec{Kind: KindWindowJoin, Config: windowCfg(tc.jt)}, wLeft, wRight, tc.steps, restoreAt)
			})
		}
	}
}

func TestWindowJoinLate(t *testing.T) {
	op := runTimeJoin(t, Spec{Kind: KindWindowJoin, Config: windowCfg(JoinInner)}, wLeft, wRight, []timeStep{
		twm(10),
		tl(wr(1, 0, "late")),
		tR(wr(1, 0, "late")),
		tend(),
	}, -1)
	if n := op.(*windowJoin).late.Value(); n != 2 {
		t.Fatalf("late rows counted: %d, want 2", n)
	}
}
