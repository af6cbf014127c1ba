package physical

import (
	"strings"

	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/pyudf/worker"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// tableAggregate plans a Python table aggregation behind a hash exchange
// on its keys (a single subtask without keys), printed as Flink's
// PythonGroupTableAggregate(groupBy=[k], select=[k, top2(v) AS (v, r)]).
func (t *translator) tableAggregate(n *plan.TableAggregate) (*Node, error) {
	in, err := t.translate(n.Input)
	if err != nil {
		return nil, err
	}
	if len(n.GroupKeys)+len(n.Args) > 0 { // an empty projection is passed through
		if err := sameWidth(in, n.Input, "PythonGroupTableAggregate"); err != nil {
			return nil, err
		}
	}
	out := n.Schema()
	fields := make([]string, len(n.Fields))
	for i, f := range n.Fields {
		fields[i] = f.Name
	}
	keyNames := colNames(in.Schema, n.GroupKeys)
	call := n.Fn.Name + "(" + colNames(in.Schema, n.Args) + ") AS (" + strings.Join(fields, ", ") + ")"
	desc := groupSelect(keyNames, []string{call})
	var o map[string]string
	if n.Fn.Options != nil {
		o = n.Fn.Options()
	}
	ex, p := keyExchange(in, n.GroupKeys, t.opts.Parallelism)
	f := n.Fn
	cfg := &ops.PythonTableAggConfig{Keys: n.GroupKeys, Args: n.Args, Payload: f.Payload, Result: f.Result,
		Function: worker.FunctionInfo{Name: f.Name, Kind: string(f.Kind), FuncType: f.FuncType, Deterministic: f.Deterministic},
		Options:  worker.FromConfig(o), Streaming: !t.opts.Batch, InSchema: ex.Schema, OutSchema: out,
		Display: "PythonGroupTableAggregate(" + desc + ")", TTL: t.stateTTL(0)}
	node := &Node{Name: "PythonGroupTableAggregate", Desc: desc, Inputs: []*Node{ex}, Schema: out, Parallelism: p,
		Spec: &ops.Spec{Kind: ops.KindPythonTableAgg, Config: cfg}}
	// A table aggregate retracts the rows it emitted before, so its
	// output has every kind of change (Flink: ALL_CHANGES).
	node.generates = func(types.ChangelogMode) types.ChangelogMode { return types.ModeAll }
	return node, nil
}
