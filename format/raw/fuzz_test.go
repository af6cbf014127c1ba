package raw

import (
	"testing"

	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// FuzzDecode feeds arbitrary bytes to the raw decoder of every charset and
// a numeric column: it may reject a record but must not panic, and a
// decoded row must encode again.
func FuzzDecode(f *testing.F) {
	for _, s := range [][]byte{nil, {}, []byte("abc"), {0xff, 0xfe, 0, 0xd8}, {0xd8, 0x3d}, {1, 2, 3, 4}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		for _, tc := range []struct {
			typ types.DataType
			cs  string
		}{{types.String, "UTF-8"}, {types.String, "US-ASCII"}, {types.String, "UTF-16"}, {types.String, "UTF-16LE"},
			{types.Int, "UTF-8"}, {types.Bytes, "UTF-8"}} {
			opts := map[string]string{"charset": tc.cs}
			s := schemaOf(tc.typ)
			d, err := format.NewBatchDecoder(s, opts, NewRecordDecoder)
			if err != nil {
				t.Fatal(err)
			}
			if d.Decode(rec) != nil {
				continue
			}
			b := d.Flush()
			e, _ := NewEncoder(s, opts)
			if _, err := e.Encode(b, 0, nil); err != nil {
				t.Fatal(err)
			}
		}
	})
}
