package json

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spry-engine/spry/types"
)

// nexmarkSchema is the Nexmark event as Flink's Nexmark-over-Kafka setup
// declares it: one nested row per event type, the others NULL.
var nexmarkSchema = types.NewSchema(
	types.Field{Name: "event_type", Type: types.Int},
	types.Field{Name: "person", Type: types.RowOf(
		types.Field{Name: "id", Type: types.BigInt}, types.Field{Name: "name", Type: types.String},
		types.Field{Name: "emailAddress", Type: types.String}, types.Field{Name: "creditCard", Type: types.String},
		types.Field{Name: "city", Type: types.String}, types.Field{Name: "state", Type: types.String},
		types.Field{Name: "dateTime", Type: types.TimestampMs}, types.Field{Name: "extra", Type: types.String})},
	types.Field{Name: "auction", Type: types.RowOf(
		types.Field{Name: "id", Type: types.BigInt}, types.Field{Name: "itemName", Type: types.String},
		types.Field{Name: "description", Type: types.String}, types.Field{Name: "initialBid", Type: types.BigInt},
		types.Field{Name: "reserve", Type: types.BigInt}, types.Field{Name: "dateTime", Type: types.TimestampMs},
		types.Field{Name: "expires", Type: types.TimestampMs}, types.Field{Name: "seller", Type: types.BigInt},
		types.Field{Name: "category", Type: types.BigInt}, types.Field{Name: "extra", Type: types.String})},
	types.Field{Name: "bid", Type: types.RowOf(
		types.Field{Name: "auction", Type: types.BigInt}, types.Field{Name: "bidder", Type: types.BigInt},
		types.Field{Name: "price", Type: types.BigInt}, types.Field{Name: "channel", Type: types.String},
		types.Field{Name: "url", Type: types.String}, types.Field{Name: "dateTime", Type: types.TimestampMs},
		types.Field{Name: "extra", Type: types.String})},
)

// nexmarkRecords makes n events of about 1 KB in Nexmark's proportions
// (1 person, 3 auctions, 46 bids in 50), padded by the 'extra' field as
// Nexmark's avg-size settings do.
func nexmarkRecords(n int) [][]byte {
	recs := make([][]byte, n)
	pad := func(i, size int) string { return strings.Repeat(string(rune('a'+i%26)), size) }
	for i := range recs {
		ts := fmt.Sprintf("2024-01-01 00:%02d:%02d.%03d", i/60%60, i%60, i%1000)
		switch k := i % 50; {
		case k == 0:
			recs[i] = fmt.Appendf(nil, `{"event_type":0,"person":{"id":%d,"name":"Peter Shultz","emailAddress":"p%d@example.com","creditCard":"1234 5678 9012 3456","city":"Bend","state":"OR","dateTime":"%s","extra":"%s"},"auction":null,"bid":null}`,
				1000+i, i, ts, pad(i, 780))
		case k <= 3:
			recs[i] = fmt.Appendf(nil, `{"event_type":1,"person":null,"auction":{"id":%d,"itemName":"item-%d","description":"a fine item, barely used","initialBid":%d,"reserve":%d,"dateTime":"%s","expires":"%s","seller":%d,"category":%d,"extra":"%s"},"bid":null}`,
				1000+i, i, 100+i, 200+i, ts, ts, 1000+i/50, 10+i%5, pad(i, 700))
		default:
			recs[i] = fmt.Appendf(nil, `{"event_type":2,"person":null,"auction":null,"bid":{"auction":%d,"bidder":%d,"price":%d,"channel":"Google","url":"https://www.nexmark.com/item.htm?query=1&channel_id=%d","dateTime":"%s","extra":"%s"}}`,
				1000+i%997, 2000+i%7919, 100+i%10007, i%1000, ts, pad(i, 800))
		}
	}
	return recs
}

// flatSchema is a flat ~1 KB log record (the CDN access log shape).
var flatSchema = types.NewSchema(
	types.Field{Name: "uuid", Type: types.String}, types.Field{Name: "client_ip", Type: types.String},
	types.Field{Name: "request_time", Type: types.Double}, types.Field{Name: "response_size", Type: types.BigInt},
	types.Field{Name: "status", Type: types.Int}, types.Field{Name: "method", Type: types.String},
	types.Field{Name: "url", Type: types.String}, types.Field{Name: "user_agent", Type: types.String},
	types.Field{Name: "referer", Type: types.String}, types.Field{Name: "ts", Type: types.TimestampMs},
)

func flatRecords(n int) [][]byte {
	recs := make([][]byte, n)
	for i := range recs {
		recs[i] = fmt.Appendf(nil, `{"uuid":"5f0c%08x-1d2e-4c3b-9a8f-0123456789ab","client_ip":"10.%d.%d.%d","request_time":%d.%03d,"response_size":%d,"status":200,"method":"GET","url":"/static/assets/%s.js?v=%d","user_agent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 %s","referer":"https://www.example.com/%s","ts":"2024-01-01 00:00:%02d.%03d"}`,
			i, i%256, i/256%256, i%7, i%3, i%1000, 1000+i*7, strings.Repeat("x", 200), i, strings.Repeat("y", 300), strings.Repeat("z", 150), i%60, i%1000)
	}
	return recs
}

func benchDecode(b *testing.B, schema *types.Schema, recs [][]byte) {
	d, err := NewDecoder(schema, nil)
	if err != nil {
		b.Fatal(err)
	}
	bytes := 0
	for _, r := range recs {
		bytes += len(r)
	}
	b.SetBytes(int64(bytes / len(recs)))
	b.ReportAllocs()
	cpu0 := cpuTime()
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
	// Rows per second of CPU time (all threads, GC included): the
	// per-core rate, which a machine shared with other jobs does not
	// distort as it does wall time.
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "rows/cpu-s")
	}
}

// cpuTime returns the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkJSONDecodeNexmark1KB decodes ~1 KB Nexmark events (nested rows,
// timestamps) into columns on one core.
func BenchmarkJSONDecodeNexmark1KB(b *testing.B) { benchDecode(b, nexmarkSchema, nexmarkRecords(1000)) }

// BenchmarkJSONDecodeFlat1KB decodes ~1 KB flat log records into columns
// on one core.
func BenchmarkJSONDecodeFlat1KB(b *testing.B) { benchDecode(b, flatSchema, flatRecords(1000)) }
