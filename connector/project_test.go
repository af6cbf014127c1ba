package connector

import (
	"context"
	"io"
	"testing"

	"github.com/spry-engine/spry/types"
)

// sliceSource replays batches, then io.EOF.
type sliceSource struct{ batches []*types.Batch }

func (s *sliceSource) Open(context.Context, Task) error { return nil }
func (s *sliceSource) Close() error                     { return nil }
func (s *sliceSource) Next(context.Context) (*types.Batch, error) {
	if len(s.batches) == 0 {
		return nil, io.EOF
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	return b, nil
}

func TestProjectSource(t *testing.T) {
	full := types.NewSchema(types.Field{Name: "a", Type: types.Int}, types.Field{Name: "b", Type: types.String}, types.Field{Name: "c", Type: types.Double})
	bb := types.NewBatchBuilder(full)
	bb.Add(types.Insert, []any{int32(1), "x", 1.5})
	bb.Add(types.Delete, []any{int32(2), "y", 2.5})
	out := types.NewSchema(full.Fields[2], full.Fields[0])
	src := ProjectSource(&sliceSource{batches: []*types.Batch{bb.Build()}}, []int{2, 0}, out)
	b, err := src.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		row  int
		kind types.RowKind
		c    float64
		a    int32
	}{{0, types.Insert, 1.5, 1}, {1, types.Delete, 2.5, 2}}
	for _, tc := range tests {
		r := b.Row(tc.row)
		if b.Kind(tc.row) != tc.kind || r[0] != tc.c || r[1] != tc.a {
			t.Errorf("row %d: %v %v, want %v [%v %v]", tc.row, b.Kind(tc.row), r, tc.kind, tc.c, tc.a)
		}
	}
	if _, err := src.Next(context.Background()); err != io.EOF {
		t.Errorf("after the last batch: %v, want io.EOF", err)
	}
}
