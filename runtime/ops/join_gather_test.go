package ops

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/types"
)

// TestGatherRefs checks the one-pass gather of rows spread over chunks
// against the rows read one by one, for every gathered type, with NULLs,
// padded (-1) refs and sliced chunk columns.
func TestGatherRefs(t *testing.T) {
	schema := types.NewSchema(
		types.Field{Name: "i", Type: types.BigInt},
		types.Field{Name: "s", Type: types.String},
		types.Field{Name: "b", Type: types.Boolean},
		types.Field{Name: "n", Type: types.Int},
		types.Field{Name: "d", Type: types.Double},
	)
	r := rand.New(rand.NewPCG(3, 4))
	var chunks []*types.Batch
	for c := 0; c < 5; c++ {
		bb := types.NewBatchBuilder(schema)
		n := 3 + r.IntN(20)
		for i := 0; i < n+2; i++ {
			row := []any{int64(c*100 + i), string(rune('a'+i)) + "xy"[:i%3], i%2 == 0, int32(i), float64(i) / 2}
			if r.IntN(4) == 0 {
				row[r.IntN(len(row))] = nil
			}
			bb.Add(types.Insert, row)
		}
		b := bb.Build()
		if c%2 == 1 { // a sliced chunk: offsets into its buffers
			cols := make([]arrow.Array, len(b.Cols))
			for k, col := range b.Cols {
				cols[k] = array.NewSlice(col, 2, int64(n+2))
			}
			b = types.NewBatch(schema, cols, nil, n)
		}
		chunks = append(chunks, b)
	}
	for _, tc := range []struct {
		name string
		refs int
		pad  bool
	}{{"dense", 200, false}, {"padded", 200, true}, {"empty", 0, false}} {
		t.Run(tc.name, func(t *testing.T) {
			refs := make([]rowRef, tc.refs)
			for i := range refs {
				c := r.IntN(len(chunks))
				refs[i] = rowRef{chunk: int32(c), row: int32(r.IntN(chunks[c].Len()))}
				if tc.pad && i%7 == 3 {
					refs[i] = nullRef
				}
			}
			for c, f := range schema.Fields {
				got := gatherColumn(chunks, c, types.ArrowType(f.Type), refs)
				if got.Len() != len(refs) {
					t.Fatalf("%s: %d rows, want %d", f.Name, got.Len(), len(refs))
				}
				for i, ref := range refs {
					want := "(null)"
					if ref.chunk >= 0 {
						want = chunks[ref.chunk].Cols[c].ValueStr(int(ref.row))
					}
					if g := got.ValueStr(i); g != want {
						t.Fatalf("%s row %d (%v): got %s, want %s", f.Name, i, ref, g, want)
					}
				}
			}
			cols := takeRefs(schema, chunks, refs)
			for c := range cols {
				if !array.Equal(cols[c], gatherColumn(chunks, c, types.ArrowType(schema.Fields[c].Type), refs)) {
					t.Fatalf("takeRefs column %d differs from gatherColumn", c)
				}
			}
		})
	}
}

// A store frees (sets to nil) the chunks no row refers to any longer; a
// gather over the rest must not look at them (q5's and q8's window join).
func TestGatherSkipsFreedChunks(t *testing.T) {
	schema := types.NewSchema(types.Field{Name: "i", Type: types.BigInt}, types.Field{Name: "s", Type: types.String})
	var chunks []*types.Batch
	for c := 0; c < 3; c++ {
		bb := types.NewBatchBuilder(schema)
		bb.Add(types.Insert, []any{int64(c), "x"})
		bb.Add(types.Insert, []any{nil, nil})
		chunks = append(chunks, bb.Build())
	}
	chunks[1] = nil
	refs := []rowRef{{chunk: 0, row: 0}, {chunk: 2, row: 1}, {chunk: 2, row: 0}, {chunk: 0, row: 1}}
	cols := takeRefs(schema, chunks, refs)
	if got := cols[0].String() + " " + cols[1].String(); got != `[0 (null) 2 (null)] ["x" (null) "x" (null)]` {
		t.Errorf("got %s", got)
	}
}
