package raw

import (
	"fmt"
	"math"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Decoder decodes raw records into one column (format.RecordDecoder).
type Decoder struct {
	cfg     config
	b       array.Builder
	app     func(int64) // integer kinds
	null    bool        // the last record was a null message
	val     []byte      // text and bytes
	num     uint64      // numbers, as read
	scratch []byte
}

var _ format.RecordDecoder = (*Decoder)(nil)

// NewRecordDecoder builds a raw decoder appending into builders[0].
func NewRecordDecoder(schema *types.Schema, opts map[string]string, builders []array.Builder) (format.RecordDecoder, error) {
	cfg, err := parseConfig(schema, opts)
	if err != nil {
		return nil, err
	}
	d := &Decoder{cfg: cfg, b: builders[0]}
	switch cfg.kind {
	case types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt:
		if d.app, err = format.IntAppender(d.b); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Parse reads one record; a nil record (a null message) is a NULL value.
// A number whose record has the wrong width is an error, as in Flink.
func (d *Decoder) Parse(record []byte) (int, error) {
	d.null = record == nil
	if d.null {
		return 1, nil
	}
	if w := width(d.cfg.kind); w > 0 {
		if len(record) != w {
			return 0, &format.DecodeError{Format: "raw", Record: append([]byte(nil), record...),
				Err: fmt.Errorf("expected %d bytes for %s, found %d", w, d.cfg.kind, len(record))}
		}
		switch w {
		case 1:
			d.num = uint64(record[0])
		case 2:
			d.num = uint64(d.cfg.order.Uint16(record))
		case 4:
			d.num = uint64(d.cfg.order.Uint32(record))
		default:
			d.num = d.cfg.order.Uint64(record)
		}
		return 1, nil
	}
	if d.cfg.kind == types.KindBinary || d.cfg.kind == types.KindVarBinary {
		d.val = record
		return 1, nil
	}
	d.val = d.text(record)
	return 1, nil
}

// text converts record from the charset to UTF-8, replacing what cannot
// be decoded with U+FFFD as Java's String constructor does.
func (d *Decoder) text(rec []byte) []byte {
	out := d.scratch[:0]
	switch d.cfg.cs {
	case utf8Charset:
		if utf8.Valid(rec) {
			return rec
		}
		for len(rec) > 0 {
			r, n := utf8.DecodeRune(rec)
			out = utf8.AppendRune(out, r) // RuneError for a bad sequence
			rec = rec[n:]
		}
	case asciiCharset:
		for _, c := range rec {
			if c < utf8.RuneSelf {
				out = append(out, c)
			} else {
				out = utf8.AppendRune(out, utf8.RuneError)
			}
		}
	case latin1Charset:
		for _, c := range rec {
			out = utf8.AppendRune(out, rune(c))
		}
	default:
		out = d.fromUTF16(out, rec)
	}
	d.scratch = out
	return out
}

func (d *Decoder) fromUTF16(out, rec []byte) []byte {
	little := d.cfg.cs == utf16LE
	if d.cfg.cs == utf16BOM && len(rec) >= 2 { // a byte-order mark decides, big-endian without
		switch {
		case rec[0] == 0xFE && rec[1] == 0xFF:
			rec = rec[2:]
		case rec[0] == 0xFF && rec[1] == 0xFE:
			rec, little = rec[2:], true
		}
	}
	unit := func(i int) uint16 {
		if little {
			return uint16(rec[i]) | uint16(rec[i+1])<<8
		}
		return uint16(rec[i])<<8 | uint16(rec[i+1])
	}
	for i := 0; i+1 < len(rec); i += 2 {
		r := rune(unit(i))
		if utf16.IsSurrogate(r) && i+3 < len(rec) {
			if r2 := utf16.DecodeRune(r, rune(unit(i+2))); r2 != utf8.RuneError {
				out = utf8.AppendRune(out, r2)
				i += 2
				continue
			}
		}
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
	}
	if len(rec)%2 == 1 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}

// Append appends the value of the last parsed record.
func (d *Decoder) Append(int) types.RowKind {
	if d.null {
		d.b.AppendNull()
		return types.Insert
	}
	switch d.cfg.kind {
	case types.KindChar, types.KindVarChar:
		d.b.(*array.StringBuilder).BinaryBuilder.Append(d.val)
	case types.KindBinary, types.KindVarBinary:
		d.b.(*array.BinaryBuilder).Append(d.val)
	case types.KindBoolean:
		d.b.(*array.BooleanBuilder).Append(d.num != 0)
	case types.KindTinyInt:
		d.app(int64(int8(d.num)))
	case types.KindSmallInt:
		d.app(int64(int16(d.num)))
	case types.KindInt:
		d.app(int64(int32(d.num)))
	case types.KindBigInt:
		d.app(int64(d.num))
	case types.KindFloat:
		d.b.(*array.Float32Builder).Append(math.Float32frombits(uint32(d.num)))
	case types.KindDouble:
		d.b.(*array.Float64Builder).Append(math.Float64frombits(d.num))
	}
	return types.Insert
}

// AppendNull appends a NULL value.
func (d *Decoder) AppendNull() { d.b.AppendNull() }

// Skipped is always 0: raw has no ignore-parse-errors option.
func (d *Decoder) Skipped() int64 { return 0 }
