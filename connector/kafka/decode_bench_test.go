package kafka

import (
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/nexmark"
	"github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

// nexmarkJSON encodes n generated Nexmark events as the JSON records a
// filled Nexmark topic holds (Spry's JSON sink writes them the same way).
func nexmarkJSON(tb testing.TB, n int) [][]byte {
	g, err := nexmark.NewGenerator(nexmark.DefaultConfig(), "t", nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	enc, err := json.NewEncoder(nexmark.Schema(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	b := types.NewBatch(nexmark.Schema(), g.Fill(0, n), nil, n)
	recs := make([][]byte, n)
	for i := range recs {
		if recs[i], err = enc.Encode(b, i, nil); err != nil {
			tb.Fatal(err)
		}
	}
	return recs
}

// BenchmarkDecodeNexmark decodes generated Nexmark JSON records through
// the source's decoder (the JSON format into the table's builders, 4096
// rows a batch) on one core: the decoding half of a Nexmark-over-Kafka
// query. It reports records per CPU second (GC included).
func BenchmarkDecodeNexmark(b *testing.B) {
	t := &connector.Table{Name: "kafka", Schema: nexmark.Schema(), Options: map[string]string{"format": "json"}}
	lay, err := newLayout(t, nil, false)
	if err != nil {
		b.Fatal(err)
	}
	d, err := newDecoder(t, lay)
	if err != nil {
		b.Fatal(err)
	}
	recs := nexmarkJSON(b, 10000)
	rec := &kgo.Record{}
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	for i := 0; b.Loop(); i++ {
		rec.Value = recs[i%len(recs)]
		if err := d.add(rec, rec.Value, types.Insert, true); err != nil {
			b.Fatal(err)
		}
		if d.rows == 4096 {
			d.flush()
		}
	}
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "records/cpu-s")
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
