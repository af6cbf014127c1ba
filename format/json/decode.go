package json

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/valyala/fastjson"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// valueDecoder converts one JSON value into one Arrow builder. parse
// checks and converts v (never nil or null) into the decoder's scratch;
// commit appends that scratch. Splitting the two lets a record fail on
// any column without leaving the builders uneven.
type valueDecoder interface {
	parse(v *fastjson.Value) error
	commit()
	null()
}

// Decoder decodes JSON records into a batch. Build one with NewDecoder.
type Decoder struct {
	schema   *types.Schema
	cfg      config
	p        fastjson.Parser
	arena    fastjson.Arena
	top      *rowDecoder
	builders []array.Builder
	rows     int
	skipped  int64
	sizes    *format.Reserver // the last batch's sizes, reserved again after Flush
	fast     *fastRow         // the one-pass path (fast.go); nil when the schema is outside it
	usedFast bool             // the last Parse went the fast path
}

// fastPath enables the one-pass path; tests turn it off to compare.
var fastPath = true

var (
	_ format.Decoder       = (*Decoder)(nil)
	_ format.RecordDecoder = (*Decoder)(nil)
)

// NewDecoder builds a decoder for schema with the json options opts
// (without the 'json.' prefix).
func NewDecoder(schema *types.Schema, opts map[string]string) (format.Decoder, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	bs := make([]array.Builder, len(schema.Fields))
	for i, f := range schema.Fields {
		bs[i] = types.NewBuilder(f.Type)
	}
	d, err := newDecoder(schema, cfg, bs)
	if err != nil {
		return nil, err
	}
	if d.fast != nil {
		d.fast.setLazy() // its builders are read only through Flush
	}
	return d, nil
}

// NewRecordDecoder builds a decoder of single JSON records appending into
// builders (one per field of schema), for message connectors.
func NewRecordDecoder(schema *types.Schema, opts map[string]string, builders []array.Builder) (format.RecordDecoder, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	return newDecoder(schema, cfg, builders)
}

func newDecoder(schema *types.Schema, cfg config, builders []array.Builder) (*Decoder, error) {
	d := &Decoder{schema: schema, cfg: cfg, builders: builders}
	var err error
	d.top, err = d.newRow(schema.Fields, nil, d.builders)
	if err != nil {
		return nil, err
	}
	if fastPath {
		d.fast = d.newFastRow(schema.Fields, nil, d.builders)
	}
	return d, nil
}

// Decode appends the row of one JSON object. A blank record is ignored.
func (d *Decoder) Decode(record []byte) error {
	if len(format.TrimSpace(record)) == 0 {
		return nil
	}
	if d.fast != nil && d.parseFast(record) {
		d.fast.commit()
		d.rows++
		return nil
	}
	d.arena.Reset()
	v, err := d.p.ParseBytes(record)
	if err == nil {
		err = d.top.parse(v)
	}
	if err != nil {
		if d.cfg.ignoreErrors {
			d.skipped++
			return nil
		}
		return &format.DecodeError{Format: "JSON", Record: append([]byte(nil), record...), Err: err}
	}
	d.flushNulls()
	d.top.commit()
	d.rows++
	return nil
}

// Parse parses one record for Append (format.RecordDecoder): 0 rows for a
// blank record or one skipped under ignore-parse-errors, else 1.
func (d *Decoder) Parse(record []byte) (int, error) {
	if len(format.TrimSpace(record)) == 0 {
		return 0, nil
	}
	if d.usedFast = d.fast != nil && d.parseFast(record); d.usedFast {
		return 1, nil
	}
	d.arena.Reset()
	v, err := d.p.ParseBytes(record)
	if err == nil {
		err = d.top.parse(v)
	}
	if err != nil {
		if d.cfg.ignoreErrors {
			d.skipped++
			return 0, nil
		}
		return 0, &format.DecodeError{Format: "JSON", Record: append([]byte(nil), record...), Err: err}
	}
	return 1, nil
}

// Append appends the row of the last parsed record.
func (d *Decoder) Append(int) types.RowKind {
	if d.usedFast {
		d.fast.commit()
		return types.Insert
	}
	d.flushNulls()
	d.top.commit()
	return types.Insert
}

// AppendNull appends a row of NULLs.
func (d *Decoder) AppendNull() {
	d.flushNulls()
	for _, f := range d.top.fields {
		f.null()
	}
}

// DeferNulls lets the fast path append the NULLs of nested rows in runs
// (see fastRow.pending), as NewDecoder's decoders do. Only for a caller
// that appends nothing else to the nested rows' builders and calls
// FlushNulls before it reads them (the Kafka source's one value format).
func (d *Decoder) DeferNulls() {
	if d.fast != nil {
		d.fast.setLazy()
	}
}

// FlushNulls appends the deferred NULL rows of DeferNulls; call it before
// reading the builders.
func (d *Decoder) FlushNulls() { d.flushNulls() }

// flushNulls appends the fast path's deferred NULL rows before anything
// else is appended or the builders are read.
func (d *Decoder) flushNulls() {
	if d.fast != nil {
		d.fast.flushNulls()
	}
}

// Len returns the rows decoded since the last Flush.
func (d *Decoder) Len() int { return d.rows }

// Skipped returns the records skipped under ignore-parse-errors.
func (d *Decoder) Skipped() int64 { return d.skipped }

// Flush returns the decoded rows and starts a new batch.
func (d *Decoder) Flush() *types.Batch {
	if d.sizes == nil {
		d.sizes = format.NewReserver(d.builders)
	}
	d.flushNulls()
	d.sizes.Measure()
	cols := make([]arrow.Array, len(d.builders))
	for i, b := range d.builders {
		cols[i] = b.NewArray()
	}
	d.sizes.Reserve()
	n := d.rows
	d.rows = 0
	return types.NewBatch(d.schema, cols, nil, n)
}

func (d *Decoder) newValue(t types.DataType, b array.Builder) (valueDecoder, error) {
	switch t.Kind {
	case types.KindBoolean:
		return &boolDecoder{b: b.(*array.BooleanBuilder)}, nil
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt,
		types.KindIntervalYearMonth, types.KindIntervalDayTime:
		app, err := format.IntAppender(b)
		if err != nil {
			return nil, err
		}
		return &intDecoder{kind: t.Kind, b: b, app: app, bits: format.IntBits(t.Kind)}, nil
	case types.KindFloat:
		return &floatDecoder{b32: b.(*array.Float32Builder), bits: 32}, nil
	case types.KindDouble:
		return &floatDecoder{b64: b.(*array.Float64Builder), bits: 64}, nil
	case types.KindDecimal:
		return &decimalDecoder{b: b.(*array.Decimal128Builder), prec: t.Prec, scale: t.Scale}, nil
	case types.KindChar, types.KindVarChar:
		return &stringDecoder{b: b.(*array.StringBuilder)}, nil
	case types.KindBinary, types.KindVarBinary:
		return &bytesDecoder{b: b.(*array.BinaryBuilder)}, nil
	case types.KindDate:
		return &dateDecoder{b: b.(*array.Date32Builder)}, nil
	case types.KindTime:
		return &timeDecoder{b: b.(*array.Time32Builder)}, nil
	case types.KindTimestamp, types.KindTimestampLTZ:
		return &timestampDecoder{b: b.(*array.TimestampBuilder), layout: d.cfg.tsLayout(t.Kind == types.KindTimestampLTZ)}, nil
	case types.KindArray:
		lb := b.(*array.ListBuilder)
		e, err := d.newValue(*t.Elem, lb.ValueBuilder())
		return &arrayDecoder{b: lb, elem: e}, err
	case types.KindMap, types.KindMultiset:
		mb := b.(*array.MapBuilder)
		k, err := d.newValue(*t.Elem, mb.KeyBuilder())
		if err != nil {
			return nil, err
		}
		vt := types.Int
		if t.Kind == types.KindMap {
			vt = *t.Value
		}
		v, err := d.newValue(vt, mb.ItemBuilder())
		return &mapDecoder{b: mb, key: k, val: v, arena: &d.arena}, err
	case types.KindRow:
		sb := b.(*array.StructBuilder)
		bs := make([]array.Builder, len(t.Fields))
		for i := range bs {
			bs[i] = sb.FieldBuilder(i)
		}
		return d.newRow(t.Fields, sb, bs)
	case types.KindNull:
		return nullDecoder{b}, nil
	}
	return nil, &ConfigError{fmt.Sprintf("unsupported type %s", t)}
}

// rowDecoder reads a JSON object into fields by name; it is both the
// top-level record and nested ROW columns.
type rowDecoder struct {
	b        *array.StructBuilder // nil at the top level
	names    []string
	index    map[string]int
	fields   []valueDecoder
	slots    []*fastjson.Value
	failMiss bool
}

func (d *Decoder) newRow(fs []types.Field, sb *array.StructBuilder, bs []array.Builder) (*rowDecoder, error) {
	r := &rowDecoder{b: sb, index: make(map[string]int, len(fs)), fields: make([]valueDecoder, len(fs)),
		slots: make([]*fastjson.Value, len(fs)), failMiss: d.cfg.failOnMissing}
	for i, f := range fs {
		r.names = append(r.names, f.Name)
		r.index[f.Name] = i
		fd, err := d.newValue(f.Type, bs[i])
		if err != nil {
			return nil, err
		}
		r.fields[i] = fd
	}
	return r, nil
}

func (r *rowDecoder) parse(v *fastjson.Value) error {
	clear(r.slots)
	if err := r.fill(v); err != nil {
		return err
	}
	return r.convert()
}

// fill points each column's slot at its field of object v, leaving the
// slots of absent fields as they are.
func (r *rowDecoder) fill(v *fastjson.Value) error {
	o, err := v.Object()
	if err != nil {
		return fmt.Errorf("expected a JSON object, found %s", v.Type())
	}
	// One pass over the object: a key maps to its column by hash lookup, so
	// wide schemas cost no more per field than narrow ones. A repeated key
	// keeps its last value, as Jackson's tree does.
	// Records usually list their fields in the schema's order, so the
	// column after the last one matched is tried before the hash lookup.
	next := 0
	o.Visit(func(k []byte, fv *fastjson.Value) {
		if next < len(r.names) && string(k) == r.names[next] {
			r.slots[next] = fv
			next++
			return
		}
		if i, ok := r.index[string(k)]; ok {
			r.slots[i] = fv
			next = i + 1
		}
	})
	return nil
}

// convert checks and converts the filled slots into the field decoders.
func (r *rowDecoder) convert() error {
	for i, fv := range r.slots {
		if fv == nil {
			if r.failMiss {
				return fmt.Errorf("could not find field with name '%s'", r.names[i])
			}
			continue
		}
		if fv.Type() == fastjson.TypeNull {
			continue
		}
		if err := r.fields[i].parse(fv); err != nil {
			return fmt.Errorf("field '%s': %w", r.names[i], err)
		}
	}
	return nil
}

func (r *rowDecoder) commit() {
	if r.b != nil {
		r.b.Append(true)
	}
	for i, fv := range r.slots {
		if fv == nil || fv.Type() == fastjson.TypeNull {
			r.fields[i].null()
		} else {
			r.fields[i].commit()
		}
	}
}

func (r *rowDecoder) null() { r.b.AppendNull() }

// arrayDecoder reads a JSON array. Its parse only validates the elements,
// since they share one element decoder; commit converts them again.
type arrayDecoder struct {
	b    *array.ListBuilder
	elem valueDecoder
	v    []*fastjson.Value
}

func (a *arrayDecoder) parse(v *fastjson.Value) error {
	arr, err := v.Array()
	if err != nil {
		return fmt.Errorf("expected a JSON array, found %s", v.Type())
	}
	for _, e := range arr {
		if e.Type() != fastjson.TypeNull {
			if err := a.elem.parse(e); err != nil {
				return err
			}
		}
	}
	a.v = arr
	return nil
}

func (a *arrayDecoder) commit() {
	a.b.Append(true)
	for _, e := range a.v {
		if e.Type() == fastjson.TypeNull {
			a.elem.null()
		} else {
			_ = a.elem.parse(e) // validated by parse
			a.elem.commit()
		}
	}
}

func (a *arrayDecoder) null() { a.b.AppendNull() }

// mapDecoder reads a JSON object as MAP (or MULTISET: element → count).
type mapDecoder struct {
	b        *array.MapBuilder
	key, val valueDecoder
	arena    *fastjson.Arena
	o        *fastjson.Object
	err      error
}

func (m *mapDecoder) each(f func(k, v *fastjson.Value) error) error {
	m.err = nil
	m.o.Visit(func(k []byte, v *fastjson.Value) {
		if m.err == nil {
			m.err = f(m.arena.NewStringBytes(k), v)
		}
	})
	return m.err
}

func (m *mapDecoder) parse(v *fastjson.Value) error {
	o, err := v.Object()
	if err != nil {
		return fmt.Errorf("expected a JSON object, found %s", v.Type())
	}
	m.o = o
	return m.each(func(k, v *fastjson.Value) error {
		if err := m.key.parse(k); err != nil {
			return err
		}
		if v.Type() == fastjson.TypeNull {
			return nil
		}
		return m.val.parse(v)
	})
}

func (m *mapDecoder) commit() {
	m.b.Append(true)
	_ = m.each(func(k, v *fastjson.Value) error {
		_ = m.key.parse(k)
		m.key.commit()
		if v.Type() == fastjson.TypeNull {
			m.val.null()
		} else {
			_ = m.val.parse(v)
			m.val.commit()
		}
		return nil
	})
}

func (m *mapDecoder) null() { m.b.AppendNull() }

type nullDecoder struct{ b array.Builder }

func (nullDecoder) parse(*fastjson.Value) error { return nil }
func (n nullDecoder) commit()                   { n.b.AppendNull() }
func (n nullDecoder) null()                     { n.b.AppendNull() }

// text returns the value as Jackson's asText() would for the scalar
// conversions: a string's contents, a number's literal, true/false.
func text(v *fastjson.Value, scratch []byte) ([]byte, bool) {
	switch v.Type() {
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		return b, true
	case fastjson.TypeNumber:
		return v.MarshalTo(scratch[:0]), true
	case fastjson.TypeTrue:
		return append(scratch[:0], "true"...), true
	case fastjson.TypeFalse:
		return append(scratch[:0], "false"...), true
	}
	return nil, false
}

func cannot(v []byte, as string) error {
	return fmt.Errorf("cannot parse '%s' as %s", v, as)
}

type boolDecoder struct {
	b   *array.BooleanBuilder
	val bool
}

func (d *boolDecoder) parse(v *fastjson.Value) error {
	switch v.Type() {
	case fastjson.TypeTrue:
		d.val = true
	case fastjson.TypeString:
		s, _ := v.StringBytes()
		d.val = format.ParseJavaBool(format.TrimSpace(s))
	default: // Boolean.parseBoolean of anything else is false
		d.val = false
	}
	return nil
}
func (d *boolDecoder) commit() { d.b.Append(d.val) }
func (d *boolDecoder) null()   { d.b.AppendNull() }

type intDecoder struct {
	kind    types.Kind
	b       array.Builder
	app     func(int64)
	bits    int
	val     int64
	scratch []byte
}

func (d *intDecoder) parse(v *fastjson.Value) error {
	s, ok := text(v, d.scratch)
	if !ok || v.Type() == fastjson.TypeTrue || v.Type() == fastjson.TypeFalse {
		return fmt.Errorf("cannot parse %s as %s", v.Type(), d.kind)
	}
	if v.Type() == fastjson.TypeNumber {
		d.scratch = s
	} else {
		s = format.TrimSpace(s)
	}
	n, err := strconv.ParseInt(string(s), 10, d.bits)
	if err != nil && v.Type() == fastjson.TypeNumber && d.bits >= 32 {
		// Jackson converts a fractional number in range by truncation.
		f, ferr := strconv.ParseFloat(string(s), 64)
		lim := math.Ldexp(1, d.bits-1)
		if ferr == nil && f >= -lim && f < lim {
			n, err = int64(f), nil
		}
	}
	if err != nil {
		return cannot(s, d.kind.String())
	}
	d.val = n
	return nil
}

func (d *intDecoder) commit() { d.app(d.val) }
func (d *intDecoder) null()   { d.b.AppendNull() }

type floatDecoder struct {
	b32     *array.Float32Builder
	b64     *array.Float64Builder
	bits    int
	val     float64
	scratch []byte
}

func (d *floatDecoder) parse(v *fastjson.Value) error {
	s, ok := text(v, d.scratch)
	if !ok || v.Type() == fastjson.TypeTrue || v.Type() == fastjson.TypeFalse {
		return fmt.Errorf("cannot parse %s as a floating-point number", v.Type())
	}
	if v.Type() == fastjson.TypeNumber {
		d.scratch = s
	}
	f, err := strconv.ParseFloat(string(format.TrimSpace(s)), d.bits)
	if err != nil && !isRange(err) {
		return cannot(s, "DOUBLE")
	}
	d.val = f
	return nil
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func (d *floatDecoder) commit() {
	if d.bits == 32 {
		d.b32.Append(float32(d.val))
	} else {
		d.b64.Append(d.val)
	}
}
func (d *floatDecoder) null() {
	if d.bits == 32 {
		d.b32.AppendNull()
	} else {
		d.b64.AppendNull()
	}
}

type decimalDecoder struct {
	b           *array.Decimal128Builder
	prec, scale int
	val         decimal128.Num
	ok          bool
	scratch     []byte
}

func (d *decimalDecoder) parse(v *fastjson.Value) error {
	s, ok := text(v, d.scratch)
	if !ok || v.Type() == fastjson.TypeTrue || v.Type() == fastjson.TypeFalse {
		return fmt.Errorf("cannot parse %s as DECIMAL", v.Type())
	}
	if v.Type() == fastjson.TypeNumber {
		d.scratch = s
	}
	n, fits, err := format.ParseDecimal(s, d.prec, d.scale)
	if err != nil {
		return err
	}
	d.val, d.ok = n, fits
	return nil
}

func (d *decimalDecoder) commit() {
	if d.ok {
		d.b.Append(d.val)
	} else { // out of the column's precision: NULL, as Flink
		d.b.AppendNull()
	}
}
func (d *decimalDecoder) null() { d.b.AppendNull() }

type stringDecoder struct {
	b       *array.StringBuilder
	val     []byte
	scratch []byte
}

func (d *stringDecoder) parse(v *fastjson.Value) error {
	if s, ok := text(v, d.scratch); ok {
		d.val = s
	} else { // objects and arrays are kept as their JSON text
		d.val = v.MarshalTo(d.scratch[:0])
	}
	if v.Type() != fastjson.TypeString {
		d.scratch = d.val
	}
	return nil
}
func (d *stringDecoder) commit() { d.b.BinaryBuilder.Append(d.val) }
func (d *stringDecoder) null()   { d.b.AppendNull() }

type bytesDecoder struct {
	b   *array.BinaryBuilder
	val []byte
}

func (d *bytesDecoder) parse(v *fastjson.Value) error {
	s, err := v.StringBytes()
	if err != nil {
		return fmt.Errorf("cannot parse %s as BYTES: expected a base64 string", v.Type())
	}
	d.val, err = decodeBase64(d.val[:0], s)
	return err
}
func (d *bytesDecoder) commit() { d.b.Append(d.val) }
func (d *bytesDecoder) null()   { d.b.AppendNull() }

func decodeBase64(dst, s []byte) ([]byte, error) {
	enc := base64.StdEncoding
	if len(s)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	n := enc.DecodedLen(len(s))
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	n, err := enc.Decode(dst[:n], s)
	if err != nil {
		return dst[:0], cannot(s, "BYTES (base64)")
	}
	return dst[:n], nil
}

type dateDecoder struct {
	b   *array.Date32Builder
	val int32
}

func (d *dateDecoder) parse(v *fastjson.Value) error {
	s, err := v.StringBytes()
	if err != nil {
		return fmt.Errorf("cannot parse %s as DATE", v.Type())
	}
	d.val, err = format.ParseDate(s, false)
	return err
}
func (d *dateDecoder) commit() { d.b.Append(arrow.Date32(d.val)) }
func (d *dateDecoder) null()   { d.b.AppendNull() }

type timeDecoder struct {
	b   *array.Time32Builder
	val int32
}

func (d *timeDecoder) parse(v *fastjson.Value) error {
	s, err := v.StringBytes()
	if err != nil {
		return fmt.Errorf("cannot parse %s as TIME", v.Type())
	}
	d.val, err = format.ParseTime(s, false)
	return err
}
func (d *timeDecoder) commit() { d.b.Append(arrow.Time32(d.val)) }
func (d *timeDecoder) null()   { d.b.AppendNull() }

type timestampDecoder struct {
	b      *array.TimestampBuilder
	layout format.TimestampLayout
	val    int64
}

func (d *timestampDecoder) parse(v *fastjson.Value) error {
	s, err := v.StringBytes()
	if err != nil {
		return fmt.Errorf("cannot parse %s as TIMESTAMP", v.Type())
	}
	d.val, err = format.ParseTimestamp(s, d.layout)
	return err
}
func (d *timestampDecoder) commit() { d.b.Append(arrow.Timestamp(d.val)) }
func (d *timestampDecoder) null()   { d.b.AppendNull() }
