package debezium

import (
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

// Encoder writes rows as Debezium change events, as Flink's
// DebeziumJsonSerializationSchema does: +I and +U rows as
// {"before":null,"after":{...},"op":"c"}, -U and -D rows as
// {"before":{...},"after":null,"op":"d"}.
type Encoder struct{ row format.Encoder }

var _ format.Encoder = (*Encoder)(nil)

// NewEncoder builds a debezium-json encoder for schema.
func NewEncoder(schema *types.Schema, opts map[string]string) (format.Encoder, error) {
	if _, err := parseConfig(opts); err != nil {
		return nil, err
	}
	row, err := json.NewEncoder(schema, jsonOpts(opts))
	if err != nil {
		return nil, err
	}
	return &Encoder{row: row}, nil
}

// Encode appends row row of b as one change event.
func (e *Encoder) Encode(b *types.Batch, row int, dst []byte) ([]byte, error) {
	var err error
	if b.Kind(row).IsAdditive() {
		dst = append(dst, `{"before":null,"after":`...)
		if dst, err = e.row.Encode(b, row, dst); err != nil {
			return dst, err
		}
		return append(dst, `,"op":"c"}`...), nil
	}
	dst = append(dst, `{"before":`...)
	if dst, err = e.row.Encode(b, row, dst); err != nil {
		return dst, err
	}
	return append(dst, `,"after":null,"op":"d"}`...), nil
}
