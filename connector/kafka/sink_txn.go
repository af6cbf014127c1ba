package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// txnSink is the exactly-once side of a Sink (Flink's KafkaSink with
// DeliveryGuarantee.EXACTLY_ONCE): the rows between two checkpoints go in
// one Kafka transaction with its own transactional id
// '<prefix>-<subtask>-<checkpointId>'. PreCommit flushes it and stores
// (id, producer id, epoch) in the checkpoint; the transaction is
// committed once the checkpoint completes, by whichever run holds the
// checkpoint then. Ids are used in order, one per checkpoint, each
// initialised when the previous checkpoint pre-commits, so a restored run
// finds every transaction a failed run left open by initialising the ids
// after the restored checkpoint until one was never used.
type txnSink struct {
	prefix  string
	timeout time.Duration
	opts    []kgo.Opt // the producer's options, without the transactional id
	// next is the checkpoint id naming the transaction of the rows being
	// written; cur its producer (nil until needed) and inTxn whether it
	// began a transaction.
	next  int64
	cur   *kgo.Client
	inTxn bool
	// pending are pre-committed transactions waiting for their checkpoint
	// to complete, oldest first.
	pending []pendingTxn
	// started is set once lingering transactions of an earlier run were
	// aborted (by Restore, or before the first write of a fresh run).
	started bool
}

// pendingTxn is a pre-committed transaction: what a later run needs to
// commit it without its producer.
type pendingTxn struct {
	Checkpoint    int64  `json:"checkpoint"`
	TransactionID string `json:"transactional_id"`
	ProducerID    int64  `json:"producer_id"`
	Epoch         int16  `json:"epoch"`
}

// beginTxn makes sure the rows about to be written go into the current
// transaction.
func (s *Sink) beginTxn(ctx context.Context) error {
	x := s.txn
	if err := s.startTxns(ctx); err != nil {
		return err
	}
	if x.cur == nil {
		if err := s.newTxnProducer(ctx); err != nil {
			return err
		}
	}
	if !x.inTxn {
		if err := x.cur.BeginTransaction(); err != nil {
			return s.txnErr(x.next, "beginning", err)
		}
		x.inTxn = true
	}
	return nil
}

// newTxnProducer connects the producer of transaction x.next and
// initialises its id (fencing any earlier producer of the id).
func (s *Sink) newTxnProducer(ctx context.Context) error {
	x := s.txn
	id := txnID(x.prefix, s.task.Subtask, x.next)
	opts := append(append([]kgo.Opt(nil), x.opts...), kgo.TransactionalID(id), kgo.TransactionTimeout(x.timeout))
	cl, err := s.cfg.newClient(ctx, opts...)
	if err != nil {
		return err
	}
	if _, _, err := cl.ProducerID(ctx); err != nil {
		cl.Close()
		return s.txnErr(x.next, "initialising the producer of", err)
	}
	x.cur, x.inTxn = cl, false
	s.cl = cl
	return nil
}

// startTxns aborts, on the first write of a run that was not restored,
// the transactions a failed earlier run with the same prefix left open
// (before its first checkpoint), as Flink's KafkaSink does.
func (s *Sink) startTxns(ctx context.Context) error {
	if s.txn.started {
		return nil
	}
	s.txn.started = true
	return s.abortLingering(ctx, []int{s.task.Subtask}, s.txn.next)
}

// preCommitTxn flushes the current transaction, adds it to the pending
// ones and connects the producer of the next.
func (s *Sink) preCommitTxn(ctx context.Context, checkpointID int64) error {
	x := s.txn
	if err := s.startTxns(ctx); err != nil {
		return err
	}
	if x.inTxn {
		if err := x.cur.Flush(ctx); err != nil {
			return s.txnErr(x.next, "flushing", err)
		}
		if err := s.err(); err != nil {
			return err
		}
		pid, epoch, err := x.cur.ProducerID(ctx)
		if err != nil {
			return s.txnErr(x.next, "reading the producer id of", err)
		}
		x.pending = append(x.pending, pendingTxn{Checkpoint: checkpointID,
			TransactionID: txnID(x.prefix, s.task.Subtask, x.next), ProducerID: pid, Epoch: epoch})
	}
	s.closeTxnProducer()
	// A checkpoint that never reached this sink leaves ids unused;
	// initialise them so that the ids stay contiguous for abortLingering.
	for id := x.next + 1; id <= checkpointID; id++ {
		if _, _, err := initProducer(ctx, s.adm, txnID(x.prefix, s.task.Subtask, id), x.timeout); err != nil {
			return s.txnErr(id, "initialising", err)
		}
	}
	x.next = max(x.next, checkpointID) + 1
	return s.newTxnProducer(ctx)
}

// closeTxnProducer disconnects the current producer; its transaction, if
// it began one, stays open on the broker until it is committed (or its
// timeout aborts it).
func (s *Sink) closeTxnProducer() {
	x := s.txn
	if x.cur != nil {
		x.cur.Close()
	}
	x.cur, x.inTxn, s.cl = nil, false, nil
}

// commitTxns commits the pending transactions of checkpoints up to
// checkpointID. A transaction the broker already aborted is reported
// (its rows are lost) and dropped, as Flink's committer does, rather
// than failing every restart again.
func (s *Sink) commitTxns(ctx context.Context, checkpointID int64) error {
	x := s.txn
	keep := x.pending[:0]
	var first error
	for _, p := range x.pending {
		if p.Checkpoint > checkpointID || first != nil {
			keep = append(keep, p)
			continue
		}
		if err := s.commitPending(ctx, p); err != nil {
			first = err
			keep = append(keep, p)
		}
	}
	x.pending = keep
	return first
}

func (s *Sink) commitPending(ctx context.Context, p pendingTxn) error {
	err := endTxn(ctx, s.adm, p.TransactionID, p.ProducerID, p.Epoch, true)
	if err == nil {
		return nil
	}
	terr := &TransactionError{Table: s.t.Name, TransactionID: p.TransactionID, Err: err}
	if lostTxn(err) {
		slog.Error("Unable to commit transaction: the broker no longer has it open (committed before, aborted after "+
			"'properties.transaction.timeout.ms', or fenced); if it was not committed, its records are lost",
			"table", s.t.Name, "transactionalId", p.TransactionID, "checkpoint", p.Checkpoint, "err", err)
		return nil
	}
	return terr
}

// abortLingering fences, for each subtask id of subtasks, the producers
// of transactions 'from' and later that a failed run may have left open:
// it initialises the ids in order until it finds one never used (epoch 0
// after initialisation), which ends the ids that run took.
func (s *Sink) abortLingering(ctx context.Context, subtasks []int, from int64) error {
	sort.Ints(subtasks)
	for _, sub := range subtasks {
		for n := from; ; n++ {
			id := txnID(s.txn.prefix, sub, n)
			_, epoch, err := initProducer(ctx, s.adm, id, s.txn.timeout)
			if err != nil {
				return s.txnErr(n, "aborting lingering", fmt.Errorf("initialising '%s': %w", id, err))
			}
			if epoch == 0 {
				break
			}
		}
	}
	return nil
}

// finishTxns commits everything written at the end of a bounded job
// (Flink's final checkpoint).
func (s *Sink) finishTxns(ctx context.Context) error {
	x := s.txn
	if x.inTxn || len(x.pending) > 0 {
		if err := s.preCommitTxn(ctx, x.next); err != nil {
			return err
		}
		s.closeTxnProducer()
		return s.commitTxns(ctx, x.next)
	}
	return nil
}

func (s *Sink) txnErr(checkpointID int64, what string, err error) error {
	if errors.Is(err, kerr.InvalidTransactionTimeout) {
		err = fmt.Errorf("%w (set 'properties.transaction.timeout.ms' to at most the broker's transaction.max.timeout.ms)", err)
	}
	return fmt.Errorf("table %s: %s Kafka transaction '%s': %w", s.t.Name, what,
		txnID(s.txn.prefix, s.task.Subtask, checkpointID), err)
}
