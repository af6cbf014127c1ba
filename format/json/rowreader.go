package json

import (
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/valyala/fastjson"

	"github.com/spry-engine/spry/types"
)

// RowReader decodes JSON objects that are already parsed into one row of
// builders each. The changelog formats (debezium-json, canal-json) use it
// for the row images inside their envelopes, so they share the json
// format's type conversions and options (timestamp-format.standard,
// map-null-key.*) exactly.
//
// Like the Decoder it is two-phase: Parse converts into scratch, Append
// writes; only the last parsed object can be appended.
type RowReader struct{ d *Decoder }

// NewRowReader builds a reader of objects with the columns of schema,
// appending into builders (one per field). opts are json options without
// prefix; keys the json format does not know are ignored.
func NewRowReader(schema *types.Schema, opts map[string]string, builders []array.Builder) (*RowReader, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	cfg.failOnMissing = false
	d, err := newDecoder(schema, cfg, builders)
	if err != nil {
		return nil, err
	}
	return &RowReader{d: d}, nil
}

// Reset frees the scratch memory of the previous record; call it once per
// record before the first Parse.
func (r *RowReader) Reset() { r.d.arena.Reset() }

// Parse converts object v; absent fields are NULL.
func (r *RowReader) Parse(v *fastjson.Value) error { return r.d.top.parse(v) }

// ParseOver converts object v where fields absent from v take their value
// from object base: canal-json's "old" image holds only the fields an
// update changed.
func (r *RowReader) ParseOver(v, base *fastjson.Value) error {
	t := r.d.top
	clear(t.slots)
	if err := t.fill(base); err != nil {
		return err
	}
	if err := t.fill(v); err != nil {
		return err
	}
	return t.convert()
}

// Append appends the row of the last parsed object.
func (r *RowReader) Append() { r.d.top.commit() }

// AppendNull appends a row of NULLs.
func (r *RowReader) AppendNull() { r.d.AppendNull() }
