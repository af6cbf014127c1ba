package physical

import (
	"strings"

	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// windowAssigner converts a logical window spec over in into the
// runtime's. TIMESTAMP_LTZ and processing-time windows align on the
// session time zone's wall clock.
func windowAssigner(w plan.WindowSpec, in *types.Schema) ops.WindowAssigner {
	ltz := w.Proctime || in.Fields[w.TimeCol].Type.Kind == types.KindTimestampLTZ
	return ops.WindowAssigner{Kind: ops.WindowKind(w.Kind), TimeCol: w.TimeCol, Proctime: w.Proctime,
		Size: w.Size, Slide: w.Slide, Gap: w.Gap, Offset: w.Offset, LTZ: ltz, Attached: w.Attached}
}

// windowTableFunction plans a window TVF read on its own (not merged into
// a window aggregation) as Flink's stateless WindowTableFunction, which
// appends window_start, window_end and window_time to every row (HOP and
// CUMULATE repeat a row per window). Its input must be insert-only.
func (t *translator) windowTableFunction(w *plan.WindowTableFunction) (*Node, error) {
	if w.Window.Kind == plan.WindowSession {
		return nil, errorf(ErrUnsupported, "a SESSION window table function is supported only followed by a window aggregation")
	}
	in, err := t.translate(w.Input)
	if err != nil {
		return nil, err
	}
	cfg := &ops.WindowTVFConfig{Window: windowAssigner(w.Window, in.Schema), InSchema: in.Schema, OutSchema: w.Schema()}
	n := &Node{Name: "WindowTableFunction", Desc: "window=[" + w.Window.String() + "]", Inputs: []*Node{in},
		Schema: cfg.OutSchema, Parallelism: in.Parallelism, needsInsertOnly: true}
	n.Spec = &ops.Spec{Kind: ops.KindWindowTVF, Config: cfg, Display: n.String()}
	return n, nil
}

// windowAggregate plans a window aggregation as Flink's WindowAggregate
// behind a hash exchange on the group keys (a single subtask without
// keys). It consumes insert-only rows and emits insert-only final rows.
func (t *translator) windowAggregate(a *plan.WindowAggregate) (*Node, error) {
	if msg := plan.HopSizeError(a.Window); msg != "" {
		return nil, errorf(ErrUnsupported, msg)
	}
	in, err := t.translate(a.Input)
	if err != nil {
		return nil, err
	}
	calls := make([]ops.AggCall, len(a.Calls))
	sel := []string{}
	if len(a.GroupKeys) > 0 {
		sel = append(sel, colNames(in.Schema, a.GroupKeys))
	}
	for i, c := range a.Calls {
		d := callString(c, in.Schema)
		calls[i] = ops.AggCall{Name: d, Factory: c.Factory, Args: c.Args, Filter: c.Filter, Distinct: c.Distinct, Type: c.Type}
		sel = append(sel, d+" AS "+c.Name)
	}
	out := a.Schema()
	props := make([]int, len(a.Props))
	for i, p := range a.Props {
		props[i] = int(p)
		fn := [...]string{"start", "end", "rowtime"}[p]
		if p == plan.PropWindowTime && a.Window.Proctime {
			fn = "proctime"
		}
		sel = append(sel, fn+"('w$) AS "+out.Fields[len(a.GroupKeys)+len(a.Calls)+i].Name)
	}
	spec := a.Window
	spec.TimeName = in.Schema.Fields[spec.TimeCol].Name
	if spec.Attached {
		spec.StartName = in.Schema.Fields[spec.StartCol].Name
	}
	if t.twoPhaseWindow(a) {
		return t.twoPhaseWindowAgg(a, in, calls, props, sel, out)
	}
	ex, p := keyExchange(in, a.GroupKeys, t.opts.Parallelism)
	desc := "window=[" + spec.String() + "], select=[" + strings.Join(sel, ", ") + "]"
	if len(a.GroupKeys) > 0 {
		desc = "groupBy=[" + colNames(in.Schema, a.GroupKeys) + "], " + desc
	}
	cfg := &ops.WindowAggConfig{Window: windowAssigner(a.Window, in.Schema), Keys: a.GroupKeys, Calls: calls, Props: props,
		InSchema: ex.Schema, OutSchema: out}
	n := &Node{Name: "WindowAggregate", Desc: desc, Inputs: []*Node{ex}, Schema: out, Parallelism: p,
		needsInsertOnly: true}
	cfg.Display = n.String()
	n.Spec = &ops.Spec{Kind: ops.KindWindowAgg, Config: cfg, Display: cfg.Display}
	return n, nil
}

// twoPhaseWindow reports whether a window aggregation is split into a
// local phase chained before the exchange and a global one after it, as
// Flink's TwoStageOptimizedWindowAggregateRule: unless the agg-phase
// strategy is ONE_PHASE, for TUMBLE, HOP and CUMULATE windows whose calls
// all ship partial state (no DISTINCT).
func (t *translator) twoPhaseWindow(a *plan.WindowAggregate) bool {
	if t.opts.AggPhase == plan.AggOnePhase || a.Window.Kind == plan.WindowSession || a.Window.Attached || len(a.Calls) == 0 {
		return false
	}
	for _, c := range a.Calls {
		if c.Distinct || c.Factory == nil {
			return false
		}
	}
	return true
}

// twoPhaseWindowAgg plans LocalWindowAggregate → Exchange →
// GlobalWindowAggregate, printed as Flink prints them.
func (t *translator) twoPhaseWindowAgg(a *plan.WindowAggregate, in *Node, calls []ops.AggCall, props []int,
	sel []string, out *types.Schema) (*Node, error) {
	spec := a.Window
	spec.TimeName = in.Schema.Fields[spec.TimeCol].Name
	lcfg := &ops.WindowAggConfig{Window: windowAssigner(a.Window, in.Schema), Keys: a.GroupKeys, Calls: calls,
		InSchema: in.Schema, Phase: ops.AggLocal}
	local := ops.WindowLocalSchema(lcfg)
	lcfg.OutSchema = local
	nk := len(a.GroupKeys)
	keyNames := colNames(in.Schema, a.GroupKeys)
	var lsel, gsel []string
	if nk > 0 {
		lsel, gsel = []string{keyNames}, []string{keyNames}
	}
	next := nk + 1
	for i, c := range calls {
		ns := len(c.Factory.StateTypes())
		names := strings.Join(local.Names()[next:next+ns], ", ")
		lsel = append(lsel, c.Name+" AS "+names)
		gsel = append(gsel, funcName(c.Name)+"("+names+") AS "+a.Calls[i].Name)
		next += ns
	}
	lsel = append(lsel, "slice_end('w$) AS "+ops.SliceEndColumn)
	gsel = append(gsel, sel[len(sel)-len(props):]...)
	ldesc := "window=[" + spec.String() + "], select=[" + strings.Join(lsel, ", ") + "]"
	if nk > 0 {
		ldesc = "groupBy=[" + keyNames + "], " + ldesc
	}
	ln := &Node{Name: "LocalWindowAggregate", Desc: ldesc, Inputs: []*Node{in}, Schema: local,
		Parallelism: in.Parallelism, needsInsertOnly: true}
	lcfg.Display = ln.String()
	ln.Spec = &ops.Spec{Kind: ops.KindWindowAgg, Config: lcfg, Display: lcfg.Display}

	keys := make([]int, nk)
	for i := range keys {
		keys[i] = i
	}
	ex, p := keyExchange(ln, keys, t.opts.Parallelism)
	gw := windowAssigner(a.Window, in.Schema)
	gw.TimeCol = nk // the global phase reads slice ends, not times
	gcalls := make([]ops.AggCall, len(calls))
	for i, c := range calls {
		c.Args, c.Filter = nil, -1 // the local phase read the arguments and applied FILTER
		gcalls[i] = c
	}
	gcfg := &ops.WindowAggConfig{Window: gw, Keys: keys, Calls: gcalls, Props: props,
		InSchema: local, OutSchema: out, Phase: ops.AggGlobal}
	gspec := strings.Replace(spec.String(), "time_col=["+spec.TimeName+"]", "slice_end=["+ops.SliceEndColumn+"]", 1)
	gdesc := "window=[" + gspec + "], select=[" + strings.Join(gsel, ", ") + "]"
	if nk > 0 {
		gdesc = "groupBy=[" + keyNames + "], " + gdesc
	}
	gn := &Node{Name: "GlobalWindowAggregate", Desc: gdesc, Inputs: []*Node{ex}, Schema: out, Parallelism: p}
	gcfg.Display = gn.String()
	gn.Spec = &ops.Spec{Kind: ops.KindWindowAgg, Config: gcfg, Display: gcfg.Display}
	return gn, nil
}
