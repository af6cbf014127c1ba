package physical

import (
	"strings"

	spryrt "github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// GraphOptions name the job and connect a query's results.
type GraphOptions struct {
	Name string
	// Collect receives a query's result batches; the job closes it when
	// it ends. Required when the program has a query.
	Collect chan<- *types.Batch
}

// endpoint is a place a node's output can be read from: a vertex, and the
// partitioning of the edge that will read it.
type endpoint struct {
	v    *spryrt.Vertex
	part spryrt.Partitioning
	keys []int
	// open reports whether the next operator may be chained onto v.
	open bool
}

type graphBuilder struct {
	g       *spryrt.JobGraph
	collect chan<- *types.Batch
	names   map[*spryrt.Vertex][]string
}

// JobGraph builds the runtime job graph: operators connected one-to-one
// with equal parallelism are chained into one vertex; exchanges become
// edges (FORWARD between unequal parallelism becomes REBALANCE); a union
// becomes several edges into one input.
func (p *Program) JobGraph(o GraphOptions) (*spryrt.JobGraph, error) {
	b := &graphBuilder{
		g:       &spryrt.JobGraph{Name: o.Name, Batch: p.Batch, MaxParallelism: p.opts.MaxParallelism},
		collect: o.Collect,
		names:   map[*spryrt.Vertex][]string{},
	}
	for _, r := range p.Roots {
		if _, err := b.build(r); err != nil {
			return nil, err
		}
	}
	for v, names := range b.names {
		v.Name = strings.Join(names, " -> ")
	}
	return b.g, nil
}

func (b *graphBuilder) build(n *Node) ([]endpoint, error) {
	if n.Exchange != nil {
		eps, err := b.build(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		for i := range eps {
			eps[i].part, eps[i].keys, eps[i].open = n.Exchange.Partition, n.Exchange.Keys, false
		}
		return eps, nil
	}
	if n.Spec == nil { // Union: every input feeds the consumer.
		var all []endpoint
		for _, c := range n.Inputs {
			eps, err := b.build(c)
			if err != nil {
				return nil, err
			}
			for i := range eps {
				eps[i].open = false
			}
			all = append(all, eps...)
		}
		return all, nil
	}
	spec, err := b.spec(n)
	if err != nil {
		return nil, err
	}
	var inputs [][]endpoint
	for _, c := range n.Inputs {
		eps, err := b.build(c)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, eps)
	}
	if len(inputs) == 1 && len(inputs[0]) == 1 {
		ep := inputs[0][0]
		if ep.open && ep.part == spryrt.Forward && ep.v.Parallelism == n.Parallelism {
			ep.v.Chain = append(ep.v.Chain, spec)
			ep.v.OutSchema = n.Schema
			b.names[ep.v] = append(b.names[ep.v], n.Name)
			return []endpoint{ep}, nil
		}
	}
	v := &spryrt.Vertex{ID: len(b.g.Vertices) + 1, Parallelism: n.Parallelism, Chain: []ops.Spec{spec}, OutSchema: n.Schema}
	if v.Parallelism <= 0 {
		v.Parallelism = 1
	}
	b.g.Vertices = append(b.g.Vertices, v)
	b.names[v] = []string{n.Name}
	for i, eps := range inputs {
		for _, ep := range eps {
			part := ep.part
			if part == spryrt.Forward && ep.v.Parallelism != v.Parallelism {
				part = spryrt.Rebalance
			}
			b.g.Edges = append(b.g.Edges, &spryrt.Edge{From: ep.v.ID, To: v.ID, Input: i, Partition: part, Keys: ep.keys})
		}
	}
	return []endpoint{{v: v, part: spryrt.Forward, open: true}}, nil
}

// spec returns the node's operator spec, connecting a collect operator to
// the caller's channel (a fresh config, so a Program can be run twice).
func (b *graphBuilder) spec(n *Node) (ops.Spec, error) {
	if c, ok := n.Spec.Config.(*ops.CollectConfig); ok {
		if b.collect == nil {
			return ops.Spec{}, errorf(ErrInternal, "a query needs a result channel")
		}
		return ops.Spec{Kind: ops.KindCollect, Config: &ops.CollectConfig{Schema: c.Schema, Out: b.collect}}, nil
	}
	s := *n.Spec
	if s.Kind == ops.KindHashAgg || s.Kind == ops.KindSource {
		// The plan names an aggregate's partial-state columns (Flink's
		// Final_COUNT(count$0_0)) and a scan's pushed projection; the
		// operator alone cannot.
		s.Display = n.String()
	}
	return s, nil
}
