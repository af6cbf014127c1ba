package physical

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

func setOpSpec(k plan.SetOpKind, all bool, s *types.Schema) *ops.Spec {
	op := ops.Intersect
	if k == plan.SetMinus {
		op = ops.Except
	}
	return &ops.Spec{Kind: ops.KindSetOp, Config: &ops.SetOpConfig{Op: op, All: all, Schema: s}}
}

func expandSpec(projs [][]int, ids []int64, in, out *types.Schema) *ops.Spec {
	return &ops.Spec{Kind: ops.KindExpand, Config: &ops.ExpandConfig{Projections: projs, GroupIDs: ids, InSchema: in, OutSchema: out}}
}

// joinSpec configures the join operator: a hash join on the equi-keys
// (batch), or Flink's regular streaming join, with the rest of the
// condition as a residual filter over left ++ right.
func joinSpec(j *plan.Join, lk, rk []int, rest []expr.Expr, l, r, out *types.Schema, batch bool) (*ops.Spec, error) {
	res, err := andAll(rest)
	if err != nil {
		return nil, err
	}
	cfg := &ops.JoinConfig{
		Type: ops.JoinType(j.Type), LeftKeys: lk, RightKeys: rk, Residual: res,
		LeftSchema: l, RightSchema: r, OutSchema: out, Streaming: !batch,
	}
	return &ops.Spec{Kind: ops.KindJoin, Config: cfg}, nil
}

// andAll combines conditions with the built-in AND (nil for none).
func andAll(cs []expr.Expr) (expr.Expr, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	out := cs[0]
	for _, c := range cs[1:] {
		f := expr.Builtins.Scalar("AND")
		if f == nil {
			return nil, errorf(ErrInternal, "the AND function is not registered")
		}
		args := []expr.Arg{{Type: out.Type()}, {Type: c.Type()}}
		t, k, err := f.Bind(args)
		if err != nil {
			return nil, err
		}
		out = &expr.Call{Name: "AND", Args: []expr.Expr{out, c}, T: t, Kernel: k}
	}
	return out, nil
}
