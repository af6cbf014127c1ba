package kafka_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	"github.com/spry-engine/spry/table"
)

// benchRecords is the size of the benchmark topic (≈1 KB JSON records).
const benchRecords = 100_000

// BenchmarkKafkaToBlackhole reads benchRecords ≈1 KB JSON records from
// one partition of the real broker (SPRY_KAFKA_BOOTSTRAP) into a
// blackhole sink with parallelism 1: events/s per core of the Kafka
// source plus the JSON format. The topic is written once and reused.
// Results: bench/kafka/RESULTS.md.
func BenchmarkKafkaToBlackhole(b *testing.B) {
	bootstrap := kafkatest.Broker(b)
	topic := fmt.Sprintf("spry_bench_1kb_%d", benchRecords)
	fillBenchTopic(b, bootstrap, topic)
	e := table.NewEnvironment(table.Settings{Parallelism: 1})
	ctx := context.Background()
	for _, s := range []string{
		`CREATE TABLE src (id BIGINT, user_id STRING, url STRING, referrer STRING, agent STRING, amount DOUBLE,
			ts TIMESTAMP(3), payload STRING) ` + with(topic, bootstrap, "format", "json",
			"scan.startup.mode", "earliest-offset", "scan.bounded.mode", "latest-offset"),
		`CREATE TABLE sink (id BIGINT, user_id STRING, url STRING, referrer STRING, agent STRING, amount DOUBLE,
			ts TIMESTAMP(3), payload STRING) WITH ('connector' = 'blackhole')`,
	} {
		if _, err := e.ExecuteSQL(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		r, err := e.ExecuteSQL(ctx, "INSERT INTO sink SELECT * FROM src")
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	el := time.Since(start)
	b.ReportMetric(float64(benchRecords*b.N)/el.Seconds(), "records/s")
	b.ReportMetric(float64(benchRecords*b.N)*1024/el.Seconds()/1e6, "MB/s")
}

func fillBenchTopic(b *testing.B, bootstrap, topic string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cl := kafkatest.Client(b, bootstrap, kgo.ProducerLinger(5*time.Millisecond), kgo.AllowAutoTopicCreation())
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err == nil {
		if o, ok := ends.Lookup(topic, 0); ok && o.Err == nil && o.Offset >= benchRecords {
			return
		}
	}
	_, _ = adm.DeleteTopics(ctx, topic)
	time.Sleep(time.Second)
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, topic); err != nil {
		b.Fatal(err)
	}
	pad := strings.Repeat("x", 700)
	errs := make(chan error, 1)
	for i := 0; i < benchRecords; i++ {
		v := fmt.Sprintf(`{"id": %d, "user_id": "user-%06d", "url": "https://cdn.example.com/static/assets/img/%d.png", `+
			`"referrer": "https://www.example.org/search?q=%d", "agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0", `+
			`"amount": %d.25, "ts": "2024-01-01 10:%02d:%02d.123", "payload": "%s"}`, i, i%50000, i%1000, i, i%1000, (i/60)%60, i%60, pad)
		cl.Produce(ctx, &kgo.Record{Topic: topic, Value: []byte(v)}, func(_ *kgo.Record, err error) {
			if err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}
