package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/types"
)

// RankKindName returns the ranking function's SQL name, as Flink's
// rankType prints it.
func RankKindName(k RankKind) string {
	switch k {
	case RankRowNumber:
		return "ROW_NUMBER"
	case RankRank:
		return "RANK"
	case RankDenseRank:
		return "DENSE_RANK"
	}
	return "NONE"
}

// Rank keeps, per partition, the rows whose rank by OrderKeys lies in
// [RankStart, RankEnd]: the Top-N and deduplication patterns
// (ROW_NUMBER() OVER (...) filtered by rn <= N), as Flink's
// FlinkLogicalRank. Its output is the input columns, followed by the rank
// number when OutputRankNumber is set (the filtered query reads it).
type Rank struct {
	Input         Node
	PartitionKeys []int
	OrderKeys     []SortKey
	Kind          RankKind
	// RankStart and RankEnd bound the kept ranks, both inclusive, from 1.
	RankStart, RankEnd int64
	OutputRankNumber   bool
	// RankName and RankType are the rank column's name and type.
	RankName string
	RankType types.DataType
}

// Schema returns the input columns and, if output, the rank number.
func (r *Rank) Schema() *types.Schema {
	in := r.Input.Schema()
	out := &types.Schema{Fields: append([]types.Field(nil), in.Fields...)}
	if r.OutputRankNumber {
		out.Fields = append(out.Fields, types.Field{Name: r.RankName, Type: r.RankType})
	}
	return out
}

// Inputs returns the input.
func (r *Rank) Inputs() []Node { return []Node{r.Input} }

// WithInputs copies r over in[0].
func (r *Rank) WithInputs(in []Node) Node { c := *r; c.Input = in[0]; return &c }

// String prints the node as Flink's FlinkLogicalRank.
func (r *Rank) String() string {
	in := r.Input.Schema()
	parts := make([]string, len(r.PartitionKeys))
	for i, k := range r.PartitionKeys {
		parts[i] = fmt.Sprintf("$%d", k)
	}
	order := make([]string, len(r.OrderKeys))
	for i, k := range r.OrderKeys {
		dir := "ASC"
		if k.Desc {
			dir = "DESC"
		}
		order[i] = fmt.Sprintf("$%d %s", k.Index, dir)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "LogicalRank(rankType=[%s], rankRange=[rankStart=%d, rankEnd=%d], partitionBy=[%s], orderBy=[%s], select=[%s",
		RankKindName(r.Kind), r.RankStart, r.RankEnd, strings.Join(parts, ", "), strings.Join(order, ", "), strings.Join(in.Names(), ", "))
	if r.OutputRankNumber {
		b.WriteString(", " + r.RankName)
	}
	b.WriteString("])")
	return b.String()
}
