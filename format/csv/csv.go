// Package csv is Flink's 'csv' format: one line (record) per row, columns
// by position, with Flink's quoting, escaping, comment and null-literal
// options.
//
// Records are split by a small tokenizer rather than encoding/csv, which
// has no escape character, cannot disable quoting and wants a reader per
// stream; fields are then converted straight into typed Arrow builders.
package csv

import (
	"bufio"
	"fmt"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
)

// Option keys, without the 'csv.' prefix.
const (
	OptFieldDelimiter        = "field-delimiter"
	OptDisableQuoteCharacter = "disable-quote-character"
	OptQuoteCharacter        = "quote-character"
	OptAllowComments         = "allow-comments"
	OptIgnoreParseErrors     = "ignore-parse-errors"
	OptArrayElementDelimiter = "array-element-delimiter"
	OptEscapeCharacter       = "escape-character"
	OptNullLiteral           = "null-literal"
	OptWriteBigDecimalSci    = "write-bigdecimal-in-scientific-notation"
)

// Options is the csv format's option spec, as Flink documents it.
var Options = []connector.Option{
	{Key: OptFieldDelimiter, Type: connector.TypeString, Default: ",",
		Description: "Field delimiter character (',' by default), must be a single character."},
	{Key: OptDisableQuoteCharacter, Type: connector.TypeBool, Default: "false",
		Description: "Disable the quote character for enclosing field values; if true, 'quote-character' can not be set."},
	{Key: OptQuoteCharacter, Type: connector.TypeString, Default: `"`,
		Description: "Quote character for enclosing field values ('\"' by default)."},
	{Key: OptAllowComments, Type: connector.TypeBool, Default: "false",
		Description: "Ignore comment lines that start with '#'."},
	{Key: OptIgnoreParseErrors, Type: connector.TypeBool, Default: "false",
		Description: "Skip fields and rows with parse errors instead of failing; fields are set to null in case of errors."},
	{Key: OptArrayElementDelimiter, Type: connector.TypeString, Default: ";",
		Description: "Array element delimiter string for separating array and row element values (';' by default)."},
	{Key: OptEscapeCharacter, Type: connector.TypeString,
		Description: "Escape character for escaping values (disabled by default)."},
	{Key: OptNullLiteral, Type: connector.TypeString,
		Description: "Null literal string that is interpreted as a null value (disabled by default)."},
	{Key: OptWriteBigDecimalSci, Type: connector.TypeBool, Default: "true",
		Description: "Write DECIMAL values in scientific notation when Java's BigDecimal would (100000 is written as 1E+5); false writes plain numbers."},
}

func init() {
	format.Register(&format.Format{
		Name:        "csv",
		Description: "Comma-separated values, one record per line, columns by position.",
		Options:     Options,
		NewDecoder:  NewDecoder,
		NewEncoder:  NewEncoder,

		NewRecordDecoder: NewRecordDecoder,
		Split: func(opts map[string]string) bufio.SplitFunc {
			c, err := parseConfig(opts)
			if err != nil {
				return bufio.ScanLines // NewDecoder reports the error
			}
			return c.split
		},
	})
}

// ConfigError is an invalid csv format option.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return "csv format: " + e.Msg }

// config is the parsed options. Characters are bytes: Flink allows any
// single character, Spry single-byte ones.
type config struct {
	delim        byte
	quote        int // -1: disabled
	escape       int // -1: none
	comments     bool
	ignoreErrors bool
	arrayDelim   string
	nullLiteral  *string
	sciDecimals  bool
}

func parseConfig(opts map[string]string) (config, error) {
	c := config{delim: ',', quote: '"', escape: -1, arrayDelim: ";", sciDecimals: true}
	char := func(key string) (int, error) {
		v := opts[key]
		if v == `\t` { // written in SQL as '\t' without a unicode escape
			v = "\t"
		}
		if len(v) != 1 {
			return 0, &ConfigError{fmt.Sprintf("option '%s' must be a string with single character, but was: %s", key, v)}
		}
		return int(v[0]), nil
	}
	boolOpt := func(key string, dst *bool) error {
		v, ok := opts[key]
		if !ok {
			return nil
		}
		b, err := connector.ParseBool(v)
		if err != nil {
			return &ConfigError{fmt.Sprintf("invalid value %q for '%s': expected true or false", v, key)}
		}
		*dst = b
		return nil
	}
	disableQuote := false
	// In declaration order, so the first bad option reported is always the same.
	for _, o := range []struct {
		key string
		dst *bool
	}{{OptDisableQuoteCharacter, &disableQuote}, {OptAllowComments, &c.comments},
		{OptIgnoreParseErrors, &c.ignoreErrors}, {OptWriteBigDecimalSci, &c.sciDecimals}} {
		if err := boolOpt(o.key, o.dst); err != nil {
			return c, err
		}
	}
	if _, ok := opts[OptFieldDelimiter]; ok {
		d, err := char(OptFieldDelimiter)
		if err != nil {
			return c, err
		}
		c.delim = byte(d)
	}
	if _, ok := opts[OptQuoteCharacter]; ok {
		if disableQuote {
			return c, &ConfigError{"format cannot define a quote character and disabled quote character at the same time."}
		}
		q, err := char(OptQuoteCharacter)
		if err != nil {
			return c, err
		}
		c.quote = q
	}
	if disableQuote {
		c.quote = -1
	}
	if _, ok := opts[OptEscapeCharacter]; ok {
		e, err := char(OptEscapeCharacter)
		if err != nil {
			return c, err
		}
		c.escape = e
	}
	if v, ok := opts[OptArrayElementDelimiter]; ok {
		if v == "" {
			return c, &ConfigError{"option 'array-element-delimiter' must not be empty"}
		}
		c.arrayDelim = v
	}
	if v, ok := opts[OptNullLiteral]; ok {
		c.nullLiteral = &v
	}
	return c, nil
}

// split is a bufio.SplitFunc cutting records at newlines outside quotes,
// so a quoted field may hold line breaks.
func (c config) split(data []byte, atEOF bool) (int, []byte, error) {
	inQuote := false
	for i := 0; i < len(data); i++ {
		ch := data[i]
		switch {
		case c.escape >= 0 && int(ch) == c.escape:
			i++
		case c.quote >= 0 && int(ch) == c.quote:
			inQuote = !inQuote // a doubled quote toggles twice
		case ch == '\n' && !inQuote:
			return i + 1, dropCR(data[:i]), nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), dropCR(data), nil
	}
	return 0, nil, nil
}

func dropCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}
