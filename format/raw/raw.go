// Package raw is Flink's 'raw' format: a record is the bytes of a single
// column, as text in a charset (STRING, CHAR, VARCHAR), as they are (BYTES,
// BINARY, VARBINARY), or as a fixed-width number in an endianness (BOOLEAN,
// TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE). It is what a Kafka key
// usually is.
//
// A null message decodes to a NULL value and a NULL value encodes to an
// empty record, as Flink's RawFormatSerializationSchema writes a null.
package raw

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Option keys, without the 'raw.' prefix.
const (
	OptCharset    = "charset"
	OptEndianness = "endianness"
	bigEndian     = "big-endian"
	littleEndian  = "little-endian"
)

// Options is the raw format's option spec, as Flink documents it.
var Options = []connector.Option{
	{Key: OptCharset, Type: connector.TypeString, Default: "UTF-8",
		Description: "The charset to encode the text string: UTF-8, US-ASCII, ISO-8859-1, UTF-16BE, UTF-16LE or UTF-16."},
	{Key: OptEndianness, Type: connector.TypeEnum, Default: bigEndian, Enum: []string{bigEndian, littleEndian},
		Description: "The endianness to encode the bytes of numeric value: 'big-endian' or 'little-endian'."},
}

func init() {
	format.Register(&format.Format{
		Name: "raw",
		Description: "The bytes of a record as one column: text in a charset, bytes as they are, or a fixed-width number. " +
			"The table must have exactly one physical column.",
		Options: Options,
		NewDecoder: func(s *types.Schema, opts map[string]string) (format.Decoder, error) {
			return format.NewBatchDecoder(s, opts, NewRecordDecoder)
		},
		NewEncoder:       NewEncoder,
		NewRecordDecoder: NewRecordDecoder,
	})
}

// ConfigError is an invalid raw format option or schema.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return "raw format: " + e.Msg }

// charset is how text columns are turned into bytes and back.
type charset int

const (
	utf8Charset charset = iota
	asciiCharset
	latin1Charset
	utf16BE
	utf16LE
	utf16BOM // big-endian with a byte-order mark when writing; reads either mark
)

// byteOrder reads and appends fixed-width numbers.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

type config struct {
	cs    charset
	order byteOrder
	kind  types.Kind
}

func parseConfig(schema *types.Schema, opts map[string]string) (config, error) {
	c := config{order: binary.BigEndian}
	if len(schema.Fields) != 1 {
		return c, &ConfigError{fmt.Sprintf("the 'raw' format only supports single physical column. However the defined schema contains multiple physical columns: %d", len(schema.Fields))}
	}
	c.kind = schema.Fields[0].Type.Kind
	switch c.kind {
	case types.KindChar, types.KindVarChar, types.KindBinary, types.KindVarBinary,
		types.KindBoolean, types.KindTinyInt, types.KindSmallInt, types.KindInt, types.KindBigInt,
		types.KindFloat, types.KindDouble:
	default:
		return c, &ConfigError{fmt.Sprintf("the 'raw' format doesn't support '%s' as column type", schema.Fields[0].Type)}
	}
	if v, ok := opts[OptCharset]; ok {
		switch strings.ToUpper(strings.TrimSpace(v)) {
		case "UTF-8", "UTF8":
		case "US-ASCII", "ASCII":
			c.cs = asciiCharset
		case "ISO-8859-1", "LATIN1", "ISO8859_1":
			c.cs = latin1Charset
		case "UTF-16BE":
			c.cs = utf16BE
		case "UTF-16LE":
			c.cs = utf16LE
		case "UTF-16":
			c.cs = utf16BOM
		default:
			return c, &ConfigError{fmt.Sprintf("unsupported charset '%s' for option 'charset'. Supported charsets are UTF-8, US-ASCII, ISO-8859-1, UTF-16BE, UTF-16LE, UTF-16.", v)}
		}
	}
	if v, ok := opts[OptEndianness]; ok {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case bigEndian:
		case littleEndian:
			c.order = binary.LittleEndian
		default:
			return c, &ConfigError{fmt.Sprintf("unsupported endianness name: %s. Valid values of 'raw.endianness' option are 'big-endian' and 'little-endian'.", v)}
		}
	}
	return c, nil
}

// width returns the byte width of a numeric kind, 0 for text and bytes.
func width(k types.Kind) int {
	switch k {
	case types.KindBoolean, types.KindTinyInt:
		return 1
	case types.KindSmallInt:
		return 2
	case types.KindInt, types.KindFloat:
		return 4
	case types.KindBigInt, types.KindDouble:
		return 8
	}
	return 0
}
