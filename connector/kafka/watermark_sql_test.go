package kafka_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	"github.com/spry-engine/spry/table"
)

func TestFakeWatermarkPerPartition(t *testing.T) { watermarkPerPartition(t, kafkatest.Fake(t)) }

func TestBrokerWatermarkPerPartition(t *testing.T) {
	watermarkPerPartition(t, kafkatest.Broker(t))
}

// watermarkPerPartition reads a 2-partition topic on one subtask, one
// record per batch, where partition 1 lags five minutes behind partition
// 0. With the WATERMARK clause pushed into the source the watermark is
// the minimum over the partitions, so no row is late and every window
// counts all its rows. A computed rowtime keeps the assigner after the
// scan (no push-down): it is reported, not asserted, since whether rows
// are dropped there depends on how fetches interleave the partitions.
func watermarkPerPartition(t *testing.T, bootstrap string) {
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 2)
	base := time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC)
	var recs []kafkatest.Record
	for i := 0; i < 10; i++ {
		recs = append(recs, kafkatest.Record{Partition: 0, Value: []byte(`{"v": 1}`), Timestamp: base.Add(5*time.Minute + time.Duration(i)*time.Second)})
	}
	for i := 0; i < 10; i++ {
		recs = append(recs, kafkatest.Record{Partition: 1, Value: []byte(`{"v": 2}`), Timestamp: base.Add(time.Duration(i) * time.Second)})
	}
	kafkatest.Produce(t, bootstrap, topic, recs...)

	e := table.NewEnvironment(table.Settings{Parallelism: 1, Config: map[string]string{table.KeyBatchSize: "1"}})
	opts := with(topic, bootstrap, "format", "json", "scan.startup.mode", "earliest-offset", "scan.bounded.mode", "latest-offset")
	exec(t, e, `CREATE TABLE k (v INT, ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
		WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) `+opts)
	exec(t, e, `CREATE TABLE old (v INT, mts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp', ts AS mts,
		WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) `+opts)
	const q = `SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE %s, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
		GROUP BY window_start, window_end`

	plan := strings.Join(mustQuery(t, e, "EXPLAIN "+strings.Replace(q, "%s", "k", 1)), "\n")
	if !strings.Contains(plan, ", watermark=[-(ts, 1000:INTERVAL SECOND)]]], fields=[") {
		t.Errorf("watermark not pushed into the scan:\n%s", plan)
	}
	plan = strings.Join(mustQuery(t, e, "EXPLAIN "+strings.Replace(q, "%s", "old", 1)), "\n")
	if strings.Contains(plan, "watermark=[-(ts, 1000:INTERVAL SECOND)]]]") {
		t.Errorf("watermark over a computed column pushed into the scan:\n%s", plan)
	}

	r := exec(t, e, strings.Replace(q, "%s", "k", 1))
	rows, err := r.Rows(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		got = append(got, row.Format(r.Schema, nil))
	}
	if want := "[+I[2024-01-01 10:00:00.000, 10] +I[2024-01-01 10:05:00.000, 10]]"; fmt.Sprint(sorted(got)) != want {
		t.Errorf("windows = %v, want %s", sorted(got), want)
	}
	if n := r.MetricTotal("numLateRecordsDropped"); n != 0 {
		t.Errorf("%d rows dropped as late with per-partition watermarks", n)
	}

	r = exec(t, e, strings.Replace(q, "%s", "old", 1))
	if _, err := r.Rows(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Logf("assigner after the scan dropped %d late rows", r.MetricTotal("numLateRecordsDropped"))
}
