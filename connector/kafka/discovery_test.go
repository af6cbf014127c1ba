package kafka

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	"github.com/spry-engine/spry/types"
)

// TestDiscovery: an unbounded source finds partitions added to its topic
// and topics created later that match its pattern, and reads them from
// the earliest offset.
func TestDiscovery(t *testing.T) {
	b := kafkatest.Fake(t)
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, b, topic, 1)
	kafkatest.Produce(t, b, topic, kafkatest.Record{Value: []byte(`{"v": 1}`)})
	opts := map[string]string{"connector": "kafka", "properties.bootstrap.servers": b, "format": "json",
		"topic-pattern": topic + ".*", "scan.startup.mode": "earliest-offset", "scan.topic-partition-discovery.interval": "100 ms"}
	tbl := &connector.Table{Name: "k", Options: opts, Schema: &types.Schema{Fields: []types.Field{{Name: "v", Type: types.Int}}}}
	src, err := newSource(tbl)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := src.Open(ctx, connector.Task{Parallelism: 1, BatchSize: 10}); err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var got []string
	read := func(n int) {
		for len(got) < n {
			bt, err := src.Next(ctx)
			if err != nil {
				t.Fatalf("after %v: %v", got, err)
			}
			for i := 0; bt != nil && i < bt.Len(); i++ {
				got = append(got, fmt.Sprint(bt.Row(i)[0]))
			}
		}
	}
	read(1)
	adm := kadm.NewClient(kafkatest.Client(t, b))
	if _, err := adm.CreatePartitions(ctx, 1, topic); err != nil {
		t.Fatal(err)
	}
	kafkatest.Produce(t, b, topic, kafkatest.Record{Partition: 1, Value: []byte(`{"v": 2}`)})
	other := topic + "_more"
	kafkatest.CreateTopic(t, b, other, 1)
	kafkatest.Produce(t, b, other, kafkatest.Record{Value: []byte(`{"v": 3}`)})
	read(3)
	sort.Strings(got)
	if fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("got %v", got)
	}
	offs := src.(*Source).Offsets()
	if len(offs) != 3 {
		t.Errorf("position %v, want 3 partitions", offs)
	}
}
