package debezium

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/valyala/fastjson"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

// Debezium's operation codes.
const (
	opRead   = "r" // snapshot read
	opCreate = "c"
	opUpdate = "u"
	opDelete = "d"
)

// replicaIdentity is Flink's message for an update or delete without its
// "before" image, which is what a PostgreSQL table not set to REPLICA
// IDENTITY FULL produces.
const replicaIdentity = "The \"before\" field of %s message is null, if you are using Debezium Postgres Connector, " +
	"please check the Postgres table has been set REPLICA IDENTITY to FULL level."

// Decoder reads Debezium change events (format.RecordDecoder).
type Decoder struct {
	cfg     config
	p       fastjson.Parser
	readers [2]*json.RowReader // one per image, so an update's two are held at once
	kinds   [2]types.RowKind
	skipped int64
}

var _ format.RecordDecoder = (*Decoder)(nil)

// NewRecordDecoder builds a debezium-json decoder for schema (the table's
// columns, i.e. the "before"/"after" images) appending into builders.
func NewRecordDecoder(schema *types.Schema, opts map[string]string, builders []array.Builder) (format.RecordDecoder, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	d := &Decoder{cfg: cfg}
	for i := range d.readers {
		if d.readers[i], err = json.NewRowReader(schema, jsonOpts(opts), builders); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Parse reads one change event. Empty records (Kafka tombstones, which
// Debezium writes after a delete) yield no rows.
func (d *Decoder) Parse(record []byte) (int, error) {
	if len(format.TrimSpace(record)) == 0 {
		return 0, nil
	}
	n, err := d.parse(record)
	if err != nil {
		if d.cfg.ignoreErrors {
			d.skipped++
			return 0, nil
		}
		return 0, &format.DecodeError{Format: "Debezium JSON", Record: append([]byte(nil), record...), Err: err}
	}
	return n, nil
}

func (d *Decoder) parse(record []byte) (int, error) {
	v, err := d.p.ParseBytes(record)
	if err != nil {
		return 0, err
	}
	if v.Type() != fastjson.TypeObject {
		return 0, fmt.Errorf("expected a JSON object, found %s", v.Type())
	}
	if d.cfg.schemaInclude {
		if v = v.Get("payload"); v == nil || v.Type() != fastjson.TypeObject {
			return 0, errors.New(`the "payload" field is missing, but 'debezium-json.schema-include' is true`)
		}
	}
	before, after := image(v, "before"), image(v, "after")
	op := v.GetStringBytes("op")
	for _, r := range d.readers {
		r.Reset()
	}
	switch string(op) {
	case opCreate, opRead:
		if after == nil {
			return 0, errors.New(`the "after" field of INSERT message is null`)
		}
		return d.images(after, types.Insert, nil, 0)
	case opUpdate:
		if before == nil {
			return 0, fmt.Errorf(replicaIdentity, "UPDATE")
		}
		if after == nil {
			return 0, errors.New(`the "after" field of UPDATE message is null`)
		}
		return d.images(before, types.UpdateBefore, after, types.UpdateAfter)
	case opDelete:
		if before == nil {
			return 0, fmt.Errorf(replicaIdentity, "DELETE")
		}
		return d.images(before, types.Delete, nil, 0)
	}
	if op == nil && !d.cfg.schemaInclude && v.Get("schema") != nil && v.Get("payload") != nil {
		return 0, errors.New(`the message has "schema" and "payload" fields: set 'debezium-json.schema-include' = 'true'`)
	}
	return 0, fmt.Errorf(`Unknown "op" value "%s".`, op)
}

// image returns field name of v, or nil when absent or JSON null.
func image(v *fastjson.Value, name string) *fastjson.Value {
	f := v.Get(name)
	if f == nil || f.Type() == fastjson.TypeNull {
		return nil
	}
	return f
}

// images converts the one or two row images of an event.
func (d *Decoder) images(a *fastjson.Value, ka types.RowKind, b *fastjson.Value, kb types.RowKind) (int, error) {
	if err := d.readers[0].Parse(a); err != nil {
		return 0, err
	}
	d.kinds[0] = ka
	if b == nil {
		return 1, nil
	}
	if err := d.readers[1].Parse(b); err != nil {
		return 0, err
	}
	d.kinds[1] = kb
	return 2, nil
}

// Append appends row i (the before image of an update first) and returns
// its kind.
func (d *Decoder) Append(i int) types.RowKind {
	d.readers[i].Append()
	return d.kinds[i]
}

// AppendNull appends a row of NULLs.
func (d *Decoder) AppendNull() { d.readers[0].AppendNull() }

// Skipped returns the events skipped under ignore-parse-errors.
func (d *Decoder) Skipped() int64 { return d.skipped }
