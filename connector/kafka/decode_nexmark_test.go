package kafka

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/nexmark"
	"github.com/spry-engine/spry/types"
)

// TestDecodeNexmarkRoundTrip decodes generated Nexmark events, written as
// JSON, back through the source's decoder (whose JSON format defers the
// NULL nested rows, two of three per event) and compares every batch with
// the generator's columns, for batch sizes that cut runs of NULLs.
func TestDecodeNexmarkRoundTrip(t *testing.T) {
	const n = 3000
	g, err := nexmark.NewGenerator(nexmark.DefaultConfig(), "t", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := g.Fill(0, n)
	recs := nexmarkJSON(t, n)
	for _, size := range []int{1, 7, 50, 1024, n} {
		tbl := &connector.Table{Name: "kafka", Schema: nexmark.Schema(), Options: map[string]string{"format": "json"}}
		lay, err := newLayout(tbl, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		d, err := newDecoder(tbl, lay)
		if err != nil {
			t.Fatal(err)
		}
		if d.nulls == nil {
			t.Fatal("the JSON value format does not defer NULL rows")
		}
		var got []*types.Batch
		for i, r := range recs {
			if err := d.add(&kgo.Record{Value: r}, r, types.Insert, true); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			if d.rows == size {
				got = append(got, d.flush())
			}
		}
		if d.rows > 0 {
			got = append(got, d.flush())
		}
		off := 0
		for _, b := range got {
			for c, col := range b.Cols {
				exp := array.NewSlice(want[c], int64(off), int64(off+b.Len()))
				if !array.Equal(exp, col) {
					t.Fatalf("size %d: rows %d..%d column %s differ:\n got %v\nwant %v", size, off, off+b.Len(),
						nexmark.Schema().Fields[c].Name, col, exp)
				}
				exp.Release()
			}
			off += b.Len()
		}
		if off != n {
			t.Fatalf("size %d: decoded %d rows, want %d", size, off, n)
		}
	}
}
