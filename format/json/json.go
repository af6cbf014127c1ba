// Package json is Flink's 'json' format: one JSON object per record,
// decoded by field name straight into Arrow builders and encoded as
// Flink's JsonRowDataSerializationSchema writes it.
//
// Decoding is schema-directed: the record is parsed once (valyala/fastjson,
// which reuses its memory between records) and each column's value is
// converted by a decoder chosen from the column's type when the decoder is
// built, so the per-record path does no reflection or interface boxing.
package json

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
)

// Option keys, without the 'json.' prefix.
const (
	OptFailOnMissingField    = "fail-on-missing-field"
	OptIgnoreParseErrors     = "ignore-parse-errors"
	OptTimestampFormat       = "timestamp-format.standard"
	OptMapNullKeyMode        = "map-null-key.mode"
	OptMapNullKeyLiteral     = "map-null-key.literal"
	OptEncodeDecimalPlain    = "encode.decimal-as-plain-number"
	OptEncodeIgnoreNulls     = "encode.ignore-null-fields"
	OptDecodeJSONParser      = "decode.json-parser.enabled"
	timestampStandardSQL     = "SQL"
	timestampStandardISO     = "ISO-8601"
	mapNullKeyFail           = "FAIL"
	mapNullKeyDrop           = "DROP"
	mapNullKeyLiteral        = "LITERAL"
	defaultMapNullKeyLiteral = "null"
)

// Options is the json format's option spec, as Flink documents it.
var Options = []connector.Option{
	{Key: OptFailOnMissingField, Type: connector.TypeBool, Default: "false",
		Description: "Whether to fail if a field is missing or not."},
	{Key: OptIgnoreParseErrors, Type: connector.TypeBool, Default: "false",
		Description: "Skip rows with parse errors instead of failing. Skipped rows are counted."},
	{Key: OptTimestampFormat, Type: connector.TypeEnum, Default: timestampStandardSQL, Enum: []string{timestampStandardSQL, timestampStandardISO},
		Description: "Input and output timestamp format: 'SQL' reads and writes \"yyyy-MM-dd HH:mm:ss.s{precision}\", 'ISO-8601' reads and writes \"yyyy-MM-ddTHH:mm:ss.s{precision}\" (TIMESTAMP_LTZ values carry a trailing 'Z')."},
	{Key: OptMapNullKeyMode, Type: connector.TypeEnum, Default: mapNullKeyFail, Enum: []string{mapNullKeyFail, mapNullKeyDrop, mapNullKeyLiteral},
		Description: "How to serialize a NULL key of MAP data: 'FAIL' throws an error, 'DROP' drops the entry, 'LITERAL' writes 'map-null-key.literal' as the key."},
	{Key: OptMapNullKeyLiteral, Type: connector.TypeString, Default: defaultMapNullKeyLiteral,
		Description: "The key written for NULL map keys when 'map-null-key.mode' is LITERAL."},
	{Key: OptEncodeDecimalPlain, Type: connector.TypeBool, Default: "false",
		Description: "Encode all decimals as plain numbers instead of possible scientific notation."},
	{Key: OptEncodeIgnoreNulls, Type: connector.TypeBool, Default: "false",
		Description: "Leave out fields whose value is NULL when encoding."},
	{Key: OptDecodeJSONParser, Type: connector.TypeBool, Default: "true",
		Description: "Accepted for compatibility with Flink; Spry always uses its streaming parser."},
}

// SharedOptions returns the json options that the JSON changelog formats
// (debezium-json, canal-json) accept too, with the same meaning:
// timestamp-format.standard, map-null-key.mode, map-null-key.literal,
// encode.decimal-as-plain-number and encode.ignore-null-fields.
func SharedOptions() []connector.Option {
	var out []connector.Option
	for _, o := range Options {
		switch o.Key {
		case OptTimestampFormat, OptMapNullKeyMode, OptMapNullKeyLiteral, OptEncodeDecimalPlain, OptEncodeIgnoreNulls:
			out = append(out, o)
		}
	}
	return out
}

func init() {
	format.Register(&format.Format{
		Name:        "json",
		Description: "JSON objects, one per record, mapped to columns by field name.",
		Options:     Options,
		NewDecoder:  NewDecoder,
		NewEncoder:  NewEncoder,

		NewRecordDecoder: NewRecordDecoder,
	})
}

// config is the parsed options.
type config struct {
	failOnMissing bool
	ignoreErrors  bool
	iso           bool
	nullKeyMode   string
	nullKeyLit    string
	decimalPlain  bool
	ignoreNulls   bool
}

// ConfigError is an invalid json format option.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return "json format: " + e.Msg }

func parseConfig(opts map[string]string) (config, error) {
	c := config{nullKeyMode: mapNullKeyFail, nullKeyLit: defaultMapNullKeyLiteral}
	var err error
	boolOpt := func(key string, dst *bool) {
		if v, ok := opts[key]; ok && err == nil {
			b, e := connector.ParseBool(v)
			if e != nil {
				err = &ConfigError{fmt.Sprintf("invalid value %q for '%s': expected true or false", v, key)}
			}
			*dst = b
		}
	}
	boolOpt(OptFailOnMissingField, &c.failOnMissing)
	boolOpt(OptIgnoreParseErrors, &c.ignoreErrors)
	boolOpt(OptEncodeDecimalPlain, &c.decimalPlain)
	boolOpt(OptEncodeIgnoreNulls, &c.ignoreNulls)
	if err != nil {
		return c, err
	}
	if c.failOnMissing && c.ignoreErrors {
		return c, &ConfigError{"fail-on-missing-field and ignore-parse-errors shouldn't both be true."}
	}
	if v, ok := opts[OptTimestampFormat]; ok {
		switch strings.ToUpper(v) {
		case timestampStandardSQL:
		case timestampStandardISO:
			c.iso = true
		default:
			return c, &ConfigError{fmt.Sprintf("unsupported value '%s' for timestamp-format.standard. Supported values are [SQL, ISO-8601].", v)}
		}
	}
	if v, ok := opts[OptMapNullKeyMode]; ok {
		switch m := strings.ToUpper(v); m {
		case mapNullKeyFail, mapNullKeyDrop, mapNullKeyLiteral:
			c.nullKeyMode = m
		default:
			return c, &ConfigError{fmt.Sprintf("unsupported value '%s' for map-null-key.mode. Supported values are [FAIL, DROP, LITERAL].", v)}
		}
	}
	if v, ok := opts[OptMapNullKeyLiteral]; ok {
		c.nullKeyLit = v
	}
	return c, nil
}

func (c config) tsLayout(ltz bool) format.TimestampLayout {
	switch {
	case c.iso && ltz:
		return format.ISOTimestampLTZ
	case c.iso:
		return format.ISOTimestamp
	case ltz:
		return format.SQLTimestampLTZ
	}
	return format.SQLTimestamp
}
