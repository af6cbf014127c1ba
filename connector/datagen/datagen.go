// Package datagen is Flink's 'datagen' connector: a source generating
// random or sequential rows, unbounded unless 'number-of-rows' is set or
// every field is a sequence, at 'rows-per-second' shared by the subtasks.
//
// Values are generated a batch at a time into typed Arrow builders. The
// random generator is seeded per subtask, so a test sees the same rows on
// every run (Flink's are not reproducible; nothing depends on that).
//
// The source's position is checkpointed (checkpoint.go, package lanes):
// a restored job continues the sequences and the random streams where
// the checkpoint left them, at the same or another parallelism.
package datagen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spry-engine/spry/connector"
)

// Option keys; fields.#.* take a column name for '#'.
const (
	OptRowsPerSecond  = "rows-per-second"
	OptNumberOfRows   = "number-of-rows"
	OptScanParallel   = "scan.parallelism"
	fieldKind         = "kind"
	fieldMin          = "min"
	fieldMax          = "max"
	fieldMaxPast      = "max-past"
	fieldLength       = "length"
	fieldVarLen       = "var-len"
	fieldStart        = "start"
	fieldEnd          = "end"
	fieldNullRate     = "null-rate"
	kindRandom        = "random"
	kindSequence      = "sequence"
	defaultRowsPerSec = 10000
	defaultLength     = 100
)

// Factory is the datagen connector.
var Factory = &connector.Factory{
	Name: "datagen",
	Description: "Generates random or sequential rows, for demos and tests. " +
		"Its position is stored in checkpoints: a restored job emits each sequence value once, at the same or another parallelism.",
	Options: []connector.Option{
		{Key: OptRowsPerSecond, Type: connector.TypeInt, Default: strconv.Itoa(defaultRowsPerSec),
			Description: "Rows per second to control the emit rate."},
		{Key: OptNumberOfRows, Type: connector.TypeInt,
			Description: "The total number of rows to emit. By default, the table is unbounded."},
		{Key: OptScanParallel, Type: connector.TypeInt,
			Description: "Defines the parallelism of the source. If not set, the global default parallelism is used."},
		{Key: "fields.#.kind", Type: connector.TypeEnum, Enum: []string{kindRandom, kindSequence}, Default: kindRandom, Pattern: true,
			Description: "Generator of this '#' field. Can be 'sequence' or 'random'."},
		{Key: "fields.#.min", Type: connector.TypeString, Pattern: true,
			Description: "Minimum value of random generator, work for numeric types. Default: the type's minimum."},
		{Key: "fields.#.max", Type: connector.TypeString, Pattern: true,
			Description: "Maximum value of random generator, work for numeric types. Default: the type's maximum."},
		{Key: "fields.#.max-past", Type: connector.TypeDuration, Default: "0", Pattern: true,
			Description: "Maximum past of timestamp random generator, only works for timestamp types."},
		{Key: "fields.#.length", Type: connector.TypeInt, Default: strconv.Itoa(defaultLength), Pattern: true,
			Description: "Size or length of the collection for generating char/varchar/string/array/map/multiset types."},
		{Key: "fields.#.var-len", Type: connector.TypeBool, Default: "false", Pattern: true,
			Description: "Whether to generate a variable-length data, please notice that it should only be used for variable-length types (varchar, string, varbinary, bytes)."},
		{Key: "fields.#.start", Type: connector.TypeString, Pattern: true,
			Description: "Start value of sequence generator."},
		{Key: "fields.#.end", Type: connector.TypeString, Pattern: true,
			Description: "End value of sequence generator."},
		{Key: "fields.#.null-rate", Type: connector.TypeString, Default: "0", Pattern: true,
			Description: "The proportion of null values."},
	},
	NewSource:     newSource,
	SourceBounded: bounded,
}

func init() { connector.Register(Factory) }

// bounded: a row limit, or only sequence fields (which run out).
func bounded(opts map[string]string) bool {
	if _, ok := opts[OptNumberOfRows]; ok {
		return true
	}
	seq, other := false, false
	for k, v := range opts {
		if strings.HasPrefix(k, "fields.") && strings.HasSuffix(k, "."+fieldKind) {
			if strings.EqualFold(v, kindSequence) {
				seq = true
			} else {
				other = true
			}
		}
	}
	return seq && !other
}

// fieldOpt returns fields.<name>.<key>.
func fieldOpt(opts map[string]string, name, key string) (string, bool) {
	v, ok := opts["fields."+name+"."+key]
	return v, ok
}

// OptionError is a bad datagen field option.
type OptionError struct {
	Table, Field, Msg string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("table %s: datagen field '%s': %s", e.Table, e.Field, e.Msg)
}
