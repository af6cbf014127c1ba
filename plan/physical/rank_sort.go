package physical

import (
	"fmt"

	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/plan"
	spryrt "github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// streamSort plans a streaming ORDER BY as Flink does: with a FETCH it
// is a Top-N over the whole stream (SortLimit, a Rank without partition
// keys); without one the first key must be a time attribute ascending
// (TemporalSort: rows leave in order once the watermark passes them, or
// at each processing-time tick for a proctime attribute).
func (t *translator) streamSort(s *plan.Sort, in *Node) (*Node, error) {
	keys := make([]kernel.SortKey, len(s.Keys))
	for i, k := range s.Keys {
		keys[i] = kernel.SortKey{Col: k.Index, Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	ex := exchange(in, spryrt.Global, nil, 1)
	if s.Fetch >= 0 {
		cfg := &ops.RankConfig{InSchema: in.Schema, OrderKeys: keys, Type: ops.RowNumber,
			RankStart: s.Offset + 1, RankEnd: s.Offset + s.Fetch}
		n := &Node{Name: "SortLimit", Inputs: []*Node{ex}, Schema: in.Schema, Parallelism: 1,
			Spec: &ops.Spec{Kind: ops.KindRank, Config: cfg}, generates: constMode(types.ModeAll)}
		n.inputMode = func(m types.ChangelogMode) {
			cfg.Strategy = ops.AppendFastStrategy
			if !m.IsInsertOnly() {
				cfg.Strategy = ops.RetractStrategy
			}
			n.Desc = fmt.Sprintf("orderBy=[%s], offset=[%d], fetch=[%d], strategy=[%s]", orderString(in.Schema, keys), s.Offset, s.Fetch, cfg.Strategy)
			n.Spec.Display = n.String()
		}
		n.inputMode(types.ModeInsertOnly)
		return n, nil
	}
	first := in.Schema.Fields[s.Keys[0].Index].Type
	if first.TimeAttr == types.TimeAttrNone || !first.Kind.IsTimestamp() || s.Keys[0].Desc {
		return nil, errorf(ErrUnsupported, "Sort on a non-time-attribute field is not supported.")
	}
	if s.Offset > 0 {
		return nil, errorf(ErrUnsupported, "OFFSET without FETCH on a streaming ORDER BY is not supported.")
	}
	cfg := &ops.TemporalSortConfig{InSchema: in.Schema, TimeCol: s.Keys[0].Index, Keys: keys,
		Proctime: first.TimeAttr == types.TimeAttrProctime}
	n := &Node{Name: "TemporalSort", Desc: "orderBy=[" + orderString(in.Schema, keys) + "]", Inputs: []*Node{ex},
		Schema: in.Schema, Parallelism: 1, Spec: &ops.Spec{Kind: ops.KindTemporalSort, Config: cfg}, needsInsertOnly: true}
	n.Spec.Display = n.String()
	return n, nil
}
