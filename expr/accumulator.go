package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/types"
)

// NoGroup marks a row an accumulator must skip (filtered out by
// FILTER (WHERE ...), or not belonging to any group).
const NoGroup = ^uint32(0)

// Accumulator holds the running value of one aggregate call for many
// groups, addressed by dense group indexes (0, 1, 2, ... assigned by the
// aggregation operator's hash table). Working on whole columns with a group
// index per row keeps the hot loop free of per-row calls and allocation.
type Accumulator interface {
	// Update folds row i of args into group groups[i]; where retract is
	// non-nil and retract[i] is true the row is withdrawn (-U/-D) instead.
	// Rows whose group is NoGroup are skipped. Group indexes may exceed
	// those seen before; the accumulator grows to fit.
	Update(ctx *Context, groups []uint32, args []arrow.Array, retract []bool) error
	// Result returns the current value of each listed group.
	Result(ctx *Context, groups []uint32) (arrow.Array, error)
	// State returns the intermediate state of the listed groups as columns
	// typed by the factory's StateTypes: the partial result a local
	// aggregation ships to the global one, and what a checkpoint stores.
	State(groups []uint32) ([]arrow.Array, error)
	// Merge folds intermediate state rows into groups (row i into groups[i]).
	Merge(ctx *Context, groups []uint32, state []arrow.Array) error
	// Reset clears the listed groups so their indexes can be reused.
	Reset(groups []uint32)
}

// AccumulatorFactory makes accumulators for one bound aggregate call.
type AccumulatorFactory interface {
	New() Accumulator
	// StateTypes are the types of the columns State returns.
	StateTypes() []types.DataType
}
