package kafka_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	"github.com/spry-engine/spry/state/checkpoint"
	"github.com/spry-engine/spry/table"
)

func TestFakeExactlyOnceSQL(t *testing.T) { exactlyOnceSQL(t, kafkatest.Fake(t)) }

func TestBrokerExactlyOnceSQL(t *testing.T) { exactlyOnceSQL(t, kafkatest.Broker(t)) }

// exactlyOnceSQL: a checkpointed job writes a sequence at a bounded
// rate into an exactly-once sink; checkpoints commit its transactions on
// the way (one transactional id per subtask and checkpoint) and the end
// of input commits the last, so a read_committed consumer sees every row
// once.
func exactlyOnceSQL(t *testing.T, bootstrap string) {
	out := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, out, 2)
	const n = 2000
	e := env()
	exec(t, e, `SET 'execution.checkpointing.interval' = '50 ms'`)
	exec(t, e, `CREATE TABLE src (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5000',
		'fields.n.kind' = 'sequence', 'fields.n.start' = '0', 'fields.n.end' = '`+strconv.Itoa(n-1)+`')`)
	exec(t, e, `CREATE TABLE dst (n BIGINT) `+with(out, bootstrap, "format", "json",
		"sink.delivery-guarantee", "exactly-once", "sink.transactional-id-prefix", out))
	exec(t, e, `SET 'restart-strategy.type' = 'none'`)
	if err := exec(t, e, `INSERT INTO dst SELECT n FROM src`).Wait(); err != nil {
		if strings.Contains(err.Error(), "checkpointing disabled") {
			// Until the runtime hands connector.Task.Checkpointing to sinks.
			t.Skipf("the runtime does not tell sinks that the job is checkpointed: %v", err)
		}
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range kafkatest.ReadCommitted(t, bootstrap, out) {
		seen[strings.TrimSpace(string(r.Value))]++
	}
	for i := 0; i < n; i++ {
		v := fmt.Sprintf(`{"n":%d}`, i)
		if seen[v] != 1 {
			t.Fatalf("%s seen %d times (%d distinct rows of %d)", v, seen[v], len(seen), n)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	txns, err := kadm.NewClient(kafkatest.Client(t, bootstrap)).ListTransactions(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Ids are '<prefix>-<subtask>-<checkpoint>': without checkpoints
	// only 1 (the rows) and 2 (opened when Finish pre-commits) exist.
	last := 0
	for _, tx := range txns.Sorted() {
		if rest, ok := strings.CutPrefix(tx.TxnID, out+"-"); ok {
			c, _ := strconv.Atoi(rest[strings.LastIndexByte(rest, '-')+1:])
			last = max(last, c)
		}
	}
	if last < 3 {
		t.Errorf("last transactional id of checkpoint %d: the job took no checkpoint", last)
	}
}

func TestFakeRestoreSQL(t *testing.T) { restoreSQL(t, kafkatest.Fake(t)) }

func TestBrokerRestoreSQL(t *testing.T) { restoreSQL(t, kafkatest.Broker(t)) }

// restoreSQL: a checkpointed Kafka → Kafka (exactly-once) job is
// cancelled after some checkpoints; the job restored from its latest
// checkpoint resumes the source at the checkpoint's offsets and commits
// or aborts what the first left open, so the output holds every input
// row once.
func restoreSQL(t *testing.T, bootstrap string) {
	in, out := kafkatest.Topic(t), kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, in, 2)
	kafkatest.CreateTopic(t, bootstrap, out, 2)
	const n = 1000
	produce := func(from, to int) {
		recs := make([]kafkatest.Record, 0, to-from)
		for i := from; i < to; i++ {
			recs = append(recs, kafkatest.Record{Partition: int32(i % 2), Value: []byte(`{"n":` + strconv.Itoa(i) + `}`)})
		}
		kafkatest.Produce(t, bootstrap, in, recs...)
	}
	produce(0, n)
	dir := t.TempDir()
	run := func(more ...string) *table.Result {
		e := env()
		exec(t, e, `SET 'execution.checkpointing.interval' = '50 ms'`)
		exec(t, e, `SET 'execution.checkpointing.dir' = '`+dir+`'`)
		exec(t, e, `SET 'restart-strategy.type' = 'none'`)
		for i := 0; i+1 < len(more); i += 2 {
			exec(t, e, `SET '`+more[i]+`' = '`+more[i+1]+`'`)
		}
		exec(t, e, `CREATE TABLE src (n BIGINT) `+with(in, bootstrap, "format", "json", "scan.startup.mode", "earliest-offset",
			"properties.group.id", in))
		exec(t, e, `CREATE TABLE dst (n BIGINT) `+with(out, bootstrap, "format", "json",
			"sink.delivery-guarantee", "exactly-once", "sink.transactional-id-prefix", out))
		return exec(t, e, `INSERT INTO dst SELECT n FROM src`)
	}
	first := run()
	ended := make(chan error, 1)
	go func() { ended <- first.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var latest string
	for latest == "" {
		select {
		case <-ctx.Done():
			t.Fatal("no checkpoint within 30 s")
		case err := <-ended:
			if err != nil && strings.Contains(err.Error(), "checkpointing disabled") {
				t.Skipf("the runtime does not tell sinks that the job is checkpointed: %v", err)
			}
			t.Fatalf("the unbounded job ended: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		var err error
		if latest, err = checkpoint.Latest(ctx, dir); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond) // a few more checkpoints
	first.Cancel()
	<-ended
	produce(n, 2*n)
	latest, err := checkpoint.Latest(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	second := run("execution.savepoint.path", latest)
	seen := map[string]int{}
	for len(seen) < 2*n {
		select {
		case <-ctx.Done():
			second.Cancel()
			t.Fatalf("%d of %d rows in the output after 30 s", len(seen), 2*n)
		case <-time.After(100 * time.Millisecond):
		}
		seen = committedValues(t, bootstrap, out)
	}
	time.Sleep(300 * time.Millisecond) // let duplicates show, if any
	second.Cancel()
	_ = second.Wait()
	seen = committedValues(t, bootstrap, out)
	for i := 0; i < 2*n; i++ {
		if v := fmt.Sprintf(`{"n":%d}`, i); seen[v] != 1 {
			t.Fatalf("%s seen %d times (%d distinct rows of %d)", v, seen[v], len(seen), 2*n)
		}
	}
}

// committedValues counts the values of topic a read_committed consumer
// sees up to the last stable offset.
func committedValues(t *testing.T, bootstrap, topic string) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl := kafkatest.Client(t, bootstrap, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords())
	lso, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	left := map[int32]int64{}
	lso.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			left[o.Partition] = o.Offset
		}
	})
	for len(left) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("reading %s: %v", topic, ctx.Err())
		}
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := left[r.Partition]
			if !ok || r.Offset >= end {
				return
			}
			if !r.Attrs.IsControl() {
				out[strings.TrimSpace(string(r.Value))]++
			}
			if r.Offset+1 >= end {
				delete(left, r.Partition)
			}
		})
	}
	cl.Close()
	return out
}
