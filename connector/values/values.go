// Package values is a test connector in the spirit of Flink's
// TestValuesTableFactory: a source replaying rows registered from Go
// (values.Register, option 'data-id'), optionally as a changelog, and a
// sink collecting what it receives so tests can read it back by table
// name (values.Results, values.RawResults).
package values

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// Option keys, as in Flink's test values connector.
const (
	OptDataID                   = "data-id"
	OptChangelogMode            = "changelog-mode"
	OptBounded                  = "bounded"
	OptSinkInsertOnly           = "sink-insert-only"
	OptSinkChangelogModeEnforce = "sink-changelog-mode-enforced"
)

// Factory is the values connector.
var Factory = &connector.Factory{
	Name:        "values",
	Description: "Test connector: a source of rows registered from Go with values.Register and a sink collecting rows for values.Results.",
	Options: []connector.Option{
		{Key: OptDataID, Type: connector.TypeString, Description: "The id returned by values.Register for the rows the source emits; without it the source is empty."},
		{Key: OptChangelogMode, Type: connector.TypeString, Default: "I",
			Description: "Comma-separated row kinds the source produces: I, UB, UA, D. When not insert-only, each registered row starts with its row kind (\"+I\", \"-U\", \"+U\", \"-D\" or a types.RowKind)."},
		{Key: OptBounded, Type: connector.TypeBool, Default: "false", Description: "Whether the source is bounded (the source always ends after its rows)."},
		{Key: OptSinkInsertOnly, Type: connector.TypeBool, Default: "true", Description: "Whether the sink accepts only inserts; false accepts every row kind."},
		{Key: OptSinkChangelogModeEnforce, Type: connector.TypeString,
			Description: "Comma-separated row kinds the sink accepts (I, UB, UA, D); overrides sink-insert-only."},
	},
	NewSource:     newSource,
	NewSink:       newSink,
	SourceBounded: func(o map[string]string) bool { return boolOpt(o, OptBounded, false) },
	SourceMode: func(o map[string]string) types.ChangelogMode {
		m, _ := ParseChangelogMode(orDefault(o, OptChangelogMode, "I"))
		return m
	},
	SinkMode:          sinkMode,
	SourceParallelism: func(map[string]string) int { return 1 },
}

func init() { connector.Register(Factory) }

func orDefault(o map[string]string, k, d string) string {
	if v, ok := o[k]; ok {
		return v
	}
	return d
}

func boolOpt(o map[string]string, k string, d bool) bool {
	b, err := connector.ParseBool(orDefault(o, k, strconv.FormatBool(d)))
	if err != nil {
		return d
	}
	return b
}

func sinkMode(o map[string]string) types.ChangelogMode {
	if v, ok := o[OptSinkChangelogModeEnforce]; ok {
		if m, err := ParseChangelogMode(v); err == nil {
			return m
		}
	}
	if boolOpt(o, OptSinkInsertOnly, true) {
		return types.ModeInsertOnly
	}
	return types.ModeAll
}

// ParseChangelogMode parses Flink's "I,UB,UA,D" notation.
func ParseChangelogMode(s string) (types.ChangelogMode, error) {
	var m types.ChangelogMode
	for _, p := range strings.Split(s, ",") {
		switch strings.TrimSpace(p) {
		case "I":
			m |= 1 << types.Insert
		case "UB":
			m |= 1 << types.UpdateBefore
		case "UA":
			m |= 1 << types.UpdateAfter
		case "D":
			m |= 1 << types.Delete
		default:
			return 0, fmt.Errorf("invalid changelog mode %q: expected a comma-separated list of I, UB, UA, D", s)
		}
	}
	return m, nil
}

var (
	mu      sync.Mutex
	nextID  int
	data    = map[string][][]any{}
	results = map[string]*collected{}
)

// Register stores rows for a values source and returns the id to put in
// the table's 'data-id' option. Values are Go values of the columns' types
// (see types.Value); plain Go ints, floats and strings are converted to
// the column type when the source opens.
func Register(rows [][]any) string {
	mu.Lock()
	defer mu.Unlock()
	nextID++
	id := strconv.Itoa(nextID)
	data[id] = rows
	return id
}

// Clear forgets all registered data and collected results.
func Clear() {
	mu.Lock()
	defer mu.Unlock()
	data = map[string][][]any{}
	results = map[string]*collected{}
}
