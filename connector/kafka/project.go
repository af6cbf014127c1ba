package kafka

import (
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// prunable are the formats that find columns by name, so a decoder built
// for fewer columns simply skips the others' bytes: a pushed-down
// projection then decodes only the columns the query reads. Positional
// formats (csv, avro, raw) decode every column and the batch is narrowed
// afterwards.
var prunable = map[string]bool{"json": true, "debezium-json": true, "canal-json": true}

// projected returns the table the source decodes for a pushed-down
// projection (t.Projection): the projected columns alone when every
// format involved is prunable, else t itself; and the columns to select
// from the decoded batches (nil: none to select).
func projected(t *connector.Table) (*connector.Table, []int) {
	if t.Projection == nil {
		return t, nil
	}
	ok := prunable[t.Options[valueFormatKey(t.Options)]]
	if kf, has := t.Options[OptKeyFormat]; has && !prunable[kf] {
		ok = false
	}
	if !ok {
		return t, t.Projection
	}
	p := *t
	p.Schema = &types.Schema{}
	if t.Metadata != nil {
		p.Metadata = make([]string, 0, len(t.Projection))
	}
	keep := map[string]bool{}
	for _, c := range t.Projection {
		f := t.Schema.Fields[c]
		p.Schema.Fields = append(p.Schema.Fields, f)
		keep[f.Name] = true
		if t.Metadata != nil {
			p.Metadata = append(p.Metadata, t.Metadata[c])
		}
	}
	p.Projection, p.PrimaryKey = nil, nil
	for _, k := range t.PrimaryKey {
		if i := p.Schema.Index(t.Schema.Fields[k].Name); i >= 0 {
			p.PrimaryKey = append(p.PrimaryKey, i)
		}
	}
	if kf, has := t.Options[OptKeyFields]; has {
		var kept []string
		for _, k := range strings.Split(kf, ";") {
			if k = strings.TrimSpace(k); keep[k] {
				kept = append(kept, k)
			}
		}
		opts := make(map[string]string, len(t.Options))
		for k, v := range t.Options {
			opts[k] = v
		}
		if len(kept) == 0 { // no key column read: do not decode keys
			delete(opts, OptKeyFields)
			delete(opts, OptKeyFormat)
		} else {
			opts[OptKeyFields] = strings.Join(kept, ";")
		}
		p.Options = opts
	}
	return &p, nil
}
