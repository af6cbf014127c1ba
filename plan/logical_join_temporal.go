package plan

import (
	"fmt"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// TemporalJoin joins each left row with the version of the right table
// valid at the left row's time: `l JOIN r FOR SYSTEM_TIME AS OF l.t ON ...`.
//
// With a processing-time attribute (Lookup) the right side is a table
// whose connector answers key lookups (connector.LookupSource) and the
// join looks each left row up as it arrives (Flink's LookupJoin). With a
// rowtime attribute the right side is a versioned table, with a primary
// key and a rowtime attribute, read as a changelog; a left row is joined
// with the version valid at its rowtime once the watermark passes it
// (Flink's TemporalJoin).
type TemporalJoin struct {
	Left, Right Node
	Type        JoinType // JoinInner or JoinLeft
	// Condition is over left ++ right columns.
	Condition expr.Expr
	// LeftTime is the FOR SYSTEM_TIME AS OF column of Left.
	LeftTime int
	// Lookup marks a processing-time lookup join; Right is then a *Scan.
	Lookup bool
}

// Schema returns left ++ right; the right side is nullable for LEFT
// joins, and only the left side keeps its time attributes.
func (j *TemporalJoin) Schema() *types.Schema {
	l, r := j.Left.Schema(), j.Right.Schema()
	out := &types.Schema{Fields: append(make([]types.Field, 0, l.Len()+r.Len()), l.Fields...)}
	for _, f := range r.Fields {
		f.Type = f.Type.WithoutTimeAttr()
		if j.Type == JoinLeft {
			f.Type = f.Type.WithNullable(true)
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

// Inputs returns left and right.
func (j *TemporalJoin) Inputs() []Node { return []Node{j.Left, j.Right} }

// WithInputs copies j over in[0], in[1].
func (j *TemporalJoin) WithInputs(in []Node) Node {
	c := *j
	c.Left, c.Right = in[0], in[1]
	return &c
}

// String prints the node as Flink's logical plan shows the correlate over
// a snapshot, on one line.
func (j *TemporalJoin) String() string {
	kind := "LogicalTemporalJoin"
	if j.Lookup {
		kind = "LogicalLookupJoin"
	}
	return fmt.Sprintf("%s(condition=[%s], joinType=[%s], period=[$%d])", kind, FormatExpr(j.Condition), j.Type, j.LeftTime)
}

// VersionedTime returns the rowtime attribute column of a versioned table
// schema, or -1.
func VersionedTime(s *types.Schema) int {
	for i, f := range s.Fields {
		if f.Type.TimeAttr == types.TimeAttrRowtime {
			return i
		}
	}
	return -1
}

// LookupKeys splits a lookup join condition over left ++ right (left has
// nl columns) into lookup keys, right column = expression over the left
// columns only (a column, or any expression such as MOD(auction, 10000)),
// and the remaining conjuncts.
func LookupKeys(cond expr.Expr, nl int) (left []expr.Expr, right []int, rest []expr.Expr) {
	for _, c := range Conjuncts(cond) {
		if call, ok := c.(*expr.Call); ok && call.Name == "=" && len(call.Args) == 2 {
			for _, sides := range [2][2]expr.Expr{{call.Args[0], call.Args[1]}, {call.Args[1], call.Args[0]}} {
				r, ok := sides[0].(*expr.ColumnRef)
				if !ok || r.Index < nl || !leftOnly(sides[1], nl) {
					continue
				}
				left, right = append(left, sides[1]), append(right, r.Index-nl)
				goto next
			}
		}
		rest = append(rest, c)
	next:
	}
	return left, right, rest
}

// leftOnly reports whether e reads only columns below nl.
func leftOnly(e expr.Expr, nl int) bool {
	for _, i := range InputRefs(e) {
		if i >= nl {
			return false
		}
	}
	return true
}

var _ Node = (*TemporalJoin)(nil)

// VersionedKey returns the primary key of a versioned table: its
// declared primary key, or, for a deduplicating view (ROW_NUMBER() OVER
// (PARTITION BY k ORDER BY rowtime DESC) = 1, Flink accepts it as a
// versioned view), the partition keys of the Rank below projections and
// filters. It returns nil when n is not versioned.
func VersionedKey(n Node) []int {
	if pk := n.Schema().PrimaryKey; len(pk) > 0 {
		return pk
	}
	switch x := n.(type) {
	case *Project:
		inner := VersionedKey(x.Input)
		if inner == nil {
			return nil
		}
		out := make([]int, 0, len(inner))
		for _, k := range inner {
			found := -1
			for i, e := range x.Exprs {
				if c, ok := e.(*expr.ColumnRef); ok && c.Index == k {
					found = i
					break
				}
			}
			if found < 0 {
				return nil
			}
			out = append(out, found)
		}
		return out
	case *Filter:
		return VersionedKey(x.Input)
	case *Rank:
		in := x.Input.Schema()
		if x.Kind != RankRowNumber || x.RankStart != 1 || x.RankEnd != 1 || len(x.OrderKeys) == 0 || len(x.PartitionKeys) == 0 {
			return nil
		}
		o := x.OrderKeys[0]
		if !o.Desc || in.Fields[o.Index].Type.TimeAttr != types.TimeAttrRowtime {
			return nil
		}
		return x.PartitionKeys
	}
	return nil
}

// mayBeVersionedView reports whether n could become a versioned view once
// optimized (a deduplication is only recognised by the optimizer), so the
// binder leaves the primary key check to physical planning.
func mayBeVersionedView(n Node) bool {
	for {
		switch x := n.(type) {
		case *Project:
			n = x.Input
		case *Filter:
			n = x.Input
		case *WatermarkAssigner:
			n = x.Input
		case *Scan:
			return false
		default:
			return true
		}
	}
}
