// Package format is the registry of record formats (csv, json, ...) that
// connectors use to turn bytes into Arrow columns and back.
//
// A format is chosen by a table's 'format' option; its own options are then
// written with the format's name as prefix ('csv.field-delimiter',
// 'json.ignore-parse-errors'), as in Flink. Each format lives in its own
// sub-package and registers itself in init; connector/all imports them.
package format

import (
	"bufio"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// Decoder turns records (one message, one line) into rows of a batch. It
// appends straight into typed Arrow builders, so a decoder is reused for
// many records and is not safe for concurrent use.
type Decoder interface {
	// Decode appends the rows of one record (usually one; none for a blank
	// or comment line). A bad record is an error naming the record and the
	// reason, unless the format's ignore-parse-errors option is set: then it
	// is skipped and counted.
	Decode(record []byte) error
	// Len returns the number of rows decoded since the last Flush.
	Len() int
	// Flush returns the rows decoded so far as a batch and starts a new one.
	Flush() *types.Batch
	// Skipped returns the number of records skipped as unparsable.
	Skipped() int64
}

// Encoder turns rows of a batch into records. Encode appends the record of
// row row to dst (without a trailing newline) and returns the extended
// slice; it fails only on values the format cannot represent (e.g. a NULL
// map key with json.map-null-key.mode = FAIL).
type Encoder interface {
	Encode(b *types.Batch, row int, dst []byte) ([]byte, error)
}

// Format describes and builds one format.
type Format struct {
	Name        string // the value of 'format'
	Description string
	// Options lists the format's own options without the format prefix
	// ("field-delimiter"), as Flink's format factories declare them.
	Options []connector.Option
	// NewDecoder builds a decoder; opts holds the format's options with the
	// prefix removed (see Strip). Nil if the format cannot read.
	NewDecoder func(schema *types.Schema, opts map[string]string) (Decoder, error)
	// NewEncoder builds an encoder; opts as for NewDecoder. Nil if the
	// format cannot write.
	NewEncoder func(schema *types.Schema, opts map[string]string) (Encoder, error)
	// Split, if set, cuts a byte stream (a file) into records; formats
	// whose records may span lines (quoted CSV fields) need it. Nil means
	// one record per line. opts as for NewDecoder.
	Split func(opts map[string]string) bufio.SplitFunc
	// NewRecordDecoder, if set, builds a decoder of single records into
	// caller-owned builders (see RecordDecoder); message connectors such
	// as Kafka need it. Nil if the format only decodes whole streams.
	NewRecordDecoder NewRecordDecoderFunc
	// ChangelogMode, if set, is the changelog a source reading the format
	// produces (debezium-json, canal-json: every row kind); nil means
	// insert-only. Connectors report it as their SourceMode.
	ChangelogMode func(opts map[string]string) types.ChangelogMode
	// SinkMode, if set, is the changelog an encoder of the format accepts;
	// nil means insert-only.
	SinkMode func(opts map[string]string) types.ChangelogMode
}

var (
	mu      sync.RWMutex
	formats = map[string]*Format{}
)

// Register adds a format and makes its options known to
// connector.ValidateTable; registering a name twice panics (a programming
// error caught by every test run).
func Register(f *Format) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := formats[f.Name]; dup {
		panic("format: " + f.Name + " registered twice")
	}
	formats[f.Name] = f
	connector.RegisterFormatOptions(f.Name, f.Options)
}

// Lookup returns the format called name, or an error listing the formats
// available.
func Lookup(name string) (*Format, error) {
	mu.RLock()
	defer mu.RUnlock()
	if f, ok := formats[name]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("could not find any format factory for identifier '%s'.\n\nAvailable factory identifiers are:\n\n%s",
		name, strings.Join(namesLocked(), "\n"))
}

// Names returns the registered format names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	out := make([]string, 0, len(formats))
	for n := range formats {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Strip returns the options of a table's WITH clause that belong to format
// name, with the "<name>." prefix removed.
func Strip(name string, tableOpts map[string]string) map[string]string {
	pre := name + "."
	out := map[string]string{}
	for k, v := range tableOpts {
		if rest, ok := strings.CutPrefix(k, pre); ok {
			out[rest] = v
		}
	}
	return out
}

// NewDecoder builds a decoder for the format named by the table option
// formatKey ("format"), passing it its prefixed options from tableOpts.
func NewDecoder(formatKey string, schema *types.Schema, tableOpts map[string]string) (Decoder, error) {
	f, err := lookupFor(formatKey, tableOpts)
	if err != nil {
		return nil, err
	}
	if f.NewDecoder == nil {
		return nil, fmt.Errorf("format '%s' cannot be used to read", f.Name)
	}
	return f.NewDecoder(schema, Strip(prefixFor(formatKey, f.Name), tableOpts))
}

// NewEncoder builds an encoder for the format named by the table option
// formatKey ("format"), passing it its prefixed options from tableOpts.
func NewEncoder(formatKey string, schema *types.Schema, tableOpts map[string]string) (Encoder, error) {
	f, err := lookupFor(formatKey, tableOpts)
	if err != nil {
		return nil, err
	}
	if f.NewEncoder == nil {
		return nil, fmt.Errorf("format '%s' cannot be used to write", f.Name)
	}
	return f.NewEncoder(schema, Strip(prefixFor(formatKey, f.Name), tableOpts))
}

func lookupFor(formatKey string, tableOpts map[string]string) (*Format, error) {
	name, ok := tableOpts[formatKey]
	if !ok {
		return nil, fmt.Errorf("option '%s' is required", formatKey)
	}
	return Lookup(name)
}

// prefixFor gives the option prefix of a format chosen by formatKey:
// 'format' = 'csv' → "csv"; 'value.format' = 'json' → "value.json".
func prefixFor(formatKey, name string) string {
	return connector.FormatPrefix(formatKey, name)
}

// SplitFunc returns how to cut a stream of the format named by table
// option formatKey into records: the format's own Split, or lines.
func SplitFunc(formatKey string, tableOpts map[string]string) (bufio.SplitFunc, error) {
	f, err := lookupFor(formatKey, tableOpts)
	if err != nil {
		return nil, err
	}
	if f.Split == nil {
		return bufio.ScanLines, nil
	}
	return f.Split(Strip(prefixFor(formatKey, f.Name), tableOpts)), nil
}

// DecodeError is a record that could not be decoded.
type DecodeError struct {
	Format string // "JSON", "CSV"
	Record []byte
	Err    error
}

func (e *DecodeError) Error() string {
	rec := e.Record
	if len(rec) > 512 { // keep logs readable for huge records
		rec = append(rec[:512:512], "..."...)
	}
	return fmt.Sprintf("failed to deserialize %s '%s': %v", e.Format, rec, e.Err)
}

// Unwrap returns the reason.
func (e *DecodeError) Unwrap() error { return e.Err }
