package aggregate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// Distinct wraps a factory so that AGG(DISTINCT args) sees each distinct
// argument tuple of a group once. Per group it counts how often each tuple
// is present, forwarding a tuple to the inner accumulator when its count
// rises from zero and retracting it when the count falls back to zero, so
// retractions stay exact (Flink's distinct MapView).
func Distinct(inner expr.AccumulatorFactory, args []types.DataType) expr.AccumulatorFactory {
	return &distinctFactory{inner: inner, args: args}
}

type distinctFactory struct {
	inner expr.AccumulatorFactory
	args  []types.DataType
}

func (f *distinctFactory) New() expr.Accumulator { return &distinctAcc{f: f, inner: f.inner.New()} }

// StateTypes: the distinct tuples with their counts, as
// ARRAY<ROW<v0, v1, ..., n BIGINT>>. The inner state is not stored: Merge
// replays the tuples into the inner accumulator, which also makes two-phase
// aggregation of DISTINCT exact.
func (f *distinctFactory) StateTypes() []types.DataType {
	return []types.DataType{types.ArrayOf(f.rowType()).NotNullable()}
}

func (f *distinctFactory) rowType() types.DataType {
	fs := make([]types.Field, 0, len(f.args)+1)
	for i, t := range f.args {
		fs = append(fs, types.Field{Name: fmt.Sprintf("v%d", i), Type: t.WithNullable(true)})
	}
	fs = append(fs, types.Field{Name: "n", Type: types.BigInt.NotNullable()})
	return types.RowOf(fs...)
}

// InsertOnly passes the request on to the inner factory.
func (f *distinctFactory) InsertOnly() expr.AccumulatorFactory {
	if io, ok := f.inner.(InsertOnlyFactory); ok {
		return &distinctFactory{inner: io.InsertOnly(), args: f.args}
	}
	return f
}

type distinctEntry struct {
	vals []any
	n    int64
	seq  uint64 // order of first sight, so State lists values as they came
}

type distinctAcc struct {
	f      *distinctFactory
	inner  expr.Accumulator
	seen   []map[string]*distinctEntry
	fwd    []uint32
	fwdRet []bool
	buf    []byte
	seq    uint64
	order  []*distinctEntry // State scratch
}

func (a *distinctAcc) Update(ctx *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	a.seen = grow(a.seen, groupsLen(groups))
	if len(args) > len(a.f.args) {
		args = args[:len(a.f.args)] // e.g. LISTAGG's separator
	}
	fwd := resize(&a.fwd, len(groups))
	fwdRet := resize(&a.fwdRet, len(groups))
	retracts := false
	for i, g := range groups {
		fwd[i], fwdRet[i] = expr.NoGroup, false
		if g == expr.NoGroup {
			continue
		}
		a.buf = kernel.AppendKey(a.buf[:0], args, i)
		m := a.seen[g]
		if m == nil {
			m = map[string]*distinctEntry{}
			a.seen[g] = m
		}
		e := m[string(a.buf)]
		if isRetract(retract, i) {
			if e == nil {
				continue // never seen: nothing to withdraw
			}
			if e.n--; e.n == 0 {
				delete(m, string(a.buf))
				fwd[i], fwdRet[i], retracts = g, true, true
			}
			continue
		}
		if e == nil {
			vals := make([]any, len(args))
			for c, col := range args {
				vals[c] = types.Value(col, i)
			}
			a.seq++
			e = &distinctEntry{vals: vals, seq: a.seq}
			m[string(a.buf)] = e
		}
		if e.n++; e.n == 1 {
			fwd[i] = g
		}
	}
	if !retracts {
		fwdRet = nil
	}
	return a.inner.Update(ctx, fwd, args, fwdRet)
}

func (a *distinctAcc) Result(ctx *expr.Context, groups []uint32) (arrow.Array, error) {
	return a.inner.Result(ctx, groups)
}

func (a *distinctAcc) State(groups []uint32) ([]arrow.Array, error) {
	b := types.NewBuilder(a.f.StateTypes()[0]).(*array.ListBuilder)
	defer b.Release()
	sb := b.ValueBuilder().(*array.StructBuilder)
	nf := len(a.f.args)
	for _, g := range groups {
		b.Append(true)
		if int(g) >= len(a.seen) {
			continue
		}
		// Map order is random: list the values in the order they came,
		// so a restored LISTAGG(DISTINCT) keeps its order.
		order := a.order[:0]
		for _, e := range a.seen[g] {
			order = append(order, e)
		}
		slices.SortFunc(order, func(x, y *distinctEntry) int { return cmp.Compare(x.seq, y.seq) })
		a.order = order
		for _, e := range order {
			sb.Append(true)
			for c, v := range e.vals {
				types.Append(sb.FieldBuilder(c), v)
			}
			sb.FieldBuilder(nf).(*array.Int64Builder).Append(e.n)
		}
	}
	return []arrow.Array{b.NewArray()}, nil
}

// Merge adds the counts of the state's tuples and replays the tuples whose
// presence changed into the inner accumulator.
func (a *distinctAcc) Merge(ctx *expr.Context, groups []uint32, state []arrow.Array) error {
	a.seen = grow(a.seen, groupsLen(groups))
	l := state[0].(*array.List)
	rows := l.ListValues().(*array.Struct)
	nf := len(a.f.args)
	fields := make([]arrow.Array, nf)
	for c := range fields {
		fields[c] = rows.Field(c)
	}
	counts := fixedValues[int64](rows.Field(nf))
	bld := make([]array.Builder, nf)
	for c, t := range a.f.args {
		bld[c] = types.NewBuilder(t)
		defer bld[c].Release()
	}
	var fwd []uint32
	var fwdRet []bool
	for i, g := range groups {
		if g == expr.NoGroup || l.IsNull(i) {
			continue
		}
		m := a.seen[g]
		if m == nil {
			m = map[string]*distinctEntry{}
			a.seen[g] = m
		}
		start, end := l.ValueOffsets(i)
		for j := int(start); j < int(end); j++ {
			a.buf = kernel.AppendKey(a.buf[:0], fields, j)
			e := m[string(a.buf)]
			if e == nil {
				vals := make([]any, nf)
				for c, col := range fields {
					vals[c] = types.Value(col, j)
				}
				a.seq++
				e = &distinctEntry{vals: vals, seq: a.seq}
				m[string(a.buf)] = e
			}
			before := e.n > 0
			e.n += counts[j]
			if after := e.n > 0; before != after {
				for c, v := range e.vals {
					types.Append(bld[c], v)
				}
				fwd = append(fwd, g)
				fwdRet = append(fwdRet, before)
			}
			if e.n == 0 {
				delete(m, string(a.buf))
			}
		}
	}
	if len(fwd) == 0 {
		return nil
	}
	args := make([]arrow.Array, nf)
	for c, b := range bld {
		args[c] = b.NewArray()
	}
	return a.inner.Update(ctx, fwd, args, fwdRet)
}

func (a *distinctAcc) Reset(groups []uint32) {
	a.inner.Reset(groups)
	for _, g := range groups {
		if int(g) < len(a.seen) {
			a.seen[g] = nil
		}
	}
}
