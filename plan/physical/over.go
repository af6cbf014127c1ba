package physical

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// over plans window functions as Flink's OverAggregate: rows are
// exchanged by the partition keys and each window group becomes one
// operator (streaming allows a single group, as Flink).
func (t *translator) over(o *plan.Over) (*Node, error) {
	in, err := t.translate(o.Input)
	if err != nil {
		return nil, err
	}
	if !t.opts.Batch && len(o.Groups) > 1 {
		return nil, errorf(ErrUnsupported, "All aggregates must be computed on the same window.")
	}
	n := in
	for gi, g := range o.Groups {
		if n, err = t.overGroup(n, gi, g); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// overGroup adds the operator of one window group above in.
func (t *translator) overGroup(in *Node, gi int, g plan.OverGroup) (*Node, error) {
	streaming := !t.opts.Batch
	rowtime := -1
	if streaming {
		var err error
		if rowtime, err = streamOverChecks(in.Schema, g); err != nil {
			return nil, changelogFirst(in, err)
		}
	} else if err := batchOverChecks(in.Schema, g); err != nil {
		return nil, err
	}
	out := &types.Schema{Fields: append([]types.Field(nil), in.Schema.Fields...)}
	calls := make([]ops.OverCall, len(g.Calls))
	sel := append([]string(nil), in.Schema.Names()...)
	var disp []string
	for i, c := range g.Calls {
		d := overCallString(c, in.Schema)
		calls[i] = ops.OverCall{Name: d + " AS " + c.Name, Type: c.Type, Rank: ops.OverRank(c.Rank)}
		if c.Agg != nil {
			calls[i].Factory, calls[i].Args = c.Agg.Factory, c.Agg.Args
			calls[i].Func, calls[i].Distinct = c.Agg.Func.Name, c.Agg.Distinct
		}
		out.Fields = append(out.Fields, types.Field{Name: c.Name, Type: c.Type})
		sel = append(sel, calls[i].Name)
		disp = append(disp, calls[i].Name)
	}
	ex, p := in, in.Parallelism
	if !partitionedBy(in, g.PartitionKeys) {
		ex, p = keyExchange(in, g.PartitionKeys, t.opts.Parallelism)
	}
	cfg := &ops.OverConfig{PartitionKeys: g.PartitionKeys, Rows: g.Frame.Unit == plan.FrameRows,
		Start: opsBound(g.Frame.Start), End: opsBound(g.Frame.End), Calls: calls,
		Streaming: streaming, RowtimeCol: rowtime, TTL: t.stateTTL(0), InSchema: in.Schema, OutSchema: out}
	for _, k := range g.OrderKeys {
		cfg.OrderKeys = append(cfg.OrderKeys, kernel.SortKey{Col: k.Index, Desc: k.Desc, NullsFirst: k.NullsFirst})
	}
	timeOrder := len(g.OrderKeys) == 1 && in.Schema.Fields[g.OrderKeys[0].Index].Type.Kind.IsTimestamp()
	var desc []string
	if len(g.PartitionKeys) > 0 {
		desc = append(desc, "partitionBy=["+colNames(in.Schema, g.PartitionKeys)+"]")
	}
	desc = append(desc, "orderBy=["+overOrder(in.Schema, g.OrderKeys)+"]")
	rng := g.Frame.FlinkRange(timeOrder)
	if streaming {
		desc = append(desc, "window=["+rng+"]")
	} else {
		desc = append(desc, "window#"+itoa(gi)+"=["+strings.Join(disp, ", ")+rng+"]")
	}
	desc = append(desc, "select=["+strings.Join(sel, ", ")+"]")
	node := &Node{Name: "OverAggregate", Desc: strings.Join(desc, ", "), Inputs: []*Node{ex}, Schema: out,
		Spec: &ops.Spec{Kind: ops.KindOverAgg, Config: cfg}, Parallelism: p, needsInsertOnly: true}
	node.Spec.Display = node.String()
	return node, nil
}

// streamOverChecks applies Flink's streaming restrictions and returns
// the rowtime column (-1 for processing time).
func streamOverChecks(in *types.Schema, g plan.OverGroup) (int, error) {
	for _, c := range g.Calls {
		if c.Rank != plan.RankNone {
			return 0, errorf(ErrUnsupported, overCallName(c)+"() on streaming table is not supported currently")
		}
	}
	if len(g.OrderKeys) != 1 {
		return 0, errorf(ErrUnsupported, "The window can only be ordered by a single time column.")
	}
	k := g.OrderKeys[0]
	if k.Desc {
		return 0, errorf(ErrUnsupported, "The window can only be ordered in ASCENDING mode.")
	}
	t := in.Fields[k.Index].Type
	rowtime := -1
	switch t.TimeAttr {
	case types.TimeAttrRowtime:
		rowtime = k.Index
	case types.TimeAttrProctime:
	default:
		return 0, errorf(ErrUnsupported, "OVER windows' ordering in stream mode must be defined on a time attribute.")
	}
	f := g.Frame
	if f.Start.Following || f.Start.Current || !f.End.Current {
		return 0, errorf(ErrUnsupported, "OVER RANGE FOLLOWING windows are not supported yet.")
	}
	for _, c := range g.Calls {
		if c.Agg != nil && c.Agg.Distinct && !f.Start.Unbounded {
			return 0, errorf(ErrUnsupported, "DISTINCT aggregates over a bounded OVER window are not supported yet.")
		}
	}
	return rowtime, nil
}

// batchOverChecks rejects RANGE offsets over order keys the operator
// cannot do arithmetic on.
func batchOverChecks(in *types.Schema, g plan.OverGroup) error {
	f := g.Frame
	offset := func(b plan.FrameBound) bool { return !b.Unbounded && !b.Current }
	if f.Unit != plan.FrameRange || !offset(f.Start) && !offset(f.End) {
		return nil
	}
	if len(g.OrderKeys) != 1 {
		return errorf(ErrUnsupported, "RANGE frame with an offset needs exactly one ORDER BY key")
	}
	switch k := in.Fields[g.OrderKeys[0].Index].Type.Kind; k {
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt, types.KindDate,
		types.KindTimestamp, types.KindTimestampLTZ:
		return nil
	default:
		return errorf(ErrUnsupported, "RANGE frame with an offset over ORDER BY of type "+k.String()+" is not supported yet")
	}
}

func opsBound(b plan.FrameBound) ops.OverBound {
	return ops.OverBound{Unbounded: b.Unbounded, Current: b.Current, Following: b.Following, Offset: b.Offset}
}

// overCallName is the function name of a call.
func overCallName(c plan.OverCall) string {
	switch c.Rank {
	case plan.RankRowNumber:
		return "ROW_NUMBER"
	case plan.RankRank:
		return "RANK"
	case plan.RankDenseRank:
		return "DENSE_RANK"
	}
	return c.Agg.Func.Name
}

// overCallString prints a call as Flink's OverAggregate: SUM(v),
// COUNT(*), RANK(*).
func overCallString(c plan.OverCall, in *types.Schema) string {
	if c.Agg == nil {
		return overCallName(c) + "(*)"
	}
	return callString(*c.Agg, in)
}

// overOrder prints the order keys as Flink: ts ASC, price DESC.
func overOrder(in *types.Schema, keys []plan.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		dir := " ASC"
		if k.Desc {
			dir = " DESC"
		}
		parts[i] = colName(in, k.Index) + dir
	}
	return strings.Join(parts, ", ")
}

// partitionedBy reports whether in is an OVER operator already
// partitioned by keys, so the next window group needs no exchange.
func partitionedBy(in *Node, keys []int) bool {
	if in.Spec == nil || in.Spec.Kind != ops.KindOverAgg || len(keys) == 0 {
		return false
	}
	prev := in.Spec.Config.(*ops.OverConfig).PartitionKeys
	if len(prev) != len(keys) {
		return false
	}
	for i := range keys {
		if prev[i] != keys[i] {
			return false
		}
	}
	return true
}

// changelogFirst reports, as Flink does, an updating input before the
// OVER restrictions: Flink infers changelogs while optimizing and checks
// the window when it translates the plan afterwards.
func changelogFirst(in *Node, err error) error {
	if ierr := inferChangelog(in, false); ierr != nil {
		return ierr
	}
	if !in.Mode.IsInsertOnly() {
		return errorf(ErrChangelog, fmt.Sprintf("OverAggregate doesn't support consuming %s changes which is produced by node %s",
			changeWords(in.Mode), describe(in.updateSource)))
	}
	return err
}
