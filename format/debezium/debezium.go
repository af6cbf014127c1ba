// Package debezium is Flink's 'debezium-json' changelog format: each
// record is a Debezium change event {"before": ..., "after": ..., "op": ...}
// and becomes +I (op c or r), -U and +U (u) or -D (d) rows, so a table read
// with it is an updating source. Encoding writes +I/+U rows as creates and
// -U/-D rows as deletes, as Flink does.
//
// The row images are decoded by the json format's RowReader, so types,
// timestamps and map keys follow the json format's options.
package debezium

import (
	"fmt"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

// Name is the format's identifier.
const Name = "debezium-json"

// Option keys, without the 'debezium-json.' prefix.
const (
	OptSchemaInclude     = "schema-include"
	OptIgnoreParseErrors = "ignore-parse-errors"
)

// Options is the format's option spec, as Flink documents it; the options
// it shares with the json format mean the same.
var Options = append([]connector.Option{
	{Key: OptSchemaInclude, Type: connector.TypeBool, Default: "false",
		Description: "When setting up a Debezium Kafka Connect, users may enable a Kafka configuration 'value.converter.schemas.enable' to include schema in the message. This option indicates whether the Debezium JSON message includes the schema or not."},
	{Key: OptIgnoreParseErrors, Type: connector.TypeBool, Default: "false",
		Description: "Skip fields and rows with parse errors instead of failing. Skipped rows are counted."},
}, json.SharedOptions()...)

func init() {
	format.Register(&format.Format{
		Name:        Name,
		Description: "Debezium change events in JSON: a changelog of inserts (op c, r), updates (u) and deletes (d).",
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

// ConfigError is an invalid debezium-json option.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return Name + " format: " + e.Msg }

type config struct {
	schemaInclude bool
	ignoreErrors  bool
}

func parseConfig(opts map[string]string) (config, error) {
	var c config
	for _, o := range []struct {
		key string
		dst *bool
	}{{OptSchemaInclude, &c.schemaInclude}, {OptIgnoreParseErrors, &c.ignoreErrors}} {
		if v, ok := opts[o.key]; ok {
			b, err := connector.ParseBool(v)
			if err != nil {
				return c, &ConfigError{fmt.Sprintf("invalid value %q for '%s': expected true or false", v, o.key)}
			}
			*o.dst = b
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
