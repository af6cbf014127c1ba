package kafka

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// RecordError is a Kafka record the source could not decode: it names the
// record's topic, partition and offset with the format's reason.
type RecordError struct {
	Topic     string
	Partition int32
	Offset    int64
	Part      string // "key" or "value"
	Err       error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("failed to deserialize the %s of the Kafka record at topic %s, partition %d, offset %d: %v",
		e.Part, e.Topic, e.Partition, e.Offset, e.Err)
}

// Unwrap returns the format's error (usually a *format.DecodeError).
func (e *RecordError) Unwrap() error { return e.Err }

// decoder turns Kafka records into the rows of a table: the value and key
// formats decode straight into the output builders, the metadata columns
// are appended here.
type decoder struct {
	lay      *layout
	builders []array.Builder // one per column of lay.schema
	vd, kd   format.RecordDecoder
	kinds    []types.RowKind
	changed  bool // some row is not +I
	rows     int
	// nulls is the value format when it appends the NULLs of nested rows
	// in runs (JSON's DeferNulls); they go in before the builders are read.
	nulls nullDeferrer
	sizes *format.Reserver // the last batch's sizes, nested builders included
}

// nullDeferrer is a record decoder that can append NULL nested rows in
// runs, flushed by FlushNulls.
type nullDeferrer interface {
	DeferNulls()
	FlushNulls()
}

func newDecoder(t *connector.Table, lay *layout) (*decoder, error) {
	d := &decoder{lay: lay, builders: make([]array.Builder, len(lay.schema.Fields))}
	for i, f := range lay.schema.Fields {
		d.builders[i] = types.NewBuilder(f.Type)
	}
	vb := make([]array.Builder, len(lay.valueCols))
	for i, c := range lay.valueCols {
		vb[i] = d.builders[c]
	}
	var err error
	if d.vd, err = format.NewRecordDecoder(valueFormatKey(t.Options), lay.valueSchema, t.Options, vb); err != nil {
		return nil, &ConfigError{Table: t.Name, Msg: err.Error()}
	}
	if len(lay.keyCols) > 0 {
		kb := make([]array.Builder, len(lay.keyCols))
		for i, c := range lay.keyCols {
			kb[i] = d.builders[c]
		}
		if d.kd, err = format.NewRecordDecoder(OptKeyFormat, lay.keySchema, t.Options, kb); err != nil {
			return nil, &ConfigError{Table: t.Name, Msg: err.Error()}
		}
	}
	// Without a key format nothing but the value format writes the value
	// columns' builders, so their NULL rows may be deferred.
	if nd, ok := d.vd.(nullDeferrer); ok && d.kd == nil {
		nd.DeferNulls()
		d.nulls = nd
	}
	d.sizes = format.NewReserver(d.builders)
	return d, nil
}

// add decodes record r with value bytes value (r.Value, or an older value
// of the same key) and appends its rows. Unless keep is set, kind replaces
// the format's row kind: upsert normalisation emits old images as -U/-D.
func (d *decoder) add(r *kgo.Record, value []byte, kind types.RowKind, keep bool) error {
	n, err := d.vd.Parse(value)
	if err != nil {
		return d.recordErr(r, "value", err)
	}
	if n == 0 {
		return nil
	}
	readKey := d.kd != nil && !d.lay.keyInValue
	if readKey && r.Key != nil {
		kn, err := d.kd.Parse(r.Key)
		if err != nil {
			return d.recordErr(r, "key", err)
		}
		if kn == 0 {
			return nil // a skipped key (ignore-parse-errors) skips the record
		}
	}
	for i := 0; i < n; i++ {
		k := d.vd.Append(i)
		if readKey {
			if r.Key == nil {
				for _, c := range d.lay.keyCols {
					d.builders[c].AppendNull()
				}
			} else {
				if i > 0 {
					_, _ = d.kd.Parse(r.Key) // parsed once above; re-parse for the second image
				}
				d.kd.Append(0)
			}
		}
		if !keep {
			k = kind
		}
		d.appendMeta(r, k)
	}
	return nil
}

func (d *decoder) recordErr(r *kgo.Record, part string, err error) error {
	return &RecordError{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Part: part, Err: err}
}

func (d *decoder) appendMeta(r *kgo.Record, kind types.RowKind) {
	for _, m := range d.lay.meta {
		b := d.builders[m.col]
		switch m.key {
		case MetaTopic:
			appendString(b, r.Topic)
		case MetaPartition:
			appendInt(b, int64(r.Partition))
		case MetaOffset:
			appendInt(b, r.Offset)
		case MetaTimestamp:
			appendInt(b, r.Timestamp.UnixMilli()*1000)
		case MetaTimestampType:
			tt := "CreateTime"
			if r.Attrs.TimestampType() == 1 {
				tt = "LogAppendTime"
			}
			appendString(b, tt)
		case MetaHeaders:
			appendHeaders(b, r.Headers)
		case MetaLeaderEpoch:
			if r.LeaderEpoch < 0 {
				b.AppendNull()
			} else {
				appendInt(b, int64(r.LeaderEpoch))
			}
		}
	}
	d.kinds = append(d.kinds, kind)
	d.changed = d.changed || kind != types.Insert
	d.rows++
}

// appendHeaders appends a record's headers to a MAP<STRING, BYTES>
// column's builder (a later header of the same key wins when read as a
// map, as Flink's map of headers keeps the last one).
func appendHeaders(b array.Builder, hs []kgo.RecordHeader) {
	mb, ok := b.(*array.MapBuilder)
	if !ok {
		b.AppendNull()
		return
	}
	mb.Append(true)
	kb, vb := mb.KeyBuilder(), mb.ItemBuilder()
	for _, h := range hs {
		appendString(kb, h.Key)
		if bb, ok := vb.(*array.BinaryBuilder); ok {
			bb.Append(h.Value)
		} else {
			vb.AppendNull()
		}
	}
}

// appendString appends to a STRING column's builder.
func appendString(b array.Builder, s string) {
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(s)
	case *array.BinaryBuilder:
		b.AppendString(s)
	default:
		b.AppendNull()
	}
}

// appendInt appends to an integer or timestamp column's builder (the
// metadata column may be declared with any integer type).
func appendInt(b array.Builder, v int64) {
	switch b := b.(type) {
	case *array.Int8Builder:
		b.Append(int8(v))
	case *array.Int16Builder:
		b.Append(int16(v))
	case *array.Int32Builder:
		b.Append(int32(v))
	case *array.Int64Builder:
		b.Append(v)
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v))
	default:
		b.AppendNull()
	}
}

// flush returns the rows decoded so far as a batch of the layout's schema.
func (d *decoder) flush() *types.Batch {
	if d.nulls != nil {
		d.nulls.FlushNulls()
	}
	// Size the next batch's buffers like this one's, nested builders
	// included, so builders do not grow (and clear) their memory step by
	// step again.
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
	return types.NewBatch(d.lay.schema, cols, kinds, n)
}

// skipped returns the records the formats skipped as unparsable.
func (d *decoder) skipped() int64 {
	n := d.vd.Skipped()
	if d.kd != nil {
		n += d.kd.Skipped()
	}
	return n
}
