package physical

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// rank plans a logical Rank as Flink does: in batch mode a Rank over a
// hash exchange on the partition keys; in streaming mode a WindowRank or
// WindowDeduplicate when the partition keys hold a window's start and
// end, a Deduplicate for ROW_NUMBER() = 1 ordered by a time attribute
// alone, and otherwise a Rank whose strategy (AppendFastStrategy or
// RetractStrategy) follows the input's changelog.
func (t *translator) rank(r *plan.Rank) (*Node, error) {
	in, err := t.translate(r.Input)
	if err != nil {
		return nil, err
	}
	if err := sameWidth(in, r.Input, "rank"); err != nil {
		return nil, err
	}
	cfg := rankConfig(r, in.Schema)
	ex, p := keyExchange(in, r.PartitionKeys, t.opts.Parallelism)
	out := cfg.OutputSchema()
	if t.opts.Batch {
		cfg.Batch = true
		if d := dedupOf(r, in.Schema); d != nil {
			cfg.TieLast = d.KeepLast // the last arrival wins a tie, as when streaming
		}
		desc := rankDesc(cfg) + ", global=[true], select=[" + strings.Join(out.Names(), ", ") + "]"
		return rankNode("Rank", desc, cfg, ex, out, p, true), nil
	}
	if w, ok := windowOf(r); ok {
		return t.windowRank(r, cfg, w, ex, p)
	}
	cfg.TTL = t.stateTTL(0) // window ranks need none: windows end
	if d := dedupOf(r, in.Schema); d != nil {
		d.TTL = cfg.TTL
		return dedupNode(r, d, cfg, ex, p), nil
	}
	n := rankNode("Rank", "", cfg, ex, out, p, false)
	n.inputMode = func(m types.ChangelogMode) { setStrategy(n, cfg, m) }
	setStrategy(n, cfg, types.ModeInsertOnly)
	n.generates = constMode(types.ModeAll)
	return n, nil
}

// setStrategy picks the Top-N strategy for the input's changelog and
// prints the node accordingly.
func setStrategy(n *Node, cfg *ops.RankConfig, in types.ChangelogMode) {
	cfg.Strategy = ops.AppendFastStrategy
	if !in.IsInsertOnly() {
		cfg.Strategy = ops.RetractStrategy
	}
	n.Desc = "strategy=[" + cfg.Strategy.String() + "], " + rankDesc(cfg) +
		", select=[" + strings.Join(cfg.OutputSchema().Names(), ", ") + "]"
	n.Spec.Display = n.String()
}

func rankConfig(r *plan.Rank, in *types.Schema) *ops.RankConfig {
	order := make([]kernel.SortKey, len(r.OrderKeys))
	for i, k := range r.OrderKeys {
		order[i] = kernel.SortKey{Col: k.Index, Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	typ := ops.RowNumber
	switch r.Kind {
	case plan.RankRank:
		typ = ops.RankRank
	case plan.RankDenseRank:
		typ = ops.DenseRank
	}
	return &ops.RankConfig{
		InSchema: in, PartitionKeys: append([]int(nil), r.PartitionKeys...), OrderKeys: order, Type: typ,
		RankStart: r.RankStart, RankEnd: r.RankEnd, OutputRankNumber: r.OutputRankNumber, RankName: r.RankName,
	}
}

// rankDesc prints rankType, rankRange, partitionBy and orderBy as Flink.
func rankDesc(c *ops.RankConfig) string {
	return fmt.Sprintf("rankType=[%s], rankRange=[rankStart=%d, rankEnd=%d], partitionBy=[%s], orderBy=[%s]",
		c.Type, c.RankStart, c.RankEnd, colNames(c.InSchema, c.PartitionKeys), orderString(c.InSchema, c.OrderKeys))
}

func orderString(s *types.Schema, keys []kernel.SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		dir := "ASC"
		if k.Desc {
			dir = "DESC"
		}
		parts[i] = colName(s, k.Col) + " " + dir
	}
	return strings.Join(parts, ", ")
}

func rankNode(name, desc string, cfg *ops.RankConfig, in *Node, out *types.Schema, p int, insertOnly bool) *Node {
	n := &Node{Name: name, Desc: desc, Inputs: []*Node{in}, Schema: out, Parallelism: p,
		Spec: &ops.Spec{Kind: ops.KindRank, Config: cfg}}
	n.Spec.Display = n.String()
	if insertOnly {
		n.generates = constMode(types.ModeInsertOnly)
	}
	return n
}

// dedupOf returns the Deduplicate config of a ROW_NUMBER() = 1 without
// the rank column, ordered by one time attribute, or nil.
func dedupOf(r *plan.Rank, in *types.Schema) *ops.DedupConfig {
	if r.Kind != plan.RankRowNumber || r.RankStart != 1 || r.RankEnd != 1 || r.OutputRankNumber || len(r.OrderKeys) != 1 {
		return nil
	}
	k := r.OrderKeys[0]
	ft := in.Fields[k.Index].Type
	if ft.TimeAttr == types.TimeAttrNone || !ft.Kind.IsTimestamp() {
		return nil
	}
	return &ops.DedupConfig{InSchema: in, Keys: append([]int(nil), r.PartitionKeys...), KeepLast: k.Desc,
		Rowtime: ft.TimeAttr == types.TimeAttrRowtime, TimeCol: k.Index}
}

// dedupNode plans a Deduplicate. It needs insert-only input, as Flink's;
// an updating input turns it back into a Rank with RetractStrategy.
func dedupNode(r *plan.Rank, d *ops.DedupConfig, cfg *ops.RankConfig, in *Node, p int) *Node {
	keep, order := "FirstRow", "PROCTIME"
	if d.KeepLast {
		keep = "LastRow"
	}
	if d.Rowtime {
		order = "ROWTIME"
	}
	n := &Node{Name: "Deduplicate", Desc: fmt.Sprintf("keep=[%s], key=[%s], order=[%s]", keep, colNames(d.InSchema, d.Keys), order),
		Inputs: []*Node{in}, Schema: d.InSchema, Parallelism: p, Spec: &ops.Spec{Kind: ops.KindDedup, Config: d}}
	n.Spec.Display = n.String()
	firstProc := !d.KeepLast && !d.Rowtime
	n.generates = func(m types.ChangelogMode) types.ChangelogMode {
		if firstProc && m.IsInsertOnly() {
			return types.ModeInsertOnly
		}
		return types.ModeAll
	}
	n.inputMode = func(m types.ChangelogMode) {
		if m.IsInsertOnly() {
			return
		}
		n.Name = "Rank"
		n.Spec = &ops.Spec{Kind: ops.KindRank, Config: cfg}
		setStrategy(n, cfg, m)
	}
	return n
}

// windowCol is what a column of a Rank's input is in a window: the
// window and which property, found through projections and filters.
type windowCol struct {
	spec  plan.WindowSpec
	prop  plan.WindowProp
	agg   bool // after a window aggregation (else a window TVF)
	local bool // bounds are wall-clock values of the session zone
}

// windowOrigin follows column col of n down to a window TVF or window
// aggregation through bare-column projections and filters.
func windowOrigin(n plan.Node, col int) (windowCol, bool) {
	switch n := n.(type) {
	case *plan.Project:
		if ref, ok := n.Exprs[col].(*expr.ColumnRef); ok {
			return windowOrigin(n.Input, ref.Index)
		}
	case *plan.Filter:
		return windowOrigin(n.Input, col)
	case *plan.WindowTableFunction:
		in := n.Input.Schema()
		if base := in.Len(); col >= base && col < base+3 {
			return windowCol{spec: n.Window, prop: plan.WindowProp(col - base), local: isLocalTime(n.Window, in)}, true
		}
	case *plan.WindowAggregate:
		if base := len(n.GroupKeys) + len(n.Calls); col >= base && col-base < len(n.Props) {
			return windowCol{spec: n.Window, prop: n.Props[col-base], agg: true, local: isLocalTime(n.Window, n.Input.Schema())}, true
		}
	}
	return windowCol{}, false
}

func isLocalTime(w plan.WindowSpec, in *types.Schema) bool {
	return w.Proctime || w.TimeCol >= 0 && w.TimeCol < in.Len() && in.Fields[w.TimeCol].Type.Kind == types.KindTimestampLTZ
}

// rankWindow is a window Top-N's window: its spec and the partition key
// columns holding window_start and window_end.
type rankWindow struct {
	windowCol
	start, end int
}

// windowOf reports whether r partitions by a window's start and end.
func windowOf(r *plan.Rank) (rankWindow, bool) {
	w := rankWindow{start: -1, end: -1}
	for _, k := range r.PartitionKeys {
		c, ok := windowOrigin(r.Input, k)
		if !ok {
			continue
		}
		switch c.prop {
		case plan.PropWindowStart:
			w.start, w.windowCol = k, c
		case plan.PropWindowEnd:
			w.end, w.windowCol = k, c
		}
	}
	return w, w.start >= 0 && w.end >= 0
}

// windowRank plans Flink's WindowRank, or WindowDeduplicate for a
// ROW_NUMBER() = 1 on the window's time attribute: insert-only in and
// out, results when the window closes.
func (t *translator) windowRank(r *plan.Rank, cfg *ops.RankConfig, w rankWindow, in *Node, p int) (*Node, error) {
	cfg.Window, cfg.WindowEnd = true, w.end
	cfg.WindowLocal, cfg.WindowProctime = w.local, w.spec.Proctime
	s := cfg.InSchema
	win := w.spec.String()
	if w.agg {
		win = fmt.Sprintf("%s(win_start=[%s], win_end=[%s]%s)", w.spec.Kind, colName(s, w.start), colName(s, w.end), windowSizes(w.spec))
	}
	var n *Node
	d := dedupOf(r, s)
	if d == nil && r.Kind == plan.RankRowNumber && r.RankStart == 1 && r.RankEnd == 1 && !r.OutputRankNumber &&
		len(r.OrderKeys) == 1 && !w.spec.Proctime && isWindowTimeCol(r.Input, r.OrderKeys[0].Index) {
		// The TVF materializes its time column, but ordering by it is
		// ordering by the window's rowtime.
		k := r.OrderKeys[0]
		d = &ops.DedupConfig{InSchema: s, Keys: cfg.PartitionKeys, KeepLast: k.Desc, Rowtime: true, TimeCol: k.Index}
	}
	if d != nil {
		cfg.TieLast = d.KeepLast
		keep, order := "FirstRow", "PROCTIME"
		if d.KeepLast {
			keep = "LastRow"
		}
		if d.Rowtime {
			order = "ROWTIME"
		}
		n = rankNode("WindowDeduplicate", fmt.Sprintf("window=[%s], keep=[%s], partitionKeys=[%s], orderKey=[%s], order=[%s]",
			win, keep, colNames(s, cfg.PartitionKeys), colName(s, d.TimeCol), order), cfg, in, cfg.OutputSchema(), p, true)
		cfg.Name = "WindowDeduplicate"
	} else {
		cfg.Name = "WindowRank"
		n = rankNode("WindowRank", "window=["+win+"], "+rankDesc(cfg)+", select=["+strings.Join(cfg.OutputSchema().Names(), ", ")+"]",
			cfg, in, cfg.OutputSchema(), p, true)
	}
	n.needsInsertOnly = true
	return n, nil
}

// windowSizes prints a window's size attributes as Flink's window
// strategies do after a window aggregation.
func windowSizes(w plan.WindowSpec) string {
	switch w.Kind {
	case plan.WindowHop:
		return fmt.Sprintf(", size=[%s], slide=[%s]", plan.FormatDuration(w.Size), plan.FormatDuration(w.Slide))
	case plan.WindowCumulate:
		return fmt.Sprintf(", max_size=[%s], step=[%s]", plan.FormatDuration(w.Size), plan.FormatDuration(w.Slide))
	case plan.WindowSession:
		return fmt.Sprintf(", gap=[%s]", plan.FormatDuration(w.Gap))
	}
	return fmt.Sprintf(", size=[%s]", plan.FormatDuration(w.Size))
}

// isWindowTimeCol reports whether column col of n is the time column a
// window TVF below assigns windows by.
func isWindowTimeCol(n plan.Node, col int) bool {
	switch n := n.(type) {
	case *plan.Project:
		if ref, ok := n.Exprs[col].(*expr.ColumnRef); ok {
			return isWindowTimeCol(n.Input, ref.Index)
		}
	case *plan.Filter:
		return isWindowTimeCol(n.Input, col)
	case *plan.WindowTableFunction:
		return col == n.Window.TimeCol
	}
	return false
}
