package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spry-engine/spry/state/checkpoint"
)

// Completing checkpoints: tasks acknowledge with their stored parts; the
// last acknowledgement writes _metadata, applies retention and tells the
// tasks; a failure or expiry is counted and the job keeps running.

// cleanupTimeout bounds deleting a failed or dropped checkpoint.
const cleanupTimeout = time.Minute

// failPending records p as failed (counted; the job keeps running) and
// removes what it stored, unless p completed or failed already.
func (c *coordinator) failPending(p *pendingCkpt, err error) {
	c.mu.Lock()
	if c.pending[p.id] != p {
		c.mu.Unlock()
		return
	}
	delete(c.pending, p.id)
	c.mu.Unlock()
	c.failClaimed(p, err)
}

// failClaimed fails p, which the caller removed from the pending ones.
func (c *coordinator) failClaimed(p *pendingCkpt, err error) {
	if cause := context.Cause(p.ctx); cause != nil {
		err = cause // the store failed because p was cancelled: say why
	}
	p.cancel(err)
	c.mu.Lock()
	delete(c.completing, p.id)
	p.err = &CheckpointError{ID: p.id, Msg: "failed", Err: err}
	c.stats = append(c.stats, CheckpointStats{ID: p.id, Savepoint: p.savepoint, Triggered: p.triggered,
		Duration: time.Since(p.triggered), Alignment: p.align, Size: p.size, Err: p.err})
	c.lastEnd = time.Now()
	c.mu.Unlock()
	c.nFailed.Inc()
	if errors.Is(err, ErrCheckpointExpired) {
		c.logger.Info(fmt.Sprintf("Checkpoint %d of job %s expired before completing.", p.id, c.jobID), "job", c.job.graph.Name)
	} else {
		c.logger.Info(fmt.Sprintf("Failed to trigger or complete checkpoint %d for job %s.", p.id, c.jobID), "job", c.job.graph.Name, "reason", err.Error())
	}
	close(p.done)
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	_ = p.store.DeleteDir(ctx, p.prefix)
	cancel()
	if p.savepoint {
		p.store.Close()
	}
}

// goUpload runs upload in the background, unless the job has ended; stop
// waits for the uploads it started.
func (c *coordinator) goUpload(p *pendingCkpt, t *task, snaps []*opSnap, align time.Duration) {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.bg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.bg.Done()
		c.upload(p, t, snaps, align)
	}()
}

// ack records task t's parts of checkpoint p; the last one completes it.
func (c *coordinator) ack(p *pendingCkpt, t *task, parts []partOf, align time.Duration, size int64) {
	c.mu.Lock()
	if c.pending[p.id] != p || !p.waiting[t] {
		c.mu.Unlock()
		return
	}
	delete(p.waiting, t)
	p.align = max(p.align, align)
	p.size += size
	for _, po := range parts {
		key := [2]int{t.vertex.ID, po.index}
		os := p.ops[key]
		if os == nil {
			os = &checkpoint.OperatorState{Vertex: t.vertex.ID, Index: po.index, Name: po.name, Kind: po.kind, Parallelism: t.par}
			p.ops[key] = os
		}
		os.Parts = append(os.Parts, po.part)
	}
	last := len(p.waiting) == 0
	c.mu.Unlock()
	if last {
		c.complete(p)
	}
}

// complete writes the metadata of p, which makes it a completed
// checkpoint, then applies retention and tells the tasks.
func (c *coordinator) complete(p *pendingCkpt) {
	m := &checkpoint.Metadata{Version: checkpoint.FormatVersion, JobName: c.job.graph.Name, JobID: c.jobID,
		CheckpointID: p.id, Savepoint: p.savepoint, Timestamp: time.Now().UTC(), MaxParallelism: c.job.graph.maxParallelism()}
	c.mu.Lock()
	// Claim p before writing _metadata: an expiry or a cancelled
	// savepoint deleting its directory meanwhile would leave a
	// complete-looking _metadata over missing parts.
	if c.pending[p.id] != p {
		c.mu.Unlock()
		return
	}
	delete(c.pending, p.id)
	c.completing[p.id] = p
	for _, os := range p.ops {
		slices.SortFunc(os.Parts, func(a, b checkpoint.Part) int { return a.Subtask - b.Subtask })
		m.Operators = append(m.Operators, *os)
	}
	c.mu.Unlock()
	slices.SortFunc(m.Operators, func(a, b checkpoint.OperatorState) int {
		if a.Vertex != b.Vertex {
			return a.Vertex - b.Vertex
		}
		return a.Index - b.Index
	})
	data, err := m.Encode()
	if err == nil {
		err = storeWrite(p.ctx, p.store, p.prefix+"/"+checkpoint.MetadataFile, data)
	}
	if err != nil {
		c.failClaimed(p, err)
		return
	}
	path := p.store.Path(p.prefix)
	c.mu.Lock()
	delete(c.completing, p.id)
	p.cancel(nil)
	p.path = path
	dur := time.Since(p.triggered)
	c.stats = append(c.stats, CheckpointStats{ID: p.id, Savepoint: p.savepoint, Path: path, Triggered: p.triggered,
		Duration: dur, Alignment: p.align, Size: p.size})
	c.lastEnd = time.Now()
	var drop []int64
	if !p.savepoint {
		// With concurrent checkpoints an older one may complete after a
		// newer one: the latest never goes back.
		if p.id > c.lastID {
			c.last, c.lastID = path, p.id
		}
		if c.refs == nil {
			c.refs = map[int64]map[string]bool{}
		}
		c.refs[p.id] = p.sharedRefs
		c.retained = append(c.retained, p.id)
		slices.Sort(c.retained)
		if n := len(c.retained) - c.cfg.Retained; n > 0 {
			drop = append(drop, c.retained[:n]...)
			c.retained = slices.Clone(c.retained[n:])
		}
	}
	keep := slices.Clone(c.retained)
	c.mu.Unlock()
	c.nCompleted.Inc()
	c.lastDuration.Set(dur.Milliseconds())
	c.lastSize.Set(p.size)
	c.lastAlign.Set(p.align.Milliseconds())
	what := "checkpoint"
	if p.savepoint {
		what = "savepoint"
	}
	c.logger.Info(fmt.Sprintf("Completed %s %d for job %s (%d bytes, checkpointDuration=%d ms, alignment=%d ms)",
		what, p.id, c.job.graph.Name, p.size, dur.Milliseconds(), p.align.Milliseconds()), "path", path)
	if !p.savepoint || p.stop != stopNone {
		// As Flink, an intermediate savepoint commits nothing: the next
		// checkpoint's completion commits what it pre-committed.
		c.notify(p.id)
	}
	close(p.done)
	if p.savepoint {
		if p.stop == stopNone {
			p.store.Close()
		}
		return
	}
	if len(drop) > 0 {
		if err := c.retain(p.store, drop, keep); err != nil {
			c.logger.Info("could not remove old checkpoints", "job", c.job.graph.Name, "error", err.Error())
		}
	}
}

// notify tells every running task that checkpoint id completed.
func (c *coordinator) notify(id int64) {
	for _, t := range c.tasks {
		for {
			cur := t.ck.complete.Load()
			if id <= cur || t.ck.complete.CompareAndSwap(cur, id) {
				break
			}
		}
		select {
		case t.ck.notify <- struct{}{}:
		default:
		}
	}
}

// taskFinished records the final state of a task whose input ended, for
// the checkpoints still to come, and acknowledges the pending ones.
func (c *coordinator) taskFinished(t *task) error {
	c.mu.Lock()
	need := c.enabled || len(c.pending) > 0
	c.mu.Unlock()
	var snaps []*opSnap
	if need {
		s, err := t.finalSnapshot()
		if err != nil {
			return err
		}
		snaps = s
	}
	c.mu.Lock()
	c.finals[t] = snaps
	delete(c.waiters, t)
	var ps []*pendingCkpt
	for _, p := range c.pending {
		// A task that waited for the final checkpoint already snapshotted
		// the checkpoints up to finalSnap (its sink's part included).
		if p.waiting[t] && p.id > t.ck.finalSnap && p.id > t.ck.lastSnap {
			ps = append(ps, p)
		}
	}
	c.mu.Unlock()
	for _, p := range ps {
		c.goUpload(p, t, snaps, 0)
	}
	return nil
}
