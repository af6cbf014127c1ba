package connector

import (
	"fmt"
	"strings"
)

// Markdown renders a connector's reference page (docs/connectors/<name>.md)
// from its spec, so the docs cannot drift from what WITH validates.
func Markdown(f *Factory) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s connector\n\n", f.Name)
	b.WriteString("<!-- Generated from the connector's option spec by connector.Markdown; do not edit. -->\n\n")
	if f.Description != "" {
		b.WriteString(f.Description + "\n\n")
	}
	var roles []string
	if f.NewSource != nil {
		roles = append(roles, "source")
	}
	if f.NewSink != nil {
		roles = append(roles, "sink")
	}
	fmt.Fprintf(&b, "Use as: %s.\n\n", strings.Join(roles, ", "))
	b.WriteString("```sql\nCREATE TABLE t (...) WITH (\n  'connector' = '" + f.Name + "'")
	for _, o := range f.Options {
		if o.Required {
			fmt.Fprintf(&b, ",\n  '%s' = '...'", o.Key)
		}
	}
	b.WriteString("\n);\n```\n\n")
	b.WriteString("## Options\n\n")
	b.WriteString(optionTable(append([]Option{{Key: "connector", Type: TypeString, Required: true,
		Description: fmt.Sprintf("Specify what connector to use, here should be '%s'.", f.Name)}}, f.Options...), ""))
	if f.FormatOption != "" {
		fmt.Fprintf(&b, "\n## Formats\n\nThe '%s' option chooses a format; the format's options are written with its name as prefix "+
			"(e.g. '%s.ignore-parse-errors'). See [formats](../formats/).\n", f.FormatOption, FormatPrefix(f.FormatOption, "json"))
	}
	return b.String()
}

// FormatMarkdown renders a format's reference page
// (docs/formats/<name>.md) from its registered options.
func FormatMarkdown(name, description string) string {
	opts, _ := FormatOptions(name)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s format\n\n", name)
	b.WriteString("<!-- Generated from the format's option spec by connector.FormatMarkdown; do not edit. -->\n\n")
	if description != "" {
		b.WriteString(description + "\n\n")
	}
	fmt.Fprintf(&b, "Chosen with `'format' = '%s'`; its options take the prefix `%s.`.\n\n## Options\n\n", name, name)
	b.WriteString(optionTable(append([]Option{{Key: "format", Type: TypeString, Required: true,
		Description: fmt.Sprintf("Specify what format to use, here should be '%s'.", name)}}, opts...), name+"."))
	return b.String()
}

func optionTable(opts []Option, prefix string) string {
	var b strings.Builder
	b.WriteString("| Option | Required | Default | Type | Description |\n|---|---|---|---|---|\n")
	for _, o := range opts {
		key := o.Key
		if o.Key != "format" {
			key = prefix + key
		}
		req := "optional"
		if o.Required {
			req = "required"
		}
		def := "(none)"
		if o.Default != "" {
			def = "`" + o.Default + "`"
		}
		typ := string(o.Type)
		if o.Type == TypeEnum {
			typ += " (" + strings.Join(o.Enum, ", ") + ")"
		}
		desc := strings.ReplaceAll(o.Description, "|", "\\|")
		if o.Pattern {
			desc += " ('#' or '*' stands for a name.)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", key, req, def, typ, desc)
	}
	return b.String()
}
