package table

import "github.com/spry-engine/spry/plan"

// optimize runs the logical optimizer's rule list on a bound plan.
func optimize(n plan.Node, cfg plan.Config) (plan.Node, error) {
	return plan.Optimize(n, cfg)
}
