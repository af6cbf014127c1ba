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

// String prints the node as Calcite's LogicalWindow does, one window
// group per window#i=[...] entry, e.g.
// LogicalOverAggregate(window#0=[window(partition {0} order by [2] rows
// between 2 PRECEDING and CURRENT ROW aggs [COUNT($1)])]).
func (o *Over) String() string {
	var b strings.Builder
	b.WriteString("LogicalOverAggregate(")
	for i, g := range o.Groups {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "window#%d=[window(", i)
		b.WriteString("partition {")
		for j, k := range g.PartitionKeys {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%d", k)
		}
		b.WriteString("} order by [")
		for j, k := range g.OrderKeys {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%d", k.Index)
			if k.Desc {
				b.WriteString(" DESC")
			}
			if k.NullsFirst == k.Desc {
				if k.NullsFirst {
					b.WriteString("-nulls-first")
				} else {
					b.WriteString("-nulls-last")
				}
			}
		}
		b.WriteString("] ")
		start, end := g.Frame.Start, g.Frame.End
		if o.timeOrder(g) && g.Frame.Unit == FrameRange {
			start.Offset, end.Offset = start.Offset/1000, end.Offset/1000 // ms, as Flink
		}
		b.WriteString(strings.ToLower(g.Frame.Unit.String()))
		b.WriteString(" between ")
		b.WriteString(start.String())
		b.WriteString(" and ")
		b.WriteString(end.String())
		b.WriteString(" aggs [")
		for j, c := range g.Calls {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.String())
		}
		b.WriteString("])]")
	}
	b.WriteString(")")
	return b.String()
}

// timeOrder reports whether g is ordered by one TIMESTAMP column, whose
// RANGE offsets are kept in µs and printed in ms.
func (o *Over) timeOrder(g OverGroup) bool {
	if len(g.OrderKeys) != 1 {
		return false
	}
	return o.Input.Schema().Fields[g.OrderKeys[0].Index].Type.Kind.IsTimestamp()
}

// String is ROWS or RANGE.
func (u FrameUnit) String() string {
	if u == FrameRows {
		return "ROWS"
	}
	return "RANGE"
}

// String prints a bound as Flink does: UNBOUNDED PRECEDING, CURRENT ROW,
// or the offset (milliseconds for a time RANGE, as Flink keeps intervals)
// followed by PRECEDING or FOLLOWING.
func (fb FrameBound) String() string {
	dir := "PRECEDING"
	if fb.Following {
		dir = "FOLLOWING"
	}
	switch {
	case fb.Current:
		return "CURRENT ROW"
	case fb.Unbounded:
		return "UNBOUNDED " + dir
	}
	return fmt.Sprintf("%d %s", fb.Offset, dir)
}

// FlinkRange prints the frame as Flink's EXPLAIN does, with its leading
// space and its four-letter unit (" ROWS BETWEEN 2 PRECEDING AND CURRENT
// ROW", " RANG BETWEEN ..."). timeMS says the order key is a time, whose
// RANGE offsets Flink prints in milliseconds.
func (f OverFrame) FlinkRange(timeMS bool) string {
	unit := " ROWS "
	if f.Unit == FrameRange {
		unit = " RANG "
	}
	start, end := f.Start, f.End
	if timeMS && f.Unit == FrameRange {
		start.Offset /= 1000
		end.Offset /= 1000
	}
	return unit + "BETWEEN " + start.String() + " AND " + end.String()
}

// String prints the call as Calcite does: COUNT($1), ROW_NUMBER().
func (c OverCall) String() string {
	switch c.Rank {
	case RankRowNumber:
		return "ROW_NUMBER()"
	case RankRank:
		return "RANK()"
	case RankDenseRank:
		return "DENSE_RANK()"
	}
	return c.Agg.String()
}
