package functions

import (
	"testing"

	"github.com/spry-engine/spry/types"
)

var (
	tArrI  = types.ArrayOf(types.Int)
	tArrS  = types.ArrayOf(types.String)
	tMapSI = types.MapOf(types.String, types.Int)
)

func TestCollectionConstructors(t *testing.T) {
	btRun(t, []btCase{
		{"ARRAY", []btArg{btCol(tI, 1, nil), btLit(tI, 2), btCol(tI, 3, 4)}, []any{[]any{int32(1), int32(2), int32(3)}, []any{nil, int32(2), int32(4)}}},
		{"ARRAY", []btArg{btCol(tI, 1), btCol(tBI, 2)}, []any{[]any{int64(1), int64(2)}}},
		{"ARRAY", []btArg{btCol(tI, 1), btLit(types.Null, nil)}, []any{[]any{int32(1), nil}}},
		{"MAP", []btArg{btLit(tS, "k"), btLit(types.Null, nil)}, []any{[]types.MapEntry{{Key: "k", Value: nil}}}},
		{"MAP", []btArg{btLit(tS, "a"), btCol(tI, 1, 2), btLit(tS, "b"), btCol(tI, nil, 3)},
			[]any{[]types.MapEntry{{Key: "a", Value: int32(1)}, {Key: "b", Value: nil}}, []types.MapEntry{{Key: "a", Value: int32(2)}, {Key: "b", Value: int32(3)}}}},
		{"ROW", []btArg{btCol(tI, 1, nil), btCol(tS, "a", "b")}, []any{[]any{int32(1), "a"}, []any{nil, "b"}}},
		{"ITEM", []btArg{btCol(tArrI, []any{int32(10), int32(20)}, []any{int32(10)}, nil, []any{int32(1)}), btCol(tI, 2, 2, 1, 0)}, []any{int32(20), nil, nil, nil}},
		{"ITEM", []btArg{btCol(tMapSI, []types.MapEntry{{Key: "a", Value: int32(1)}, {Key: "b", Value: int32(2)}}, []types.MapEntry{{Key: "a", Value: int32(1)}}, nil), btLit(tS, "b")},
			[]any{int32(2), nil, nil}},
		{"FIELD", []btArg{btCol(types.RowOf(types.Field{Name: "a", Type: tI}, types.Field{Name: "b", Type: tS}), []any{int32(1), "x"}, nil), btLit(tS, "b")}, []any{"x", nil}},
		{"CARDINALITY", []btArg{btCol(tArrI, []any{int32(1), nil}, []any{}, nil)}, []any{int32(2), int32(0), nil}},
		{"CARDINALITY", []btArg{btCol(tMapSI, []types.MapEntry{{Key: "a", Value: int32(1)}})}, []any{int32(1)}},
		{"ELEMENT", []btArg{btCol(tArrI, []any{int32(7)}, []any{}, nil)}, []any{int32(7), nil, nil}},
	})
	if _, _, err := btEval(nil, "ELEMENT", []btArg{btCol(tArrI, []any{int32(1), int32(2)})}, 1); err == nil {
		t.Error("ELEMENT of a two-element array succeeded, want an error")
	}
	btBindErr(t, "ITEM", tArrI, tS)
	btBindErr(t, "FIELD", tI, tS)
}

func TestArrayFunctions(t *testing.T) {
	i32 := func(vs ...any) []any {
		out := make([]any, len(vs))
		for k, v := range vs {
			if v != nil {
				v = int32(v.(int))
			}
			out[k] = v
		}
		return out
	}
	arr := btCol(tArrI, i32(1, 2, 1, nil, nil), i32(), nil, i32(5, 6, 6))
	btRun(t, []btCase{
		{"ARRAY_CONTAINS", []btArg{arr, btLit(tI, 1)}, []any{true, false, nil, false}},
		{"ARRAY_CONTAINS", []btArg{arr, btLit(types.Null, nil)}, []any{true, false, nil, false}},
		{"ARRAY_CONTAINS", []btArg{arr, btLit(types.SmallInt, int16(6))}, []any{false, false, nil, true}},
		{"ARRAY_POSITION", []btArg{arr, btLit(tI, 6)}, []any{int32(0), int32(0), nil, int32(2)}},
		{"ARRAY_REMOVE", []btArg{arr, btLit(tI, 1)}, []any{i32(2, nil, nil), i32(), nil, i32(5, 6, 6)}},
		{"ARRAY_DISTINCT", []btArg{arr}, []any{i32(1, 2, nil), i32(), nil, i32(5, 6)}},
		{"ARRAY_REVERSE", []btArg{arr}, []any{i32(nil, nil, 1, 2, 1), i32(), nil, i32(6, 6, 5)}},
		{"ARRAY_SLICE", []btArg{btCol(tArrI, i32(1, 2, 3, 4), i32(1, 2, 3, 4), i32(1, 2, 3, 4), i32(1, 2, 3, 4)), btCol(tI, 2, -2, 0, 3), btCol(tI, 3, -1, 1, 2)},
			[]any{i32(2, 3), i32(3, 4), i32(1), i32()}},
		{"ARRAY_SLICE", []btArg{btCol(tArrI, i32(1, 2, 3, 4)), btLit(tI, -2)}, []any{i32(3, 4)}},
		{"ARRAY_CONCAT", []btArg{btCol(tArrI, i32(1), i32(1)), btCol(tArrI, i32(2, 3), nil)}, []any{i32(1, 2, 3), nil}},
		{"ARRAY_UNION", []btArg{btCol(tArrI, i32(1, 2, 1)), btCol(tArrI, i32(2, 3))}, []any{i32(1, 2, 3)}},
		{"ARRAY_JOIN", []btArg{btCol(tArrS, []any{"a", nil, "b"}, nil), btLit(tS, ",")}, []any{"a,b", nil}},
		{"ARRAY_JOIN", []btArg{btCol(tArrS, []any{"a", nil, "b"}), btLit(tS, ","), btLit(tS, "?")}, []any{"a,?,b"}},
		{"ARRAY_MAX", []btArg{btCol(tArrI, i32(3, nil, 7), i32(), i32(nil), nil)}, []any{int32(7), nil, nil, nil}},
		{"ARRAY_MIN", []btArg{btCol(tArrS, []any{"b", "a", "c"})}, []any{"a"}},
		{"SPLIT", []btArg{btCol(tS, "a,b,,c", "abc", "", nil), btLit(tS, ",")}, []any{[]any{"a", "b", "", "c"}, []any{"abc"}, []any{""}, nil}},
		{"SPLIT", []btArg{btCol(tS, "héy"), btLit(tS, "")}, []any{[]any{"h", "é", "y"}}},
	})
}

func TestMapFunctions(t *testing.T) {
	m := btCol(tMapSI, []types.MapEntry{{Key: "a", Value: int32(1)}, {Key: "b", Value: nil}}, nil, []types.MapEntry{})
	btRun(t, []btCase{
		{"MAP_KEYS", []btArg{m}, []any{[]any{"a", "b"}, nil, []any{}}},
		{"MAP_VALUES", []btArg{m}, []any{[]any{int32(1), nil}, nil, []any{}}},
		{"MAP_ENTRIES", []btArg{m}, []any{[]any{[]any{"a", int32(1)}, []any{"b", nil}}, nil, []any{}}},
		{"MAP_FROM_ARRAYS", []btArg{btCol(tArrS, []any{"a", "b"}, nil), btCol(tArrI, []any{int32(1), int32(2)}, []any{})},
			[]any{[]types.MapEntry{{Key: "a", Value: int32(1)}, {Key: "b", Value: int32(2)}}, nil}},
	})
	if _, _, err := btEval(nil, "MAP_FROM_ARRAYS", []btArg{btCol(tArrS, []any{"a"}), btCol(tArrI, []any{})}, 1); err == nil {
		t.Error("MAP_FROM_ARRAYS with different lengths succeeded, want an error")
	}
}

func TestArraySetsAndSort(t *testing.T) {
	i32 := func(vs ...any) []any {
		for k, v := range vs {
			if v != nil {
				vs[k] = int32(v.(int))
			}
		}
		return vs
	}
	btRun(t, []btCase{
		{"ARRAY_EXCEPT", []btArg{btCol(tArrI, i32(1, 2, 2, 3, nil), nil), btCol(tArrI, i32(3), i32())}, []any{i32(1, 2, nil), nil}},
		{"ARRAY_INTERSECT", []btArg{btCol(tArrI, i32(1, 2, 2, 3)), btCol(tArrI, i32(2, 3, 4))}, []any{i32(2, 3)}},
		{"ARRAY_SORT", []btArg{btCol(tArrI, i32(3, nil, 1), nil)}, []any{i32(nil, 1, 3), nil}},
		{"ARRAY_APPEND", []btArg{btCol(tArrI, i32(1, 2), i32(), nil), btCol(tI, 3, nil, 4)}, []any{i32(1, 2, 3), i32(nil), nil}},
		{"ARRAY_PREPEND", []btArg{btCol(tArrI, i32(1, 2)), btLit(tBI, int64(0))}, []any{[]any{int64(0), int64(1), int64(2)}}},
		{"ARRAY_SORT", []btArg{btCol(tArrI, i32(3, nil, 1)), btLit(types.Boolean, false)}, []any{i32(3, 1, nil)}},
		{"ARRAY_SORT", []btArg{btCol(tArrS, []any{"b", nil, "a"}), btLit(types.Boolean, true), btLit(types.Boolean, false)}, []any{[]any{"a", "b", nil}}},
	})
}
