package kernel

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/spry-engine/spry/types"
)

// column builds an array of logical type t from Go values (nil = NULL).
func column(t types.DataType, vals ...any) arrow.Array {
	b := types.NewBuilder(t)
	for _, v := range vals {
		types.Append(b, v)
	}
	return b.NewArray()
}

func values(a arrow.Array) []any {
	out := make([]any, a.Len())
	for i := range out {
		out[i] = types.Value(a, i)
	}
	return out
}

// typeCases covers every representation types.ArrowType produces, with a
// NULL in each column.
var typeCases = []struct {
	name string
	t    types.DataType
	vals []any
}{
	{"boolean", types.Boolean, []any{true, nil, false, true}},
	{"tinyint", types.TinyInt, []any{int8(1), nil, int8(-3), int8(4)}},
	{"smallint", types.SmallInt, []any{int16(1), nil, int16(-3), int16(4)}},
	{"int", types.Int, []any{int32(1), nil, int32(-3), int32(4)}},
	{"bigint", types.BigInt, []any{int64(1), nil, int64(-3), int64(4)}},
	{"float", types.Float, []any{float32(1.5), nil, float32(-3), float32(4)}},
	{"double", types.Double, []any{1.5, nil, -3.0, 4.0}},
	{"decimal", types.Decimal(10, 2), []any{decimal128.FromI64(150), nil, decimal128.FromI64(-300), decimal128.FromI64(400)}},
	{"varchar", types.String, []any{"a", nil, "", "dd"}},
	{"varbinary", types.Bytes, []any{[]byte("a"), nil, []byte{}, []byte("dd")}},
	{"date", types.Date, []any{int32(1), nil, int32(-3), int32(4)}},
	{"time", types.Time(3), []any{int32(1), nil, int32(3), int32(4)}},
	{"timestamp", types.TimestampMs, []any{int64(1), nil, int64(-3), int64(4)}},
	{"timestamp_ltz", types.TimestampLTZ, []any{int64(1), nil, int64(-3), int64(4)}},
	{"interval_ym", types.IntervalYM, []any{int32(1), nil, int32(-3), int32(4)}},
	{"interval_dt", types.IntervalDT, []any{int64(1), nil, int64(-3), int64(4)}},
	{"array", types.ArrayOf(types.Int), []any{[]any{int32(1)}, nil, []any{}, []any{int32(4), nil}}},
	{"map", types.MapOf(types.String, types.Int), []any{[]types.MapEntry{{Key: "a", Value: int32(1)}}, nil, []types.MapEntry{}, []types.MapEntry{{Key: "d", Value: nil}}}},
	{"row", types.RowOf(types.Field{Name: "x", Type: types.Int}, types.Field{Name: "y", Type: types.String}), []any{[]any{int32(1), "a"}, nil, []any{nil, ""}, []any{int32(4), "d"}}},
}

func TestTake(t *testing.T) {
	idx := []int32{3, 1, 0, 3}
	for _, tc := range typeCases {
		t.Run(tc.name, func(t *testing.T) {
			a := column(tc.t, tc.vals...)
			got := values(Take(a, idx))
			want := []any{tc.vals[3], tc.vals[1], tc.vals[0], tc.vals[3]}
			if !reflect.DeepEqual(normalize(got), normalize(want)) {
				t.Fatalf("Take = %v, want %v", got, want)
			}
			// A sliced input must be read from its offset.
			s := array.NewSlice(a, 1, 4)
			got = values(Take(s, []int32{2, 0}))
			want = []any{tc.vals[3], tc.vals[1]}
			if !reflect.DeepEqual(normalize(got), normalize(want)) {
				t.Fatalf("Take(slice) = %v, want %v", got, want)
			}
		})
	}
}

// normalize makes NULL row values comparable: types.Value returns []any{}
// for a NULL struct field set, which DeepEqual would tell apart.
func normalize(vs []any) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return out
}

func TestFilterAndConcat(t *testing.T) {
	schema := types.NewSchema(types.Field{Name: "a", Type: types.Int}, types.Field{Name: "s", Type: types.String})
	bb := types.NewBatchBuilder(schema)
	bb.Add(types.Insert, []any{int32(1), "x"})
	bb.Add(types.Delete, []any{int32(2), nil})
	bb.Add(types.Insert, []any{nil, "z"})
	b := bb.Build()
	mask := column(types.Boolean, true, nil, true).(*array.Boolean)
	f := Filter(b, mask)
	if f.Len() != 2 || !reflect.DeepEqual(f.Row(1), []any{nil, "z"}) || f.Kind(0) != types.Insert {
		t.Fatalf("Filter: %d rows, %v", f.Len(), f.Row(1))
	}
	if Filter(b, column(types.Boolean, true, true, true).(*array.Boolean)) != b {
		t.Fatal("Filter with an all-true mask should return its input")
	}
	c := Concat([]*types.Batch{f, b.Slice(1, 2), Empty(schema)})
	if c.Len() != 3 || c.Kind(2) != types.Delete || !reflect.DeepEqual(c.Row(2), []any{int32(2), nil}) {
		t.Fatalf("Concat: %d rows, kinds %v", c.Len(), c.Kinds)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func Empty(s *types.Schema) *types.Batch { return types.Empty(s) }

func TestHashAndKey(t *testing.T) {
	for _, tc := range typeCases {
		t.Run(tc.name, func(t *testing.T) {
			// The same values in two differently built arrays hash and
			// encode alike; different values differ.
			a := column(tc.t, tc.vals...)
			b := array.NewSlice(column(tc.t, append([]any{tc.vals[0]}, tc.vals...)...), 1, int64(len(tc.vals)+1))
			ha, hb := make([]uint64, a.Len()), make([]uint64, b.Len())
			HashColumns([]arrow.Array{a}, a.Len(), ha)
			HashColumns([]arrow.Array{b}, b.Len(), hb)
			if !reflect.DeepEqual(ha, hb) {
				t.Fatalf("hashes differ for equal values: %x vs %x", ha, hb)
			}
			seen := map[string]int{}
			for i := 0; i < a.Len(); i++ {
				ka := string(AppendKey(nil, []arrow.Array{a}, i))
				if kb := string(AppendKey(nil, []arrow.Array{b}, i)); ka != kb {
					t.Fatalf("row %d: keys differ for equal values", i)
				}
				if j, dup := seen[ka]; dup && fmt.Sprint(tc.vals[i]) != fmt.Sprint(tc.vals[j]) {
					t.Fatalf("rows %d and %d differ but share a key", j, i)
				}
				seen[ka] = i
			}
		})
	}
}

func TestHashProperties(t *testing.T) {
	h := func(cols ...arrow.Array) []uint64 {
		out := make([]uint64, cols[0].Len())
		HashColumns(cols, cols[0].Len(), out)
		return out
	}
	ints := h(column(types.Int, int32(-7), nil, int32(9)))
	longs := h(column(types.BigInt, int64(-7), nil, int64(9)))
	if !reflect.DeepEqual(ints, longs) {
		t.Error("INT and BIGINT columns with equal numbers should hash alike")
	}
	zeros := h(column(types.Double, 0.0, math.Copysign(0, -1), math.NaN(), -math.NaN()))
	if zeros[0] != zeros[1] || zeros[2] != zeros[3] {
		t.Error("0.0/-0.0 and NaNs should hash alike")
	}
	// Column order matters: (a, b) and (b, a) are different keys.
	x, y := column(types.String, "a", "b"), column(types.String, "b", "a")
	if hx := h(x, y); hx[0] == hx[1] {
		t.Error("swapped key columns should hash differently")
	}
	// Length prefixes keep ("ab","c") and ("a","bc") apart.
	k1 := AppendKey(nil, []arrow.Array{column(types.String, "ab"), column(types.String, "c")}, 0)
	k2 := AppendKey(nil, []arrow.Array{column(types.String, "a"), column(types.String, "bc")}, 0)
	if string(k1) == string(k2) {
		t.Error("keys of different string splits collide")
	}
	// The hash is fixed across processes: pin one value.
	if got := h(column(types.BigInt, int64(42)))[0]; got != pinnedHash42 {
		t.Errorf("hash of BIGINT 42 = %#x, want %#x (changing it breaks state restore)", got, pinnedHash42)
	}
}

const pinnedHash42 = 0x2a61e0e765d0a0b6

func TestKeyGroups(t *testing.T) {
	tests := []struct{ kg, maxP, p, want int }{
		{0, 128, 4, 0}, {31, 128, 4, 0}, {32, 128, 4, 1}, {127, 128, 4, 3}, {127, 128, 3, 2}, {5, 128, 1, 0},
	}
	for _, tc := range tests {
		if got := SubtaskForKeyGroup(tc.kg, tc.maxP, tc.p); got != tc.want {
			t.Errorf("SubtaskForKeyGroup(%d, %d, %d) = %d, want %d", tc.kg, tc.maxP, tc.p, got, tc.want)
		}
	}
	if kg := KeyGroup(^uint64(0), 128); kg != 127 {
		t.Errorf("KeyGroup = %d", kg)
	}
}

func TestSortIndices(t *testing.T) {
	a := column(types.Int, int32(2), nil, int32(1), int32(2), nil, int32(1))
	s := column(types.String, "b", "x", "c", "a", "y", "c")
	d := column(types.Double, 1.0, math.NaN(), -1.0, 0.0, 2.0, 3.0)
	cols := []arrow.Array{a, s, d}
	tests := []struct {
		name string
		keys []SortKey
		want []int32
	}{
		{"asc nulls first", []SortKey{{Col: 0, NullsFirst: true}}, []int32{1, 4, 2, 5, 0, 3}},
		{"asc nulls last", []SortKey{{Col: 0}}, []int32{2, 5, 0, 3, 1, 4}},
		{"desc nulls last", []SortKey{{Col: 0, Desc: true}}, []int32{0, 3, 2, 5, 1, 4}},
		{"desc nulls first", []SortKey{{Col: 0, Desc: true, NullsFirst: true}}, []int32{1, 4, 0, 3, 2, 5}},
		{"two keys", []SortKey{{Col: 0}, {Col: 1, Desc: true}}, []int32{2, 5, 0, 3, 4, 1}},
		{"string", []SortKey{{Col: 1}}, []int32{3, 0, 2, 5, 1, 4}},
		{"double nan last", []SortKey{{Col: 2}}, []int32{2, 3, 0, 4, 5, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SortIndices(cols, tc.keys, a.Len()); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("SortIndices = %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range typeCases {
		// Every type sorts without panicking, NULLs first.
		c := column(tc.t, tc.vals...)
		if got := SortIndices([]arrow.Array{c}, []SortKey{{NullsFirst: true}}, c.Len()); got[0] != 1 {
			t.Errorf("%s: NULL not first: %v", tc.name, got)
		}
	}
}

// TestRowEqual checks that NewRowEqual agrees with AppendKey's equality on
// every type, and on the float values GROUP BY treats as equal.
func TestRowEqual(t *testing.T) {
	cases := append([]struct {
		name string
		t    types.DataType
		vals []any
	}{
		{"double_nan_zero", types.Double, []any{math.NaN(), 0.0, math.Copysign(0, -1), -math.NaN(), nil}},
		{"float_nan_zero", types.Float, []any{float32(math.NaN()), float32(0), float32(math.Copysign(0, -1)), nil}},
	}, typeCases...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cols := []arrow.Array{column(tc.t, tc.vals...), column(types.Int, make([]any, len(tc.vals))...)}
			eq := NewRowEqual(cols, cols)
			for i := range tc.vals {
				for j := range tc.vals {
					want := string(AppendKey(nil, cols, i)) == string(AppendKey(nil, cols, j))
					if got := eq(i, j); got != want {
						t.Errorf("rows %d (%v) and %d (%v): equal %v, want %v", i, tc.vals[i], j, tc.vals[j], got, want)
					}
				}
			}
		})
	}
}
