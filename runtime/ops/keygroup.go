package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/state"
)

// KeyGroupColumn names the INT column a keyed snapshot starts with: the key
// group of each entry's key, -1 for operator-wide state.
const KeyGroupColumn = "$key_group"

// defaultMaxParallelism is used when an operator runs outside a job.
const defaultMaxParallelism = 128

// KeyGroups computes the key group of each of n rows keyed by cols, hashed
// exactly as the hash exchange routes them, so a snapshot entry lands on
// the subtask that receives its key after a restart with any parallelism.
// No key columns (a global aggregate) put every row in key group 0.
func KeyGroups(cols []arrow.Array, n, maxParallelism int) arrow.Array {
	if maxParallelism <= 0 {
		maxParallelism = defaultMaxParallelism
	}
	kgs := make([]int32, n)
	if len(cols) > 0 {
		hs := make([]uint64, n)
		kernel.HashColumns(cols, n, hs)
		for i, h := range hs {
			kgs[i] = int32(kernel.KeyGroup(h, maxParallelism))
		}
	}
	b := array.NewInt32Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(kgs, nil)
	return b.NewArray()
}

// KeyGroupFilter returns the rows of a restored snapshot part this subtask
// owns: those whose key group (column kg) lies in its range, and the
// operator-wide ones (-1). A nil ctx or a single subtask keeps every row.
func KeyGroupFilter(ctx *OpContext, kg arrow.Array) []int32 {
	vals := kg.(*array.Int32).Int32Values()
	rows := make([]int32, 0, len(vals))
	if ctx == nil || ctx.Parallelism <= 1 {
		for i := range vals {
			rows = append(rows, int32(i))
		}
		return rows
	}
	maxP := ctx.MaxParallelism
	if maxP <= 0 {
		maxP = defaultMaxParallelism
	}
	r := state.RangeForSubtask(maxP, ctx.Parallelism, ctx.Subtask)
	for i, g := range vals {
		if g < 0 || r.Contains(int(g)) {
			rows = append(rows, int32(i))
		}
	}
	return rows
}

// takeAll gathers rows of every column.
func takeAll(cols []arrow.Array, rows []int32) []arrow.Array {
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		out[i] = kernel.Take(c, rows)
	}
	return out
}
