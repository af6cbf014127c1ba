package csv

import (
	"fmt"
	"testing"

	"github.com/spry-engine/spry/types"
)

var benchSchema = types.NewSchema(
	types.Field{Name: "id", Type: types.BigInt},
	types.Field{Name: "name", Type: types.String},
	types.Field{Name: "price", Type: types.Double},
)

func BenchmarkCSVDecode(b *testing.B) {
	recs := make([][]byte, 1024)
	for i := range recs {
		recs[i] = fmt.Appendf(nil, `%d,item-%d,%d.25`, i, i, i)
	}
	d, _ := NewDecoder(benchSchema, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Decode(recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
		if d.Len() == 4096 {
			d.Flush()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkCSVEncode(b *testing.B) {
	d, _ := NewDecoder(benchSchema, nil)
	for i := 0; i < 1024; i++ {
		_ = d.Decode(fmt.Appendf(nil, `%d,item-%d,%d.25`, i, i, i))
	}
	batch := d.Flush()
	e, _ := NewEncoder(benchSchema, nil)
	var buf []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf, _ = e.Encode(batch, i%1024, buf[:0])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// benchBlock decodes a buffer of records with DecodeBlock, as the
// filesystem source does, flushing every 1024 rows.
func benchBlock(b *testing.B, schema *types.Schema, line func(i int) []byte) {
	var data []byte
	rows := 0
	for ; len(data) < 1<<20; rows++ {
		data = append(append(data, line(rows)...), '\n')
	}
	d, _ := NewDecoder(schema, nil)
	blk := d.(*Decoder)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for pos := 0; pos < len(data); {
			n, err := blk.DecodeBlock(data[pos:], true, len(data), 1024)
			if err != nil {
				b.Fatal(err)
			}
			pos += n
			if d.Len() >= 1024 {
				d.Flush()
			}
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkCSVDecodeBlock(b *testing.B) {
	b.Run("words", func(b *testing.B) {
		benchBlock(b, types.NewSchema(types.Field{Name: "word", Type: types.String}),
			func(i int) []byte { return fmt.Appendf(nil, "word%05d", i%10000) })
	})
	b.Run("mixed", func(b *testing.B) {
		benchBlock(b, benchSchema, func(i int) []byte { return fmt.Appendf(nil, `%d,item-%d,%d.25`, i, i, i) })
	})
}
