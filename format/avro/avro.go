// Package avro holds Flink's 'avro' and 'avro-confluent' formats: records
// in Avro binary encoding, with the schema Flink derives from the table
// ('avro') or with the writer schema named by the Confluent wire format's
// 5-byte header and kept in a schema registry ('avro-confluent').
//
// Avro is decoded without a generic Avro library: a tree of value readers
// is built once per writer schema, resolving its fields by name against
// the table's columns (with Avro's promotions), and then walks each
// record appending straight into Arrow builders, so the per-record path
// boxes nothing. Only single records are supported, as Kafka carries them;
// Avro container files (the filesystem connector's avro) are not.
package avro

import (
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

func init() {
	format.Register(&format.Format{
		Name: "avro",
		Description: "Avro binary records (no container file) with the schema derived from the table, as Flink's 'avro' format " +
			"writes them to Kafka. Nullable columns are unions with \"null\" first.",
		NewEncoder:       NewEncoder,
		NewRecordDecoder: NewRecordDecoder,
	})
	format.Register(&format.Format{
		Name: ConfluentName,
		Description: "Avro records in the Confluent wire format (a zero byte and the 4-byte schema id before the Avro data), " +
			"decoded with the writer schema fetched from the schema registry and encoded with the schema derived from the " +
			"table, registered under the subject.",
		Options:          ConfluentOptions,
		NewEncoder:       NewConfluentEncoder,
		NewRecordDecoder: NewConfluentDecoder,
	})
}

// Decoder reads Avro records (format.RecordDecoder) with a fixed writer
// schema.
type Decoder struct {
	top *recordReader
	rec []byte
}

var _ format.RecordDecoder = (*Decoder)(nil)

// NewRecordDecoder builds an 'avro' decoder whose writer schema is the one
// derived from schema.
func NewRecordDecoder(schema *types.Schema, _ map[string]string, builders []array.Builder) (format.RecordDecoder, error) {
	w, err := Derive(schema)
	if err != nil {
		return nil, err
	}
	top, err := topReader(w, schema, builders)
	if err != nil {
		return nil, err
	}
	return &Decoder{top: top}, nil
}

// topReader builds the reader of records of writer schema w into the
// table's columns.
func topReader(w *Schema, schema *types.Schema, builders []array.Builder) (*recordReader, error) {
	if w.Type != "record" {
		return nil, &SchemaError{"the writer schema must be a record, found " + w.Type}
	}
	return newRecordReader(w, schema.Fields, nil, builders, 0)
}

// Parse checks one record; a nil record (a null message) yields no row.
func (d *Decoder) Parse(record []byte) (int, error) {
	if record == nil {
		return 0, nil
	}
	if err := check(d.top, record); err != nil {
		return 0, &format.DecodeError{Format: "Avro", Record: append([]byte(nil), record...), Err: err}
	}
	d.rec = record
	return 1, nil
}

// check reads record without appending.
func check(top *recordReader, record []byte) error {
	r := reader{buf: record}
	top.read(&r, false)
	return r.err
}

// Append appends the row of the last parsed record.
func (d *Decoder) Append(int) types.RowKind {
	r := reader{buf: d.rec}
	d.top.read(&r, true)
	return types.Insert
}

// AppendNull appends a row of NULLs.
func (d *Decoder) AppendNull() { d.top.null() }

// Skipped is always 0: the avro formats have no ignore-parse-errors.
func (d *Decoder) Skipped() int64 { return 0 }
