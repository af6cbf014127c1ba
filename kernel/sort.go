package kernel

import (
	"bytes"
	"cmp"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// SortKey is one ORDER BY column: its index, its direction and where NULLs
// go. NULLS FIRST/LAST holds whatever the direction, as in SQL.
type SortKey struct {
	Col        int
	Desc       bool
	NullsFirst bool
}

// SortIndices returns the permutation of [0, rows) that orders the rows of
// cols by keys. The sort is stable: rows with equal keys keep their order.
func SortIndices(cols []arrow.Array, keys []SortKey, rows int) []int32 {
	idx := make([]int32, rows)
	for i := range idx {
		idx[i] = int32(i)
	}
	cmpRows := NewComparator(cols, cols, keys)
	// pdqsort with the row index as the last key is stable and faster than
	// a merge-based stable sort.
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmpRows(int(a), int(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return idx
}

// NewComparator returns a function comparing row i of left with row j of
// right by keys (negative, zero or positive). left and right hold columns
// of the same types; they may be the same columns. The typed per-column
// comparators are built here, once, not per row.
func NewComparator(left, right []arrow.Array, keys []SortKey) func(i, j int) int {
	cmps := make([]func(i, j int) int, len(keys))
	for k, key := range keys {
		cmps[k] = columnComparator(left[key.Col], right[key.Col], key)
	}
	if len(cmps) == 1 {
		return cmps[0]
	}
	return func(i, j int) int {
		for _, c := range cmps {
			if r := c(i, j); r != 0 {
				return r
			}
		}
		return 0
	}
}

// NewRowEqual returns a function reporting whether row i of left and row
// j of right hold equal values in every column, as GROUP BY sees them
// (NULLs equal, -0.0 = 0.0, all NaNs alike): AppendKey's equality without
// encoding the rows. left and right hold columns of the same types; the
// typed comparators are built here, once, not per row.
func NewRowEqual(left, right []arrow.Array) func(i, j int) bool {
	keys := make([]SortKey, len(left))
	for c := range keys {
		keys[c].Col = c
	}
	cmpRows := NewComparator(left, right, keys)
	return func(i, j int) bool { return cmpRows(i, j) == 0 }
}

func columnComparator(l, r arrow.Array, key SortKey) func(i, j int) int {
	c := valueComparator(l, r)
	if key.Desc {
		asc := c
		c = func(i, j int) int { return -asc(i, j) }
	}
	if l.NullN() == 0 && r.NullN() == 0 {
		return c
	}
	nullCmp := 1 // a NULL sorts after a value
	if key.NullsFirst {
		nullCmp = -1
	}
	return func(i, j int) int {
		ln, rn := l.IsNull(i), r.IsNull(j)
		switch {
		case ln && rn:
			return 0
		case ln:
			return nullCmp
		case rn:
			return -nullCmp
		}
		return c(i, j)
	}
}

func ordered[T cmp.Ordered](l, r []T) func(i, j int) int {
	return func(i, j int) int { return cmp.Compare(l[i], r[j]) }
}

// floats orders doubles with NaN above every number and -0.0 equal to 0.0.
func floats[T float32 | float64](l, r []T) func(i, j int) int {
	return func(i, j int) int {
		a, b := l[i], r[j]
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		case a == b:
			return 0
		}
		return cmp.Compare(boolInt(a != a), boolInt(b != b))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// valueComparator compares non-NULL values of two arrays of one type.
func valueComparator(left, right arrow.Array) func(i, j int) int {
	switch l := left.(type) {
	case *array.Int8:
		return ordered(l.Values(), right.(*array.Int8).Values())
	case *array.Int16:
		return ordered(l.Values(), right.(*array.Int16).Values())
	case *array.Int32:
		return ordered(l.Values(), right.(*array.Int32).Values())
	case *array.Int64:
		return ordered(l.Values(), right.(*array.Int64).Values())
	case *array.Float32:
		return floats(l.Values(), right.(*array.Float32).Values())
	case *array.Float64:
		return floats(l.Values(), right.(*array.Float64).Values())
	case *array.Date32:
		return ordered(l.Date32Values(), right.(*array.Date32).Date32Values())
	case *array.Time32:
		return ordered(l.Time32Values(), right.(*array.Time32).Time32Values())
	case *array.Timestamp:
		return ordered(l.TimestampValues(), right.(*array.Timestamp).TimestampValues())
	case *array.MonthInterval:
		return ordered(l.MonthIntervalValues(), right.(*array.MonthInterval).MonthIntervalValues())
	case *array.Duration:
		return ordered(l.DurationValues(), right.(*array.Duration).DurationValues())
	case *array.Decimal128:
		lv, rv := l.Values(), right.(*array.Decimal128).Values()
		return func(i, j int) int { return decimalCmp(lv[i], rv[j]) }
	case *array.Boolean:
		r := right.(*array.Boolean)
		return func(i, j int) int { return cmp.Compare(boolInt(l.Value(i)), boolInt(r.Value(j))) }
	case *array.String:
		r := right.(*array.String)
		return func(i, j int) int { return strings.Compare(l.Value(i), r.Value(j)) }
	case *array.Binary:
		r := right.(*array.Binary)
		return func(i, j int) int { return bytes.Compare(l.Value(i), r.Value(j)) }
	case *array.Null:
		return func(int, int) int { return 0 }
	}
	// Nested values compare by their key encoding: a total order that
	// groups equal values, which is what sorting them needs.
	var lb, rb []byte
	return func(i, j int) int {
		lb = appendValue(lb[:0], left, i)
		rb = appendValue(rb[:0], right, j)
		return bytes.Compare(lb, rb)
	}
}

func decimalCmp(a, b decimal128.Num) int {
	switch {
	case a.Less(b):
		return -1
	case b.Less(a):
		return 1
	}
	return 0
}
