package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// Delivery guarantees (sink.delivery-guarantee).
const (
	GuaranteeNone        = "none"
	GuaranteeAtLeastOnce = "at-least-once"
	GuaranteeExactlyOnce = "exactly-once"
)

// UnsupportedError is an option value Spry does not implement yet.
type UnsupportedError struct {
	Table string
	Msg   string
}

func (e *UnsupportedError) Error() string { return fmt.Sprintf("table %s: %s", e.Table, e.Msg) }

// Sink is one subtask writing a table's rows into a Kafka topic.
//
// Records go to the producer asynchronously; with 'at-least-once' every
// record's acknowledgement is awaited at Finish and at each checkpoint
// (PreCommit), and a failed record fails the job with its cause.
// 'exactly-once' writes the rows of each checkpoint in one Kafka
// transaction, committed when the checkpoint completes (sink_txn.go).
type Sink struct {
	t           *connector.Table
	cfg         *config
	lay         *layout
	topic       string
	upsert      bool
	guarantee   string
	partitioner string
	cl          *kgo.Client
	kenc, venc  format.Encoder
	tsCol       int   // the writable 'timestamp' metadata column, or -1
	hdrCol      int   // the writable 'headers' metadata column, or -1
	partition   int32 // 'fixed': this subtask's partition
	buf         []byte
	task        connector.Task
	// adm sends the transaction requests of 'exactly-once', whose
	// producer (cl) changes with every checkpoint; nil otherwise.
	adm *kgo.Client
	txn *txnSink

	mu       sync.Mutex
	firstErr error
}

var _ connector.Sink = (*Sink)(nil)

func newSink(t *connector.Table) (connector.Sink, error) { return newSinkMode(t, false) }

func newSinkMode(t *connector.Table, upsert bool) (*Sink, error) {
	cfg, err := parseConfig(t, upsert)
	if err != nil {
		return nil, err
	}
	if len(cfg.topics) != 1 || cfg.pattern != nil {
		return nil, &ConfigError{Table: t.Name, Msg: "Flink Kafka sink currently only supports single topic, but got topic: " + t.Options[OptTopic]}
	}
	var keyFields []string
	if upsert {
		keyFields = primaryKeyNames(t)
	}
	lay, err := newLayout(t, keyFields, true)
	if err != nil {
		return nil, err
	}
	s := &Sink{t: t, cfg: cfg, lay: lay, topic: cfg.topics[0], upsert: upsert, tsCol: -1, hdrCol: -1,
		guarantee: strings.ToLower(t.Options[OptSinkGuarantee]), partitioner: strings.ToLower(t.Options[OptSinkPartitioner])}
	if s.guarantee == "" {
		s.guarantee = GuaranteeAtLeastOnce
	}
	if s.guarantee == GuaranteeExactlyOnce {
		// Flink's validation, word for word.
		prefix, ok := t.Options[OptSinkTxnPrefix]
		if !ok {
			return nil, &ConfigError{Table: t.Name, Msg: OptSinkTxnPrefix + " must be specified when using DeliveryGuarantee.EXACTLY_ONCE."}
		}
		timeout, err := cfg.txnTimeout()
		if err != nil {
			return nil, &ConfigError{Table: t.Name, Msg: err.Error()}
		}
		s.txn = &txnSink{prefix: prefix, timeout: timeout, next: 1}
	}
	switch s.partitioner {
	case "", "default", "fixed", "round-robin":
	default:
		return nil, &UnsupportedError{Table: t.Name, Msg: fmt.Sprintf("Could not find and instantiate partitioner class '%s': "+
			"custom partitioner classes are not supported; use 'default', 'fixed' or 'round-robin'", t.Options[OptSinkPartitioner])}
	}
	for _, m := range lay.meta { // newLayout allows only the writable keys
		if m.key == MetaTimestamp {
			s.tsCol = m.col
		} else {
			s.hdrCol = m.col
		}
	}
	if s.kenc, err = s.encoder(OptKeyFormat, lay.keySchema, len(lay.keyCols) > 0); err != nil {
		return nil, err
	}
	if s.venc, err = s.encoder(valueFormatKey(t.Options), lay.valueSchema, true); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Sink) encoder(key string, schema *types.Schema, want bool) (format.Encoder, error) {
	if !want {
		return nil, nil
	}
	e, err := format.NewEncoder(key, schema, s.t.Options)
	if err != nil {
		return nil, &ConfigError{Table: s.t.Name, Msg: err.Error()}
	}
	return e, nil
}

// Open connects the producer (failing within seconds when no broker
// answers) and, for the 'fixed' partitioner, picks the subtask's partition.
func (s *Sink) Open(ctx context.Context, task connector.Task) error {
	s.task = task
	if s.txn != nil && !task.Checkpointing {
		return &ConfigError{Table: s.t.Name, Msg: "'sink.delivery-guarantee' = 'exactly-once' commits Kafka transactions when " +
			"checkpoints complete, but the job has checkpointing disabled: set 'execution.checkpointing.interval' " +
			"(or use 'at-least-once')"}
	}
	opts := []kgo.Opt{kgo.DefaultProduceTopic(s.topic), kgo.AllowAutoTopicCreation()}
	switch s.partitioner {
	case "fixed":
		opts = append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	case "round-robin":
		opts = append(opts, kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	default: // murmur2 of the key as Kafka's Java producer; sticky without key
		opts = append(opts, kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))
	}
	if s.guarantee == GuaranteeNone {
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
	}
	deliveryTimeout, err := s.cfg.deliveryTimeout()
	if err != nil {
		return &ConfigError{Table: s.t.Name, Msg: err.Error()}
	}
	if s.tsCol < 0 {
		// A broker lost during the run fails the job after Kafka's
		// delivery.timeout.ms (default 2 min), as Flink's producer does,
		// instead of retrying forever. franz-go counts the timeout from
		// the record's timestamp, so a table that writes the 'timestamp'
		// metadata column (any time at all) keeps the unlimited default.
		opts = append(opts, kgo.RecordDeliveryTimeout(deliveryTimeout))
	}
	var lister *kgo.Client
	if s.txn != nil {
		// Each transaction gets its own producer (beginTxn).
		s.txn.opts = opts
		if s.adm, err = s.cfg.newClient(ctx); err != nil {
			return err
		}
		lister = s.adm
	} else {
		if s.cl, err = s.cfg.newClient(ctx, opts...); err != nil {
			return err
		}
		lister = s.cl
	}
	if s.partitioner == "fixed" {
		td, err := kadm.NewClient(lister).ListTopics(ctx, s.topic)
		n := 0
		if err == nil {
			if d, ok := td[s.topic]; ok && d.Err == nil {
				n = len(d.Partitions)
			}
		}
		if n > 0 {
			s.partition = int32(task.Subtask % n) // Flink's FlinkFixedPartitioner
		}
	}
	return nil
}

// Write hands the batch's rows to the producer.
func (s *Sink) Write(ctx context.Context, b *types.Batch) error {
	if err := s.err(); err != nil {
		return err
	}
	if s.txn != nil {
		if err := s.beginTxn(ctx); err != nil {
			return err
		}
	}
	vb := project(b, s.lay.valueSchema, s.lay.valueCols)
	var kb *types.Batch
	if s.kenc != nil {
		kb = project(b, s.lay.keySchema, s.lay.keyCols)
	}
	var ts *array.Timestamp
	if s.tsCol >= 0 {
		ts, _ = b.Cols[s.tsCol].(*array.Timestamp)
	}
	var hdrs *array.Map
	if s.hdrCol >= 0 {
		hdrs, _ = b.Cols[s.hdrCol].(*array.Map)
	}
	// One buffer per batch holds every encoded key and value: the producer
	// keeps the slices until the records are sent, so it is never reused.
	s.buf = make([]byte, 0, 64*b.Len())
	type span struct {
		k0, k1, v0, v1 int
		skip           bool
	}
	spans := make([]span, b.Len())
	var err error
	for row := 0; row < b.Len(); row++ {
		kind := b.Kind(row)
		if s.upsert && kind == types.UpdateBefore {
			spans[row].skip = true
			continue
		}
		sp := span{k0: -1, v0: -1}
		if kb != nil {
			sp.k0 = len(s.buf)
			if s.buf, err = s.kenc.Encode(kb, row, s.buf); err != nil {
				return fmt.Errorf("table %s: encoding the key: %w", s.t.Name, err)
			}
			sp.k1 = len(s.buf)
		}
		if !(s.upsert && kind == types.Delete) {
			sp.v0 = len(s.buf)
			if s.buf, err = s.venc.Encode(vb, row, s.buf); err != nil {
				return fmt.Errorf("table %s: encoding the value: %w", s.t.Name, err)
			}
			sp.v1 = len(s.buf)
		}
		spans[row] = sp
	}
	for row, sp := range spans {
		if sp.skip {
			continue // a -U of an upsert sink
		}
		r := &kgo.Record{Topic: s.topic}
		if sp.k0 >= 0 {
			r.Key = s.buf[sp.k0:sp.k1:sp.k1]
		}
		if sp.v0 >= 0 {
			r.Value = s.buf[sp.v0:sp.v1:sp.v1]
		}
		if ts != nil && ts.IsValid(row) {
			r.Timestamp = time.UnixMicro(int64(ts.Value(row)))
		}
		if hdrs != nil && hdrs.IsValid(row) {
			r.Headers = headers(hdrs, row)
		}
		if s.partitioner == "fixed" {
			r.Partition = s.partition
		}
		s.cl.Produce(ctx, r, s.onProduced)
	}
	return s.err()
}

func (s *Sink) onProduced(r *kgo.Record, err error) {
	if err == nil || s.guarantee == GuaranteeNone {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstErr == nil {
		s.firstErr = fmt.Errorf("table %s: writing to Kafka topic %s (partition %d) failed: %w", s.t.Name, r.Topic, r.Partition, err)
	}
}

func (s *Sink) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstErr
}

// Flush waits until every record handed to the producer is acknowledged
// (the pre-commit step of a checkpoint) and reports the first failure.
func (s *Sink) Flush(ctx context.Context) error {
	if s.cl == nil {
		return nil
	}
	if err := s.cl.Flush(ctx); err != nil {
		return fmt.Errorf("table %s: flushing the Kafka producer: %w", s.t.Name, err)
	}
	return s.err()
}

// Finish flushes: a bounded job ends with every record acknowledged
// (with 'exactly-once', committed).
func (s *Sink) Finish(ctx context.Context) error {
	if s.txn != nil {
		return s.finishTxns(ctx)
	}
	return s.Flush(ctx)
}

// Close disconnects; records not flushed are lost (Finish flushes). With
// 'exactly-once' it aborts the transaction of rows no checkpoint
// pre-committed yet (a restored run would abort it anyway, but read_committed
// consumers need not wait for that); pre-committed ones stay open for the
// run restored from their checkpoint to commit.
func (s *Sink) Close() error {
	if s.txn != nil && s.txn.inTxn {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		if err := s.txn.cur.EndTransaction(ctx, kgo.TryAbort); err != nil {
			slog.Warn("Aborting the open Kafka transaction failed; a restored run or the transaction timeout aborts it",
				"table", s.t.Name, "transactionalId", txnID(s.txn.prefix, s.task.Subtask, s.txn.next), "err", err)
		}
		cancel()
	}
	return s.crash()
}

// crash disconnects without ending anything, as a killed process would.
func (s *Sink) crash() error {
	if s.cl != nil {
		s.cl.Close()
		s.cl = nil
	}
	if s.txn != nil {
		s.txn.cur, s.txn.inTxn = nil, false
	}
	if s.adm != nil {
		s.adm.Close()
		s.adm = nil
	}
	return nil
}

// project returns the columns cols of b (in that order) as a batch of
// schema, keeping b's row kinds (changelog encoders read them).
func project(b *types.Batch, schema *types.Schema, cols []int) *types.Batch {
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		out[i] = b.Cols[c]
	}
	return types.NewBatch(schema, out, b.Kinds, b.Len())
}

// headers returns row's entries of a MAP<STRING, BYTES> column as record
// headers (entries with a NULL key are left out).
func headers(m *array.Map, row int) []kgo.RecordHeader {
	keys, _ := m.Keys().(*array.String)
	vals, _ := m.Items().(*array.Binary)
	if keys == nil || vals == nil {
		return nil
	}
	start, end := m.ValueOffsets(row)
	out := make([]kgo.RecordHeader, 0, end-start)
	for i := int(start); i < int(end); i++ {
		if keys.IsNull(i) {
			continue
		}
		h := kgo.RecordHeader{Key: keys.Value(i)}
		if vals.IsValid(i) {
			h.Value = vals.Value(i)
		}
		out = append(out, h)
	}
	return out
}
