package avro

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// newScalarReader builds the reader of a primitive writer value (with its
// logical type) into a column of type t, applying Avro's promotions (int
// to long, float, double; string and bytes either way; enum to string).
func newScalarReader(w *Schema, t types.DataType, b array.Builder) (valueReader, error) {
	switch w.Type {
	case "boolean":
		if bb, ok := b.(*array.BooleanBuilder); ok {
			return &boolReader{b: bb}, nil
		}
	case "int", "long":
		if f := longTarget(w, t, b); f != nil {
			return &longReader{b: b, put: f}, nil
		}
	case "float", "double":
		var put func(float64)
		switch fb := b.(type) {
		case *array.Float32Builder:
			put = func(v float64) { fb.Append(float32(v)) }
		case *array.Float64Builder:
			put = fb.Append
		}
		if put != nil {
			return &floatReader{b: b, put: put, double: w.Type == "double"}, nil
		}
	case "string", "bytes", "fixed", "enum":
		if f := bytesTarget(w, t, b); f != nil {
			x := &bytesReader{b: b, put: f, w: w}
			for _, sym := range w.Symbols {
				x.syms = append(x.syms, []byte(sym))
			}
			return x, nil
		}
	}
	return nil, mismatch(w, t)
}

// longTarget returns how an Avro int or long is appended to a column of
// type t, or nil if it cannot be.
func longTarget(w *Schema, t types.DataType, b array.Builder) func(int64) {
	switch t.Kind {
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt:
		app, err := format.IntAppender(b)
		if err != nil {
			return nil
		}
		return app
	case types.KindFloat:
		fb := b.(*array.Float32Builder)
		return func(v int64) { fb.Append(float32(v)) }
	case types.KindDouble:
		fb := b.(*array.Float64Builder)
		return func(v int64) { fb.Append(float64(v)) }
	case types.KindDate:
		db := b.(*array.Date32Builder)
		return func(v int64) { db.Append(arrow.Date32(v)) }
	case types.KindTime:
		tb := b.(*array.Time32Builder)
		if w.Logical == "time-micros" {
			return func(v int64) { tb.Append(arrow.Time32(v / 1000)) }
		}
		return func(v int64) { tb.Append(arrow.Time32(v)) }
	case types.KindTimestamp, types.KindTimestampLTZ:
		tb := b.(*array.TimestampBuilder)
		logical := w.Logical
		return func(v int64) { tb.Append(arrow.Timestamp(timestampMicros(logical, v))) }
	}
	return nil
}

// bytesTarget returns how an Avro string, bytes, fixed or enum symbol is
// appended to a column of type t, or nil if it cannot be.
func bytesTarget(w *Schema, t types.DataType, b array.Builder) func([]byte) {
	switch t.Kind {
	case types.KindChar, types.KindVarChar:
		sb := b.(*array.StringBuilder)
		return sb.BinaryBuilder.Append
	case types.KindBinary, types.KindVarBinary:
		if w.Type == "enum" {
			return nil
		}
		return b.(*array.BinaryBuilder).Append
	case types.KindDecimal:
		if w.Logical != "decimal" {
			return nil
		}
		db := b.(*array.Decimal128Builder)
		ws, prec, scale := w.Scale, t.Prec, t.Scale
		return func(v []byte) {
			if n, ok := decimalFrom(v, ws, prec, scale); ok {
				db.Append(n)
			} else {
				db.AppendNull()
			}
		}
	}
	return nil
}

type boolReader struct{ b *array.BooleanBuilder }

func (x *boolReader) read(r *reader, emit bool) {
	v := r.bool()
	if emit {
		x.b.Append(v)
	}
}
func (x *boolReader) null() { x.b.AppendNull() }

type longReader struct {
	b   array.Builder
	put func(int64)
}

func (x *longReader) read(r *reader, emit bool) {
	v := r.long()
	if emit {
		x.put(v)
	}
}
func (x *longReader) null() { x.b.AppendNull() }

type floatReader struct {
	b      array.Builder
	put    func(float64)
	double bool
}

func (x *floatReader) read(r *reader, emit bool) {
	var v float64
	if x.double {
		v = r.float64()
	} else {
		v = float64(r.float32())
	}
	if emit {
		x.put(v)
	}
}
func (x *floatReader) null() { x.b.AppendNull() }

type bytesReader struct {
	b    array.Builder
	put  func([]byte)
	w    *Schema
	syms [][]byte // enum symbols
}

func (x *bytesReader) read(r *reader, emit bool) {
	var v []byte
	switch x.w.Type {
	case "fixed":
		v = r.fixed(x.w.Size)
	case "enum":
		i := r.long()
		if i < 0 || i >= int64(len(x.syms)) {
			if r.err == nil {
				r.fail(&SchemaError{"enum symbol index out of range"})
			}
			return
		}
		v = x.syms[i]
	default:
		v = r.bytes()
	}
	if emit && r.err == nil {
		x.put(v)
	}
}
func (x *bytesReader) null() { x.b.AppendNull() }
