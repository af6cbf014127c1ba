package runtime

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spry-engine/spry/runtime/ops"
)

// The final checkpoint (Flink's FLIP-147). With checkpointing, a two-phase
// sink must not commit at the end of its input: a process killed after
// such a commit and before the job ended would be restored from an older
// checkpoint and write the rows again. So a task whose chain holds an
// ops.FinalCheckpointOperator, once its input ended, holds back that
// operator's EndInput, registers with the coordinator as waiting and
// blocks. Every checkpoint triggered from then on asks it for a snapshot
// (taken in its own goroutine: the sink pre-commits everything up to the
// end); the first such checkpoint to complete commits it
// (NotifyCheckpointComplete), after which the task finishes (EndInput:
// the connector's Finish finds nothing left to commit) and ends. Periodic
// checkpoints keep running for the pipelines still reading; once every
// task has ended or waits, the coordinator triggers one more checkpoint
// at once, which releases the waiting tasks and lets the job end. Source
// tasks whose connector acts on completed checkpoints (Kafka commits its
// group offsets) wait the same way, so the end's position is committed.
// A job restored from a checkpoint taken after its sources ended reads
// nothing more (their positions are at the end), commits what the
// checkpoint pre-committed (the sinks' Restore) and ends after its own
// final checkpoint.

// maxFinalAttempts bounds the final checkpoints a finishing job tries
// before it fails, rather than waiting forever on a checkpoint directory
// that rejects every write.
const maxFinalAttempts = 10

// findDeferred finds the chain operators whose end of input waits for
// the final checkpoint; run calls it after Open.
func (t *task) findDeferred() {
	if !t.opCtx.Checkpointing || !t.job.coord.enabled {
		return
	}
	for k, op := range t.ops {
		if f, ok := op.(ops.FinalCheckpointOperator); ok && f.AwaitsFinalCheckpoint() {
			t.ck.deferred = append(t.ck.deferred, k)
		}
	}
}

// endInput ends input in of operator k, unless its end waits for the
// final checkpoint.
func (t *task) endInput(k, in int) error {
	if slices.Contains(t.ck.deferred, k) {
		return nil
	}
	t.cur = k
	if err := t.ops[k].EndInput(in, &t.outs[k]); err != nil {
		return t.wrap(k, err)
	}
	return nil
}

// awaitFinalCheckpoint runs once the task's input ended (and the end was
// passed downstream): it snapshots for every checkpoint it is asked to
// until one of them completed, then commits and finishes the operators
// held back. Cancelling the job meanwhile commits nothing.
func (t *task) awaitFinalCheckpoint() error {
	for _, p := range t.job.coord.awaitFinal(t) {
		if err := t.snapshotFinal(p); err != nil {
			return err
		}
	}
	for t.ck.finalID == 0 || t.ck.complete.Load() < t.ck.finalID {
		select {
		case tr := <-t.ck.trig:
			if p := t.job.coord.owed(tr.id, t); p != nil {
				if err := t.snapshotFinal(p); err != nil {
					return err
				}
			}
		case <-t.ck.notify:
			if err := t.pollNotify(); err != nil {
				return err
			}
		case <-t.ctx.Done():
			return context.Cause(t.ctx)
		}
	}
	if err := t.pollNotify(); err != nil {
		return err
	}
	for _, k := range t.ck.deferred {
		if k == 0 && t.source != nil {
			continue // a source ends with its Next
		}
		t.cur = k
		if err := t.ops[k].EndInput(0, &t.outs[k]); err != nil {
			return t.wrap(k, err)
		}
	}
	t.ck.deferred = nil
	return nil
}

// snapshotFinal snapshots the chain, at the end of its input, for
// checkpoint p, once per checkpoint.
func (t *task) snapshotFinal(p *pendingCkpt) error {
	if p.id <= t.ck.finalSnap || p.id <= t.ck.lastSnap {
		// Snapshotted already (its barrier passed before the input
		// ended): that snapshot does not cover the end, a later one will.
		return nil
	}
	t.ck.finalSnap = p.id
	if t.ck.finalID == 0 {
		t.ck.finalID = p.id
	}
	return t.checkpoint(p, 0)
}

// awaitFinal registers t as waiting for the final checkpoint and returns
// the pending checkpoints it still owes a snapshot, oldest first; the
// ones triggered later reach it on its trigger channel.
func (c *coordinator) awaitFinal(t *task) []*pendingCkpt {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waiters[t] = true
	var ps []*pendingCkpt
	for _, p := range c.pending {
		if p.waiting[t] {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b *pendingCkpt) int { return int(a.id - b.id) })
	return ps
}

// owed returns checkpoint id if it is in progress and awaits t.
func (c *coordinator) owed(id int64, t *task) *pendingCkpt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.pending[id]; p != nil && p.waiting[t] {
		return p
	}
	return nil
}

// finalDue reports whether the final checkpoint is to be triggered now:
// some task waits for it, every other task has ended, and no checkpoint
// is in progress (one in progress already holds the waiting tasks'
// snapshots).
func (c *coordinator) finalDue(now time.Time) bool {
	c.mu.Lock()
	due := c.enabled && len(c.waiters) > 0 && len(c.finals)+len(c.waiters) >= len(c.tasks)
	if due {
		for _, p := range c.pending {
			if !p.savepoint {
				due = false
				break
			}
		}
	}
	c.mu.Unlock()
	return due && c.mayTrigger(now)
}

// triggerFinal triggers the final checkpoint; after maxFinalAttempts
// failed ones it fails the job with the last checkpoint's error.
func (c *coordinator) triggerFinal() {
	c.finalTries++
	if c.finalTries > maxFinalAttempts {
		var cause error
		c.mu.Lock()
		if n := len(c.stats); n > 0 {
			cause = c.stats[n-1].Err
		}
		c.mu.Unlock()
		c.job.fail(&CheckpointError{Msg: fmt.Sprintf("the final checkpoint of the finished input failed %d times", maxFinalAttempts), Err: cause})
		return
	}
	if _, err := c.trigger(false, "", stopNone); err != nil {
		c.logger.Debug("final checkpoint not triggered", "job", c.job.graph.Name, "reason", err.Error())
	}
}
