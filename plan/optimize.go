package plan

import (
	"fmt"

	"github.com/spry-engine/spry/expr"
)

// Rule is one meaning-preserving rewrite of a logical plan. Apply returns
// the rewritten plan and whether anything changed, so the optimizer can
// stop at a fixed point.
type Rule interface {
	Name() string
	Apply(n Node, cfg Config) (Node, bool, error)
}

// Rules is the optimizer's rule list, applied in this order until no rule
// changes the plan:
//
//  0. window aggregation recognition first, on the binder's shape
//     (Aggregate over Project over a window TVF);
//  1. constant folding first, so later rules see literal TRUE/FALSE
//     conditions and folded CASTs;
//  2. filter push-down through projections, joins (turning a cross join
//     plus an equality filter into an equi-join), aggregates and set
//     operations, so filters sit directly on scans;
//     2b. the rank rule, which needs the filter on a ranking function's
//     column right above the Over that push-down leaves there;
//  3. scan filter push-down, which needs filters right above the scan;
//  4. calc merge, which joins the projections and filters the push-down
//     left adjacent;
//  5. projection pruning, which needs merged projections to see which
//     columns are really read;
//  6. trivial projection removal, cleaning up after merge and pruning;
//     6b. the Python calc split, on merged projections so chained Python
//     calls land in one PythonCalc (opt_python.go);
//  7. sort-limit merge into top-N;
//  8. the distinct-aggregate split (table.optimizer.distinct-agg.split.enabled),
//     which must precede the phase strategy so it marks both new levels;
//  9. the aggregation phase strategy, which only marks aggregates and
//     goes last because no other rule reads the mark.
var Rules = []Rule{
	WindowAggregateRule{},
	ConstantFolding{},
	FilterPushDown{},
	RankRule{},
	ScanFilterPushDown{},
	CalcMerge{},
	ProjectionPruning{},
	RemoveTrivialProject{},
	PythonCalcSplit{},
	SortLimitMerge{},
	DistinctAggSplit{},
	AggPhaseStrategy{},
}

// maxPasses bounds the fixed-point loop; the rules converge in a few.
const maxPasses = 16

// Optimize applies Rules to n until none changes it.
func Optimize(n Node, cfg Config) (Node, error) {
	return OptimizeWith(n, cfg, Rules)
}

// OptimizeWith applies the given rules in order until none changes n.
func OptimizeWith(n Node, cfg Config, rules []Rule) (Node, error) {
	if cfg.Functions == nil {
		cfg.Functions = expr.Builtins
	}
	for pass := 0; pass < maxPasses; pass++ {
		changed := false
		for _, r := range rules {
			out, ch, err := r.Apply(n, cfg)
			if err != nil {
				return n, fmt.Errorf("optimizer rule %s: %w", r.Name(), err)
			}
			n, changed = out, changed || ch
		}
		if !changed {
			break
		}
	}
	return n, nil
}

// transformUp rewrites the tree bottom-up with f, copying only the nodes
// on changed paths.
func transformUp(n Node, f func(Node) (Node, bool, error)) (Node, bool, error) {
	in := n.Inputs()
	changed := false
	if len(in) > 0 {
		var out []Node
		for i, c := range in {
			nc, ch, err := transformUp(c, f)
			if err != nil {
				return n, false, err
			}
			if ch && out == nil {
				out = append([]Node(nil), in...)
			}
			if out != nil {
				out[i] = nc
			}
			changed = changed || ch
		}
		if out != nil {
			n = n.WithInputs(out)
		}
	}
	nn, ch, err := f(n)
	if err != nil {
		return n, false, err
	}
	return nn, changed || ch, nil
}

// deterministic reports whether e calls no non-deterministic function.
func deterministic(e expr.Expr, reg *expr.Registry) bool {
	if c, ok := e.(*expr.Call); ok {
		if f := reg.Scalar(c.Name); f != nil && f.NonDeterministic {
			return false
		}
	}
	for _, c := range Children(e) {
		if !deterministic(c, reg) {
			return false
		}
	}
	return true
}

// andOf combines conditions with the registry's AND (nil for none).
func andOf(conds []expr.Expr, reg *expr.Registry) (expr.Expr, error) {
	if len(conds) == 0 {
		return nil, nil
	}
	out := conds[0]
	f := reg.Scalar("AND")
	if f == nil && len(conds) > 1 {
		return nil, fmt.Errorf("function AND is not registered")
	}
	for _, c := range conds[1:] {
		args := []expr.Expr{out, c}
		t, k, err := f.Bind(bindArgs(args))
		if err != nil {
			return nil, err
		}
		out = &expr.Call{Name: f.Name, Args: args, T: t, Kernel: k}
	}
	return out, nil
}
