// Package kafkatest gives tests a Kafka to talk to: the real broker named
// by SPRY_KAFKA_BOOTSTRAP (scripts/services.sh up starts one on
// 127.0.0.1:19092) or an in-process franz-go kfake cluster for fast unit
// tests, plus helpers to create topics and produce and read records.
package kafkatest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// EnvBootstrap is the environment variable naming the brokers of the
// integration tests (host:port[,host:port...]).
const EnvBootstrap = "SPRY_KAFKA_BOOTSTRAP"

// EnvRequire, when set to 1 (make test-integration sets it), makes a test
// that needs a server fail instead of skipping when the server's variable
// is unset, so an integration run can never pass by skipping.
const EnvRequire = "SPRY_REQUIRE_SERVICES"

// Broker returns the bootstrap servers of the real test broker. Without
// SPRY_KAFKA_BOOTSTRAP the test is skipped, saying how to run it, unless
// SPRY_REQUIRE_SERVICES=1, which fails it.
func Broker(t testing.TB) string {
	t.Helper()
	b := os.Getenv(EnvBootstrap)
	if b == "" {
		msg := fmt.Sprintf("%s is not set: run scripts/services.sh up and eval \"$(scripts/services.sh env)\" "+
			"(or point it at another Kafka, see README); make test-integration does both", EnvBootstrap)
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return b
}

// Fake starts an in-process kfake cluster (auto topic creation on) and
// returns its bootstrap servers; it stops when the test ends.
func Fake(t testing.TB) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return strings.Join(c.ListenAddrs(), ",")
}

var (
	seq               atomic.Int64
	invalidTopicChars = regexp.MustCompile(`[^a-zA-Z0-9._-]`)
)

// Topic returns a topic name unique to this test run, so tests sharing a
// broker never see each other's records.
func Topic(t testing.TB) string {
	name := invalidTopicChars.ReplaceAllString(t.Name(), "_")
	if len(name) > 150 {
		name = name[:150] // topic names are at most 249 characters
	}
	return fmt.Sprintf("spry_%s_%d_%d", name, time.Now().UnixNano()%1e9, seq.Add(1))
}

// Client connects to bootstrap; it closes when the test ends.
func Client(t testing.TB, bootstrap string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(strings.Split(bootstrap, ",")...), kgo.MetadataMinAge(250 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// CreateTopic creates topic with the given number of partitions.
func CreateTopic(t testing.TB, bootstrap, topic string, partitions int32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	adm := kadm.NewClient(Client(t, bootstrap))
	resp, err := adm.CreateTopic(ctx, partitions, 1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("creating topic %s: %v", topic, err)
	}
}

// Record is a record to produce: Partition -1 lets the default partitioner
// choose.
type Record struct {
	Partition int32
	Key       []byte // nil: no key
	Value     []byte // nil: a tombstone
	Timestamp time.Time
}

// Produce writes records to topic synchronously, in order.
func Produce(t testing.TB, bootstrap, topic string, recs ...Record) {
	t.Helper()
	cl := Client(t, bootstrap, kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.AllowAutoTopicCreation())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, r := range recs {
		kr := &kgo.Record{Topic: topic, Partition: max(r.Partition, 0), Key: r.Key, Value: r.Value, Timestamp: r.Timestamp}
		if err := cl.ProduceSync(ctx, kr).FirstErr(); err != nil {
			t.Fatalf("producing to %s: %v", topic, err)
		}
	}
}

// ReadAll returns every record of topic from the start to the current end
// of each partition.
func ReadAll(t testing.TB, bootstrap, topic string) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	adm := kadm.NewClient(Client(t, bootstrap))
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int32]int64{}
	total := int64(0)
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			want[o.Partition] = o.Offset
			total += o.Offset
		}
	})
	cl := Client(t, bootstrap, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	var out []*kgo.Record
	got := map[int32]int64{}
	for len(got) < len(want) {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("reading %s: %v (got %d records)", topic, err, len(out))
		}
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, r)
			if r.Offset+1 >= want[r.Partition] {
				got[r.Partition] = r.Offset
			}
		})
	}
	return out
}

// ReadCommitted returns what a read_committed consumer sees in topic, in
// partition and offset order, after checking that no transaction is left
// open in it (each partition's last stable offset is its end offset).
func ReadCommitted(t testing.TB, bootstrap, topic string) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm := kadm.NewClient(Client(t, bootstrap))
	// The end and last stable offsets are listed separately, so a
	// transaction marker written between the two listings makes them
	// differ for a moment: list again until they agree or 5 s passed.
	var ends, lso kadm.ListedOffsets
	deadline := time.Now().Add(5 * time.Second)
	for {
		var err error
		if ends, err = adm.ListEndOffsets(ctx, topic); err != nil {
			t.Fatal(err)
		}
		if lso, err = adm.ListCommittedOffsets(ctx, topic); err != nil {
			t.Fatal(err)
		}
		stable := true
		ends.Each(func(o kadm.ListedOffset) {
			if l, found := lso.Lookup(topic, o.Partition); !found || l.Offset != o.Offset {
				stable = false
			}
		})
		if stable || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := map[int32]int64{} // read up to the last stable offset
	open := false
	ends.Each(func(o kadm.ListedOffset) {
		l, found := lso.Lookup(topic, o.Partition)
		if !found || l.Offset != o.Offset {
			t.Errorf("%s partition %d: last stable offset %d, end %d: a transaction is still open", topic, o.Partition, l.Offset, o.Offset)
			open = true
		}
		if found && l.Offset > 0 {
			want[o.Partition] = l.Offset
		}
	})
	// Control records (transaction markers) are kept so that a partition
	// ending with one is known to be read to its end.
	cl := Client(t, bootstrap, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords())
	got := map[int32][]*kgo.Record{}
	done := map[int32]bool{}
	if open {
		// Records before an open transaction's first one may all be
		// aborted ones, which a read_committed consumer never returns:
		// read what comes within a short while.
		var short context.CancelFunc
		ctx, short = context.WithTimeout(ctx, 2*time.Second)
		defer short()
	}
	for len(done) < len(want) {
		fs := cl.PollFetches(ctx)
		if open && ctx.Err() != nil {
			break
		}
		if err := ctx.Err(); err != nil {
			t.Fatalf("reading %s: %v (done %v of %v)", topic, err, done, want)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if end, ok := want[r.Partition]; !ok || r.Offset >= end {
				return
			}
			if !r.Attrs.IsControl() {
				got[r.Partition] = append(got[r.Partition], r)
			}
			if r.Offset+1 >= want[r.Partition] {
				done[r.Partition] = true
			}
		})
	}
	var out []*kgo.Record
	for p := int32(0); p < int32(len(ends[topic])); p++ {
		out = append(out, got[p]...)
	}
	return out
}
