// Package canal is Flink's 'canal-json' changelog format: each record is
// a Canal change message {"data": [...], "old": [...], "type": ...} with
// one row image per changed row, read as +I (INSERT), -U/+U (UPDATE) or
// -D (DELETE) rows, so a table read with it is an updating source. DDL
// messages are skipped. Encoding writes +I/+U rows as INSERT and -U/-D
// rows as DELETE messages, as Flink does.
//
// The row images are decoded by the json format's RowReader, so types,
// timestamps and map keys follow the json format's options.
package canal

import (
	"fmt"
	"regexp"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

// Name is the format's identifier.
const Name = "canal-json"

// Option keys, without the 'canal-json.' prefix.
const (
	OptIgnoreParseErrors = "ignore-parse-errors"
	OptDatabaseInclude   = "database.include"
	OptTableInclude      = "table.include"
)

// Options is the format's option spec, as Flink documents it; the options
// it shares with the json format mean the same.
var Options = append([]connector.Option{
	{Key: OptIgnoreParseErrors, Type: connector.TypeBool, Default: "false",
		Description: "Skip fields and rows with parse errors instead of failing. Skipped rows are counted."},
	{Key: OptDatabaseInclude, Type: connector.TypeString,
		Description: "A regular expression matched against the \"database\" meta field of the Canal record: only the changelog records of the matching databases are read."},
	{Key: OptTableInclude, Type: connector.TypeString,
		Description: "A regular expression matched against the \"table\" meta field of the Canal record: only the changelog records of the matching tables are read."},
}, json.SharedOptions()...)

func init() {
	format.Register(&format.Format{
		Name:        Name,
		Description: "Canal change messages in JSON: a changelog of INSERT, UPDATE and DELETE messages, each with one or more rows.",
		Options:     Options,
		NewDecoder: func(s *types.Schema, opts map[string]string) (format.Decoder, error) {
			return format.NewBatchDecoder(s, opts, NewRecordDecoder)
		},
		NewEncoder:       NewEncoder,
		NewRecordDecoder: NewRecordDecoder,
		ChangelogMode:    func(map[string]string) types.ChangelogMode { return types.ModeAll },
		SinkMode:         func(map[string]string) types.ChangelogMode { return types.ModeAll },
	})
}

// ConfigError is an invalid canal-json option.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return Name + " format: " + e.Msg }

type config struct {
	ignoreErrors bool
	database     *regexp.Regexp // nil: every database
	table        *regexp.Regexp
}

func parseConfig(opts map[string]string) (config, error) {
	var c config
	if v, ok := opts[OptIgnoreParseErrors]; ok {
		b, err := connector.ParseBool(v)
		if err != nil {
			return c, &ConfigError{fmt.Sprintf("invalid value %q for '%s': expected true or false", v, OptIgnoreParseErrors)}
		}
		c.ignoreErrors = b
	}
	for _, o := range []struct {
		key string
		dst **regexp.Regexp
	}{{OptDatabaseInclude, &c.database}, {OptTableInclude, &c.table}} {
		if v, ok := opts[o.key]; ok {
			// Java's Matcher.matches() matches the whole name.
			re, err := regexp.Compile("^(?:" + v + ")$")
			if err != nil {
				return c, &ConfigError{fmt.Sprintf("invalid regular expression %q for '%s': %v", v, o.key, err)}
			}
			*o.dst = re
		}
	}
	return c, nil
}

// jsonOpts returns the options the row images' json reader understands.
func jsonOpts(opts map[string]string) map[string]string {
	out := map[string]string{}
	for _, o := range json.SharedOptions() {
		if v, ok := opts[o.Key]; ok {
			out[o.Key] = v
		}
	}
	return out
}
