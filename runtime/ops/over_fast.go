package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// The common aggregates over fixed-width numbers (COUNT, SUM, MIN, MAX)
// skip the accumulators: a window slides over the sorted rows, adding
// rows as frames end later and retracting rows as they start later (MIN
// and MAX keep a monotonic queue), in one typed loop per batch. This is
// what Flink's bounded OVER functions do row by row.

type fastKind uint8

const (
	fastNone fastKind = iota
	fastCount
	fastSum
	fastMin
	fastMax
)

// fastKindOf says whether call can take the sliding path.
func fastKindOf(call OverCall, in *types.Schema) fastKind {
	if call.Distinct || call.Rank != OverRankNone {
		return fastNone
	}
	k := map[string]fastKind{"COUNT": fastCount, "SUM": fastSum, "MIN": fastMin, "MAX": fastMax}[call.Func]
	if k == fastNone || len(call.Args) > 1 || (len(call.Args) == 0 && k != fastCount) {
		return fastNone
	}
	if k == fastCount {
		return k
	}
	at, rt := in.Fields[call.Args[0]].Type.Kind, call.Type.Kind
	fixed := func(x types.Kind) bool {
		return x.IsInteger() || x.IsApprox() || (k != fastSum && (x.IsTimestamp() || x == types.KindDate))
	}
	if !fixed(at) || !fixed(rt) || at.IsApprox() != rt.IsApprox() {
		return fastNone
	}
	return k
}

// fastSeed is the value of a partition's earlier rows (streaming
// unbounded frames): a count, a sum, or a MIN/MAX candidate.
type fastSeed struct {
	i     []int64
	f     []float64
	valid []bool // the seed has a value (SUM/MIN/MAX)
	cnt   []int64
}

// fastAgg evaluates a sliding aggregate for rows out over [lo, hi].
// seedOf gives each partition's seed index (or -1) when seeds are set.
func (o *overAgg) fastAgg(k fastKind, call OverCall, b *types.Batch, out []int32, seed *fastSeed, seedOf []int32) arrow.Array {
	s := &o.scratch
	if k == fastCount {
		var valid []bool
		if len(call.Args) == 1 {
			valid = validity(b.Cols[call.Args[0]])
		}
		cnt := slide[int64](k, nil, valid, s.lo, s.hi, out, seed, seedOf, nil)
		return fixedArray(types.BigInt.NotNullable(), cnt, nil, nil)
	}
	a := b.Cols[call.Args[0]]
	valid := validity(a)
	var resValid []bool = make([]bool, len(out))
	if call.Type.Kind.IsApprox() {
		vals := floatValues(a)
		res := slide(k, vals, valid, s.lo, s.hi, out, seed, seedOf, resValid)
		return fixedArray(call.Type, nil, res, resValid)
	}
	vals := intValues(a)
	res := slide(k, vals, valid, s.lo, s.hi, out, seed, seedOf, resValid)
	return fixedArray(call.Type, res, nil, resValid)
}

// slide runs the window over rows out (ascending; lo and hi never move
// back within a partition). For COUNT it returns counts; otherwise the
// values, with resValid set where the frame has a non-NULL value.
func slide[T int64 | float64](k fastKind, vals []T, valid []bool, lo, hi, out []int32, seed *fastSeed, seedOf []int32, resValid []bool) []T {
	res := make([]T, len(out))
	var queue []int32 // MIN/MAX candidates, values monotonic from the front
	wl, wh := int32(0), int32(-1)
	var sum T
	var cnt int64
	better := func(x, y T) bool { // x replaces y as the extreme
		if k == fastMin {
			return x <= y
		}
		return x >= y
	}
	for n, i := range out {
		l, h := lo[i], hi[i]
		if n == 0 || l > wh || l < wl || h < wh {
			// A new partition, or a frame past the window: start empty.
			wl, wh, sum, cnt, queue = l, l-1, 0, 0, queue[:0]
		}
		for wh < h {
			wh++
			if valid == nil || valid[wh] {
				cnt++
				if vals != nil {
					v := vals[wh]
					sum += v
					for len(queue) > 0 && better(v, vals[queue[len(queue)-1]]) {
						queue = queue[:len(queue)-1]
					}
					queue = append(queue, wh)
				}
			}
		}
		for wl < l {
			if valid == nil || valid[wl] {
				cnt--
				if vals != nil {
					sum -= vals[wl]
					if len(queue) > 0 && queue[0] == wl {
						queue = queue[1:]
					}
				}
			}
			wl++
		}
		c, has := cnt, cnt > 0 && l <= h
		if l > h {
			c = 0
		}
		var v T
		switch k {
		case fastSum:
			v = sum
		case fastMin, fastMax:
			if len(queue) > 0 && l <= h {
				v = vals[queue[0]]
			}
		}
		if seed != nil && seedOf[n] >= 0 {
			si := seedOf[n]
			c += seed.cnt[si]
			if seed.valid[si] {
				var sv T
				switch p := any(&sv).(type) {
				case *float64:
					*p = seed.f[si]
				case *int64:
					*p = seed.i[si]
				}
				switch {
				case k == fastSum && has:
					v += sv
				case !has || better(sv, v):
					v = sv
				}
				has = true
			}
		}
		if k == fastCount {
			res[n] = T(c)
			continue
		}
		res[n] = v
		resValid[n] = has
	}
	return res
}

// validity returns a's validity per row, or nil when it has no NULLs.
func validity(a arrow.Array) []bool {
	if a.NullN() == 0 {
		return nil
	}
	v := make([]bool, a.Len())
	for i := range v {
		v[i] = a.IsValid(i)
	}
	return v
}

// intValues widens a fixed-width integer or temporal column to int64.
func intValues(a arrow.Array) []int64 {
	out := make([]int64, a.Len())
	switch a := a.(type) {
	case *array.Int8:
		for i, v := range a.Int8Values() {
			out[i] = int64(v)
		}
	case *array.Int16:
		for i, v := range a.Int16Values() {
			out[i] = int64(v)
		}
	case *array.Int32:
		for i, v := range a.Int32Values() {
			out[i] = int64(v)
		}
	case *array.Int64:
		copy(out, a.Int64Values())
	case *array.Timestamp:
		for i, v := range a.TimestampValues() {
			out[i] = int64(v)
		}
	case *array.Date32:
		for i, v := range a.Date32Values() {
			out[i] = int64(v)
		}
	}
	return out
}

// floatValues widens a FLOAT or DOUBLE column to float64.
func floatValues(a arrow.Array) []float64 {
	out := make([]float64, a.Len())
	switch a := a.(type) {
	case *array.Float32:
		for i, v := range a.Float32Values() {
			out[i] = float64(v)
		}
	case *array.Float64:
		copy(out, a.Float64Values())
	}
	return out
}

// fixedArray builds a column of type t from int64 or float64 values
// (narrowed to t's width), NULL where valid is false.
func fixedArray(t types.DataType, iv []int64, fv []float64, valid []bool) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, types.ArrowType(t))
	defer b.Release()
	switch b := b.(type) {
	case *array.Int8Builder:
		b.AppendValues(narrow[int8](iv, fv), valid)
	case *array.Int16Builder:
		b.AppendValues(narrow[int16](iv, fv), valid)
	case *array.Int32Builder:
		b.AppendValues(narrow[int32](iv, fv), valid)
	case *array.Int64Builder:
		b.AppendValues(narrow[int64](iv, fv), valid)
	case *array.Float32Builder:
		b.AppendValues(narrow[float32](iv, fv), valid)
	case *array.Float64Builder:
		b.AppendValues(narrow[float64](iv, fv), valid)
	case *array.TimestampBuilder:
		b.AppendValues(narrow[arrow.Timestamp](iv, fv), valid)
	case *array.Date32Builder:
		b.AppendValues(narrow[arrow.Date32](iv, fv), valid)
	}
	return b.NewArray()
}

// narrow converts the values to T.
func narrow[T int8 | int16 | int32 | int64 | float32 | float64 | arrow.Timestamp | arrow.Date32](iv []int64, fv []float64) []T {
	if fv != nil {
		out := make([]T, len(fv))
		for i, v := range fv {
			out[i] = T(v)
		}
		return out
	}
	out := make([]T, len(iv))
	for i, v := range iv {
		out[i] = T(v)
	}
	return out
}
