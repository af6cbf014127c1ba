package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// gatherable reports whether gatherColumn handles columns of type dt:
// fixed-width values of 1 to 16 bytes, booleans, and strings or binaries
// with 32-bit offsets. Other types go through Take and Concatenate.
func gatherable(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.BOOL, arrow.STRING, arrow.BINARY, arrow.NULL:
		return true
	case arrow.DICTIONARY, arrow.EXTENSION:
		return false
	}
	fw, ok := dt.(arrow.FixedWidthDataType)
	if !ok {
		return false
	}
	switch fw.BitWidth() {
	case 8, 16, 32, 64, 128:
		return true
	}
	return false
}

// gatherColumn builds column c of the rows refs addresses in chunks in
// one pass, straight from the chunks' buffers: no per-chunk take and no
// concatenation, whatever the number of chunks. A ref with chunk -1 is
// NULL. dt must be gatherable.
func gatherColumn(chunks []*types.Batch, c int, dt arrow.DataType, refs []rowRef) arrow.Array {
	n := len(refs)
	valid, nulls := gatherValidity(chunks, c, refs)
	var bufs []*memory.Buffer
	switch dt.ID() {
	case arrow.NULL:
		return array.NewNull(n)
	case arrow.BOOL:
		bufs = []*memory.Buffer{valid, gatherBools(chunks, c, refs)}
	case arrow.STRING, arrow.BINARY:
		offs, data := gatherBinary(chunks, c, refs)
		bufs = []*memory.Buffer{valid, offs, data}
	default:
		var vals *memory.Buffer
		switch dt.(arrow.FixedWidthDataType).BitWidth() {
		case 8:
			vals = gatherFixed[uint8](chunks, c, refs)
		case 16:
			vals = gatherFixed[uint16](chunks, c, refs)
		case 32:
			vals = gatherFixed[uint32](chunks, c, refs)
		case 64:
			vals = gatherFixed[uint64](chunks, c, refs)
		default:
			vals = gatherFixed[decimal128.Num](chunks, c, refs)
		}
		bufs = []*memory.Buffer{valid, vals}
	}
	d := array.NewData(dt, n, bufs, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// fixedValues views a fixed-width array's values (from its offset).
func fixedValues[T uint8 | uint16 | uint32 | uint64 | decimal128.Num](a arrow.Array) []T {
	d := a.Data()
	buf := d.Buffers()[1]
	if buf == nil {
		return nil
	}
	vs := arrow.GetData[T](buf.Bytes())
	return vs[d.Offset() : d.Offset()+d.Len()]
}

func gatherFixed[T uint8 | uint16 | uint32 | uint64 | decimal128.Num](chunks []*types.Batch, c int, refs []rowRef) *memory.Buffer {
	out := make([]T, len(refs))
	last := int32(-1)
	var vals []T
	for i, r := range refs {
		if r.chunk < 0 {
			continue
		}
		if r.chunk != last {
			last, vals = r.chunk, fixedValues[T](chunks[r.chunk].Cols[c])
		}
		out[i] = vals[r.row]
	}
	return memory.NewBufferBytes(arrow.GetBytes(out))
}

func gatherBools(chunks []*types.Batch, c int, refs []rowRef) *memory.Buffer {
	bits := make([]byte, bitutil.BytesForBits(int64(len(refs))))
	last := int32(-1)
	var src []byte
	off := 0
	for i, r := range refs {
		if r.chunk < 0 {
			continue
		}
		if r.chunk != last {
			a := chunks[r.chunk].Cols[c]
			last, src, off = r.chunk, a.Data().Buffers()[1].Bytes(), a.Data().Offset()
		}
		if k := off + int(r.row); src[k>>3]&(1<<(k&7)) != 0 {
			bits[i>>3] |= 1 << (i & 7)
		}
	}
	return memory.NewBufferBytes(bits)
}

// binaryParts views a string or binary array's offsets (sliced to its
// rows) and its value bytes.
func binaryParts(a arrow.Array) ([]int32, []byte) {
	switch a := a.(type) {
	case *array.String:
		return a.ValueOffsets(), a.ValueBytes()
	case *array.Binary:
		return a.ValueOffsets(), a.ValueBytes()
	}
	return nil, nil
}

// gatherBinary sizes the output in a first pass, so the bytes are copied
// once into an exactly sized buffer.
func gatherBinary(chunks []*types.Batch, c int, refs []rowRef) (*memory.Buffer, *memory.Buffer) {
	size := 0
	last := int32(-1)
	var offs []int32
	var data []byte
	for _, r := range refs {
		if r.chunk < 0 {
			continue
		}
		if r.chunk != last {
			last = r.chunk
			offs, _ = binaryParts(chunks[r.chunk].Cols[c])
		}
		size += int(offs[r.row+1] - offs[r.row])
	}
	outOffs := make([]int32, len(refs)+1)
	outData := make([]byte, 0, size)
	last = -1
	base := int32(0)
	for i, r := range refs {
		if r.chunk >= 0 {
			if r.chunk != last {
				last = r.chunk
				offs, data = binaryParts(chunks[r.chunk].Cols[c])
				base = 0
				if len(offs) > 0 {
					base = offs[0]
				}
			}
			outData = append(outData, data[offs[r.row]-base:offs[r.row+1]-base]...)
		}
		outOffs[i+1] = int32(len(outData))
	}
	return memory.NewBufferBytes(arrow.GetBytes(outOffs)), memory.NewBufferBytes(outData)
}

// gatherValidity builds the validity bitmap of the gathered rows, or nil
// when none is NULL.
func gatherValidity(chunks []*types.Batch, c int, refs []rowRef) (*memory.Buffer, int) {
	some := false
	if len(chunks) <= len(refs) { // cheaper to ask every chunk than every row
		for _, ch := range chunks {
			// a store frees the chunks it no longer refers to (nil)
			if ch != nil && ch.Cols[c].NullN() > 0 {
				some = true
				break
			}
		}
		for _, r := range refs {
			if some || r.chunk < 0 {
				some = true
				break
			}
		}
	} else {
		for _, r := range refs {
			if r.chunk < 0 || chunks[r.chunk].Cols[c].NullN() > 0 {
				some = true
				break
			}
		}
	}
	if !some {
		return nil, 0
	}
	bits := make([]byte, bitutil.BytesForBits(int64(len(refs))))
	nulls := 0
	last := int32(-1)
	var src []byte
	off := 0
	for i, r := range refs {
		if r.chunk < 0 {
			nulls++
			continue
		}
		if r.chunk != last {
			a := chunks[r.chunk].Cols[c]
			last, src, off = r.chunk, nil, a.Data().Offset()
			if a.NullN() > 0 {
				src = a.NullBitmapBytes()
			}
		}
		if k := off + int(r.row); src == nil || src[k>>3]&(1<<(k&7)) != 0 {
			bits[i>>3] |= 1 << (i & 7)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return memory.NewBufferBytes(bits), nulls
}

// takeRefsUsed is takeRefs for the columns marked in used only; the others
// become placeholder NULL columns that nothing reads (expr.TakeUsed's
// convention). used nil takes every column.
func takeRefsUsed(schema *types.Schema, chunks []*types.Batch, refs []rowRef, used []bool) []arrow.Array {
	if used == nil {
		return takeRefs(schema, chunks, refs)
	}
	out := make([]arrow.Array, schema.Len())
	first := int32(-1)
	for _, r := range refs {
		if r.chunk >= 0 {
			first = r.chunk
			break
		}
	}
	direct := first >= 0
	for c := range out {
		if direct && used[c] && !gatherable(chunks[first].Cols[c].DataType()) {
			direct = false
		}
	}
	if !direct {
		out = takeRefs(schema, chunks, refs)
	}
	for c := range out {
		switch {
		case !used[c]:
			out[c] = array.NewNull(len(refs))
		case direct:
			out[c] = gatherColumn(chunks, c, chunks[first].Cols[c].DataType(), refs)
		}
	}
	return out
}

// takeColumnsUsed is takeColumns for the columns marked in used only
// (placeholder NULL columns for the others); used nil takes all.
func takeColumnsUsed(cols []arrow.Array, idx []int32, used []bool) []arrow.Array {
	if used == nil {
		return takeColumns(cols, idx)
	}
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		if used[i] {
			out[i] = takeOrNull(c, idx)
		} else {
			out[i] = array.NewNull(len(idx))
		}
	}
	return out
}
