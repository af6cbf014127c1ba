package runtime

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// DefaultMaxParallelism is the number of key groups when a graph sets none,
// as Flink's default for small jobs.
const DefaultMaxParallelism = 128

// JobGraph is the physical plan the runtime executes: vertices of chained
// operators connected by exchanges. It is plain data so a planner can build
// it, EXPLAIN can print it and it could be shipped to another process.
type JobGraph struct {
	Name     string
	Vertices []*Vertex
	Edges    []*Edge
	// MaxParallelism is the number of key groups hash exchanges and keyed
	// state shard by; it stays fixed for a job so state can be rescaled.
	// Zero means DefaultMaxParallelism.
	MaxParallelism int
	// Batch marks a bounded job whose results are final (no retractions).
	Batch bool
}

// Vertex is a chain of operators run in one goroutine per subtask. The
// first operator consumes the vertex's inputs (or is a source); each next
// one consumes the previous one's output.
type Vertex struct {
	ID          int
	Name        string
	Parallelism int
	Chain       []ops.Spec
	// OutSchema is the schema of the vertex output, used to print hash keys
	// by name; nil means it is taken from the last operator that states one.
	OutSchema *types.Schema
}

// Partitioning says how an edge spreads a vertex's output over the next
// vertex's subtasks.
type Partitioning uint8

// The partitionings.
const (
	// Forward connects subtask i to subtask i; both sides have equal parallelism.
	Forward Partitioning = iota
	// Hash sends each row to the subtask owning its key's key group.
	Hash
	// Rebalance spreads whole batches round-robin.
	Rebalance
	// Broadcast sends every batch to every subtask.
	Broadcast
	// Global sends everything to subtask 0.
	Global
)

func (p Partitioning) String() string {
	switch p {
	case Forward:
		return "FORWARD"
	case Hash:
		return "HASH"
	case Rebalance:
		return "REBALANCE"
	case Broadcast:
		return "BROADCAST"
	case Global:
		return "GLOBAL"
	}
	return fmt.Sprintf("Partitioning(%d)", uint8(p))
}

// Edge is an exchange from the output of vertex From to input Input (0, or
// 1 for the right side of a two-input operator) of vertex To. Several edges
// into the same input are a UNION ALL.
type Edge struct {
	From, To  int
	Input     int
	Partition Partitioning
	// Keys are the hash columns (indexes into the From vertex's output).
	Keys []int
}

func (g *JobGraph) maxParallelism() int {
	if g.MaxParallelism > 0 {
		return g.MaxParallelism
	}
	return DefaultMaxParallelism
}

// Vertex returns the vertex with the given ID, or nil.
func (g *JobGraph) Vertex(id int) *Vertex {
	for _, v := range g.Vertices {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// outSchema is the schema the vertex emits, when known.
func (v *Vertex) outSchema() *types.Schema {
	if v.OutSchema != nil {
		return v.OutSchema
	}
	for i := len(v.Chain) - 1; i >= 0; i-- {
		if s := ops.OutputSchema(v.Chain[i]); s != nil {
			return s
		}
	}
	return nil
}

// String prints the physical job graph as EXPLAIN shows it: each vertex with
// its parallelism and its chained operators, then the edges, e.g.
//
//	Vertex 1: Source: words (parallelism=1)
//	  TableSourceScan(table=[[default_catalog, default_database, words]], fields=[word])
//	Vertex 2: Aggregate (parallelism=4)
//	  HashAgg(...)
//	Edges:
//	  1 -> 2: HASH[word]
func (g *JobGraph) String() string {
	var b strings.Builder
	if g.Name != "" {
		fmt.Fprintf(&b, "Job: %s", g.Name)
		if g.Batch {
			b.WriteString(" (batch)")
		}
		b.WriteByte('\n')
	}
	for _, v := range g.Vertices {
		name := v.Name
		if name == "" && len(v.Chain) > 0 {
			name = string(v.Chain[0].Kind)
		}
		fmt.Fprintf(&b, "Vertex %d: %s (parallelism=%d)\n", v.ID, name, v.Parallelism)
		for _, s := range v.Chain {
			b.WriteString("  ")
			b.WriteString(s.String())
			b.WriteByte('\n')
		}
	}
	if len(g.Edges) > 0 {
		b.WriteString("Edges:\n")
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %d -> %d", e.From, e.To)
		if e.Input != 0 {
			fmt.Fprintf(&b, " (input %d)", e.Input)
		}
		b.WriteString(": ")
		b.WriteString(g.edgeString(e))
		b.WriteByte('\n')
	}
	return b.String()
}

func (g *JobGraph) edgeString(e *Edge) string {
	if e.Partition != Hash {
		return e.Partition.String()
	}
	var schema *types.Schema
	if v := g.Vertex(e.From); v != nil {
		schema = v.outSchema()
	}
	names := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		if schema != nil && k >= 0 && k < len(schema.Fields) {
			names[i] = schema.Fields[k].Name
		} else {
			names[i] = fmt.Sprintf("$%d", k)
		}
	}
	return "HASH[" + strings.Join(names, ", ") + "]"
}
