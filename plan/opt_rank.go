package plan

import (
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/types"
)

// RankRule turns a filter on a ranking function's column into a Rank node,
// as Flink's FlinkLogicalRankRule: Filter(rn <= N, rn < N, rn = N,
// rn BETWEEN a AND b, ...) over an Over computing a single ROW_NUMBER,
// RANK or DENSE_RANK becomes a Rank keeping ranks [start, end]; the
// conjuncts that do not bound the rank stay in a Filter above it. Without
// an upper bound the Over stays (it is not a Top-N). A projection above a
// Rank that does not read the rank column turns its output off, so the
// operator can emit inserts and deletes instead of rank updates.
type RankRule struct{}

// Name returns the rule's name.
func (RankRule) Name() string { return "RankRule" }

// Apply rewrites every matching filter, bottom-up.
func (RankRule) Apply(root Node, cfg Config) (Node, bool, error) {
	return transformUp(root, func(n Node) (Node, bool, error) {
		switch n := n.(type) {
		case *Filter:
			return rankFromFilter(n, cfg)
		case *Project:
			out := dropUnusedRankNumber(n)
			if p, ok := out.(*Project); ok {
				out = pruneRankInput(p)
			}
			return out, out != Node(n), nil
		}
		return n, false, nil
	})
}

func rankFromFilter(f *Filter, cfg Config) (Node, bool, error) {
	over, ok := f.Input.(*Over)
	if !ok || len(over.Groups) != 1 || len(over.Groups[0].Calls) != 1 || over.Groups[0].Calls[0].Rank == RankNone {
		return f, false, nil
	}
	g := over.Groups[0]
	call := g.Calls[0]
	col := over.Input.Schema().Len()
	start, end := int64(1), int64(-1)
	var rest []expr.Expr
	for _, c := range Conjuncts(f.Cond) {
		lo, hi, ok := rankBound(c, col)
		if !ok {
			rest = append(rest, c)
			continue
		}
		start = max(start, lo)
		if hi >= 0 && (end < 0 || hi < end) {
			end = hi
		}
	}
	if end < 0 {
		return f, false, nil
	}
	r := &Rank{
		Input: over.Input, PartitionKeys: append([]int(nil), g.PartitionKeys...),
		OrderKeys: append([]SortKey(nil), g.OrderKeys...), Kind: call.Rank,
		RankStart: start, RankEnd: end, OutputRankNumber: true, RankName: call.Name, RankType: call.Type,
	}
	if len(rest) == 0 {
		return r, true, nil
	}
	cond, err := andOf(rest, cfg.Functions)
	if err != nil {
		return f, false, err
	}
	return &Filter{Input: r, Cond: cond}, true, nil
}

// rankBound reads a conjunct comparing the rank column col with an
// integer literal: the inclusive range it allows (hi -1: unbounded).
func rankBound(c expr.Expr, col int) (lo, hi int64, ok bool) {
	call, isCall := c.(*expr.Call)
	if !isCall || len(call.Args) != 2 {
		return 0, 0, false
	}
	op := call.Name
	ref, lit := call.Args[0], call.Args[1]
	if _, isRef := stripCast(ref).(*expr.ColumnRef); !isRef {
		ref, lit = lit, ref
		op = flipComparison(op)
	}
	r, isRef := stripCast(ref).(*expr.ColumnRef)
	if !isRef || r.Index != col {
		return 0, 0, false
	}
	v, isLit := intLiteral(lit)
	if !isLit {
		return 0, 0, false
	}
	switch op {
	case "<=":
		return 1, v, true
	case "<":
		return 1, v - 1, true
	case "=":
		return v, v, true
	case ">=":
		return v, -1, true
	case ">":
		return v + 1, -1, true
	}
	return 0, 0, false
}

func flipComparison(op string) string {
	switch op {
	case "<":
		return ">"
	case "<=":
		return ">="
	case ">":
		return "<"
	case ">=":
		return "<="
	}
	return op
}

// stripCast looks through a widening CAST the binder puts around the rank
// column or a literal when their integer types differ.
func stripCast(e expr.Expr) expr.Expr {
	for {
		switch c := e.(type) {
		case *functions.Cast:
			e = c.Input
		case *expr.Call:
			if c.Name != "CAST" || len(c.Args) != 1 {
				return e
			}
			e = c.Args[0]
		default:
			return e
		}
	}
}

// intLiteral returns the value of an integer literal.
func intLiteral(e expr.Expr) (int64, bool) {
	l, ok := stripCast(e).(*expr.Literal)
	if !ok {
		return 0, false
	}
	return expr.IntValue(l.Value)
}

// dropUnusedRankNumber turns off a Rank's rank column when the projection
// above does not read it; the column is the last one, so no other index
// moves.
func dropUnusedRankNumber(p *Project) Node {
	r, ok := p.Input.(*Rank)
	if !ok || !r.OutputRankNumber {
		return p
	}
	col := r.Input.Schema().Len()
	for _, e := range p.Exprs {
		for _, i := range InputRefs(e) {
			if i == col {
				return p
			}
		}
	}
	nr := *r
	nr.OutputRankNumber = false
	return &Project{Input: &nr, Exprs: p.Exprs, Out: p.Out}
}

// pruneRankInput narrows a Rank's input to the columns the projection
// above and the Rank's own keys read, with a projection below the Rank
// that projection pruning then pushes further down (a Rank keeps every
// input row's columns in state, so unread ones cost memory).
func pruneRankInput(p *Project) Node {
	r, ok := p.Input.(*Rank)
	if !ok {
		return p
	}
	in := r.Input.Schema()
	width := in.Len()
	need := make([]bool, width)
	for _, e := range p.Exprs {
		for _, i := range InputRefs(e) {
			if i < width {
				need[i] = true
			}
		}
	}
	for _, k := range r.PartitionKeys {
		need[k] = true
	}
	for _, k := range r.OrderKeys {
		need[k.Index] = true
	}
	m := make([]int, width+1)
	inner := &Project{Input: r.Input, Out: &types.Schema{}}
	for i, use := range need {
		m[i] = -1
		if use {
			m[i] = len(inner.Exprs)
			inner.Exprs = append(inner.Exprs, &expr.ColumnRef{Index: i, Name: in.Fields[i].Name, T: in.Fields[i].Type})
			inner.Out.Fields = append(inner.Out.Fields, in.Fields[i])
		}
	}
	if len(inner.Exprs) == width || len(inner.Exprs) == 0 {
		return p
	}
	m[width] = len(inner.Exprs) // the rank column
	nr := *r
	nr.Input = inner
	nr.PartitionKeys = make([]int, len(r.PartitionKeys))
	for i, k := range r.PartitionKeys {
		nr.PartitionKeys[i] = m[k]
	}
	nr.OrderKeys = append([]SortKey(nil), r.OrderKeys...)
	for i := range nr.OrderKeys {
		nr.OrderKeys[i].Index = m[nr.OrderKeys[i].Index]
	}
	exprs := make([]expr.Expr, len(p.Exprs))
	for i, e := range p.Exprs {
		exprs[i] = RemapColumns(e, func(c int) int { return m[c] })
	}
	return &Project{Input: &nr, Exprs: exprs, Out: p.Out}
}
