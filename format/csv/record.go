package csv

import (
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// recordDecoder decodes single CSV records into caller-owned builders
// (format.RecordDecoder), for message connectors: a Kafka message is one
// record. It shares the Decoder's tokenizer and cells but not the
// file-reading fast paths, which write STRING columns into buffers of
// their own.
type recordDecoder struct{ d *Decoder }

var _ format.RecordDecoder = recordDecoder{}

// NewRecordDecoder builds a csv decoder of single records appending into
// builders (one per field of schema).
func NewRecordDecoder(schema *types.Schema, opts map[string]string, builders []array.Builder) (format.RecordDecoder, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	d := &Decoder{schema: schema, cfg: cfg, isNull: make([]bool, len(schema.Fields)), outSch: schema, builders: builders}
	for i, f := range schema.Fields {
		c, err := newCell(f.Type, builders[i], &d.cfg, true)
		if err != nil {
			return nil, err
		}
		d.cells = append(d.cells, c)
		d.out = append(d.out, i)
	}
	return recordDecoder{d}, nil
}

// Parse parses one record: no row for an empty record, a comment line
// (allow-comments) or a bad record under ignore-parse-errors.
func (r recordDecoder) Parse(record []byte) (int, error) {
	d := r.d
	record = dropCR(trimNL(record))
	if len(record) == 0 || (d.cfg.comments && record[0] == '#') {
		return 0, nil
	}
	if err := d.decode(record); err != nil {
		if d.cfg.ignoreErrors {
			d.skipped++
			return 0, nil
		}
		return 0, &format.DecodeError{Format: "CSV", Record: append([]byte(nil), record...), Err: err}
	}
	return 1, nil
}

// Append appends the row of the last parsed record.
func (r recordDecoder) Append(int) types.RowKind {
	r.d.commitRow()
	return types.Insert
}

// AppendNull appends a row of NULLs.
func (r recordDecoder) AppendNull() {
	for _, c := range r.d.cells {
		c.null()
	}
}

// Skipped returns the records skipped under ignore-parse-errors.
func (r recordDecoder) Skipped() int64 { return r.d.skipped }
