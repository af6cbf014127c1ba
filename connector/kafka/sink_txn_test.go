package kafka

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/connector/kafka/kafkatest"
	_ "github.com/spry-engine/spry/format/json"
	"github.com/spry-engine/spry/types"
)

var nSchema = &types.Schema{Fields: []types.Field{{Name: "n", Type: types.BigInt}}}

// nTable is a one-column JSON table writing topic, with extra options.
func nTable(bootstrap, topic string, opts map[string]string) *connector.Table {
	o := map[string]string{"connector": "kafka", "topic": topic, "properties.bootstrap.servers": bootstrap, "format": "json"}
	for k, v := range opts {
		o[k] = v
	}
	return &connector.Table{Name: "cat.db." + topic, Schema: nSchema, Options: o}
}

// nBatch is a batch of the values ns.
func nBatch(ns ...int64) *types.Batch {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues(ns, nil)
	return types.NewBatch(nSchema, []arrow.Array{b.NewArray()}, nil, len(ns))
}

// eoSink opens an exactly-once sink subtask of table tbl.
func eoSink(t *testing.T, tbl *connector.Table, subtask, parallelism int) *Sink {
	t.Helper()
	s, err := newSinkMode(tbl, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.Open(ctx, connector.Task{Subtask: subtask, Parallelism: parallelism, BatchSize: 16, Checkpointing: true}); err != nil {
		t.Fatal(err)
	}
	return s
}

// pre pre-commits checkpoint n of s.
func pre(t *testing.T, s *Sink, n int64) []byte {
	t.Helper()
	b, err := s.PreCommit(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sent waits until the records written to s reached the broker, as they
// would have before a crash that is not right after the write.
func sent(t *testing.T, s *Sink) {
	t.Helper()
	ok(t, s.cl.Flush(context.Background()))
}

// readCommitted returns the values a read_committed consumer sees in
// topic (kafkatest.ReadCommitted).
func readCommitted(t *testing.T, bootstrap, topic string) []string {
	t.Helper()
	var out []string
	for _, r := range kafkatest.ReadCommitted(t, bootstrap, topic) {
		out = append(out, strings.TrimSpace(string(r.Value)))
	}
	return out
}

func rows(ns ...int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = `{"n":` + strconv.Itoa(n) + `}`
	}
	return out
}

// The exactly-once scenarios run against kfake (always) and the real
// broker (Kafka 4 with transaction.version 2, whose commits bump the
// producer epoch; needs SPRY_KAFKA_BOOTSTRAP).
var exactlyOnceScenarios = []struct {
	name string
	run  func(t *testing.T, bootstrap string)
}{
	{"Restore", exactlyOnceRestore},
	{"CommitOnRestore", exactlyOnceCommitOnRestore},
	{"Rescale", exactlyOnceRescale},
	{"Finish", exactlyOnceFinish},
	{"CloseAborts", exactlyOnceCloseAborts},
	{"SkippedCheckpoint", exactlyOnceSkippedCheckpoint},
}

func TestExactlyOnceFake(t *testing.T) {
	for _, sc := range exactlyOnceScenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, kafkatest.Fake(t)) })
	}
}

func TestExactlyOnceBroker(t *testing.T) {
	b := kafkatest.Broker(t)
	for _, sc := range exactlyOnceScenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, b) })
	}
}

// exactlyOnceRestore: rows of checkpoint 1 (committed) and 2 (only
// pre-committed) then a crash; the run restored from checkpoint 1 sees
// checkpoint 1's rows once and none of 2's, and committing checkpoint
// 1's transaction again succeeds.
func exactlyOnceRestore(t *testing.T, bootstrap string) {
	ctx := context.Background()
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 1)
	tbl := nTable(bootstrap, topic, map[string]string{"sink.delivery-guarantee": "exactly-once",
		"sink.transactional-id-prefix": topic})

	s1 := eoSink(t, tbl, 0, 1)
	ok(t, s1.Write(ctx, nBatch(1, 2, 3)))
	st1 := pre(t, s1, 1)
	ok(t, s1.Commit(ctx, 1))
	ok(t, s1.Write(ctx, nBatch(4, 5, 6)))
	pre(t, s1, 2)
	ok(t, s1.crash()) // checkpoint 2 never completes

	s2 := eoSink(t, tbl, 0, 1)
	ok(t, s2.Restore(ctx, 1, [][]byte{st1}))
	var st sinkState
	ok(t, json.Unmarshal(st1, &st))
	if len(st.Pending) != 1 {
		t.Fatalf("checkpoint 1 state %s: want one pending transaction", st1)
	}
	ok(t, s2.commitPending(ctx, st.Pending[0])) // a third commit of the same transaction
	if err := endTxn(ctx, s2.adm, st.Pending[0].TransactionID, st.Pending[0].ProducerID, st.Pending[0].Epoch, true); err != nil {
		t.Errorf("committing a committed transaction again: %v", err)
	}
	ok(t, s2.Write(ctx, nBatch(7, 8)))
	pre(t, s2, 2)
	ok(t, s2.Commit(ctx, 2))
	ok(t, s2.Close())
	if got, want := readCommitted(t, bootstrap, topic), rows(1, 2, 3, 7, 8); !slices.Equal(got, want) {
		t.Errorf("read_committed sees %v, want %v", got, want)
	}
}

// exactlyOnceCommitOnRestore: a crash after PreCommit(1) but before
// Commit(1); the restored run commits checkpoint 1's rows.
func exactlyOnceCommitOnRestore(t *testing.T, bootstrap string) {
	ctx := context.Background()
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 1)
	tbl := nTable(bootstrap, topic, map[string]string{"sink.delivery-guarantee": "exactly-once",
		"sink.transactional-id-prefix": topic})
	s1 := eoSink(t, tbl, 0, 1)
	ok(t, s1.Write(ctx, nBatch(1, 2)))
	ok(t, s1.Write(ctx, nBatch(3)))
	st1 := pre(t, s1, 1)
	ok(t, s1.crash())

	s2 := eoSink(t, tbl, 0, 1)
	ok(t, s2.Restore(ctx, 1, [][]byte{st1}))
	ok(t, s2.Close())
	if got, want := readCommitted(t, bootstrap, topic), rows(1, 2, 3); !slices.Equal(got, want) {
		t.Errorf("read_committed sees %v, want %v", got, want)
	}
}

// exactlyOnceRescale: two subtasks crash with open transactions; a
// run of parallelism 1 restored from their checkpoint commits both
// subtasks' pre-committed rows and aborts both open transactions.
func exactlyOnceRescale(t *testing.T, bootstrap string) {
	ctx := context.Background()
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 2)
	tbl := nTable(bootstrap, topic, map[string]string{"sink.delivery-guarantee": "exactly-once",
		"sink.transactional-id-prefix": topic, "sink.partitioner": "fixed"})
	var states [][]byte
	for sub := 0; sub < 2; sub++ {
		s := eoSink(t, tbl, sub, 2)
		ok(t, s.Write(ctx, nBatch(int64(10*sub+1))))
		states = append(states, pre(t, s, 1))
		ok(t, s.Write(ctx, nBatch(int64(10*sub+2))))
		pre(t, s, 2)
		ok(t, s.Write(ctx, nBatch(int64(10*sub+3))))
		sent(t, s)
		ok(t, s.crash())
	}
	s := eoSink(t, tbl, 0, 1)
	ok(t, s.Restore(ctx, 1, states))
	ok(t, s.Close())
	if got, want := readCommitted(t, bootstrap, topic), rows(1, 11); !slices.Equal(got, want) {
		t.Errorf("read_committed sees %v, want %v", got, want)
	}
}

// exactlyOnceFinish: a bounded job's last rows are committed by
// Finish, and a fresh run with the same prefix aborts what a run that
// failed before its first checkpoint left open.
func exactlyOnceFinish(t *testing.T, bootstrap string) {
	ctx := context.Background()
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 1)
	tbl := nTable(bootstrap, topic, map[string]string{"sink.delivery-guarantee": "exactly-once",
		"sink.transactional-id-prefix": topic})
	failed := eoSink(t, tbl, 0, 1)
	ok(t, failed.Write(ctx, nBatch(-1)))
	sent(t, failed)
	ok(t, failed.crash())

	s := eoSink(t, tbl, 0, 1)
	ok(t, s.Write(ctx, nBatch(1, 2)))
	pre(t, s, 1)
	ok(t, s.Write(ctx, nBatch(3)))
	ok(t, s.Finish(ctx))
	ok(t, s.Close())
	if got, want := readCommitted(t, bootstrap, topic), rows(1, 2, 3); !slices.Equal(got, want) {
		t.Errorf("read_committed sees %v, want %v", got, want)
	}
}

// TestSinkGuaranteeOptions: Flink's validation of the exactly-once
// options, and the refusal to run exactly-once without checkpointing.
func TestSinkGuaranteeOptions(t *testing.T) {
	_, err := newSink(testTable(map[string]string{"sink.delivery-guarantee": "exactly-once"}))
	if err == nil || !strings.Contains(err.Error(), "sink.transactional-id-prefix must be specified when using DeliveryGuarantee.EXACTLY_ONCE.") {
		t.Errorf("exactly-once without a prefix: %v", err)
	}
	_, err = newSink(testTable(map[string]string{"sink.delivery-guarantee": "exactly-once",
		"sink.transactional-id-prefix": "p", "properties.transaction.timeout.ms": "soon"}))
	if err == nil || !strings.Contains(err.Error(), "transaction.timeout.ms") {
		t.Errorf("bad transaction timeout: %v", err)
	}
	s, err := newSink(testTable(map[string]string{"sink.delivery-guarantee": "exactly-once", "sink.transactional-id-prefix": "p"}))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Open(context.Background(), connector.Task{Parallelism: 1})
	if err == nil || !strings.Contains(err.Error(), "checkpointing disabled") {
		t.Errorf("exactly-once without checkpointing: %v", err)
	}
	if got := txnID("job", 3, 42); got != "job-3-42" {
		t.Errorf("txnID = %s", got)
	}
}

// TestAtLeastOnceUpsertPreCommit: an upsert-kafka sink (idempotent by
// key) flushes at each checkpoint: every row written before PreCommit is
// in the topic when it returns, and the state it stores is empty.
func TestAtLeastOnceUpsertPreCommit(t *testing.T) {
	for _, broker := range []struct {
		name      string
		bootstrap func(testing.TB) string
	}{{"Fake", kafkatest.Fake}, {"Broker", kafkatest.Broker}} {
		t.Run(broker.name, func(t *testing.T) {
			bootstrap := broker.bootstrap(t)
			topic := kafkatest.Topic(t)
			kafkatest.CreateTopic(t, bootstrap, topic, 1)
			tbl := &connector.Table{Name: "cat.db.u", Schema: nSchema, PrimaryKey: []int{0}, Options: map[string]string{
				"connector": "upsert-kafka", "topic": topic, "properties.bootstrap.servers": bootstrap,
				"key.format": "json", "value.format": "json", "properties.linger.ms": "60000"}}
			s, err := newSinkMode(tbl, true)
			ok(t, err)
			ctx := context.Background()
			ok(t, s.Open(ctx, connector.Task{Parallelism: 1, Checkpointing: true}))
			defer s.Close()
			ok(t, s.Write(ctx, nBatch(1, 2, 3)))
			if st := pre(t, s, 1); st != nil {
				t.Errorf("at-least-once state %q, want none", st)
			}
			if got := len(kafkatest.ReadAll(t, bootstrap, topic)); got != 3 {
				t.Errorf("%d records in the topic after PreCommit, want 3", got)
			}
			ok(t, s.Commit(ctx, 1))
			ok(t, s.Restore(ctx, 1, nil))
		})
	}
}

// exactlyOnceCloseAborts: a sink closed (job cancelled) aborts the
// transaction of rows no checkpoint covers, so read_committed readers
// are not held back until a restart or the transaction timeout.
func exactlyOnceCloseAborts(t *testing.T, bootstrap string) {
	ctx := context.Background()
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 1)
	tbl := nTable(bootstrap, topic, map[string]string{"sink.delivery-guarantee": "exactly-once",
		"sink.transactional-id-prefix": topic})
	s := eoSink(t, tbl, 0, 1)
	ok(t, s.Write(ctx, nBatch(1)))
	pre(t, s, 1)
	ok(t, s.Commit(ctx, 1))
	ok(t, s.Write(ctx, nBatch(2)))
	ok(t, s.Close())
	if got, want := readCommitted(t, bootstrap, topic), rows(1); !slices.Equal(got, want) {
		t.Errorf("read_committed sees %v, want %v", got, want)
	}
}

// TestExactlyOnceTimeoutAboveBrokerMax: a transaction timeout above the
// broker's transaction.max.timeout.ms (15 min by default) fails the first
// write with the option to change.
func TestExactlyOnceTimeoutAboveBrokerMax(t *testing.T) {
	bootstrap := kafkatest.Broker(t)
	topic := kafkatest.Topic(t)
	tbl := nTable(bootstrap, topic, map[string]string{"sink.delivery-guarantee": "exactly-once",
		"sink.transactional-id-prefix": topic, "properties.transaction.timeout.ms": "3600000"})
	s := eoSink(t, tbl, 0, 1)
	defer s.Close()
	err := s.Write(context.Background(), nBatch(1))
	if err == nil || !strings.Contains(err.Error(), "transaction.max.timeout.ms") {
		t.Errorf("err = %v, want the broker's maximum named", err)
	}
}

// exactlyOnceSkippedCheckpoint: checkpoint 2 never reached the sink, so
// its transactional id went unused; the sink initialises it anyway, and
// a run restored from checkpoint 1 still finds and aborts the
// transaction opened after checkpoint 3.
func exactlyOnceSkippedCheckpoint(t *testing.T, bootstrap string) {
	ctx := context.Background()
	topic := kafkatest.Topic(t)
	kafkatest.CreateTopic(t, bootstrap, topic, 1)
	tbl := nTable(bootstrap, topic, map[string]string{"sink.delivery-guarantee": "exactly-once",
		"sink.transactional-id-prefix": topic})
	s1 := eoSink(t, tbl, 0, 1)
	ok(t, s1.Write(ctx, nBatch(1)))
	st1 := pre(t, s1, 1)
	ok(t, s1.Commit(ctx, 1))
	ok(t, s1.Write(ctx, nBatch(2)))
	pre(t, s1, 3)
	ok(t, s1.Write(ctx, nBatch(3)))
	sent(t, s1)
	ok(t, s1.crash())

	s2 := eoSink(t, tbl, 0, 1)
	ok(t, s2.Restore(ctx, 1, [][]byte{st1}))
	ok(t, s2.Close())
	if got, want := readCommitted(t, bootstrap, topic), rows(1); !slices.Equal(got, want) {
		t.Errorf("read_committed sees %v, want %v", got, want)
	}
}
