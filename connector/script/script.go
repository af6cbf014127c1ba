// Package script is a test-only connector ('connector' = 'script'): a
// source whose rows, watermarks, barriers and end of input come from a
// script that a test fills in the same process, step by step, and a sink
// whose rows and barriers the test reads back (Outputs). The time-scripted
// streaming tests (package streamtest, testdata/stream/*.test) drive it:
// they append a step's rows and watermarks, then a barrier, and wait until
// the query's output shows that barrier, so each step's changelog is known
// exactly.
//
// A table names its script with 'script.id' (default: the table's own
// name, e.g. 'orders'). Scripts live in a process-wide registry: Get
// creates one on first use, Reset forgets them all between test queries,
// so one process runs one scripted query at a time (tests using scripts
// must not run in parallel).
// Every source instance reading a script reads all of its events (a
// self-join sees the same rows twice) and the source's parallelism is 1.
// It is not meant for production jobs: an unfed script never ends.
package script

import (
	"strings"
	"sync"
	"time"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/values"
	"github.com/spry-engine/spry/types"
)

// Option keys.
const (
	OptID            = "script.id"
	OptChangelogMode = "changelog-mode"
	OptBounded       = "bounded"
)

// Factory is the script connector.
var Factory = &connector.Factory{
	Name: "script",
	Description: "Test-only source whose rows, watermarks and steps come from a script filled by the " +
		"time-scripted test runner (package streamtest, testdata/stream/*.test) in the same process, " +
		"and sink whose rows and steps that runner reads back. " +
		"The source's parallelism is 1. Watermarks given by the script reach tables declaring " +
		"`WATERMARK FOR ts AS SOURCE_WATERMARK()`; other WATERMARK clauses derive them from the rows.",
	Options: []connector.Option{
		{Key: OptID, Type: connector.TypeString,
			Description: "Name of the script the source reads; defaults to the table's name (the last part of its path)."},
		{Key: OptChangelogMode, Type: connector.TypeString, Default: "I",
			Description: "Comma-separated row kinds the source produces: I, UB, UA, D (as Flink's test values connector); a script row of another kind fails the job."},
		{Key: OptBounded, Type: connector.TypeBool, Default: "false",
			Description: "Whether the planner treats the source as bounded (for batch mode); the source ends when the script ends, either way."},
		{Key: OptSinkChangelogMode, Type: connector.TypeString, Default: "I,UB,UA,D",
			Description: "Comma-separated row kinds the sink accepts (I, UB, UA, D); e.g. 'I' makes an updating INSERT fail to plan, 'I,UA,D' asks for an upsert stream."},
	},
	NewSource: newSource,
	NewSink:   newSink,
	SinkMode:  sinkMode,
	SourceBounded: func(o map[string]string) bool {
		b, err := connector.ParseBool(orDefault(o, OptBounded, "false"))
		return err == nil && b
	},
	SourceMode: func(o map[string]string) types.ChangelogMode {
		m, _ := values.ParseChangelogMode(orDefault(o, OptChangelogMode, "I"))
		return m
	},
	SourceParallelism: func(map[string]string) int { return 1 },
}

func init() { connector.Register(Factory) }

func orDefault(o map[string]string, k, d string) string {
	if v, ok := o[k]; ok {
		return v
	}
	return d
}

// scriptID is the script a table reads.
func scriptID(t *connector.Table) string {
	if id, ok := t.Options[OptID]; ok && id != "" {
		return id
	}
	name := t.Name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// eventKind tells what a script event is.
type eventKind uint8

const (
	evRow eventKind = iota
	evWatermark
	evBarrier
	evEnd
)

// event is one entry of a script. A row holds its values as text (or nil
// for NULL), converted to the column types by CAST when read.
type event struct {
	kind eventKind
	row  Row
	ts   int64 // watermark (µs) or barrier id
	line int   // source line in the test file, for error messages
}

// Row is one changelog row of a script: its kind and one value per
// physical column of the table, each nil (NULL) or the value's text as
// Flink prints it ('2020-01-01 00:00:01.000' for a TIMESTAMP(3)).
type Row struct {
	Kind   types.RowKind
	Values []*string
	// Line is the test file line the row comes from (0 if none).
	Line int
}

// Script is an append-only list of events read by the sources of one
// script table. It is safe for concurrent use.
type Script struct {
	mu     sync.Mutex
	events []event
	notify chan struct{} // closed and replaced when events are appended
}

func newScript(broadcast []event) *Script {
	return &Script{events: append([]event(nil), broadcast...), notify: make(chan struct{})}
}

func (s *Script) add(e event) {
	s.mu.Lock()
	s.events = append(s.events, e)
	close(s.notify)
	s.notify = make(chan struct{})
	s.mu.Unlock()
}

// AddRow appends a changelog row.
func (s *Script) AddRow(r Row) { s.add(event{kind: evRow, row: r, line: r.Line}) }

// AddWatermark appends a watermark (µs since the epoch), which sources
// report through connector.WatermarkSource after the rows before it.
func (s *Script) AddWatermark(ts int64) { s.add(event{kind: evWatermark, ts: ts}) }

// at returns event i, or a channel closed when more events arrive.
func (s *Script) at(i int) (event, bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < len(s.events) {
		return s.events[i], true, nil
	}
	return event{}, false, s.notify
}

var (
	regMu     sync.Mutex
	scripts   = map[string]*Script{}
	broadcast []event // barriers and ends given to every script, for late ones
	location  = time.UTC
	outputs   = make(chan Output, outputCapacity)
)

// SetLocation sets the time zone TIMESTAMP_LTZ texts of script rows are
// read in (the session's table.local-time-zone); Reset restores UTC.
func SetLocation(loc *time.Location) {
	regMu.Lock()
	defer regMu.Unlock()
	if loc == nil {
		loc = time.UTC
	}
	location = loc
}

func currentLocation() *time.Location {
	regMu.Lock()
	defer regMu.Unlock()
	return location
}

// Get returns the script named id, creating it (with the barriers and ends
// broadcast so far) if needed.
func Get(id string) *Script {
	regMu.Lock()
	defer regMu.Unlock()
	s, ok := scripts[id]
	if !ok {
		s = newScript(broadcast)
		scripts[id] = s
	}
	return s
}

// Barrier appends barrier id to every script, present and future: every
// script source emits it after the events appended before it.
func Barrier(id int64) { broadcastEvent(event{kind: evBarrier, ts: id}) }

// End ends every script, present and future: their sources end after the
// events appended before it.
func End() { broadcastEvent(event{kind: evEnd}) }

func broadcastEvent(e event) {
	regMu.Lock()
	defer regMu.Unlock()
	broadcast = append(broadcast, e)
	for _, s := range scripts {
		s.add(e)
	}
}

// Reset forgets every script; call it before starting a new query.
func Reset() {
	regMu.Lock()
	defer regMu.Unlock()
	scripts = map[string]*Script{}
	broadcast = nil
	location = time.UTC
	outputs = make(chan Output, outputCapacity)
}
