package functions

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fieldWithParentNulls returns field f of the ROW column s with the rows
// where s is NULL made NULL, sharing f's value buffers: only a validity
// bitmap is built (the AND of both bitmaps), so row.field costs O(rows/8)
// whatever the field's type. Nexmark reads every column through such
// accesses of sparse ROWs, where a gather of each field dominated the
// profile. ok is false for layouts without a leading validity bitmap
// (NULL, unions, run-end encoded, dictionaries); the caller then gathers.
func fieldWithParentNulls(f arrow.Array, s *array.Struct) (out arrow.Array, ok bool) {
	switch f.DataType().ID() {
	case arrow.NULL, arrow.SPARSE_UNION, arrow.DENSE_UNION, arrow.RUN_END_ENCODED, arrow.DICTIONARY:
		return nil, false
	}
	fd, sd := f.Data(), s.Data()
	n, foff := fd.Len(), fd.Offset()
	if n != sd.Len() || len(fd.Buffers()) == 0 {
		return nil, false
	}
	pbits := sd.Buffers()[0]
	if pbits == nil { // the caller only comes here when s has NULLs
		return nil, false
	}
	bits := make([]byte, bitutil.BytesForBits(int64(foff+n)))
	if cb := fd.Buffers()[0]; cb != nil && f.NullN() > 0 {
		bitutil.BitmapAnd(cb.Bytes(), pbits.Bytes(), int64(foff), int64(sd.Offset()), bits, int64(foff), int64(n))
	} else {
		bitutil.CopyBitmap(pbits.Bytes(), sd.Offset(), n, bits, foff)
	}
	nulls := n - bitutil.CountSetBits(bits, foff, n)
	bufs := append([]*memory.Buffer(nil), fd.Buffers()...)
	bufs[0] = memory.NewBufferBytes(bits)
	d := array.NewData(fd.DataType(), n, bufs, fd.Children(), nulls, foff)
	defer d.Release()
	return array.MakeFromData(d), true
}
