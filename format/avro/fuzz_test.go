package avro

import (
	"testing"

	"github.com/spry-engine/spry/format"
)

// FuzzDecode feeds arbitrary bytes to the decoder of a schema with every
// column type: it may reject a record but must not panic or allocate
// without bound, and decoded batches must be consistent.
func FuzzDecode(f *testing.F) {
	for _, s := range [][]byte{{}, {2}, {2, 0, 0, 0, 0, 0}, {2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}} {
		f.Add(s)
	}
	e, _ := NewEncoder(wide, nil)
	for _, rec := range encodeAll(f, e, batchFromJSON(f, wide, wideJSON)) {
		f.Add([]byte(rec))
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		d, err := format.NewBatchDecoder(wide, nil, NewRecordDecoder)
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
