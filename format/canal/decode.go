package canal

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/valyala/fastjson"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

// Canal's message types that carry rows; "CREATE" (and any message with
// "isDdl": true) is a schema change and is skipped.
const (
	typeInsert = "INSERT"
	typeUpdate = "UPDATE"
	typeDelete = "DELETE"
	typeCreate = "CREATE"
)

// image is one row of a message: its object, for an update's before image
// the after image supplying the fields "old" leaves out, and its kind.
type image struct {
	v, base *fastjson.Value
	kind    types.RowKind
}

// Decoder reads Canal messages (format.RecordDecoder). A message may hold
// many rows; Parse checks them all, so Append re-converts any row but the
// last checked (cheap next to a failed job with uneven columns).
type Decoder struct {
	cfg     config
	p       fastjson.Parser
	rr      *json.RowReader
	images  []image
	last    int // the image rr holds converted
	skipped int64
}

var _ format.RecordDecoder = (*Decoder)(nil)

// NewRecordDecoder builds a canal-json decoder for schema (the table's
// columns, i.e. the row images) appending into builders.
func NewRecordDecoder(schema *types.Schema, opts map[string]string, builders []array.Builder) (format.RecordDecoder, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	rr, err := json.NewRowReader(schema, jsonOpts(opts), builders)
	if err != nil {
		return nil, err
	}
	return &Decoder{cfg: cfg, rr: rr}, nil
}

// Parse reads one message and returns its number of rows.
func (d *Decoder) Parse(record []byte) (int, error) {
	if len(format.TrimSpace(record)) == 0 {
		return 0, nil
	}
	err := d.parse(record)
	if err != nil {
		d.images = d.images[:0]
		if d.cfg.ignoreErrors {
			d.skipped++
			return 0, nil
		}
		return 0, &format.DecodeError{Format: "Canal JSON", Record: append([]byte(nil), record...), Err: err}
	}
	return len(d.images), nil
}

func (d *Decoder) parse(record []byte) error {
	d.images = d.images[:0]
	v, err := d.p.ParseBytes(record)
	if err != nil {
		return err
	}
	if v.Type() != fastjson.TypeObject {
		return fmt.Errorf("expected a JSON object, found %s", v.Type())
	}
	if !d.included(v) {
		return nil
	}
	typ := string(v.GetStringBytes("type"))
	if typ == typeCreate || v.GetBool("isDdl") {
		return nil
	}
	data := v.GetArray("data")
	switch typ {
	case typeInsert, typeDelete:
		if data == nil {
			return fmt.Errorf(`the "data" field of %s message is null`, typ)
		}
		kind := types.Insert
		if typ == typeDelete {
			kind = types.Delete
		}
		for _, row := range data {
			d.images = append(d.images, image{v: row, kind: kind})
		}
	case typeUpdate:
		old := v.GetArray("old")
		if data == nil || len(old) != len(data) {
			return errors.New(`an UPDATE message needs a "data" and an "old" array of equal length`)
		}
		for i, row := range data {
			d.images = append(d.images, image{v: old[i], base: row, kind: types.UpdateBefore},
				image{v: row, kind: types.UpdateAfter})
		}
	default:
		return fmt.Errorf(`Unknown "type" value "%s".`, typ)
	}
	d.rr.Reset()
	for i := range d.images {
		if err := d.convert(i); err != nil {
			return err
		}
	}
	return nil
}

// included applies database.include and table.include.
func (d *Decoder) included(v *fastjson.Value) bool {
	if d.cfg.database != nil && !d.cfg.database.Match(v.GetStringBytes("database")) {
		return false
	}
	return d.cfg.table == nil || d.cfg.table.Match(v.GetStringBytes("table"))
}

func (d *Decoder) convert(i int) error {
	d.last = i
	im := d.images[i]
	if im.v.Type() != fastjson.TypeObject {
		return fmt.Errorf("expected a JSON object as row, found %s", im.v.Type())
	}
	if im.base != nil {
		return d.rr.ParseOver(im.v, im.base)
	}
	return d.rr.Parse(im.v)
}

// Append appends row i of the last message and returns its kind.
func (d *Decoder) Append(i int) types.RowKind {
	if i != d.last {
		_ = d.convert(i) // checked by Parse
	}
	d.rr.Append()
	return d.images[i].kind
}

// AppendNull appends a row of NULLs.
func (d *Decoder) AppendNull() { d.rr.AppendNull() }

// Skipped returns the messages skipped under ignore-parse-errors.
func (d *Decoder) Skipped() int64 { return d.skipped }
