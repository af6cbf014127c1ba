package functions

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spry-engine/spry/expr"
)

// docEntry is one function's documentation, whatever its kind.
type docEntry struct {
	name, kind string
	doc        expr.Doc
}

// Markdown renders the reference of every function in r (scalar, aggregate
// and table), grouped by category, as docs/functions.md shows it.
func Markdown(r *expr.Registry) string {
	var all []docEntry
	for _, f := range r.Scalars() {
		all = append(all, docEntry{f.Name, "scalar", f.Doc})
	}
	for _, f := range r.Aggregates() {
		all = append(all, docEntry{f.Name, "aggregate", f.Doc})
	}
	for _, f := range r.Tables() {
		all = append(all, docEntry{f.Name, "table", f.Doc})
	}
	byCat := map[string][]docEntry{}
	for _, e := range all {
		c := e.doc.Category
		if c == "" {
			c = map[string]string{"scalar": "Other", "aggregate": "Aggregate", "table": "Table"}[e.kind]
		}
		byCat[c] = append(byCat[c], e)
	}
	cats := make([]string, 0, len(byCat))
	for c := range byCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)

	var b strings.Builder
	b.WriteString("# Built-in functions\n\n")
	b.WriteString("<!-- Generated from the function registry by `go test ./expr/functions -run TestFunctionsDoc -update`. Do not edit. -->\n\n")
	fmt.Fprintf(&b, "Spry implements %d built-in functions with Apache Flink's semantics. ", len(all))
	b.WriteString("Operators are listed under the names the SQL binder calls them by.\n\n")
	for _, c := range cats {
		fmt.Fprintf(&b, "- [%s](#%s) (%d)\n", c, anchor(c), len(byCat[c]))
	}
	for _, c := range cats {
		es := byCat[c]
		sort.Slice(es, func(i, j int) bool { return es[i].name < es[j].name })
		fmt.Fprintf(&b, "\n## %s\n", c)
		for _, e := range es {
			fmt.Fprintf(&b, "\n### `%s`\n\n", e.name)
			if e.kind != "scalar" {
				fmt.Fprintf(&b, "*%s function*\n\n", e.kind)
			}
			if e.doc.Syntax != "" {
				fmt.Fprintf(&b, "```sql\n%s\n```\n\n", e.doc.Syntax)
			}
			if e.doc.Description != "" {
				b.WriteString(e.doc.Description)
				b.WriteString("\n")
			}
			if len(e.doc.Examples) > 0 {
				b.WriteString("\nExamples:\n\n")
				for _, x := range e.doc.Examples {
					fmt.Fprintf(&b, "- `%s`\n", x)
				}
			}
		}
	}
	return b.String()
}

// anchor is the GitHub-style heading anchor of a category name.
func anchor(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}
