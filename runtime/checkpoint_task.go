package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/state/checkpoint"
)

// taskCkpt is a task's side of checkpointing: the triggers a source task
// injects, the completions it is told of, and its alignment clock.
type taskCkpt struct {
	trig     chan trigger  // source tasks: barriers to inject
	notify   chan struct{} // a checkpoint completed (completed holds its id)
	complete atomic.Int64  // the latest completed checkpoint to notify
	notified atomic.Int64  // the latest one the chain was told of
	stopped  bool          // a stop-with-savepoint barrier was injected
	// alignStart is when the barrier being aligned first arrived.
	alignStart time.Time
	// restore holds, per chain operator, the state to restore (restore.go).
	restore []*opRestore
	// restoreWM holds, per chain operator, the watermark to restore
	// (math.MinInt64: none).
	restoreWM []int64
	stateDir  string
	// opWM is the last watermark each chain operator processed; stored in
	// checkpoints so that a restored job drops the rows the failed one
	// dropped as late.
	opWM []int64
	// deferred are the chain operators whose EndInput waits for the
	// final checkpoint (checkpoint_final.go); finalID is the first
	// checkpoint the task snapshotted after the end of its input (0: none
	// yet) and finalSnap the last.
	deferred           []int
	finalID, finalSnap int64
	// lastSnap is the last checkpoint the task snapshotted, by barrier or
	// as a waiting task: a checkpoint is snapshotted once per task, since
	// a second pre-commit under the same id would replace the first
	// (a Kafka transaction id, a JDBC write-ahead entry) and lose rows.
	lastSnap int64
	// ended is set once a source task's input ended; startEnded when a
	// restored checkpoint says it had (checkpoint_restore.go): the task
	// then reads nothing, as Flink does not run a finished task again.
	ended, startEnded bool
}

// finishedState names the runtime's record, under chain index -2, that
// a source subtask read its whole input: a source without read positions
// would otherwise read it again after a restore, on top of the state
// that already holds it.
const finishedState = "$finished"

// finishedSnap is the record of a source task whose input ended, or nil.
func (t *task) finishedSnap() *opSnap {
	if t.source == nil || !t.ck.ended {
		return nil
	}
	return &opSnap{index: -2, name: finishedState, kind: checkpoint.KindOperator, data: []byte("true")}
}

// watermarkState names the runtime's own state in a checkpoint: each
// chain operator's watermark, stored under chain index -1.
const watermarkState = "$watermarks"

// watermarkSnap stores the chain's watermarks, or returns nil when no
// operator has seen one.
func (t *task) watermarkSnap() *opSnap {
	for _, wm := range t.ck.opWM {
		if wm != math.MinInt64 {
			data, _ := json.Marshal(t.ck.opWM)
			return &opSnap{index: -1, name: watermarkState, kind: checkpoint.KindOperator, data: data}
		}
	}
	return nil
}

// trigger asks a source task to inject barrier id.
type trigger struct {
	id   int64
	stop stopMode
}

// opSnap is one operator's snapshot, taken synchronously at a barrier.
type opSnap struct {
	index int
	name  string
	kind  string
	data  []byte
	dir   string // KindFiles: local directory to upload
}

// initCkpt makes the task's trigger and notification channels.
func (t *task) initCkpt() {
	t.ck.opWM = make([]int64, len(t.ops))
	for k := range t.ck.opWM {
		t.ck.opWM[k] = math.MinInt64
	}
	// Source tasks inject the barriers they are asked for; a task
	// waiting for the final checkpoint snapshots when asked.
	t.ck.trig = make(chan trigger, 16)
	t.ck.notify = make(chan struct{}, 1)
}

// pollTriggers injects the barriers the coordinator asked for (source
// tasks, between two calls of Next) and handles completions.
func (t *task) pollTriggers() error {
	if err := t.pollNotify(); err != nil {
		return err
	}
	for {
		select {
		case tr := <-t.ck.trig:
			if tr.id <= t.bar.last {
				t.job.coord.decline(tr.id, &BarrierError{t.vertex.nameOrID(), t.index,
					fmt.Sprintf("checkpoint barrier %d after barrier %d", tr.id, t.bar.last)})
				continue
			}
			if tr.stop == stopDrain {
				// Fire everything event time still holds (Flink's stop
				// --drain emits MAX_WATERMARK before the savepoint).
				if err := t.advanceWatermark(1, math.MaxInt64); err != nil {
					return err
				}
			}
			if err := t.handleBarrier(tr.id); err != nil {
				return err
			}
			if tr.stop != stopNone {
				t.ck.stopped = true
			}
		default:
			return nil
		}
	}
}

// pollNotify tells the chain's CheckpointListener operators of the latest
// completed checkpoint, if it has not yet.
func (t *task) pollNotify() error {
	id := t.ck.complete.Load()
	if id <= t.ck.notified.Load() {
		return nil
	}
	for k, op := range t.ops {
		if l, ok := op.(ops.CheckpointListener); ok {
			prev := t.cur
			t.cur = k
			if err := l.NotifyCheckpointComplete(id); err != nil {
				return t.wrap(k, err)
			}
			t.cur = prev
		}
	}
	t.ck.notified.Store(id)
	return nil
}

// waitStopped parks a source task whose source stopped after a
// stop-with-savepoint barrier: it no longer reads, only commits
// completed checkpoints until the job is cancelled.
func (t *task) waitStopped() error {
	for {
		select {
		case <-t.ck.notify:
			if err := t.pollNotify(); err != nil {
				return err
			}
		case <-t.ctx.Done():
			return nil
		}
	}
}

// snapshotOp snapshots operator k at barrier id, after its OnBarrier.
// It returns nil when the operator has no state to store.
func (t *task) snapshotOp(k int, id int64) (*opSnap, error) {
	op := t.ops[k]
	s := &opSnap{index: k, name: op.String()}
	_, keyed := op.(ops.Snapshotter)
	if d, ok := op.(ops.DirSnapshotter); ok && (!keyed || t.opCtx.StateBackend == "pebble") {
		dir, err := d.SnapshotDir(id)
		if err != nil {
			return nil, err
		}
		if dir != "" {
			s.kind, s.dir = checkpoint.KindFiles, dir
			return s, nil
		}
	}
	if c, ok := op.(ops.CheckpointedOperator); ok {
		data, err := c.SnapshotCheckpoint(id)
		if err != nil || data == nil {
			return nil, err
		}
		s.kind, s.data = checkpoint.KindOperator, data
		return s, nil
	}
	if sn, ok := op.(ops.Snapshotter); ok {
		var buf bytes.Buffer
		if err := sn.SnapshotState(&buf); err != nil {
			return nil, err
		}
		s.kind, s.data = checkpoint.KindKeyed, buf.Bytes()
		return s, nil
	}
	return nil, nil
}

// finalSnapshot is the state of a task that ended: keyed state and its
// source's position (at the end). Checkpoints taken after it ended store
// these, so a restored job does not read a finished source again. Sinks
// are left out: their Finish committed everything (with checkpointing,
// after the final checkpoint committed it: checkpoint_final.go).
func (t *task) finalSnapshot() ([]*opSnap, error) {
	var out []*opSnap
	for k, op := range t.ops {
		if sn, keyed := op.(ops.Snapshotter); keyed {
			// Always the keyed form: a local store's files are not kept
			// past the task's end, and a pebble aggregation's keyed
			// snapshot holds every group, cached or on disk.
			var buf bytes.Buffer
			if err := sn.SnapshotState(&buf); err != nil {
				return nil, t.wrap(k, err)
			}
			out = append(out, &opSnap{index: k, name: op.String(), kind: checkpoint.KindKeyed, data: buf.Bytes()})
			continue
		}
		if k != 0 || t.source == nil {
			continue
		}
		s, err := t.snapshotOp(k, math.MaxInt64)
		if err != nil {
			return nil, t.wrap(k, err)
		}
		if s != nil && s.kind != checkpoint.KindFiles {
			out = append(out, s)
		}
	}
	if s := t.finishedSnap(); s != nil {
		out = append(out, s)
	}
	return out, nil
}

// alignment is how long the barrier being handled waited for alignment.
func (t *task) alignment() time.Duration {
	if t.ck.alignStart.IsZero() {
		return 0
	}
	d := time.Since(t.ck.alignStart)
	t.ck.alignStart = time.Time{}
	return d
}

// errNotRunning declines a checkpoint whose trigger found no running
// source.
var errNotRunning = errors.New("no source task is running")
