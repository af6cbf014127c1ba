package format

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/types"
)

// RecordDecoder decodes one record at a time into Arrow builders owned by
// the caller. It is the shape a message-based connector needs: a Kafka
// source decodes the key with one RecordDecoder and the value with
// another into one row, then appends its metadata columns itself, so the
// columns of every source land in the same builders without copying.
//
// Decoding is two-phase so that a record failing on any column (or in the
// key after the value parsed) leaves every builder even: Parse checks and
// converts into scratch, Append writes. A RecordDecoder is reused for many
// records and is not safe for concurrent use.
type RecordDecoder interface {
	// Parse parses one record and returns how many rows it yields: 0 for a
	// record to skip (blank, a tombstone of a changelog format, or an
	// unparsable record under ignore-parse-errors, which Skipped counts),
	// 1 usually, 2 for a changelog update carrying both images (-U, +U).
	// A bad record is a *DecodeError.
	Parse(record []byte) (rows int, err error)
	// Append appends row i (0 <= i < rows) of the last parsed record to
	// the builders and returns its row kind. Each row is appended once.
	Append(i int) types.RowKind
	// AppendNull appends a row of NULLs (an upsert-kafka tombstone's value
	// columns).
	AppendNull()
	// Skipped returns the number of records skipped as unparsable.
	Skipped() int64
}

// NewRecordDecoderFunc builds a RecordDecoder for schema appending into
// builders (one per field of schema, as types.NewBuilder makes them);
// opts holds the format's options without prefix.
type NewRecordDecoderFunc func(schema *types.Schema, opts map[string]string, builders []array.Builder) (RecordDecoder, error)

// NewRecordDecoder builds a record decoder for the format named by table
// option formatKey ("format", "key.format", "value.format"), with the
// format's prefixed options from tableOpts ("value.json.ignore-parse-errors"
// for 'value.format' = 'json'), appending the columns of schema into
// builders.
func NewRecordDecoder(formatKey string, schema *types.Schema, tableOpts map[string]string, builders []array.Builder) (RecordDecoder, error) {
	f, err := lookupFor(formatKey, tableOpts)
	if err != nil {
		return nil, err
	}
	if f.NewRecordDecoder == nil {
		return nil, fmt.Errorf("format '%s' cannot decode single records (use it with the filesystem connector)", f.Name)
	}
	if len(builders) != len(schema.Fields) {
		return nil, fmt.Errorf("format '%s': %d builders for %d columns", f.Name, len(builders), len(schema.Fields))
	}
	return f.NewRecordDecoder(schema, Strip(prefixFor(formatKey, f.Name), tableOpts), builders)
}

// ChangelogMode returns the changelog a source reading the format named by
// table option formatKey produces: the format's declared mode, or
// insert-only. An unknown format is insert-only here; building the
// decoder reports it.
func ChangelogMode(formatKey string, tableOpts map[string]string) types.ChangelogMode {
	f, err := lookupFor(formatKey, tableOpts)
	if err != nil || f.ChangelogMode == nil {
		return types.ModeInsertOnly
	}
	return f.ChangelogMode(Strip(prefixFor(formatKey, f.Name), tableOpts))
}

// BatchDecoder turns a RecordDecoder into a Decoder that collects rows into
// batches, so a format written once per record also serves the filesystem
// connector.
type BatchDecoder struct {
	schema   *types.Schema
	builders []array.Builder
	rd       RecordDecoder
	kinds    []types.RowKind
	changed  bool // some row is not +I: the batch carries kinds
	rows     int
	sizes    *Reserver
}

var _ Decoder = (*BatchDecoder)(nil)

// NewBatchDecoder builds builders for schema and a record decoder over them
// with newRD.
func NewBatchDecoder(schema *types.Schema, opts map[string]string, newRD NewRecordDecoderFunc) (*BatchDecoder, error) {
	d := &BatchDecoder{schema: schema, builders: make([]array.Builder, len(schema.Fields))}
	for i, f := range schema.Fields {
		d.builders[i] = types.NewBuilder(f.Type)
	}
	rd, err := newRD(schema, opts, d.builders)
	if err != nil {
		return nil, err
	}
	d.rd = rd
	return d, nil
}

// Decode appends the rows of one record.
func (d *BatchDecoder) Decode(record []byte) error {
	n, err := d.rd.Parse(record)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		k := d.rd.Append(i)
		d.kinds = append(d.kinds, k)
		d.changed = d.changed || k != types.Insert
	}
	d.rows += n
	return nil
}

// Len returns the rows decoded since the last Flush.
func (d *BatchDecoder) Len() int { return d.rows }

// Skipped returns the records skipped as unparsable.
func (d *BatchDecoder) Skipped() int64 { return d.rd.Skipped() }

// Flush returns the decoded rows and starts a new batch. Row kinds are
// kept only when some row is not an insert (nil kinds mean all +I).
func (d *BatchDecoder) Flush() *types.Batch {
	if d.sizes == nil {
		d.sizes = NewReserver(d.builders)
	}
	d.sizes.Measure()
	cols := make([]arrow.Array, len(d.builders))
	for i, b := range d.builders {
		cols[i] = b.NewArray()
	}
	d.sizes.Reserve()
	var kinds []types.RowKind
	if d.changed {
		kinds = d.kinds
		d.kinds = nil
	} else {
		d.kinds = d.kinds[:0]
	}
	n := d.rows
	d.rows, d.changed = 0, false
	return types.NewBatch(d.schema, cols, kinds, n)
}

// SinkChangelogMode returns the changelog an encoder of the format named
// by table option formatKey accepts: the format's declared mode, or
// insert-only.
func SinkChangelogMode(formatKey string, tableOpts map[string]string) types.ChangelogMode {
	f, err := lookupFor(formatKey, tableOpts)
	if err != nil || f.SinkMode == nil {
		return types.ModeInsertOnly
	}
	return f.SinkMode(Strip(prefixFor(formatKey, f.Name), tableOpts))
}

// ProjectBatch returns the columns cols of b (in that order) as a batch of
// schema, keeping b's row kinds: how a message sink hands the key columns
// to the key format's encoder and the value columns to the value format's
// (connector.ProjectBatch with the arguments in this order).
func ProjectBatch(b *types.Batch, schema *types.Schema, cols []int) *types.Batch {
	return connector.ProjectBatch(b, cols, schema)
}
