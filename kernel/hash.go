package kernel

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/zeebo/xxh3"
)

// Hash constants. They are fixed so a key hashes the same in every process,
// which key-group routing between workers and restored state rely on.
const (
	hashSeed = 0x2545f4914f6cdd1d
	hashNull = 0x9ae16a3b2f90404f
)

// fmix64 is MurmurHash3's finalizer: it spreads every input bit over the
// whole word so combined column hashes stay well distributed.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func combine(h, v uint64) uint64 { return fmix64(h ^ (v + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2))) }

// normFloat makes equal SQL doubles hash and encode alike: -0.0 becomes 0.0
// and every NaN the canonical one.
func normFloat(f float64) uint64 {
	if f == 0 {
		return 0
	}
	if f != f {
		return 0x7ff8000000000001
	}
	return math.Float64bits(f)
}

// HashColumns writes into out[0:rows] a hash of each row's values in cols.
// The hash depends only on the values and their types, never on the
// process, so it can route rows to key groups; NULLs hash alike, and integer
// columns of different widths holding equal numbers hash alike.
func HashColumns(cols []arrow.Array, rows int, out []uint64) {
	out = out[:rows]
	for i := range out {
		out[i] = hashSeed
	}
	for _, c := range cols {
		hashColumn(c, out)
	}
}

func hashInts[T int8 | int16 | int32 | int64 | arrow.Date32 | arrow.Time32 | arrow.Timestamp | arrow.MonthInterval | arrow.Duration](a arrow.Array, vals []T, out []uint64) {
	if a.NullN() == 0 {
		for i, v := range vals[:len(out)] {
			out[i] = combine(out[i], uint64(int64(v)))
		}
		return
	}
	for i, v := range vals[:len(out)] {
		if a.IsNull(i) {
			out[i] = combine(out[i], hashNull)
		} else {
			out[i] = combine(out[i], uint64(int64(v)))
		}
	}
}

func hashColumn(c arrow.Array, out []uint64) {
	switch a := c.(type) {
	case *array.Int8:
		hashInts(a, a.Values(), out)
	case *array.Int16:
		hashInts(a, a.Values(), out)
	case *array.Int32:
		hashInts(a, a.Values(), out)
	case *array.Int64:
		hashInts(a, a.Values(), out)
	case *array.Date32:
		hashInts(a, a.Date32Values(), out)
	case *array.Time32:
		hashInts(a, a.Time32Values(), out)
	case *array.Timestamp:
		hashInts(a, a.TimestampValues(), out)
	case *array.MonthInterval:
		hashInts(a, a.MonthIntervalValues(), out)
	case *array.Duration:
		hashInts(a, a.DurationValues(), out)
	case *array.Float32:
		vals := a.Values()
		for i := range out {
			if a.IsNull(i) {
				out[i] = combine(out[i], hashNull)
			} else {
				out[i] = combine(out[i], normFloat(float64(vals[i])))
			}
		}
	case *array.Float64:
		vals := a.Values()
		for i := range out {
			if a.IsNull(i) {
				out[i] = combine(out[i], hashNull)
			} else {
				out[i] = combine(out[i], normFloat(vals[i]))
			}
		}
	case *array.Decimal128:
		vals := a.Values()
		for i := range out {
			if a.IsNull(i) {
				out[i] = combine(out[i], hashNull)
			} else {
				out[i] = combine(combine(out[i], vals[i].LowBits()), uint64(vals[i].HighBits()))
			}
		}
	case *array.Boolean:
		for i := range out {
			switch {
			case a.IsNull(i):
				out[i] = combine(out[i], hashNull)
			case a.Value(i):
				out[i] = combine(out[i], 1)
			default:
				out[i] = combine(out[i], 0)
			}
		}
	case *array.String:
		for i := range out {
			if a.IsNull(i) {
				out[i] = combine(out[i], hashNull)
			} else {
				out[i] = combine(out[i], xxh3.HashString(a.Value(i)))
			}
		}
	case *array.Binary:
		for i := range out {
			if a.IsNull(i) {
				out[i] = combine(out[i], hashNull)
			} else {
				out[i] = combine(out[i], xxh3.Hash(a.Value(i)))
			}
		}
	case *array.Null:
		for i := range out {
			out[i] = combine(out[i], hashNull)
		}
	default:
		// Nested values: hash their canonical key encoding.
		var buf []byte
		for i := range out {
			buf = appendValue(buf[:0], c, i)
			out[i] = combine(out[i], xxh3.Hash(buf))
		}
	}
}

// KeyGroup maps a key hash to its key group in [0, maxParallelism).
func KeyGroup(hash uint64, maxParallelism int) int {
	return int(hash % uint64(maxParallelism))
}

// SubtaskForKeyGroup returns the subtask owning key group kg, Flink's
// formula kg * parallelism / maxParallelism: each subtask owns one
// contiguous range of key groups, so rescaling moves whole ranges.
func SubtaskForKeyGroup(kg, maxParallelism, parallelism int) int {
	return kg * parallelism / maxParallelism
}
