package printer

import (
	"io"
	"strings"
	"time"

	"github.com/spry-engine/spry/types"
)

// RowString renders a row as Flink's Row.toString and the print connector
// do: +I[Apache Flink, 2]. NULL renders as nullText.
func RowString(kind types.RowKind, row []any, schema *types.Schema, loc *time.Location, nullText string) string {
	var b strings.Builder
	b.WriteString(kind.String())
	b.WriteByte('[')
	for i, v := range row {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(types.Format(v, schema.Fields[i].Type, loc, nullText))
	}
	b.WriteByte(']')
	return b.String()
}

// Changelog prints each row on its own line in RowString form.
func Changelog(w io.Writer, schema *types.Schema, loc *time.Location, kinds []types.RowKind, rows [][]any) {
	for i, r := range rows {
		io.WriteString(w, RowString(kinds[i], r, schema, loc, "NULL")+"\n")
	}
}

// Materialize applies a changelog to a table keyed on whole rows, as the
// SQL client's "table" result mode shows it: +I/+U add a row, -U/-D remove
// one matching row. The order of first insertion is kept.
func Materialize(kinds []types.RowKind, rows [][]any, schema *types.Schema) [][]any {
	var out [][]any
	key := func(r []any) string { return RowString(types.Insert, r, schema, time.UTC, "NULL") }
	for i, r := range rows {
		if kinds[i].IsAdditive() {
			out = append(out, r)
			continue
		}
		k := key(r)
		for j := range out {
			if key(out[j]) == k {
				out = append(out[:j], out[j+1:]...)
				break
			}
		}
	}
	return out
}
