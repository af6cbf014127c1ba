package canal

import (
	"testing"

	"github.com/spry-engine/spry/format"
)

// FuzzDecode feeds arbitrary messages to the decoder: it may reject them
// but must not panic, and every decoded batch must be consistent.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"data":[{"id":"1","name":"a"}],"type":"INSERT"}`,
		`{"data":[{"id":1},{"id":2}],"old":[{"id":0},{}],"type":"UPDATE"}`, `{"data":[{"id":1}],"type":"DELETE"}`,
		`{"type":"CREATE","isDdl":true}`, `{"data":[1],"type":"INSERT"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		d, err := format.NewBatchDecoder(products, nil, NewRecordDecoder)
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
