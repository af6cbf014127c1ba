package physical

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// timeJoin plans the time-aware streaming joins Flink recognises in a
// join condition: interval joins and window joins. It reports false for
// every other join, and in batch mode, where Flink runs them as regular
// joins with the same condition (which gives the same final rows).
func (t *translator) timeJoin(j *plan.Join) (*Node, bool, error) {
	if t.opts.Batch {
		return nil, false, nil
	}
	if b := plan.IntervalJoinBounds(j); b != nil {
		n, err := t.intervalJoin(j, b)
		return n, true, err
	}
	if w := plan.WindowJoinOf(j); w != nil {
		n, err := t.windowJoin(j, w)
		return n, true, err
	}
	return nil, false, nil
}

// joinInputs translates both inputs of a join and checks their widths.
func (t *translator) joinInputs(j *plan.Join) (*Node, *Node, error) {
	left, err := t.translate(j.Left)
	if err != nil {
		return nil, nil, err
	}
	right, err := t.translate(j.Right)
	if err != nil {
		return nil, nil, err
	}
	if err := sameWidth(left, j.Left, "join"); err != nil {
		return nil, nil, err
	}
	if err := sameWidth(right, j.Right, "join"); err != nil {
		return nil, nil, err
	}
	return left, right, nil
}

// intervalJoin plans Flink's IntervalJoin: both inputs hashed on the
// equi-join keys (or gathered on one subtask without keys) into the
// interval join operator, which evaluates the whole non-equi condition.
func (t *translator) intervalJoin(j *plan.Join, b *plan.IntervalBounds) (*Node, error) {
	if j.Type > plan.JoinFull {
		return nil, errorf(ErrUnsupported, "interval join of type "+j.Type.String()+" is not supported")
	}
	left, right, err := t.joinInputs(j)
	if err != nil {
		return nil, err
	}
	lk, rk, rest := plan.EquiKeys(j.Condition, left.Schema.Len())
	res, err := andAll(rest)
	if err != nil {
		return nil, err
	}
	le, p := keyExchange(left, lk, t.opts.Parallelism)
	re, _ := keyExchange(right, rk, t.opts.Parallelism)
	out := j.Schema()
	cfg := &ops.IntervalJoinConfig{
		Type: ops.JoinType(j.Type), LeftKeys: lk, RightKeys: rk, Residual: res,
		LeftSchema: left.Schema, RightSchema: right.Schema, OutSchema: out,
		RowTime: b.RowTime, LeftTime: b.LeftTime, RightTime: b.RightTime,
		LeftLower: b.LeftLower * 1000, LeftUpper: b.LeftUpper * 1000,
	}
	both := joinedSchema(left.Schema, right.Schema)
	desc := fmt.Sprintf("joinType=[%s], windowBounds=[isRowTime=%t, leftLowerBound=%d, leftUpperBound=%d, leftTimeIndex=%d, rightTimeIndex=%d], where=[%s], select=[%s]",
		joinTypeName(j.Type), b.RowTime, b.LeftLower, b.LeftUpper, b.LeftTime, b.RightTime,
		formatExpr(j.Condition, both), strings.Join(both.Names(), ", "))
	return &Node{
		Name: "IntervalJoin", Desc: desc, Inputs: []*Node{le, re}, Schema: out, Parallelism: p,
		Spec:            &ops.Spec{Kind: ops.KindIntervalJoin, Config: cfg, Display: "IntervalJoin(" + desc + ")"},
		needsInsertOnly: true,
	}, nil
}

// joinedSchema is left ++ right with duplicate names made unique as
// Calcite does (ts, ts0, ts1, ...), for printing join conditions and
// select lists as Flink's EXPLAIN does.
func joinedSchema(l, r *types.Schema) *types.Schema {
	fs := append(append([]types.Field(nil), l.Fields...), r.Fields...)
	seen := map[string]bool{}
	for i := range fs {
		name := fs[i].Name
		for n := 0; seen[name]; n++ {
			name = fs[i].Name + strconv.Itoa(n)
		}
		seen[name] = true
		fs[i].Name = name
	}
	return types.NewSchema(fs...)
}
