package avro

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/spry-engine/spry/types"
)

// valueReader reads one value of a writer schema. With emit false it only
// checks and skips the value; with emit true it appends it to its
// builder. A record is read twice, checked then emitted, so a record
// failing anywhere leaves the builders even.
type valueReader interface {
	read(r *reader, emit bool)
	null() // append NULL (a reader column the writer lacks)
}

// maxDepth bounds schema nesting, so a recursive writer schema is an
// error rather than endless construction.
const maxDepth = 32

// newReader builds the reader of writer-schema values into a column of
// type t appending to b. A nil b skips the values (a writer field the
// table does not have).
func newReader(w *Schema, t types.DataType, b array.Builder, depth int) (valueReader, error) {
	if depth > maxDepth {
		return nil, &SchemaError{"schema nested too deeply (recursive?)"}
	}
	if b == nil {
		return skipReader{w: w, depth: depth}, nil
	}
	switch w.Type {
	case "union":
		u := &unionReader{b: b}
		for _, br := range w.Branches {
			vr, err := newReader(br, t, b, depth+1)
			if err != nil {
				return nil, err
			}
			u.branches = append(u.branches, vr)
		}
		return u, nil
	case "null":
		return nullReader{b}, nil
	case "record":
		if t.Kind != types.KindRow {
			return nil, mismatch(w, t)
		}
		sb := b.(*array.StructBuilder)
		bs := make([]array.Builder, len(t.Fields))
		for i := range bs {
			bs[i] = sb.FieldBuilder(i)
		}
		return newRecordReader(w, t.Fields, sb, bs, depth)
	case "array":
		lb, ok := b.(*array.ListBuilder)
		if !ok || t.Kind != types.KindArray {
			return nil, mismatch(w, t)
		}
		it, err := newReader(w.Items, *t.Elem, lb.ValueBuilder(), depth+1)
		return &arrayReader{b: lb, item: it, min: minSize(w.Items)}, err
	case "map":
		mb, ok := b.(*array.MapBuilder)
		if !ok || (t.Elem.Kind != types.KindVarChar && t.Elem.Kind != types.KindChar) {
			return nil, mismatch(w, t)
		}
		vt := types.Int
		if t.Kind == types.KindMap {
			vt = *t.Value
		}
		it, err := newReader(w.Items, vt, mb.ItemBuilder(), depth+1)
		return &mapReader{b: mb, key: mb.KeyBuilder().(*array.StringBuilder), item: it, min: 1 + minSize(w.Items)}, err
	}
	return newScalarReader(w, t, b)
}

func mismatch(w *Schema, t types.DataType) error {
	return &SchemaError{fmt.Sprintf("cannot read Avro %s as %s", w.Type, t)}
}

// minSize is the fewest bytes a value of w takes.
func minSize(w *Schema) int {
	switch w.Type {
	case "null":
		return 0
	case "float":
		return 4
	case "double":
		return 8
	case "fixed":
		return w.Size
	case "record":
		n := 0
		for _, f := range w.Fields {
			n += minSize(f.Type)
		}
		return n
	}
	return 1
}

// recordReader reads a record by field name into the reader's columns;
// columns the writer lacks get NULL.
type recordReader struct {
	b       *array.StructBuilder // nil at the top level
	fields  []valueReader        // per writer field
	missing []valueReader        // reader columns the writer lacks
}

func newRecordReader(w *Schema, cols []types.Field, sb *array.StructBuilder, bs []array.Builder, depth int) (*recordReader, error) {
	rr := &recordReader{b: sb}
	found := make([]bool, len(cols))
	for _, wf := range w.Fields {
		var t types.DataType
		var b array.Builder
		for i, c := range cols {
			if c.Name == wf.Name && !found[i] {
				t, b, found[i] = c.Type, bs[i], true
				break
			}
		}
		vr, err := newReader(wf.Type, t, b, depth+1)
		if err != nil {
			return nil, fmt.Errorf("field '%s': %w", wf.Name, err)
		}
		rr.fields = append(rr.fields, vr)
	}
	for i, c := range cols {
		if !found[i] {
			rr.missing = append(rr.missing, nullReader{bs[i]})
			_ = c
		}
	}
	return rr, nil
}

func (rr *recordReader) read(r *reader, emit bool) {
	if emit && rr.b != nil {
		rr.b.Append(true)
	}
	for _, f := range rr.fields {
		f.read(r, emit)
	}
	if emit {
		for _, m := range rr.missing {
			m.null()
		}
	}
}

func (rr *recordReader) null() {
	if rr.b != nil {
		rr.b.AppendNull()
		return
	}
	for _, f := range rr.fields {
		if _, skip := f.(skipReader); !skip {
			f.null()
		}
	}
	for _, m := range rr.missing {
		m.null()
	}
}

type unionReader struct {
	b        array.Builder
	branches []valueReader
}

func (u *unionReader) read(r *reader, emit bool) {
	i := r.long()
	if i < 0 || i >= int64(len(u.branches)) {
		r.fail(fmt.Errorf("union branch %d out of range", i))
		return
	}
	u.branches[i].read(r, emit)
}

func (u *unionReader) null() { u.b.AppendNull() }

type nullReader struct{ b array.Builder }

func (n nullReader) read(_ *reader, emit bool) {
	if emit {
		n.b.AppendNull()
	}
}
func (n nullReader) null() { n.b.AppendNull() }

type arrayReader struct {
	b    *array.ListBuilder
	item valueReader
	min  int
}

func (a *arrayReader) read(r *reader, emit bool) {
	if emit {
		a.b.Append(true)
	}
	for n := r.blockCount(a.min); n > 0 && r.err == nil; n = r.blockCount(a.min) {
		for ; n > 0; n-- {
			a.item.read(r, emit)
		}
	}
}
func (a *arrayReader) null() { a.b.AppendNull() }

type mapReader struct {
	b    *array.MapBuilder
	key  *array.StringBuilder
	item valueReader
	min  int
}

func (m *mapReader) read(r *reader, emit bool) {
	if emit {
		m.b.Append(true)
	}
	for n := r.blockCount(m.min); n > 0 && r.err == nil; n = r.blockCount(m.min) {
		for ; n > 0; n-- {
			k := r.bytes()
			if emit {
				m.key.BinaryBuilder.Append(k)
			}
			m.item.read(r, emit)
		}
	}
}
func (m *mapReader) null() { m.b.AppendNull() }

// skipReader reads past a value of a writer field the table lacks.
type skipReader struct {
	w     *Schema
	depth int
}

func (s skipReader) read(r *reader, _ bool) { skip(r, s.w, s.depth) }
func (skipReader) null()                    {}

func skip(r *reader, w *Schema, depth int) {
	if depth > maxDepth*2 {
		r.fail(&SchemaError{"schema nested too deeply"})
		return
	}
	switch w.Type {
	case "boolean":
		r.bool()
	case "int", "long", "enum":
		r.long()
	case "float":
		r.fixed(4)
	case "double":
		r.fixed(8)
	case "bytes", "string":
		r.bytes()
	case "fixed":
		r.fixed(w.Size)
	case "record":
		for _, f := range w.Fields {
			skip(r, f.Type, depth+1)
		}
	case "union":
		i := r.long()
		if i < 0 || i >= int64(len(w.Branches)) {
			r.fail(fmt.Errorf("union branch %d out of range", i))
			return
		}
		skip(r, w.Branches[i], depth+1)
	case "array", "map":
		min := minSize(w.Items)
		if w.Type == "map" {
			min++
		}
		for n := r.blockCount(min); n > 0 && r.err == nil; n = r.blockCount(min) {
			for ; n > 0 && r.err == nil; n-- {
				if w.Type == "map" {
					r.bytes()
				}
				skip(r, w.Items, depth+1)
			}
		}
	}
}

// decimalFrom converts Avro's big-endian two's-complement unscaled bytes
// into a decimal of the column's precision and scale; ok is false when it
// does not fit (Flink reads NULL then).
func decimalFrom(b []byte, wScale, prec, scale int) (decimal128.Num, bool) {
	if len(b) > 16 {
		return decimal128.Num{}, false
	}
	var hi, lo uint64
	neg := len(b) > 0 && b[0]&0x80 != 0
	if neg {
		hi, lo = ^uint64(0), ^uint64(0)
	}
	for _, c := range b {
		hi = hi<<8 | lo>>56
		lo = lo<<8 | uint64(c)
	}
	n := decimal128.New(int64(hi), lo)
	if wScale != scale {
		var err error
		if n, err = n.Rescale(int32(wScale), int32(scale)); err != nil {
			return n, false
		}
	}
	return n, n.FitsInPrecision(int32(prec))
}

// timestampMicros converts a timestamp logical value to microseconds.
func timestampMicros(logical string, v int64) int64 {
	switch logical {
	case "timestamp-micros", "local-timestamp-micros":
		return v
	case "timestamp-nanos", "local-timestamp-nanos":
		return v / 1000
	}
	return v * 1000
}
