package aggregate

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
)

// AppendResult appends the current COUNT of each group to b, an
// *array.Int64Builder. Streaming aggregation with Flink's per-row
// changelog reads results many times per batch; appending them to one
// builder costs no array per read (see runtime/ops resultAppender).
func (a *countAcc) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	ib, ok := b.(*array.Int64Builder)
	if !ok {
		return builderError("COUNT", b)
	}
	ib.Reserve(len(groups))
	for _, g := range groups {
		var v int64
		if int(g) < len(a.n) {
			v = a.n[g]
		}
		ib.UnsafeAppend(v)
	}
	return nil
}

// AppendResult appends the current SUM, $SUM0 or AVG of each group to b, a
// builder of the call's result type, as Result would compute it.
func (a *sumAcc[A]) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	out := resize(&a.resVals, len(groups))
	valid := resize(&a.resValid, len(groups))
	a.results(groups, out, valid)
	switch b := b.(type) {
	case *array.Int8Builder:
		appendNums(b, out, valid, func(v A) int8 { return int8(v) })
	case *array.Int16Builder:
		appendNums(b, out, valid, func(v A) int16 { return int16(v) })
	case *array.Int32Builder:
		appendNums(b, out, valid, func(v A) int32 { return int32(v) })
	case *array.Int64Builder:
		appendNums(b, out, valid, func(v A) int64 { return int64(v) })
	case *array.Float32Builder:
		appendNums(b, out, valid, func(v A) float32 { return float32(v) })
	case *array.Float64Builder:
		appendNums(b, out, valid, func(v A) float64 { return float64(v) })
	default:
		return builderError("SUM", b)
	}
	return nil
}

// numBuilder is the part of Arrow's typed numeric builders appendNums uses.
type numBuilder[T any] interface {
	Reserve(n int)
	UnsafeAppend(v T)
	UnsafeAppendBoolToBitmap(valid bool)
}

// appendNums appends vals (NULL where !valid) converted by conv; conv is a
// direct numeric conversion the compiler inlines into the typed loop.
func appendNums[A number, T any, B numBuilder[T]](b B, vals []A, valid []bool, conv func(A) T) {
	b.Reserve(len(vals))
	for i, v := range vals {
		if valid[i] {
			b.UnsafeAppend(conv(v))
		} else {
			b.UnsafeAppendBoolToBitmap(false)
		}
	}
}

func builderError(fn string, b array.Builder) error {
	return fmt.Errorf("%s: cannot append results to a %T", fn, b)
}

// appendResult appends each group's current value (NULL if none) to b.
func (s *single[T]) appendResult(f *valueFactory[T], groups []uint32, b array.Builder) {
	b.Reserve(len(groups))
	for _, g := range groups {
		if int(g) < len(s.has) && s.has[g] {
			f.c.add(b, s.vals[g])
		} else {
			b.AppendNull()
		}
	}
}

// AppendResult appends the current MIN or MAX of each group to b.
func (a *extremeAcc[T]) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	a.appendResult(a.f, groups, b)
	return nil
}

// AppendResult appends the current MIN or MAX of each group to b.
func (a *extremeRetractAcc[T]) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	a.appendResult(a.f, groups, b)
	return nil
}

// AppendResult appends the current FIRST_VALUE or LAST_VALUE of each
// group to b.
func (a *edgeAcc[T]) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	a.appendResult(a.f, groups, b)
	return nil
}
