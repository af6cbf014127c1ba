// Package printer renders query results as Flink's SQL client and
// TableResult.print() do: the boxed "tableau" form (with an op column for
// changelogs), the plain changelog form and the materialised "table" form.
package printer

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spry-engine/spry/types"
)

// NullText is how tableau renders NULL.
const NullText = "<NULL>"

// DefaultMaxColumnWidth is Flink's sql-client.display.max-column-width.
const DefaultMaxColumnWidth = 30

const truncatedFlag = "..."

// Tableau prints rows in boxes. For a streaming (changelog) result the
// column widths come from the column types, so rows can be printed as they
// arrive; for a bounded batch result they come from the content.
type Tableau struct {
	w         io.Writer
	schema    *types.Schema
	changelog bool
	loc       *time.Location
	maxWidth  int
	widths    []int
	names     []string
	rows      int
	started   bool
}

// NewTableau makes a tableau printer. changelog adds Flink's "op" column.
func NewTableau(w io.Writer, schema *types.Schema, changelog bool, loc *time.Location, maxWidth int) *Tableau {
	if maxWidth <= 0 {
		maxWidth = DefaultMaxColumnWidth
	}
	if loc == nil {
		loc = time.UTC
	}
	t := &Tableau{w: w, schema: schema, changelog: changelog, loc: loc, maxWidth: maxWidth}
	if changelog {
		t.names = append(t.names, "op")
	}
	t.names = append(t.names, schema.Names()...)
	return t
}

// Strings renders one row as the cells Tableau prints.
func (t *Tableau) Strings(kind types.RowKind, row []any) []string {
	cells := make([]string, 0, len(t.names))
	if t.changelog {
		cells = append(cells, kind.String())
	}
	for i, v := range row {
		cells = append(cells, types.Format(v, t.schema.Fields[i].Type, t.loc, NullText))
	}
	return cells
}

// Begin prints the header with widths derived from the column types; call
// Row for each row as it arrives and End at the end.
func (t *Tableau) Begin() {
	t.widths = t.widthsByType()
	t.header()
}

func (t *Tableau) header() {
	t.started = true
	t.border()
	t.line(t.names)
	t.border()
}

// Row prints one row (after Begin).
func (t *Tableau) Row(kind types.RowKind, row []any) {
	t.line(t.Strings(kind, row))
	t.rows++
}

// End closes the box and prints Flink's footer for a streaming result.
func (t *Tableau) End() {
	if t.rows > 0 {
		t.border()
	}
	fmt.Fprintf(t.w, "Received a total of %d %s\n", t.rows, plural(t.rows))
}

// PrintAll prints a bounded result with widths fitted to its content and
// Flink's "N rows in set" footer (or "Empty set").
func (t *Tableau) PrintAll(kinds []types.RowKind, rows [][]any) {
	if len(rows) == 0 {
		fmt.Fprintln(t.w, "Empty set")
		return
	}
	cells := make([][]string, len(rows))
	t.widths = make([]int, len(t.names))
	for i, n := range t.names {
		t.widths[i] = displayWidth(n)
	}
	for r, row := range rows {
		cells[r] = t.Strings(kinds[r], row)
		for i, c := range cells[r] {
			t.widths[i] = max(t.widths[i], displayWidth(c))
		}
	}
	for i := range t.widths {
		t.widths[i] = min(t.widths[i], t.maxWidth)
	}
	t.header()
	for _, c := range cells {
		t.line(c)
	}
	t.border()
	fmt.Fprintf(t.w, "%d %s in set\n", len(rows), plural(len(rows)))
}

func plural(n int) string {
	if n == 1 {
		return "row"
	}
	return "rows"
}

func (t *Tableau) border() {
	var b strings.Builder
	b.WriteByte('+')
	for _, w := range t.widths {
		b.WriteString(strings.Repeat("-", w+2))
		b.WriteByte('+')
	}
	b.WriteByte('\n')
	io.WriteString(t.w, b.String())
}

// line prints cells right-aligned, truncating long ones with "...".
func (t *Tableau) line(cells []string) {
	var b strings.Builder
	b.WriteByte('|')
	for i, c := range cells {
		b.WriteByte(' ')
		w := t.widths[i]
		if dw := displayWidth(c); dw <= w {
			b.WriteString(strings.Repeat(" ", w-dw))
			b.WriteString(c)
		} else {
			if w < len(truncatedFlag) { // too narrow for "...": cut the flag too
				b.WriteString(truncatedFlag[:w])
			} else {
				b.WriteString(truncate(c, w-len(truncatedFlag)))
				b.WriteString(truncatedFlag)
			}
		}
		b.WriteString(" |")
	}
	b.WriteByte('\n')
	io.WriteString(t.w, b.String())
}

// widthsByType sizes columns from their types, as Flink does for streaming
// results whose values are not known in advance.
func (t *Tableau) widthsByType() []int {
	var ws []int
	if t.changelog {
		ws = append(ws, 2)
	}
	for _, f := range t.schema.Fields {
		var n int
		switch f.Type.Kind {
		case types.KindTinyInt:
			n = 4
		case types.KindSmallInt:
			n = 6
		case types.KindInt:
			n = 11
		case types.KindBigInt:
			n = 20
		case types.KindDecimal:
			n = f.Type.Prec + 2
		case types.KindBoolean:
			n = 5
		case types.KindDate:
			n = 10
		case types.KindTime:
			n = 8
			if f.Type.Prec > 0 {
				n = f.Type.Prec + 9
			}
		case types.KindTimestamp, types.KindTimestampLTZ:
			switch p := f.Type.Prec; {
			case p == 0:
				n = 19
			case p <= 3:
				n = 23
			case p <= 6:
				n = 26
			default:
				n = 29
			}
		default:
			n = t.maxWidth
		}
		n = max(n, len(NullText), displayWidth(f.Name))
		ws = append(ws, n)
	}
	return ws
}

// displayWidth counts East Asian wide characters as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if isWide(r) {
			n++
		}
	}
	return n
}

func isWide(r rune) bool {
	return r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
		(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) || (r >= 0xac00 && r <= 0xd7a3) ||
		(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
		(r >= 0xffe0 && r <= 0xffe6) || (r >= 0x1f300 && r <= 0x1f64f) || (r >= 0x20000 && r <= 0x3fffd))
}

// truncate keeps the longest prefix of s that fits width columns, padded
// on the left to exactly width.
func truncate(s string, width int) string {
	used := 0
	end := 0
	for i, r := range s {
		w := 1
		if isWide(r) {
			w = 2
		}
		if used+w > width {
			break
		}
		used += w
		end = i + utf8.RuneLen(r)
	}
	return strings.Repeat(" ", max(0, width-used)) + s[:end]
}
