package aggregate

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// varFactory makes VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP
// accumulators. Flink computes these by rewriting them into SUM(x*x),
// SUM(x) and COUNT(x) in the argument's type (Calcite's
// AggregateReduceFunctionsRule) and casting back to that type:
//
//	var = (SUM(x*x) - SUM(x)*SUM(x)/COUNT(x)) / (COUNT(x) [- 1])
//
// so integer arguments use integer division and give truncated integer
// results, and the sample forms are NULL for a single row. A is int64 for
// integer arguments and float64 otherwise.
type varFactory[A int64 | float64] struct {
	sample bool
	sqrt   bool
	out    types.DataType
	sumT   types.DataType
	read   func(a arrow.Array, scratch *[]A) []A
}

func (f *varFactory[A]) New() expr.Accumulator { return &varAcc[A]{f: f} }

// StateTypes are SUM(x), SUM(x*x) and COUNT(x).
func (f *varFactory[A]) StateTypes() []types.DataType {
	return []types.DataType{f.sumT, f.sumT, types.BigInt.NotNullable()}
}

type varAcc[A int64 | float64] struct {
	f          *varFactory[A]
	sum, sumSq []A
	cnt        []int64
	scratch    []A
}

func (a *varAcc[A]) grow(groups []uint32) {
	n := groupsLen(groups)
	a.sum, a.sumSq, a.cnt = grow(a.sum, n), grow(a.sumSq, n), grow(a.cnt, n)
}

func (a *varAcc[A]) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0]
	vs := a.f.read(col, &a.scratch)
	nulls := col.NullN() > 0
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		v := vs[i]
		if isRetract(retract, i) {
			a.sum[g] -= v
			a.sumSq[g] -= v * v
			a.cnt[g]--
		} else {
			a.sum[g] += v
			a.sumSq[g] += v * v
			a.cnt[g]++
		}
	}
	return nil
}

// value computes the result of group g, or false for NULL.
func (a *varAcc[A]) value(g uint32) (float64, bool) {
	if int(g) >= len(a.cnt) {
		return 0, false
	}
	c := a.cnt[g]
	den := c
	if a.f.sample {
		den--
	}
	if c <= 0 || den <= 0 {
		return 0, false
	}
	diff := a.sumSq[g] - a.sum[g]*a.sum[g]/A(c)
	v := float64(diff / A(den))
	if a.f.sqrt {
		v = math.Sqrt(v)
	}
	return v, true
}

func (a *varAcc[A]) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	out := make([]float64, len(groups))
	valid := make([]bool, len(groups))
	for i, g := range groups {
		out[i], valid[i] = a.value(g)
	}
	t := a.f.out
	switch {
	case t.Kind == types.KindDecimal:
		dec := make([]decimal128.Num, len(out))
		for i, v := range out {
			if valid[i] {
				d, err := decimal128.FromFloat64(v, int32(t.Prec), int32(t.Scale))
				dec[i], valid[i] = d, err == nil && !math.IsNaN(v)
			}
		}
		return buildFixed(t, dec, valid), nil
	case t.Kind.IsInteger():
		for i, v := range out {
			if math.IsNaN(v) {
				out[i] = 0 // Java's (int) NaN
			}
		}
	}
	return buildNumeric(t, out, valid), nil
}

func (a *varAcc[A]) State(groups []uint32) ([]arrow.Array, error) {
	s, q := make([]A, len(groups)), make([]A, len(groups))
	c := make([]int64, len(groups))
	for i, g := range groups {
		if int(g) < len(a.cnt) {
			s[i], q[i], c[i] = a.sum[g], a.sumSq[g], a.cnt[g]
		}
	}
	return []arrow.Array{buildNumeric(a.f.sumT, s, nil), buildNumeric(a.f.sumT, q, nil),
		buildFixed(types.BigInt.NotNullable(), c, nil)}, nil
}

func (a *varAcc[A]) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	s, q := a.f.read(state[0], new([]A)), a.f.read(state[1], new([]A))
	c := fixedValues[int64](state[2])
	for i, g := range groups {
		if g != expr.NoGroup && state[2].IsValid(i) {
			a.sum[g] += s[i]
			a.sumSq[g] += q[i]
			a.cnt[g] += c[i]
		}
	}
	return nil
}

func (a *varAcc[A]) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.cnt) {
			a.sum[g], a.sumSq[g], a.cnt[g] = 0, 0, 0
		}
	}
}
