package aggregate

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// countFactory makes COUNT accumulators. With no arguments it is COUNT(*)
// and counts rows; otherwise it counts rows where no argument is NULL.
type countFactory struct{}

func (countFactory) New() expr.Accumulator { return &countAcc{} }

// StateTypes is the running count.
func (countFactory) StateTypes() []types.DataType {
	return []types.DataType{types.BigInt.NotNullable()}
}

// countAcc keeps one int64 per group; a retraction decrements.
type countAcc struct{ n []int64 }

func (a *countAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.n = grow(a.n, groupsLen(groups))
	nulls := false
	for _, c := range args {
		nulls = nulls || c.NullN() > 0
	}
	n := a.n
	if !nulls && retract == nil {
		for _, g := range groups {
			if g != expr.NoGroup {
				n[g]++
			}
		}
		return nil
	}
rows:
	for i, g := range groups {
		if g == expr.NoGroup {
			continue
		}
		if nulls {
			for _, c := range args {
				if c.IsNull(i) {
					continue rows
				}
			}
		}
		if isRetract(retract, i) {
			n[g]--
		} else {
			n[g]++
		}
	}
	return nil
}

func (a *countAcc) gather(groups []uint32) arrow.Array {
	out := make([]int64, len(groups))
	for i, g := range groups {
		if int(g) < len(a.n) {
			out[i] = a.n[g]
		}
	}
	return buildFixed(types.BigInt.NotNullable(), out, nil)
}

func (a *countAcc) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	return a.gather(groups), nil
}

func (a *countAcc) State(groups []uint32) ([]arrow.Array, error) {
	return []arrow.Array{a.gather(groups)}, nil
}

func (a *countAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.n = grow(a.n, groupsLen(groups))
	vs := fixedValues[int64](state[0])
	for i, g := range groups {
		if g != expr.NoGroup && state[0].IsValid(i) {
			a.n[g] += vs[i]
		}
	}
	return nil
}

func (a *countAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.n) {
			a.n[g] = 0
		}
	}
}
