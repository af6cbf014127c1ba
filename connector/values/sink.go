package values

import (
	"context"
	"fmt"
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/print"
	"github.com/spry-engine/spry/types"
)

// Row is one row received by a values sink, with its kind.
type Row struct {
	Kind   types.RowKind
	Values []any
	text   string
}

// String renders the row as Flink prints it: +I[a, 1].
func (r Row) String() string { return r.text }

type collected struct {
	raw []Row
}

type sink struct {
	table *connector.Table
	mode  types.ChangelogMode
	c     *collected
}

var _ connector.Sink = (*sink)(nil)

func newSink(t *connector.Table) (connector.Sink, error) {
	return &sink{table: t, mode: sinkMode(t.Options)}, nil
}

// shortName is the last part of a qualified table name: results are
// found by either.
func shortName(n string) string { return n[strings.LastIndexByte(n, '.')+1:] }

// Open finds or makes the table's result list, shared by all subtasks
// and kept until Clear.
func (s *sink) Open(context.Context, connector.Task) error {
	mu.Lock()
	defer mu.Unlock()
	c, ok := results[s.table.Name]
	if !ok {
		c = &collected{}
		results[s.table.Name] = c
		results[shortName(s.table.Name)] = c
	}
	s.c = c
	return nil
}

// Write records every row.
func (s *sink) Write(_ context.Context, b *types.Batch) error {
	mu.Lock()
	defer mu.Unlock()
	for i := 0; i < b.Len(); i++ {
		k := b.Kind(i)
		if !s.mode.Contains(k) {
			return fmt.Errorf("table %s: values sink got a %s row but accepts %s", s.table.Name, k, s.mode)
		}
		vals := b.Row(i)
		s.c.raw = append(s.c.raw, Row{Kind: k, Values: vals, text: print.FormatRow(k, vals, b.Schema)})
	}
	return nil
}

// Finish does nothing: rows are recorded as they come.
func (s *sink) Finish(context.Context) error { return nil }

// Close does nothing.
func (s *sink) Close() error { return nil }

// RawResults returns the changelog a values sink table received, in
// arrival order (per subtask).
func RawResults(table string) []Row {
	mu.Lock()
	defer mu.Unlock()
	if c, ok := results[table]; ok {
		return append([]Row(nil), c.raw...)
	}
	return nil
}

// Results returns the rows a values sink table holds after applying its
// changelog: +I and +U add a row, -U and -D remove an equal one. The rows
// are rendered as Flink's test sink shows them, "+I[a, 1]".
func Results(table string) []string {
	var out []string
	for _, r := range RawResults(table) {
		text := "+I" + strings.TrimPrefix(r.text, r.Kind.String())
		if r.Kind.IsAdditive() {
			out = append(out, text)
			continue
		}
		for i, o := range out {
			if o == text {
				out = append(out[:i], out[i+1:]...)
				break
			}
		}
	}
	return out
}
