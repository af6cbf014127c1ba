package ops

import (
	"reflect"
	"testing"

	"github.com/spry-engine/spry/types"
)

var setSchema = types.NewSchema(types.Field{Name: "a", Type: types.Int}, types.Field{Name: "b", Type: types.String})

func setBatch(rows ...[]any) *types.Batch {
	bb := types.NewBatchBuilder(setSchema)
	for _, r := range rows {
		bb.Add(types.Insert, r)
	}
	return bb.Build()
}

func TestSetOp(t *testing.T) {
	left := []*types.Batch{
		setBatch([]any{int32(1), "x"}, []any{int32(1), "x"}, []any{int32(2), nil}),
		setBatch([]any{int32(1), "x"}, []any{int32(3), "z"}, []any{int32(2), nil}),
	}
	right := []*types.Batch{setBatch([]any{int32(1), "x"}, []any{int32(2), nil}, []any{int32(2), nil}, []any{int32(4), "w"})}
	cases := []struct {
		op   SetOpKind
		all  bool
		str  string
		want []string
	}{
		{Intersect, false, "Intersect(all=[false])", []string{"+I[1, x]", "+I[2, null]"}},
		{Intersect, true, "Intersect(all=[true])", []string{"+I[1, x]", "+I[2, null]", "+I[2, null]"}},
		{Except, false, "Minus(all=[false])", []string{"+I[3, z]"}},
		{Except, true, "Minus(all=[true])", []string{"+I[1, x]", "+I[1, x]", "+I[3, z]"}},
	}
	for _, c := range cases {
		op, err := NewSetOp(&SetOpConfig{Op: c.op, All: c.all, Schema: setSchema})
		if err != nil {
			t.Fatal(err)
		}
		if op.String() != c.str {
			t.Errorf("String() = %s, want %s", op.String(), c.str)
		}
		col := &aggCollector{}
		// Interleave the inputs: the result must not depend on arrival order.
		_ = op.ProcessBatch(1, right[0], col)
		_ = op.ProcessBatch(0, left[0], col)
		_ = op.EndInput(1, col)
		_ = op.ProcessBatch(0, left[1], col)
		if len(col.rows) != 0 {
			t.Fatalf("emitted before both inputs ended: %v", col.rows)
		}
		if err := op.EndInput(0, col); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(col.rows, c.want) {
			t.Errorf("%s: got %v, want %v", c.str, col.rows, c.want)
		}
	}
	if _, err := NewSetOp(&SetOpConfig{Op: 7, Schema: setSchema}); err == nil {
		t.Error("unknown op accepted")
	}
}

func TestExpand(t *testing.T) {
	out := types.NewSchema(
		types.Field{Name: "a", Type: types.Int},
		types.Field{Name: "b", Type: types.String},
		types.Field{Name: "$e", Type: types.BigInt.NotNullable()},
	)
	cfg := &ExpandConfig{Projections: [][]int{{0, 1}, {0, -1}, {-1, -1}}, GroupIDs: []int64{0, 1, 3}, InSchema: setSchema, OutSchema: out}
	op, err := NewExpand(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := op.String(), "Expand(projects=[{a, b, 0 AS $e}, {a, null AS b, 1 AS $e}, {null AS a, null AS b, 3 AS $e}])"; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	col := &aggCollector{}
	if err := op.ProcessBatch(0, setBatch([]any{int32(1), "x"}, []any{int32(2), "y"}), col); err != nil {
		t.Fatal(err)
	}
	want := []string{"+I[1, x, 0]", "+I[1, null, 1]", "+I[null, null, 3]", "+I[2, y, 0]", "+I[2, null, 1]", "+I[null, null, 3]"}
	if !reflect.DeepEqual(col.rows, want) {
		t.Errorf("got %v\nwant %v", col.rows, want)
	}
	bad := []*ExpandConfig{
		nil,
		{Projections: [][]int{{0}}, GroupIDs: []int64{0}, InSchema: setSchema, OutSchema: out},
		{Projections: [][]int{{0, 1}}, GroupIDs: nil, InSchema: setSchema, OutSchema: out},
		{Projections: [][]int{{0, 5}}, GroupIDs: []int64{0}, InSchema: setSchema, OutSchema: out},
	}
	for _, c := range bad {
		if _, err := NewExpand(c); err == nil {
			t.Errorf("NewExpand(%+v) accepted", c)
		}
	}
}
