package physical

import (
	"strings"

	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// groupWindow plans a legacy group window aggregation behind a hash
// exchange on its keys (one subtask without keys): Flink's
// GroupWindowAggregate in streaming mode, HashWindowAggregate in batch
// mode (where every window fires at the end of input).
func (t *translator) groupWindow(n *plan.GroupWindowAggregate) (*Node, error) {
	in, err := t.translate(n.Input)
	if err != nil {
		return nil, err
	}
	w := n.Window
	streaming := !t.opts.Batch
	proctime := w.Proctime() && streaming
	emit := n.Emit
	if !streaming {
		emit = plan.EmitStrategy{}
	}
	if err := emit.Check(w.Kind == plan.GroupWindowSession, !proctime); err != nil {
		return nil, errorf(ErrUnsupported, err.Error())
	}
	calls := make([]ops.AggCall, len(n.Calls))
	sel := colNamesList(in.Schema, n.GroupKeys)
	for i, c := range n.Calls {
		d := callString(c, in.Schema)
		calls[i] = ops.AggCall{Name: d, Factory: c.Factory, Args: c.Args, Filter: c.Filter, Distinct: c.Distinct, Type: c.Type}
		sel = append(sel, d+" AS "+c.Name)
	}
	props := make([]ops.GroupWindowProp, len(n.Props))
	names := make([]string, len(n.Props))
	for i, p := range n.Props {
		props[i] = ops.GroupWindowProp(p)
		names[i] = p.Name()
		sel = append(sel, p.Func()+" AS "+p.Name())
	}
	ex, p := keyExchange(in, n.GroupKeys, t.opts.Parallelism)
	const ms = 1000 // µs
	cfg := &ops.GroupWindowConfig{
		Keys: n.GroupKeys, Calls: calls, TimeCol: w.TimeIndex, Proctime: proctime,
		Size: w.Size * ms, Slide: w.Slide * ms, Gap: w.Gap * ms, Props: props, Streaming: streaming,
		EarlyFire: emit.EarlyFire, EarlyDelay: emit.EarlyDelay.Microseconds(),
		LateFire: emit.LateFire, LateDelay: emit.LateDelay.Microseconds(),
		InSchema: ex.Schema, OutSchema: n.Schema(),
	}
	switch w.Kind {
	case plan.GroupWindowHop:
		cfg.Kind = ops.GroupWinHop
	case plan.GroupWindowSession:
		cfg.Kind = ops.GroupWinSession
	}
	if w.Kind != plan.GroupWindowSession && !proctime {
		// Flink ignores allowed lateness on sessions (no retraction of
		// merged windows) and on processing time (nothing is late).
		cfg.AllowLateness = emit.AllowLateness.Microseconds()
	}
	if w.TimeType.Kind == types.KindTimestampLTZ && t.opts.Eval != nil {
		cfg.Loc = t.opts.Eval.Loc
	}
	var desc strings.Builder
	if len(n.GroupKeys) > 0 {
		desc.WriteString("groupBy=[" + colNames(in.Schema, n.GroupKeys) + "], ")
	}
	desc.WriteString("window=[" + w.Describe(in.Schema.Fields[w.TimeIndex].Name) + "]")
	desc.WriteString(", properties=[" + strings.Join(names, ", ") + "]")
	desc.WriteString(", select=[" + strings.Join(sel, ", ") + "]")
	if s := emit.String(); s != "" {
		desc.WriteString(", emit=[" + s + "]")
	}
	name := "GroupWindowAggregate"
	if !streaming {
		name = "HashWindowAggregate"
	}
	cfg.Display = name + "(" + desc.String() + ")"
	node := &Node{Name: name, Desc: desc.String(), Inputs: []*Node{ex}, Schema: cfg.OutSchema, Parallelism: p,
		Spec: &ops.Spec{Kind: ops.KindGroupWindowAgg, Config: cfg, Display: cfg.Display}, needsInsertOnly: true}
	if cfg.ProducesUpdates() {
		node.generates = constMode(types.ChangelogMode(1<<types.Insert | 1<<types.UpdateBefore | 1<<types.UpdateAfter))
	} else {
		node.generates = constMode(types.ModeInsertOnly)
	}
	return node, nil
}

// colNamesList returns the names of columns idx of s.
func colNamesList(s *types.Schema, idx []int) []string {
	out := make([]string, len(idx))
	for i, k := range idx {
		out[i] = s.Fields[k].Name
	}
	return out
}
