package connector

import (
	"fmt"
	"sort"
	"strings"
)

// formatOpts holds each registered format's options (unprefixed). The
// format package fills it, since it imports connector and not the reverse.
var formatOpts = map[string][]Option{}

// RegisterFormatOptions records the options of format name so that
// ValidateTable can check a table's format options. format.Register calls
// it; nothing else should need to.
func RegisterFormatOptions(name string, opts []Option) {
	mu.Lock()
	defer mu.Unlock()
	formatOpts[name] = opts
}

// FormatOptions returns the options of format name without prefix, and
// whether the format is registered.
func FormatOptions(name string) ([]Option, bool) {
	mu.RLock()
	defer mu.RUnlock()
	o, ok := formatOpts[name]
	return o, ok
}

// FormatPrefix returns the prefix (without the trailing dot) of the
// options of format name when it is chosen by option formatKey, as Flink
// does: 'format' = 'csv' gives "csv" ('csv.field-delimiter');
// 'value.format' = 'json' gives "value.json".
func FormatPrefix(formatKey, name string) string {
	if pre, ok := strings.CutSuffix(formatKey, "format"); ok {
		return pre + name
	}
	return name
}

// ValidateTable checks a table's WITH options against connector f's spec
// plus the options of the format it chooses (prefixed by the format name).
// The 'connector' key itself is always accepted.
func ValidateTable(f *Factory, table string, opts map[string]string) error {
	specs := append([]Option{{Key: "connector", Type: TypeString, Required: true}}, f.Options...)
	for _, key := range append([]string{f.FormatOption}, f.MoreFormatOptions...) {
		if key == "" {
			continue
		}
		if name, ok := opts[key]; ok {
			fo, ok := FormatOptions(name)
			if !ok {
				return &ValidationError{table, fmt.Sprintf("could not find any format factory for identifier '%s'.\n\nAvailable factory identifiers are:\n\n%s",
					name, strings.Join(formatNames(), "\n"))}
			}
			pre := FormatPrefix(key, name) + "."
			for _, o := range fo {
				o.Key = pre + o.Key
				specs = append(specs, o)
			}
		}
	}
	withConnector := opts
	if _, ok := opts["connector"]; !ok {
		// Callers may strip 'connector' before validating; do not demand it.
		withConnector = make(map[string]string, len(opts)+1)
		for k, v := range opts {
			withConnector[k] = v
		}
		withConnector["connector"] = f.Name
	}
	return Validate(table, withConnector, specs)
}

func formatNames() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(formatOpts))
	for n := range formatOpts {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
