package physical

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// windowJoin plans Flink's WindowJoin: both window TVF results hashed on
// the equi-join keys (window_start and window_end among them) into the
// window join operator, which joins each window once the watermark passes
// its end. The output is append-only and keeps the window columns.
func (t *translator) windowJoin(j *plan.Join, w *plan.WindowJoinInfo) (*Node, error) {
	if w.LeftWindow.Proctime || w.RightWindow.Proctime {
		return nil, errorf(ErrUnsupported, "Processing time Window Join is not supported yet.")
	}
	if w.LeftWindow.Kind == plan.WindowSession || w.RightWindow.Kind == plan.WindowSession {
		return nil, errorf(ErrUnsupported, "Window join on SESSION windows is not supported yet.")
	}
	left, right, err := t.joinInputs(j)
	if err != nil {
		return nil, err
	}
	nl := left.Schema.Len()
	lk, rk, rest := plan.EquiKeys(j.Condition, nl)
	res, err := andAll(rest)
	if err != nil {
		return nil, err
	}
	le, p := keyExchange(left, lk, t.opts.Parallelism)
	re, _ := keyExchange(right, rk, t.opts.Parallelism)
	out := j.Schema()
	both := joinedSchema(left.Schema, right.Schema)
	var where []string
	for i := range lk {
		if (lk[i] == w.LeftStart && rk[i] == w.RightStart) || (lk[i] == w.LeftEnd && rk[i] == w.RightEnd) {
			continue
		}
		where = append(where, "=("+colName(both, lk[i])+", "+colName(both, nl+rk[i])+")")
	}
	if res != nil {
		for _, c := range plan.Conjuncts(res) {
			where = append(where, formatExpr(c, both))
		}
	}
	desc := "leftWindow=[" + windowJoinSpec(w.LeftWindow, left.Schema, w.LeftStart, w.LeftEnd) + "], rightWindow=[" +
		windowJoinSpec(w.RightWindow, right.Schema, w.RightStart, w.RightEnd) + "], joinType=[" + joinTypeName(j.Type) + "]"
	switch len(where) {
	case 0:
		desc += ", where=[true]"
	case 1:
		desc += ", where=[" + where[0] + "]"
	default:
		desc += ", where=[AND(" + strings.Join(where, ", ") + ")]"
	}
	desc += ", select=[" + strings.Join(both.Names(), ", ") + "]"
	cfg := &ops.WindowJoinConfig{
		Type: ops.JoinType(j.Type), LeftKeys: lk, RightKeys: rk, Residual: res,
		LeftSchema: left.Schema, RightSchema: right.Schema, OutSchema: out,
		LeftEnd: w.LeftEnd, RightEnd: w.RightEnd, Display: "WindowJoin(" + desc + ")",
	}
	return &Node{
		Name: "WindowJoin", Desc: desc, Inputs: []*Node{le, re}, Schema: out, Parallelism: p,
		Spec: &ops.Spec{Kind: ops.KindWindowJoin, Config: cfg}, needsInsertOnly: true,
	}, nil
}

// windowJoinSpec prints a window as Flink's WindowJoin does:
// TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 min]).
func windowJoinSpec(w plan.WindowSpec, s *types.Schema, start, end int) string {
	b := fmt.Sprintf("%s(win_start=[%s], win_end=[%s], ", w.Kind, colName(s, start), colName(s, end))
	switch w.Kind {
	case plan.WindowHop:
		b += "size=[" + plan.FormatDuration(w.Size) + "], slide=[" + plan.FormatDuration(w.Slide) + "]"
	case plan.WindowCumulate:
		b += "max_size=[" + plan.FormatDuration(w.Size) + "], step=[" + plan.FormatDuration(w.Slide) + "]"
	default:
		b += "size=[" + plan.FormatDuration(w.Size) + "]"
	}
	if w.Offset != 0 {
		b += ", offset=[" + plan.FormatDuration(w.Offset) + "]"
	}
	return b + ")"
}
