package kafka_test

import (
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// A broker lost during the run fails the job after delivery.timeout.ms
// with the cause, instead of the producer retrying forever.
func TestLostBrokerFailsAfterDeliveryTimeout(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	bootstrap := strings.Join(c.ListenAddrs(), ",")
	e := env()
	exec(t, e, `CREATE TABLE gen (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000')`)
	exec(t, e, `CREATE TABLE out (n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'lost',
		'properties.bootstrap.servers' = '`+bootstrap+`', 'format' = 'json',
		'properties.delivery.timeout.ms' = '1500')`)
	r := exec(t, e, `INSERT INTO out SELECT n FROM gen`)
	time.Sleep(300 * time.Millisecond)
	c.Close() // the broker goes away while the job writes
	done := make(chan error, 1)
	go func() { done <- r.Wait() }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "writing to Kafka topic lost") {
			t.Fatalf("job ended with %v, want a delivery failure naming the topic", err)
		}
	case <-time.After(30 * time.Second):
		r.Cancel()
		t.Fatal("the job did not fail within 30 s of losing the broker")
	}
}
