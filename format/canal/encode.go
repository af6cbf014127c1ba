package canal

import (
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

// Encoder writes each row as a Canal message, as Flink's
// CanalJsonSerializationSchema does: +I and +U rows as
// {"data":[{...}],"type":"INSERT"}, -U and -D rows as
// {"data":[{...}],"type":"DELETE"}.
type Encoder struct{ row format.Encoder }

var _ format.Encoder = (*Encoder)(nil)

// NewEncoder builds a canal-json encoder for schema.
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

// Encode appends row row of b as one message.
func (e *Encoder) Encode(b *types.Batch, row int, dst []byte) ([]byte, error) {
	dst = append(dst, `{"data":[`...)
	dst, err := e.row.Encode(b, row, dst)
	if err != nil {
		return dst, err
	}
	if b.Kind(row).IsAdditive() {
		return append(dst, `],"type":"INSERT"}`...), nil
	}
	return append(dst, `],"type":"DELETE"}`...), nil
}
