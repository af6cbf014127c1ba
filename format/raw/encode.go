package raw

import (
	"math"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Encoder writes the single column of a row as a raw record.
type Encoder struct{ cfg config }

var _ format.Encoder = (*Encoder)(nil)

// NewEncoder builds a raw encoder for a one-column schema.
func NewEncoder(schema *types.Schema, opts map[string]string) (format.Encoder, error) {
	cfg, err := parseConfig(schema, opts)
	if err != nil {
		return nil, err
	}
	return &Encoder{cfg: cfg}, nil
}

// Encode appends the value of row row; a NULL appends nothing.
func (e *Encoder) Encode(b *types.Batch, row int, dst []byte) ([]byte, error) {
	col := b.Cols[0]
	if col.IsNull(row) {
		return dst, nil
	}
	o := e.cfg.order
	switch c := col.(type) {
	case *array.String:
		return e.appendText(dst, c.Value(row)), nil
	case *array.Binary:
		return append(dst, c.Value(row)...), nil
	case *array.Boolean:
		if c.Value(row) {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case *array.Int8:
		return append(dst, byte(c.Value(row))), nil
	case *array.Int16:
		return o.AppendUint16(dst, uint16(c.Value(row))), nil
	case *array.Int32:
		return o.AppendUint32(dst, uint32(c.Value(row))), nil
	case *array.Int64:
		return o.AppendUint64(dst, uint64(c.Value(row))), nil
	case *array.Float32:
		return o.AppendUint32(dst, math.Float32bits(c.Value(row))), nil
	case *array.Float64:
		return o.AppendUint64(dst, math.Float64bits(c.Value(row))), nil
	}
	return dst, &ConfigError{"unsupported column array " + col.DataType().String()}
}

// appendText writes s in the charset; what the charset cannot hold
// becomes '?', as Java's String.getBytes does.
func (e *Encoder) appendText(dst []byte, s string) []byte {
	switch e.cfg.cs {
	case utf8Charset:
		return append(dst, s...)
	case asciiCharset, latin1Charset:
		max := rune(0x7F)
		if e.cfg.cs == latin1Charset {
			max = 0xFF
		}
		for _, r := range s {
			if r > max {
				r = '?'
			}
			dst = append(dst, byte(r))
		}
		return dst
	}
	little := e.cfg.cs == utf16LE
	if e.cfg.cs == utf16BOM {
		dst = append(dst, 0xFE, 0xFF)
	}
	put := func(u uint16) {
		if little {
			dst = append(dst, byte(u), byte(u>>8))
		} else {
			dst = append(dst, byte(u>>8), byte(u))
		}
	}
	for _, r := range s {
		if r == utf8.RuneError {
			r = 0xFFFD
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != 0xFFFD || r2 != 0xFFFD {
			put(uint16(r1))
			put(uint16(r2))
		} else {
			put(uint16(r))
		}
	}
	return dst
}
