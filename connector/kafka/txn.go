package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Transactions outside a producer: the exactly-once sink commits a
// transaction that a producer of a crashed run left open, given only its
// transactional id, producer id and epoch (stored in the checkpoint), and
// fences the producers of a failed run by initialising their ids. Both go
// as raw requests to the transaction coordinator of the id (franz-go finds
// it with FindCoordinator, key type transaction).

// defaultTxnTimeout is Flink's KafkaSink transaction timeout: a checkpoint
// must complete (and its transaction commit) within it, or the broker
// aborts the transaction. Brokers cap it at transaction.max.timeout.ms
// (15 min by default).
const defaultTxnTimeout = 15 * time.Minute

// TransactionError is a pending transaction the sink could not commit:
// the broker aborted it (it outlived transaction.timeout.ms) or another
// producer fenced it, so its records are lost.
type TransactionError struct {
	Table         string
	TransactionID string
	Err           error
}

func (e *TransactionError) Error() string {
	return fmt.Sprintf("table %s: committing Kafka transaction '%s' failed: %v", e.Table, e.TransactionID, e.Err)
}

// Unwrap returns the broker's error.
func (e *TransactionError) Unwrap() error { return e.Err }

// txnID is the transactional id of subtask's transaction for checkpoint
// checkpointID, as Flink's KafkaSink names them: a fresh id per
// checkpoint, so a pre-committed transaction can still be committed
// after the producer that wrote it is gone.
func txnID(prefix string, subtask int, checkpointID int64) string {
	return prefix + "-" + strconv.Itoa(subtask) + "-" + strconv.FormatInt(checkpointID, 10)
}

// txnTimeout is 'properties.transaction.timeout.ms', or Flink's default.
func (c *config) txnTimeout() (time.Duration, error) {
	v, ok := c.props["transaction.timeout.ms"]
	if !ok {
		return defaultTxnTimeout, nil
	}
	d, err := millis(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid value '%s' for 'properties.transaction.timeout.ms': expected a positive number of milliseconds", v)
	}
	return d, nil
}

// initProducer initialises a producer for transactional id id, which
// aborts the transaction a previous producer of the id left open and
// fences that producer. It returns the new epoch: 0 when the id was never
// used (the broker had no state for it).
func initProducer(ctx context.Context, cl *kgo.Client, id string, timeout time.Duration) (int64, int16, error) {
	req := kmsg.NewPtrInitProducerIDRequest()
	req.TransactionalID = &id
	req.TransactionTimeoutMillis = int32(timeout.Milliseconds())
	req.ProducerID, req.ProducerEpoch = -1, -1
	var pid int64
	var epoch int16
	err := retryTxn(ctx, func() error {
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			return err
		}
		pid, epoch = resp.ProducerID, resp.ProducerEpoch
		return nil
	})
	return pid, epoch, err
}

// endTxn commits (or aborts) the transaction of id that producer
// pid/epoch runs. Committing a transaction that is already committed
// succeeds: with transaction.version 1 the epoch is unchanged and the
// coordinator answers a repeated commit with success; with version 2
// (KIP-890, Kafka 4) the commit bumped the epoch by one and the
// coordinator recognises the old epoch as a retry of that commit.
func endTxn(ctx context.Context, cl *kgo.Client, id string, pid int64, epoch int16, commit bool) error {
	req := kmsg.NewPtrEndTxnRequest()
	req.TransactionalID = id
	req.ProducerID = pid
	req.ProducerEpoch = epoch
	req.Commit = commit
	return retryTxn(ctx, func() error {
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		return kerr.ErrorForCode(resp.ErrorCode)
	})
}

// lostTxn reports whether err means the transaction can never commit:
// the broker aborted it or a newer producer of its id fenced it.
func lostTxn(err error) bool {
	return errors.Is(err, kerr.ProducerFenced) || errors.Is(err, kerr.InvalidProducerEpoch) ||
		errors.Is(err, kerr.InvalidTxnState) || errors.Is(err, kerr.InvalidProducerIDMapping) ||
		errors.Is(err, kerr.TransactionalIDNotFound)
}

// retryTxn runs f until it succeeds or fails for good. A transaction
// coordinator answers CONCURRENT_TRANSACTIONS while it writes the markers
// of the id's previous transaction, and COORDINATOR_LOAD_IN_PROGRESS while
// it loads; both pass within seconds.
func retryTxn(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		if !errors.Is(err, kerr.ConcurrentTransactions) && !kerr.IsRetriable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(50 * time.Millisecond):
		}
	}
}
