package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/types"
)

// FrameUnit is ROWS or RANGE of an OVER window frame.
type FrameUnit uint8

// Frame units.
const (
	FrameRows FrameUnit = iota
	FrameRange
)

// FrameBound is one end of an OVER window frame. Offset counts rows (ROWS)
// or µs of the order key (RANGE with a time order key) or units of a
// numeric order key (RANGE); it is meaningful only for Preceding and
// Following.
type FrameBound struct {
	Unbounded bool // UNBOUNDED PRECEDING / UNBOUNDED FOLLOWING
	Current   bool // CURRENT ROW
	Following bool // ... FOLLOWING (otherwise PRECEDING)
	Offset    int64
}

// OverFrame is the frame of an OVER window, e.g. ROWS BETWEEN 2 PRECEDING
// AND CURRENT ROW. Without an explicit frame, the binder sets Flink's
// default: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
type OverFrame struct {
	Unit       FrameUnit
	Start, End FrameBound
}

// RankKind names the ranking functions an Over node may compute.
type RankKind uint8

// Ranking functions; RankNone marks an aggregate call.
const (
	RankNone RankKind = iota
	RankRowNumber
	RankRank
	RankDenseRank
)

// OverCall is one function computed over a window: an aggregate (Agg set,
// Rank == RankNone) or a ranking function (Rank set, Agg nil).
type OverCall struct {
	Agg  *AggCall
	Rank RankKind
	Name string
	Type types.DataType
}

// OverGroup is the set of calls sharing one window (partition, order and
// frame); a SELECT with several distinct windows has several groups.
type OverGroup struct {
	PartitionKeys []int     // input columns
	OrderKeys     []SortKey // input columns
	Frame         OverFrame
	Calls         []OverCall
}

// Over computes window functions (OVER aggregations and ROW_NUMBER, RANK,
// DENSE_RANK). Its output is every input column followed by one column
// per call, groups in order. The ranking rule turns a filter on a ranking
// function's column into a Rank node (Top-N, deduplication).
type Over struct {
	Input  Node
	Groups []OverGroup
}

// Schema returns the input columns followed by the calls' results.
func (o *Over) Schema() *types.Schema {
	in := o.Input.Schema()
	out := &types.Schema{Fields: append([]types.Field(nil), in.Fields...)}
	for _, g := range o.Groups {
		for _, c := range g.Calls {
			out.Fields = append(out.Fields, types.Field{Name: c.Name, Type: c.Type})
		}
	}
	return out
}

// Inputs returns the input.
func (o *Over) Inputs() []Node { return []Node{o.Input} }

// WithInputs copies o over in[0].
func (o *Over) WithInputs(in []Node) Node { c := *o; c.Input = in[0]; return &c }

// String prints the node as Flink's LogicalWindow does, one window group
// per window=[...] entry. The over helper refines the spelling.
func (o *Over) String() string {
	var b strings.Builder
	b.WriteString("LogicalOverAggregate(")
	for i, g := range o.Groups {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "window#%d=[partitionBy=%v, orderBy=%v, calls=%d]", i, g.PartitionKeys, g.OrderKeys, len(g.Calls))
	}
	b.WriteString(")")
	return b.String()
}
