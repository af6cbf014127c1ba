package aggregate

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// sumMode selects what a running sum and count produce.
type sumMode uint8

const (
	modeSum  sumMode = iota // SUM: NULL for a group without non-NULL input
	modeSum0                // $SUM0: 0 instead of NULL
	modeAvg                 // AVG: sum / count in the result type
)

type number interface{ int64 | float32 | float64 }

// sumFactory makes SUM, $SUM0 and AVG accumulators over a binary number
// type A: int64 for integer inputs (Java's wrapping arithmetic, narrowed
// at the end), float32 for FLOAT and float64 for DOUBLE (and for AVG of
// FLOAT, which Flink sums as DOUBLE).
type sumFactory[A number] struct {
	mode sumMode
	out  types.DataType // result type
	sumT types.DataType // type of the running sum in State
	read func(a arrow.Array, scratch *[]A) []A
}

func (f *sumFactory[A]) New() expr.Accumulator { return &sumAcc[A]{f: f} }

// StateTypes are the running sum and the count of non-NULL inputs, which
// retraction needs to know when the sum becomes NULL again.
func (f *sumFactory[A]) StateTypes() []types.DataType {
	return []types.DataType{f.sumT, types.BigInt.NotNullable()}
}

type sumAcc[A number] struct {
	f        *sumFactory[A]
	sum      []A
	cnt      []int64
	scratch  []A
	resVals  []A    // AppendResult scratch
	resValid []bool // AppendResult scratch
}

func (a *sumAcc[A]) grow(groups []uint32) {
	n := groupsLen(groups)
	a.sum, a.cnt = grow(a.sum, n), grow(a.cnt, n)
}

func (a *sumAcc[A]) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0]
	vs := a.f.read(col, &a.scratch)
	sum, cnt := a.sum, a.cnt
	switch {
	case col.NullN() == 0 && retract == nil:
		for i, g := range groups {
			if g != expr.NoGroup {
				sum[g] += vs[i]
				cnt[g]++
			}
		}
	default:
		for i, g := range groups {
			if g == expr.NoGroup || col.IsNull(i) {
				continue
			}
			if isRetract(retract, i) {
				sum[g] -= vs[i]
				cnt[g]--
			} else {
				sum[g] += vs[i]
				cnt[g]++
			}
		}
	}
	return nil
}

func (a *sumAcc[A]) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	out := make([]A, len(groups))
	valid := make([]bool, len(groups))
	a.results(groups, out, valid)
	return buildNumeric(a.f.out, out, valid), nil
}

// results writes each group's SUM, $SUM0 or AVG into out and valid (both
// len(groups), overwritten), so Result and AppendResult agree by
// construction.
func (a *sumAcc[A]) results(groups []uint32, out []A, valid []bool) {
	for i, g := range groups {
		out[i], valid[i] = 0, false
		if int(g) >= len(a.cnt) {
			valid[i] = a.f.mode == modeSum0
			continue
		}
		switch c := a.cnt[g]; {
		case a.f.mode == modeAvg && c != 0:
			out[i], valid[i] = a.sum[g]/A(c), true
		case a.f.mode == modeAvg:
		default:
			out[i], valid[i] = a.sum[g], c != 0 || a.f.mode == modeSum0
		}
	}
}

func (a *sumAcc[A]) State(groups []uint32) ([]arrow.Array, error) {
	sums := make([]A, len(groups))
	cnts := make([]int64, len(groups))
	for i, g := range groups {
		if int(g) < len(a.cnt) {
			sums[i], cnts[i] = a.sum[g], a.cnt[g]
		}
	}
	return []arrow.Array{buildNumeric(a.f.sumT, sums, nil), buildFixed(types.BigInt.NotNullable(), cnts, nil)}, nil
}

func (a *sumAcc[A]) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	sums := a.f.read(state[0], new([]A))
	cnts := fixedValues[int64](state[1])
	for i, g := range groups {
		if g != expr.NoGroup && state[0].IsValid(i) {
			a.sum[g] += sums[i]
			a.cnt[g] += cnts[i]
		}
	}
	return nil
}

func (a *sumAcc[A]) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.cnt) {
			a.sum[g], a.cnt[g] = 0, 0
		}
	}
}

// buildNumeric narrows vals to the physical type of t and wraps them.
func buildNumeric[A number](t types.DataType, vals []A, valid []bool) arrow.Array {
	switch t.Kind {
	case types.KindTinyInt:
		return buildFixed(t, convert[int8](vals), valid)
	case types.KindSmallInt:
		return buildFixed(t, convert[int16](vals), valid)
	case types.KindInt:
		return buildFixed(t, convert[int32](vals), valid)
	case types.KindBigInt:
		return buildFixed(t, convert[int64](vals), valid)
	case types.KindFloat:
		return buildFixed(t, convert[float32](vals), valid)
	}
	return buildFixed(t, convert[float64](vals), valid)
}

// decSumFactory makes SUM, $SUM0 and AVG accumulators over DECIMAL(p, s).
// The sum is DECIMAL(38, s); AVG returns DECIMAL(38, max(s, 6)) rounded
// half-up, as Flink does.
type decSumFactory struct {
	mode  sumMode
	scale int32
	out   types.DataType
}

func (f *decSumFactory) New() expr.Accumulator { return &decSumAcc{f: f} }

// StateTypes are the running DECIMAL(38, s) sum and the non-NULL count.
func (f *decSumFactory) StateTypes() []types.DataType {
	return []types.DataType{types.Decimal(types.MaxDecimalPrecision, int(f.scale)).NotNullable(), types.BigInt.NotNullable()}
}

type decSumAcc struct {
	f   *decSumFactory
	sum []decimal128.Num
	cnt []int64
}

func (a *decSumAcc) grow(groups []uint32) {
	n := groupsLen(groups)
	a.sum, a.cnt = grow(a.sum, n), grow(a.cnt, n)
}

func (a *decSumAcc) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.grow(groups)
	col := args[0]
	vs := decimalValues(col)
	nulls := col.NullN() > 0
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		if isRetract(retract, i) {
			a.sum[g] = a.sum[g].Sub(vs[i])
			a.cnt[g]--
		} else {
			a.sum[g] = a.sum[g].Add(vs[i])
			a.cnt[g]++
		}
	}
	return nil
}

func (a *decSumAcc) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	out := make([]decimal128.Num, len(groups))
	valid := make([]bool, len(groups))
	for i, g := range groups {
		var c int64
		if int(g) < len(a.cnt) {
			c = a.cnt[g]
		}
		switch {
		case a.f.mode == modeAvg && c != 0:
			out[i], valid[i] = decAvg(a.sum[g], c, int32(a.f.out.Scale)-a.f.scale), true
		case a.f.mode == modeAvg:
		case c != 0:
			out[i], valid[i] = a.sum[g], true
		default:
			valid[i] = a.f.mode == modeSum0
		}
	}
	return buildFixed(a.f.out, out, valid), nil
}

// decAvg divides sum by n after raising its scale by up, rounding half away
// from zero (Java's RoundingMode.HALF_UP).
func decAvg(sum decimal128.Num, n int64, up int32) decimal128.Num {
	if up > 0 {
		sum = sum.IncreaseScaleBy(up)
	}
	d := decimal128.FromI64(n)
	q, r := sum.Div(d)
	if r.Abs().Mul(decimal128.FromI64(2)).GreaterEqual(d.Abs()) {
		if (sum.Sign() < 0) != (n < 0) {
			q = q.Sub(decimal128.FromI64(1))
		} else {
			q = q.Add(decimal128.FromI64(1))
		}
	}
	return q
}

func (a *decSumAcc) State(groups []uint32) ([]arrow.Array, error) {
	sums := make([]decimal128.Num, len(groups))
	cnts := make([]int64, len(groups))
	for i, g := range groups {
		if int(g) < len(a.cnt) {
			sums[i], cnts[i] = a.sum[g], a.cnt[g]
		}
	}
	st := a.f.StateTypes()
	return []arrow.Array{buildFixed(st[0], sums, nil), buildFixed(st[1], cnts, nil)}, nil
}

func (a *decSumAcc) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	a.grow(groups)
	sums := decimalValues(state[0])
	cnts := fixedValues[int64](state[1])
	for i, g := range groups {
		if g != expr.NoGroup && state[0].IsValid(i) {
			a.sum[g] = a.sum[g].Add(sums[i])
			a.cnt[g] += cnts[i]
		}
	}
	return nil
}

func (a *decSumAcc) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(a.cnt) {
			a.sum[g], a.cnt[g] = decimal128.Num{}, 0
		}
	}
}
