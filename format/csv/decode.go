package csv

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// ErrUnterminatedQuote is a quoted field without its closing quote.
var ErrUnterminatedQuote = errors.New("missing closing quote for value")

// cellDecoder converts the text of one field into one Arrow builder. As in
// the JSON format, parse converts into scratch and commit appends, so a
// record failing on a later column leaves the builders even.
type cellDecoder interface {
	parse(s []byte) error
	commit()
	null()
}

// Decoder decodes CSV records into a batch. Build one with NewDecoder.
type Decoder struct {
	schema   *types.Schema
	cfg      config
	builders []array.Builder
	cells    []cellDecoder
	isNull   []bool
	buf      []byte        // unescaped field contents
	ends     []int         // end offset of each field in buf
	bounds   []int         // start and end of each field, in buf or a block
	special  [256]bool     // bytes DecodeBlock stops at: newline, delimiter, quote, escape
	strCols  []strField    // the cells read, when all are strColumns and no null literal is set
	out      []int         // the cells a batch holds, in order (Project)
	outSch   *types.Schema // the schema of those
	rows     int
	skipped  int64
}

var _ format.Decoder = (*Decoder)(nil)

// NewDecoder builds a decoder for schema with the csv options opts
// (without the 'csv.' prefix). MAP and MULTISET columns are not supported,
// as in Flink.
func NewDecoder(schema *types.Schema, opts map[string]string) (format.Decoder, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	d := &Decoder{schema: schema, cfg: cfg, isNull: make([]bool, len(schema.Fields)), outSch: schema}
	for _, f := range schema.Fields {
		if f.Type.Kind == types.KindChar || f.Type.Kind == types.KindVarChar {
			d.builders = append(d.builders, nil) // built by strColumn
			d.cells = append(d.cells, newStrColumn())
			continue
		}
		b := types.NewBuilder(f.Type)
		c, err := newCell(f.Type, b, &d.cfg, true)
		if err != nil {
			return nil, err
		}
		d.builders = append(d.builders, b)
		d.cells = append(d.cells, c)
	}
	for i := range d.cells {
		d.out = append(d.out, i)
	}
	d.findStrCols()
	for _, c := range []int{'\n', int(cfg.delim), cfg.quote, cfg.escape} {
		if c >= 0 {
			d.special[c] = true
		}
	}
	return d, nil
}

// Decode appends the row of one record. An empty record and, with
// allow-comments, a line starting with '#' give no row.
func (d *Decoder) Decode(record []byte) error {
	record = dropCR(trimNL(record))
	if len(record) == 0 || (d.cfg.comments && record[0] == '#') {
		return nil
	}
	if err := d.decode(record); err != nil {
		if d.cfg.ignoreErrors {
			d.skipped++
			return nil
		}
		return &format.DecodeError{Format: "CSV", Record: append([]byte(nil), record...), Err: err}
	}
	d.commitRow()
	return nil
}

// commitRow appends the parsed fields as one row.
func (d *Decoder) commitRow() {
	for i, c := range d.cells {
		if d.isNull[i] {
			c.null()
		} else {
			c.commit()
		}
	}
	d.rows++
}

func trimNL(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return b[:len(b)-1]
	}
	return b
}

func (d *Decoder) decode(record []byte) error {
	if err := d.tokenize(record); err != nil {
		return err
	}
	d.bounds = d.bounds[:0]
	start := 0
	for _, end := range d.ends {
		d.bounds = append(d.bounds, start, end)
		start = end
	}
	return d.convertFields(d.buf, d.bounds)
}

// convertFields parses the fields base[bounds[2i]:bounds[2i+1]] into the
// cells' scratch values.
func (d *Decoder) convertFields(base []byte, bounds []int) error {
	nf := len(bounds) / 2
	if nf < len(d.cells) && !d.cfg.ignoreErrors {
		return fmt.Errorf("row length mismatch. %d fields expected but was %d", len(d.cells), nf)
	}
	for i, c := range d.cells {
		if i >= nf {
			d.isNull[i] = true
			continue
		}
		s := base[bounds[2*i]:bounds[2*i+1]]
		d.isNull[i] = d.cfg.isNullText(s)
		if d.isNull[i] {
			continue
		}
		if err := c.parse(s); err != nil {
			if !d.cfg.ignoreErrors {
				return fmt.Errorf("field '%s': %w", d.schema.Fields[i].Name, err)
			}
			d.isNull[i] = true // Flink sets a bad field to null
		}
	}
	return nil
}

func (c *config) isNullText(s []byte) bool {
	return c.nullLiteral != nil && string(s) == *c.nullLiteral
}

// tokenize splits record into fields, unescaping them into d.buf.
func (d *Decoder) tokenize(rec []byte) error {
	c := &d.cfg
	d.buf, d.ends = d.buf[:0], d.ends[:0]
	i, n := 0, len(rec)
	for {
		if c.quote >= 0 && i < n && int(rec[i]) == c.quote {
			i++
			for {
				if i >= n {
					return ErrUnterminatedQuote
				}
				ch := rec[i]
				if c.escape >= 0 && int(ch) == c.escape && i+1 < n {
					d.buf = append(d.buf, rec[i+1])
					i += 2
					continue
				}
				if int(ch) == c.quote {
					if i+1 < n && int(rec[i+1]) == c.quote {
						d.buf = append(d.buf, ch)
						i += 2
						continue
					}
					i++
					break
				}
				d.buf = append(d.buf, ch)
				i++
			}
		}
		// Unquoted text (or text after a closing quote, kept leniently).
		for i < n && rec[i] != c.delim {
			if c.escape >= 0 && int(rec[i]) == c.escape && i+1 < n {
				i++
			}
			d.buf = append(d.buf, rec[i])
			i++
		}
		d.ends = append(d.ends, len(d.buf))
		if i >= n {
			return nil
		}
		i++ // the delimiter
	}
}

// Len returns the rows decoded since the last Flush.
func (d *Decoder) Len() int { return d.rows }

// Skipped returns the records skipped under ignore-parse-errors.
func (d *Decoder) Skipped() int64 { return d.skipped }

// Flush returns the decoded rows and starts a new batch.
func (d *Decoder) Flush() *types.Batch {
	arrays := make([]arrow.Array, len(d.cells))
	cols := make([]arrow.Array, len(d.out))
	for j, i := range d.out {
		if arrays[i] == nil {
			if sc, ok := d.cells[i].(*strColumn); ok {
				arrays[i] = sc.newArray()
			} else {
				arrays[i] = d.builders[i].NewArray()
			}
		}
		cols[j] = arrays[i]
	}
	n := d.rows
	d.rows = 0
	return types.NewBatch(d.outSch, cols, nil, n)
}

func newCell(t types.DataType, b array.Builder, cfg *config, top bool) (cellDecoder, error) {
	switch t.Kind {
	case types.KindBoolean:
		return &boolCell{b: b.(*array.BooleanBuilder)}, nil
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt,
		types.KindIntervalYearMonth, types.KindIntervalDayTime:
		app, err := format.IntAppender(b)
		if err != nil {
			return nil, err
		}
		return &intCell{b: b, app: app, bits: format.IntBits(t.Kind), kind: t.Kind}, nil
	case types.KindFloat, types.KindDouble:
		b32, _ := b.(*array.Float32Builder)
		b64, _ := b.(*array.Float64Builder)
		return &floatCell{b: b, b32: b32, b64: b64, kind: t.Kind}, nil
	case types.KindDecimal:
		return &decimalCell{b: b.(*array.Decimal128Builder), prec: t.Prec, scale: t.Scale}, nil
	case types.KindChar, types.KindVarChar:
		return &stringCell{b: b.(*array.StringBuilder)}, nil
	case types.KindBinary, types.KindVarBinary:
		return &bytesCell{b: b.(*array.BinaryBuilder)}, nil
	case types.KindDate:
		return &dateCell{b: b.(*array.Date32Builder)}, nil
	case types.KindTime:
		if t.Prec > 3 {
			return nil, &ConfigError{fmt.Sprintf("csv does not support TIME type with precision: %d, it only supports precision 0 ~ 3.", t.Prec)}
		}
		return &timeCell{b: b.(*array.Time32Builder), prec: t.Prec}, nil
	case types.KindTimestamp:
		return &timestampCell{b: b.(*array.TimestampBuilder), layout: format.SQLTimestamp}, nil
	case types.KindTimestampLTZ:
		return &timestampCell{b: b.(*array.TimestampBuilder), layout: format.SQLTimestampLTZ}, nil
	case types.KindNull:
		return nullCell{b}, nil
	case types.KindArray, types.KindRow:
		if !top {
			break // elements are split by one delimiter: no nesting below
		}
		if t.Kind == types.KindArray {
			lb := b.(*array.ListBuilder)
			e, err := newCell(*t.Elem, lb.ValueBuilder(), cfg, false)
			return &arrayCell{b: lb, elem: e, cfg: cfg}, err
		}
		sb := b.(*array.StructBuilder)
		r := &rowCell{b: sb, cfg: cfg}
		for i, f := range t.Fields {
			c, err := newCell(f.Type, sb.FieldBuilder(i), cfg, false)
			if err != nil {
				return nil, err
			}
			r.fields = append(r.fields, c)
		}
		r.isNull = make([]bool, len(r.fields))
		return r, nil
	}
	return nil, &ConfigError{fmt.Sprintf("unsupported type: %s", t)}
}

func cannot(s []byte, as string) error { return fmt.Errorf("cannot parse '%s' as %s", s, as) }

type boolCell struct {
	b   *array.BooleanBuilder
	val bool
}

func (c *boolCell) parse(s []byte) error {
	c.val = format.ParseJavaBool(format.TrimSpace(s))
	return nil
}
func (c *boolCell) commit() { c.b.Append(c.val) }
func (c *boolCell) null()   { c.b.AppendNull() }

type intCell struct {
	b    array.Builder
	app  func(int64)
	bits int
	kind types.Kind
	val  int64
}

func (c *intCell) parse(s []byte) error {
	n, err := strconv.ParseInt(string(format.TrimSpace(s)), 10, c.bits)
	if err != nil {
		return cannot(s, c.kind.String())
	}
	c.val = n
	return nil
}

func (c *intCell) commit() { c.app(c.val) }
func (c *intCell) null()   { c.b.AppendNull() }

type floatCell struct {
	b    array.Builder
	b32  *array.Float32Builder // FLOAT; resolved once, not per value
	b64  *array.Float64Builder // DOUBLE
	kind types.Kind
	val  float64
}

func (c *floatCell) parse(s []byte) error {
	bits := 64
	if c.kind == types.KindFloat {
		bits = 32
	}
	f, err := strconv.ParseFloat(string(format.TrimSpace(s)), bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return cannot(s, c.kind.String())
		}
	}
	c.val = f
	return nil
}

func (c *floatCell) commit() {
	if c.b32 != nil {
		c.b32.Append(float32(c.val))
	} else {
		c.b64.Append(c.val)
	}
}
func (c *floatCell) null() { c.b.AppendNull() }

type decimalCell struct {
	b           *array.Decimal128Builder
	prec, scale int
	val         decimal128.Num
	ok          bool
}

func (c *decimalCell) parse(s []byte) error {
	n, ok, err := format.ParseDecimal(s, c.prec, c.scale)
	c.val, c.ok = n, ok
	return err
}

func (c *decimalCell) commit() {
	if c.ok {
		c.b.Append(c.val)
	} else { // beyond the column's precision: NULL, as Flink
		c.b.AppendNull()
	}
}
func (c *decimalCell) null() { c.b.AppendNull() }

type stringCell struct {
	b   *array.StringBuilder
	val []byte
}

func (c *stringCell) parse(s []byte) error { c.val = s; return nil }
func (c *stringCell) commit()              { c.b.BinaryBuilder.Append(c.val) }
func (c *stringCell) null()                { c.b.AppendNull() }

type bytesCell struct {
	b   *array.BinaryBuilder
	val []byte
}

func (c *bytesCell) parse(s []byte) error {
	enc := base64.StdEncoding
	if len(s)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	n := enc.DecodedLen(len(s))
	if cap(c.val) < n {
		c.val = make([]byte, n)
	}
	n, err := enc.Decode(c.val[:n], s)
	if err != nil {
		return cannot(s, "BYTES (base64)")
	}
	c.val = c.val[:n]
	return nil
}
func (c *bytesCell) commit() { c.b.Append(c.val) }
func (c *bytesCell) null()   { c.b.AppendNull() }

type dateCell struct {
	b   *array.Date32Builder
	val int32
}

func (c *dateCell) parse(s []byte) (err error) { c.val, err = format.ParseDate(s, true); return }
func (c *dateCell) commit()                    { c.b.Append(arrow.Date32(c.val)) }
func (c *dateCell) null()                      { c.b.AppendNull() }

type timeCell struct {
	b    *array.Time32Builder
	prec int
	val  int32
}

var timeUnit = [...]int32{1000, 100, 10, 1}

func (c *timeCell) parse(s []byte) (err error) {
	c.val, err = format.ParseTime(s, true)
	c.val -= c.val % timeUnit[c.prec] // cut to the column's precision, as Flink
	return
}
func (c *timeCell) commit() { c.b.Append(arrow.Time32(c.val)) }
func (c *timeCell) null()   { c.b.AppendNull() }

type timestampCell struct {
	b      *array.TimestampBuilder
	layout format.TimestampLayout
	val    int64
}

func (c *timestampCell) parse(s []byte) (err error) {
	c.val, err = format.ParseTimestamp(format.TrimSpace(s), c.layout)
	return
}
func (c *timestampCell) commit() { c.b.Append(arrow.Timestamp(c.val)) }
func (c *timestampCell) null()   { c.b.AppendNull() }

type nullCell struct{ b array.Builder }

func (nullCell) parse([]byte) error { return nil }
func (n nullCell) commit()          { n.b.AppendNull() }
func (n nullCell) null()            { n.b.AppendNull() }
