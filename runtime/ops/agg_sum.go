package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
)

// aggSumAcc is SUM or AVG of a BIGINT with a BIGINT result: a running sum
// (wrapping on overflow, as Java's long does) and the count of non-NULL
// values; AVG divides them (truncating, as Java's integer division does).
// Its state is expr/aggregate's: the sum and the count.
type aggSumAcc struct {
	avg      bool
	sum, cnt []int64
}

var (
	_ expr.Accumulator = (*aggSumAcc)(nil)
	_ rowScanner       = (*aggSumAcc)(nil)
)

func (a *aggSumAcc) grow(groups []uint32) {
	a.sum = aggGrow(a.sum, groups)
	a.cnt = aggGrow(a.cnt, groups)
}

// Update adds the non-NULL values; a retraction subtracts.
func (a *aggSumAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0].(*array.Int64)
	vs := col.Int64Values()
	nulls := col.NullN() > 0
	sum, cnt := a.sum, a.cnt
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		if retract != nil && retract[i] {
			sum[g] -= vs[i]
			cnt[g]--
		} else {
			sum[g] += vs[i]
			cnt[g]++
		}
	}
	return nil
}

// value is group g's result; false for NULL (no value).
func (a *aggSumAcc) value(g uint32) (int64, bool) {
	if int(g) >= len(a.cnt) || a.cnt[g] == 0 {
		return 0, false
	}
	if a.avg {
		return a.sum[g] / a.cnt[g], true
	}
	return a.sum[g], true
}

// Result returns each group's SUM or AVG, NULL without values.
func (a *aggSumAcc) Result(ctx *expr.Context, groups []uint32) (arrow.Array, error) {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	if err := a.AppendResult(ctx, groups, b); err != nil {
		return nil, err
	}
	return b.NewArray(), nil
}

// AppendResult appends each group's result to b, an *array.Int64Builder.
func (a *aggSumAcc) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	ib, ok := b.(*array.Int64Builder)
	if !ok {
		return &AggConfigError{"SUM result builder " + b.Type().String()}
	}
	ib.Reserve(len(groups))
	for _, g := range groups {
		if v, ok := a.value(g); ok {
			ib.UnsafeAppend(v)
		} else {
			ib.UnsafeAppendBoolToBitmap(false)
		}
	}
	return nil
}

// State is the running sum and count.
func (a *aggSumAcc) State(groups []uint32) ([]arrow.Array, error) {
	sums := make([]int64, len(groups))
	cnts := make([]int64, len(groups))
	for i, g := range groups {
		if int(g) < len(a.cnt) {
			sums[i], cnts[i] = a.sum[g], a.cnt[g]
		}
	}
	return []arrow.Array{int64Values(sums), int64Values(cnts)}, nil
}

// Merge adds partial sums and counts.
func (a *aggSumAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	sums := state[0].(*array.Int64).Int64Values()
	cnts := state[1].(*array.Int64).Int64Values()
	for i, g := range groups {
		if g != expr.NoGroup && state[0].IsValid(i) {
			a.sum[g] += sums[i]
			a.cnt[g] += cnts[i]
		}
	}
	return nil
}

// Reset zeroes the groups.
func (a *aggSumAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.cnt) {
			a.sum[g], a.cnt[g] = 0, 0
		}
	}
}

// scanRows folds the rows in order and returns the result after each.
func (a *aggSumAcc) scanRows(_ *expr.Context, in *scanInput) (arrow.Array, error) {
	a.grow(in.eff)
	col := in.args[0].(*array.Int64)
	vs := col.Int64Values()
	nulls := col.NullN() > 0
	sum, cnt := a.sum, a.cnt
	out := make([]int64, in.effN)
	valid := make([]bool, in.effN)
	k := 0
	for i, g := range in.eff {
		if g == expr.NoGroup {
			continue
		}
		if in.cg[i] != expr.NoGroup && (!nulls || col.IsValid(i)) {
			if in.retract != nil && in.retract[i] {
				sum[g] -= vs[i]
				cnt[g]--
			} else {
				sum[g] += vs[i]
				cnt[g]++
			}
		}
		out[k], valid[k] = a.value(g)
		k++
		if in.reset[i] {
			sum[g], cnt[g] = 0, 0
		}
	}
	return int64WithValidity(out, valid), nil
}

// int64WithValidity wraps vals as a BIGINT array, NULL where !valid.
func int64WithValidity(vals []int64, valid []bool) arrow.Array {
	all := true
	for _, v := range valid {
		all = all && v
	}
	if all {
		return int64Values(vals)
	}
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(vals, valid)
	return b.NewArray()
}
