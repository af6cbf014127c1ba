package ops

import (
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/types"
)

// TestGroupTableKeys assigns groups for key columns of many types (with
// NULLs and repeats) and checks that keyColumns gives back each group's
// key, of the column's type.
func TestGroupTableKeys(t *testing.T) {
	tests := []struct {
		name string
		cols []types.DataType
		rows [][]any
	}{
		{"string", []types.DataType{types.String}, [][]any{{"a"}, {nil}, {"b"}, {"a"}, {""}, {nil}}},
		{"bigint", []types.DataType{types.BigInt}, [][]any{{int64(1)}, {nil}, {int64(1)}, {int64(-5)}}},
		{"date and double", []types.DataType{types.Date, types.Double},
			[][]any{{int32(3), 1.5}, {nil, 1.5}, {int32(3), 1.5}, {int32(3), nil}}},
		{"string and int", []types.DataType{types.String, types.Int},
			[][]any{{"x", int32(1)}, {"x", int32(2)}, {"x", int32(1)}, {nil, nil}, {nil, nil}}},
		{"boolean", []types.DataType{types.Boolean}, [][]any{{true}, {false}, {nil}, {true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var fs []types.Field
			for i, ty := range tc.cols {
				fs = append(fs, types.Field{Name: string(rune('a' + i)), Type: ty})
			}
			bb := types.NewBatchBuilder(types.NewSchema(fs...))
			for _, r := range tc.rows {
				bb.Add(types.Insert, r)
			}
			b := bb.Build()
			gt := newGroupTable(tc.cols)
			groups := make([]uint32, b.Len())
			gt.assign(b.Cols, b.Len(), groups)
			first := map[uint32]int{}
			for i, g := range groups {
				if j, ok := first[g]; ok && !reflect.DeepEqual(b.Row(i), b.Row(j)) {
					t.Errorf("rows %d and %d share group %d: %v, %v", i, j, g, b.Row(i), b.Row(j))
				}
				if _, ok := first[g]; !ok {
					first[g] = i
				}
			}
			keys := gt.keyColumns(groups)
			for c, col := range keys {
				if !arrow.TypeEqual(col.DataType(), types.ArrowType(tc.cols[c])) {
					t.Errorf("column %d type %s", c, col.DataType())
				}
				for i := range groups {
					if got, want := types.Value(col, i), types.Value(b.Cols[c], i); !reflect.DeepEqual(got, want) {
						t.Errorf("row %d column %d: key %v, want %v", i, c, got, want)
					}
				}
			}
		})
	}
}
