package ops

import (
	"fmt"
	"testing"
)

// temporalCfg joins left (k, ts, v) with versions (k0, ts0, w) of key k0.
func temporalCfg(jt JoinType) *TemporalJoinConfig {
	return &TemporalJoinConfig{
		Type: jt, LeftKeys: []int{0}, RightKeys: []int{0},
		LeftSchema: tLeft, RightSchema: tRight, OutSchema: concatSchemas(tLeft, tRight),
		LeftTime: 1, RightTime: 1,
	}
}

func TestTemporalJoin(t *testing.T) {
	tests := []struct {
		name  string
		jt    JoinType
		steps []timeStep
	}{
		{"inner", JoinInner, []timeStep{
			tRk("I", tr(1, 10, "v10")),
			tl(tr(1, 12, "a"), tr(1, 9, "early"), tr(2, 12, "nokey")),
			tRk("UA", tr(1, 11, "v10"), tr(1, 11, "v11")),
			// Waits for the watermark; then joins the version valid at 12.
			twm(11), // early (9) precedes every version: no row
			twm(12).emits("+I[1, 12, a, 1, 11, v11]"),
			tl(tr(1, 20, "b"), tr(1, 30, "c")),
			tRk("D", tr(1, 25, "v11")),
			tend().emits("+I[1, 20, b, 1, 11, v11]"),
		}},
		{"updating left", JoinInner, []timeStep{
			tRk("I", tr(1, 10, "v10")),
			tlk("IUA", tr(1, 12, "a"), tr(1, 12, "a"), tr(1, 13, "b")),
			twm(13).emits("+I[1, 12, a, 1, 10, v10]", "-U[1, 12, a, 1, 10, v10]", "+U[1, 13, b, 1, 10, v10]"),
		}},
		{"left", JoinLeft, []timeStep{
			tRk("I", tr(1, 10, "v10")),
			tl(tr(1, 9, "early"), tr(1, 12, "a"), tr(2, 12, "nokey")),
			twm(12).emits("+I[1, 9, early, null, null, null]", "+I[1, 12, a, 1, 10, v10]", "+I[2, 12, nokey, null, null, null]"),
			tRk("D", tr(1, 15, "v10")),
			tl(tr(1, 16, "gone")),
			tend().emits("+I[1, 16, gone, null, null, null]"),
		}},
	}
	for _, tc := range tests {
		for restoreAt := -1; restoreAt < len(tc.steps); restoreAt++ {
			t.Run(fmt.Sprintf("%s/restore%d", tc.name, restoreAt), func(t *testing.T) {
				runTimeJoin(t, Spec{Kind: KindTemporalJoin, Config: temporalCfg(tc.jt)}, tLeft, tRight, tc.steps, restoreAt)
			})
		}
	}
}

func TestTemporalJoinLateAndCleanup(t *testing.T) {
	op := runTimeJoin(t, Spec{Kind: KindTemporalJoin, Config: temporalCfg(JoinInner)}, tLeft, tRight, []timeStep{
		tRk("III", tr(1, 1, "v1"), tr(1, 2, "v2"), tr(1, 3, "v3")),
		twm(5),
		tl(tr(1, 4, "late")),
		tl(tr(1, 6, "ok")),
		twm(6).emits("+I[1, 6, ok, 1, 3, v3]"),
	}, -1)
	j := op.(*temporalJoin)
	if n := j.late.Value(); n != 1 {
		t.Fatalf("late rows counted: %d, want 1", n)
	}
	if n := j.right.live; n != 1 {
		t.Fatalf("%d right versions kept, want only the latest", n)
	}
}
