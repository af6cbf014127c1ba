package printer

import (
	"io"
	"slices"
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
	// Each kept row's key is rendered once, not again on every retraction.
	var out [][]any
	var keys []string
	key := func(r []any) string { return RowString(types.Insert, r, schema, time.UTC, "NULL") }
	for i, r := range rows {
		k := key(r)
		if kinds[i].IsAdditive() {
			out, keys = append(out, r), append(keys, k)
			continue
		}
		if j := slices.Index(keys, k); j >= 0 {
			out, keys = slices.Delete(out, j, j+1), slices.Delete(keys, j, j+1)
		}
	}
	return out
}
