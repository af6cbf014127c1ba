package debezium

import (
	"testing"

	"github.com/spry-engine/spry/format"
)

// FuzzDecode feeds arbitrary records to the decoder: it may reject them
// but must not panic, and every decoded batch must be consistent.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"before":null,"after":{"id":1,"name":"a","weight":1.5},"op":"c"}`,
		`{"before":{"id":1},"after":{"id":2},"op":"u"}`, `{"before":{"id":1},"op":"d"}`,
		`{"payload":{"after":{"id":1},"op":"r"}}`, `{"op":"u","before":{"id":"x"}}`, `[]`} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, rec []byte, include bool) {
		opts := map[string]string{}
		if include {
			opts[OptSchemaInclude] = "true"
		}
		d, err := format.NewBatchDecoder(products, opts, NewRecordDecoder)
		if err != nil {
			t.Fatal(err)
		}
		_ = d.Decode(rec)
		_ = d.Decode(rec)
		if err := d.Flush().Validate(); err != nil {
			t.Fatal(err)
		}
	})
}
