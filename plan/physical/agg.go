package physical

import (
	"time"

	"strings"

	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// aggCall is one call with how it prints.
type aggCall struct {
	Name    string // output column name
	Display string // as printed: COUNT(*), SUM(b)
	ops.AggCall
}

func opsCalls(cs []aggCall) []ops.AggCall {
	out := make([]ops.AggCall, len(cs))
	for i, c := range cs {
		out[i] = c.AggCall
	}
	return out
}

// aggNode makes the node of one aggregation operator. In streaming mode
// the operator learns from changelog inference whether its input can
// retract.
func aggNode(name, desc string, in *Node, cfg *ops.AggConfig, p int) *Node {
	n := &Node{Name: name, Desc: desc, Inputs: []*Node{in}, Schema: cfg.OutputSchema(), Parallelism: p,
		Spec: &ops.Spec{Kind: ops.KindHashAgg, Config: cfg}}
	n.inputMode = func(m types.ChangelogMode) { cfg.InputInsertOnly = m.IsInsertOnly() }
	return n
}

// aggregate plans a GROUP BY: in one phase behind a hash exchange on the
// keys (a single subtask without keys), or in two phases (a local
// pre-aggregation chained before the exchange, a global merge after it)
// when the strategy and mode allow.
func (t *translator) aggregate(a *plan.Aggregate) (*Node, error) {
	in, err := t.translate(a.Input)
	if err != nil {
		return nil, err
	}
	calls := make([]aggCall, len(a.Calls))
	for i, c := range a.Calls {
		d := callString(c, in.Schema)
		calls[i] = aggCall{Name: c.Name, Display: d, AggCall: ops.AggCall{
			Name: d, Factory: c.Factory, Args: c.Args, Filter: c.Filter, Distinct: c.Distinct, Type: c.Type,
		}}
	}
	out := a.Schema()
	streaming := !t.opts.Batch
	if t.twoPhase(a) {
		return t.twoPhaseAgg(a, in, calls, out)
	}
	ex, p := keyExchange(in, a.GroupKeys, t.opts.Parallelism)
	cfg := &ops.AggConfig{Keys: a.GroupKeys, Calls: opsCalls(calls), Phase: ops.AggFull, Streaming: streaming,
		MiniBatch: t.opts.MiniBatch, BundleRows: t.opts.MiniBatchSize, BundleLatency: t.opts.MiniBatchLatency, InputInsertOnly: !streaming, InSchema: ex.Schema, OutSchema: out, TTL: t.stateTTL(a.StateTTL)}
	name := "GroupAggregate"
	desc := aggDesc(a.GroupKeys, in.Schema, calls, "", "")
	if a.Split != "" {
		desc = strings.Replace(desc, "select=[", "partialFinalType=["+a.Split+"], select=[", 1)
	}
	if !streaming {
		name = "HashAggregate"
		desc = "isMerge=[false], " + desc
	}
	n := aggNode(name, desc, ex, cfg, p)
	if streaming {
		n.generates = aggMode
	}
	return n, nil
}

// twoPhase reports whether the aggregate is split into local and global
// phases: never with ONE_PHASE or calls that cannot ship partial state
// (DISTINCT); otherwise as the optimizer marked it (plan.AggPhaseStrategy
// knows about mini-batch). An unmarked aggregate (no optimizer run)
// splits in batch mode, and in streaming mode only with mini-batch,
// Flink's condition for local-global aggregation.
func (t *translator) twoPhase(a *plan.Aggregate) bool {
	if t.opts.AggPhase == plan.AggOnePhase || !splittable(a) || len(a.Calls) == 0 {
		return false
	}
	if a.Strategy != plan.AggAuto {
		return a.Strategy == plan.AggTwoPhase
	}
	return t.opts.Batch || t.opts.MiniBatch
}

func (t *translator) twoPhaseAgg(a *plan.Aggregate, in *Node, calls []aggCall, out *types.Schema) (*Node, error) {
	streaming := !t.opts.Batch
	lcfg := &ops.AggConfig{Keys: a.GroupKeys, Calls: opsCalls(calls), Phase: ops.AggLocal, Streaming: streaming,
		MiniBatch: t.opts.MiniBatch, BundleRows: t.opts.MiniBatchSize, BundleLatency: t.opts.MiniBatchLatency, InputInsertOnly: !streaming, InSchema: in.Schema}
	// The local phase emits the keys, then every call's state columns
	// (then, streaming, a row count).
	local := ops.AggOutputSchema(lcfg)
	lcfg.OutSchema = local
	var localSel, globalSel []string
	global := make([]aggCall, len(calls))
	next := len(a.GroupKeys)
	for i, c := range calls {
		st := c.Factory.StateTypes()
		names := local.Names()[next : next+len(st)]
		args := make([]int, len(st))
		for j := range st {
			args[j] = next + j
		}
		next += len(st)
		global[i] = aggCall{Name: c.Name, Display: c.Display, AggCall: ops.AggCall{Name: c.Display, Factory: c.Factory, Args: args, Filter: -1, Type: c.Type}}
		prefix, gprefix := "Partial_", "Final_"
		if streaming {
			prefix, gprefix = "", ""
		}
		localSel = append(localSel, prefix+c.Display+" AS "+strings.Join(names, ", "))
		globalSel = append(globalSel, gprefix+funcName(c.Display)+"("+strings.Join(names, ", ")+") AS "+c.Name)
	}
	keyNames := colNames(in.Schema, a.GroupKeys)
	localKeys := make([]int, len(a.GroupKeys))
	for i := range localKeys {
		localKeys[i] = i
	}
	lname, gname := "LocalHashAggregate", "HashAggregate"
	if streaming {
		lname, gname = "LocalGroupAggregate", "GlobalGroupAggregate"
	}
	ln := aggNode(lname, groupSelect(keyNames, localSel), in, lcfg, in.Parallelism)
	ex, p := keyExchange(ln, localKeys, t.opts.Parallelism)
	gcfg := &ops.AggConfig{Keys: localKeys, Calls: opsCalls(global), Phase: ops.AggGlobal, Streaming: streaming,
		MiniBatch: t.opts.MiniBatch, BundleRows: t.opts.MiniBatchSize, BundleLatency: t.opts.MiniBatchLatency, InputInsertOnly: !streaming, InSchema: local, OutSchema: out, TTL: t.stateTTL(a.StateTTL)}
	gdesc := groupSelect(keyNames, globalSel)
	if !streaming {
		gdesc = "isMerge=[true], " + gdesc
	}
	gn := aggNode(gname, gdesc, ex, gcfg, p)
	if streaming {
		gn.generates = aggMode
	}
	return gn, nil
}

// aggMode is the changelog of a streaming group aggregation: each group's
// result is inserted then updated; groups are deleted only when input
// retractions empty them.
func aggMode(in types.ChangelogMode) types.ChangelogMode {
	m := types.ChangelogMode(1<<types.Insert | 1<<types.UpdateBefore | 1<<types.UpdateAfter)
	if in.Contains(types.UpdateBefore) || in.Contains(types.Delete) {
		m |= 1 << types.Delete
	}
	return m
}

// callString prints a call as Flink's physical plans: COUNT(*),
// SUM(DISTINCT b), COUNT(a) FILTER $f2.
func callString(c plan.AggCall, in *types.Schema) string {
	var b strings.Builder
	b.WriteString(c.Func.Name)
	b.WriteByte('(')
	if c.Distinct {
		b.WriteString("DISTINCT ")
	}
	if len(c.Args) == 0 && c.Func.Name == "COUNT" {
		b.WriteByte('*')
	}
	b.WriteString(colNames(in, c.Args))
	b.WriteByte(')')
	if c.Filter >= 0 {
		b.WriteString(" FILTER ")
		b.WriteString(colName(in, c.Filter))
	}
	return b.String()
}

func funcName(display string) string {
	name, _, _ := strings.Cut(display, "(")
	return name
}

// aggDesc prints groupBy=[...], select=[keys, CALL AS name, ...].
func aggDesc(keys []int, in *types.Schema, calls []aggCall, prefix, suffix string) string {
	sel := make([]string, len(calls))
	for i, c := range calls {
		sel[i] = prefix + c.Display + suffix + " AS " + c.Name
	}
	return groupSelect(colNames(in, keys), sel)
}

func groupSelect(keyNames string, sel []string) string {
	all := sel
	if keyNames != "" {
		all = append([]string{keyNames}, sel...)
	}
	s := "select=[" + strings.Join(all, ", ") + "]"
	if keyNames != "" {
		s = "groupBy=[" + keyNames + "], " + s
	}
	return s
}

// splittable reports whether every call can ship partial state.
func splittable(a *plan.Aggregate) bool {
	for _, c := range a.Calls {
		if c.Distinct || c.Factory == nil {
			return false
		}
	}
	return true
}

// stateTTL returns a node's state retention: its STATE_TTL hint's, else
// table.exec.state.ttl (batch jobs keep no state past their end).
func (t *translator) stateTTL(hint time.Duration) time.Duration {
	if t.opts.Batch {
		return 0
	}
	if hint > 0 {
		return hint
	}
	return t.opts.StateTTL
}
