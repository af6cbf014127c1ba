package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// takeOrNull is kernel.Take where an index of -1 yields NULL: the rows an
// outer join pads. It takes row 0 in place of each -1 and then clears
// those rows' validity bits, so every type kernel.Take handles works.
func takeOrNull(a arrow.Array, idx []int32) arrow.Array {
	nulls := 0
	for _, j := range idx {
		if j < 0 {
			nulls++
		}
	}
	if nulls == 0 {
		return kernel.Take(a, idx)
	}
	if nulls == len(idx) || a.Len() == 0 || a.DataType().ID() == arrow.NULL {
		return array.MakeArrayOfNull(memory.DefaultAllocator, a.DataType(), len(idx))
	}
	clamped := make([]int32, len(idx))
	for i, j := range idx {
		clamped[i] = max(j, 0)
	}
	taken := kernel.Take(a, clamped)
	return withNulls(taken, idx)
}

// withNulls returns a with the rows where idx is -1 made NULL.
func withNulls(a arrow.Array, idx []int32) arrow.Array {
	d := a.Data()
	off := d.Offset()
	bits := make([]byte, bitutil.BytesForBits(int64(off+len(idx))))
	nulls := 0
	for i, j := range idx {
		if j >= 0 && a.IsValid(i) {
			bitutil.SetBit(bits, off+i)
		} else {
			nulls++
		}
	}
	bufs := append([]*memory.Buffer{memory.NewBufferBytes(bits)}, d.Buffers()[1:]...)
	nd := array.NewData(d.DataType(), d.Len(), bufs, d.Children(), nulls, off)
	defer nd.Release()
	return array.MakeFromData(nd)
}

// takeColumns applies takeOrNull to every column.
func takeColumns(cols []arrow.Array, idx []int32) []arrow.Array {
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		out[i] = takeOrNull(c, idx)
	}
	return out
}

// nullColumns returns n-row all-NULL columns for schema: the padding of
// an outer join's missing side.
func nullColumns(schema *types.Schema, n int) []arrow.Array {
	out := make([]arrow.Array, schema.Len())
	for c, f := range schema.Fields {
		out[c] = array.MakeArrayOfNull(memory.DefaultAllocator, types.ArrowType(f.Type), n)
	}
	return out
}

// rowRef addresses a row kept in a chunked row store: chunk -1 is NULL.
type rowRef struct {
	chunk int32
	row   int32
}

var nullRef = rowRef{chunk: -1}

// takeRefs gathers rows addressed by refs from chunks (batches of one
// schema) into columns. Rows of one chunk are one Take; rows of several
// chunks are gathered straight from the chunks' buffers in one pass
// (gatherColumn) when every column's type allows, else each touched
// chunk's rows are taken at once, the parts concatenated and the order
// restored with one more take. Either way the cost is linear in the rows
// taken whatever the number of chunks.
func takeRefs(schema *types.Schema, chunks []*types.Batch, refs []rowRef) []arrow.Array {
	ncols := schema.Len()
	first, single := int32(-1), true
	for _, r := range refs {
		if r.chunk < 0 {
			continue
		}
		if first < 0 {
			first = r.chunk
		} else if r.chunk != first {
			single = false
			break
		}
	}
	if first < 0 { // every row NULL
		return nullColumns(schema, len(refs))
	}
	idx := make([]int32, len(refs))
	if single {
		for i, r := range refs {
			idx[i] = r.row
			if r.chunk < 0 {
				idx[i] = -1
			}
		}
		return takeColumns(chunks[first].Cols, idx)
	}
	out := make([]arrow.Array, ncols)
	direct := true
	for c := range out {
		if !gatherable(chunks[first].Cols[c].DataType()) {
			direct = false
			break
		}
	}
	if direct {
		for c := range out {
			out[c] = gatherColumn(chunks, c, chunks[first].Cols[c].DataType(), refs)
		}
		return out
	}
	// Group the rows by chunk, remembering each row's place in the parts.
	perChunk := make([][]int32, len(chunks))
	var order []int32
	for _, r := range refs {
		if r.chunk < 0 {
			continue
		}
		if perChunk[r.chunk] == nil {
			order = append(order, r.chunk)
		}
		perChunk[r.chunk] = append(perChunk[r.chunk], r.row)
	}
	next := make([]int32, len(chunks)) // running position of each chunk's rows
	pos := int32(0)
	for _, c := range order {
		next[c] = pos
		pos += int32(len(perChunk[c]))
	}
	for i, r := range refs {
		if r.chunk < 0 {
			idx[i] = -1
			continue
		}
		idx[i] = next[r.chunk]
		next[r.chunk]++
	}
	parts := make([]arrow.Array, len(order))
	for c := range out {
		for p, ch := range order {
			parts[p] = kernel.Take(chunks[ch].Cols[c], perChunk[ch])
		}
		all, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			// Chunks share one schema, so their columns always concatenate.
			panic("ops: join state chunks of different types: " + err.Error())
		}
		out[c] = takeOrNull(all, idx)
	}
	return out
}
