package plan

import (
	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/types"
)

// metadataKeys gives, for each field of schema (a source or sink schema of
// t), the metadata key the connector reads or writes for it ("" for a
// physical column), or nil when t declares no metadata column, so
// connectors without metadata support see nothing new.
func metadataKeys(t *catalog.Table, schema *types.Schema) []string {
	if t == nil {
		return nil
	}
	var out []string
	for i, f := range schema.Fields {
		c := t.Column(f.Name)
		if c == nil || c.Kind != catalog.Metadata {
			continue
		}
		if out == nil {
			out = make([]string, len(schema.Fields))
		}
		out[i] = c.MetadataKey
		if out[i] == "" {
			out[i] = c.Name
		}
	}
	return out
}
