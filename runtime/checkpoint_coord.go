package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/state/checkpoint"
)

// stopMode says what sources do after a savepoint's barrier.
type stopMode uint8

const (
	stopNone    stopMode = iota // keep running
	stopSuspend                 // stop reading (stop-with-savepoint)
	stopDrain                   // MAX_WATERMARK first, then stop reading
)

// errSuperseded declines an at-least-once checkpoint overtaken by a newer
// barrier before every channel delivered it.
var errSuperseded = errors.New("superseded by a newer checkpoint barrier")

// errJobEnded fails the checkpoints in progress when the job ends.
var errJobEnded = errors.New("the job ended")

// errTriggerFull declines a trigger while some source task has not yet
// taken the barriers it was sent before.
var errTriggerFull = errors.New("too many checkpoints waiting at a source")

// coordinator triggers checkpoints, collects the tasks'
// acknowledgements, completes checkpoints (writes _metadata, then tells
// the tasks) and keeps their statistics. Every job has one; without
// CheckpointConfig it only takes savepoints.
type coordinator struct {
	job       *Job
	cfg       CheckpointConfig
	enabled   bool // periodic checkpoints configured: every barrier snapshots
	jobID     string
	runID     string // names this run's shared files (file names repeat across runs)
	tasks     []*task
	store     *checkpoint.Store // the checkpoint directory; nil until needed
	logger    *slog.Logger
	stateRoot string // <StateDir>/spry-<job>, removed at the end

	// retainMu orders deleting shared files against reusing them.
	retainMu sync.RWMutex
	mu       sync.Mutex
	refs     map[int64]map[string]bool // shared files of each retained checkpoint
	nextID   int64
	maxSeen  int64
	pending  map[int64]*pendingCkpt
	// completing are the checkpoints claimed by their last
	// acknowledgement whose _metadata is being written: no longer
	// pending (an expiry cannot delete them) but their shared files are
	// in use.
	completing map[int64]*pendingCkpt
	lastID     int64 // id of the checkpoint last names: it only grows
	// trigMu serializes triggers, so that the room reserved on every
	// trigger channel is still there when the barrier is sent.
	trigMu    sync.Mutex
	finals    map[*task][]*opSnap // state of ended tasks
	waiters   map[*task]bool      // tasks waiting for the final checkpoint (checkpoint_final.go)
	sharedUp  map[string]bool     // shared files stored in this run
	retained  []int64             // completed checkpoint ids, oldest first
	restored  string
	last      string
	lastEnd   time.Time
	stats     []CheckpointStats
	stopCh    chan struct{}
	stopOnce  sync.Once
	stopped   bool           // the job ended: no more uploads
	bg        sync.WaitGroup // uploads in flight
	restoreMD *checkpoint.Metadata

	nCompleted, nFailed               *metrics.Counter
	lastDuration, lastSize, lastAlign *metrics.Gauge
	lastRestore                       *metrics.Gauge

	// finalTries counts the final checkpoints triggered (loop only).
	finalTries int
}

// pendingCkpt is a checkpoint in progress.
type pendingCkpt struct {
	id        int64
	savepoint bool
	stop      stopMode
	store     *checkpoint.Store
	prefix    string // key of the checkpoint directory in store, e.g. "<job>/chk-5"
	shared    string // key of the shared directory
	triggered time.Time
	waiting   map[*task]bool
	ops       map[[2]int]*checkpoint.OperatorState
	align     time.Duration
	size      int64
	done      chan struct{}
	path      string
	err       error
	// sharedRefs are the shared files the checkpoint uses.
	sharedRefs map[string]bool
	// ctx bounds the checkpoint's uploads and its metadata write;
	// failing the checkpoint or stopping the coordinator cancels it, so
	// a stalled store cannot hold the job.
	ctx    context.Context
	cancel context.CancelCauseFunc
}

// newCoordinator sets up checkpointing for a job about to start: the
// checkpoint directory, per-subtask state directories and, with
// Options.RestoreFrom, the state each operator restores.
func newCoordinator(ctx context.Context, g *JobGraph, opts Options, tasks []*task) (*coordinator, error) {
	c := &coordinator{tasks: tasks, nextID: 1, pending: map[int64]*pendingCkpt{}, completing: map[int64]*pendingCkpt{},
		finals: map[*task][]*opSnap{}, waiters: map[*task]bool{}, sharedUp: map[string]bool{}, stopCh: make(chan struct{}), logger: opts.Logger}
	if opts.Checkpoint != nil {
		// Batch jobs are not checkpointed (Flink: a failed batch job
		// runs again from its start).
		c.cfg, c.enabled = *opts.Checkpoint, !g.Batch
	}
	if c.cfg.Timeout <= 0 {
		c.cfg.Timeout = DefaultCheckpointTimeout
	}
	if c.cfg.MaxConcurrent <= 0 {
		c.cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	if c.cfg.Retained <= 0 {
		c.cfg.Retained = DefaultRetained
	}
	c.jobID = c.cfg.JobID
	if c.jobID == "" {
		c.jobID = randomHex(16)
	}
	c.runID = randomHex(4)
	grp := opts.Metrics.Group("job", 0)
	c.nCompleted, c.nFailed = grp.Counter("numberOfCompletedCheckpoints"), grp.Counter("numberOfFailedCheckpoints")
	c.lastDuration, c.lastSize = grp.Gauge("lastCheckpointDuration"), grp.Gauge("lastCheckpointSize")
	c.lastAlign, c.lastRestore = grp.Gauge("lastCheckpointAlignmentTime"), grp.Gauge("lastCheckpointRestoreTimestamp")
	for _, t := range tasks {
		t.initCkpt()
	}
	if opts.RestoreFrom != "" {
		if err := c.prepareRestore(ctx, g, opts); err != nil {
			c.cleanup()
			return nil, err
		}
	}
	if err := c.makeStateDirs(opts); err != nil {
		c.cleanup()
		return nil, err
	}
	return c, nil
}

// makeStateDirs gives each subtask its local state directory when the
// job needs one (the pebble backend, or local files to restore).
func (c *coordinator) makeStateDirs(opts Options) error {
	need := opts.StateBackend == "pebble"
	for _, t := range c.tasks {
		t.opCtx.StateBackend = opts.StateBackend
		for _, r := range t.ck.restore {
			if r != nil && r.kind == checkpoint.KindFiles {
				need = true
			}
		}
	}
	if !need {
		return nil
	}
	root := opts.StateDir
	if root == "" {
		root = os.TempDir()
	}
	c.stateRoot = filepath.Join(root, "spry-"+c.jobID+"-"+c.runID)
	for _, t := range c.tasks {
		d := filepath.Join(c.stateRoot, fmt.Sprintf("%d-%d", t.vertex.ID, t.index))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return &CheckpointError{Msg: "state directory", Err: err}
		}
		t.opCtx.StateDir, t.ck.stateDir = d, d
	}
	return nil
}

// start runs the periodic trigger and the timeout checks.
func (c *coordinator) start() {
	go c.loop()
}

// loop triggers checkpoints every Interval (honoring MinPause and
// MaxConcurrent) and expires those past Timeout.
func (c *coordinator) loop() {
	const tick = 20 * time.Millisecond
	tk := time.NewTicker(tick)
	defer tk.Stop()
	next := time.Now().Add(c.cfg.Interval)
	for {
		select {
		case <-c.stopCh:
			return
		case <-c.job.ctx.Done():
			return
		case now := <-tk.C:
			c.expire(now)
			if c.finalDue(now) {
				c.triggerFinal()
				continue
			}
			if !c.enabled || c.cfg.Interval <= 0 || now.Before(next) {
				continue
			}
			if c.mayTrigger(now) {
				next = now.Add(c.cfg.Interval)
				if _, err := c.trigger(false, "", stopNone); err != nil {
					c.logger.Debug("checkpoint not triggered", "job", c.job.graph.Name, "reason", err.Error())
				}
			}
		}
	}
}

// mayTrigger checks MaxConcurrent and MinPause.
func (c *coordinator) mayTrigger(now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range c.pending {
		if !p.savepoint {
			n++
		}
	}
	if n >= c.cfg.MaxConcurrent {
		return false
	}
	return c.lastEnd.IsZero() || now.Sub(c.lastEnd) >= c.cfg.MinPause
}

// expire fails the checkpoints running longer than Timeout.
func (c *coordinator) expire(now time.Time) {
	c.mu.Lock()
	var late []*pendingCkpt
	for _, p := range c.pending {
		if now.Sub(p.triggered) > c.cfg.Timeout {
			late = append(late, p)
		}
	}
	for _, p := range c.completing {
		if now.Sub(p.triggered) > c.cfg.Timeout {
			p.cancel(ErrCheckpointExpired) // its metadata write fails, which fails it
		}
	}
	c.mu.Unlock()
	for _, p := range late {
		c.failPending(p, ErrCheckpointExpired)
	}
}

// trigger starts a checkpoint (or a savepoint into dir) by asking every
// running source task to inject its barrier.
func (c *coordinator) trigger(savepoint bool, dir string, stop stopMode) (*pendingCkpt, error) {
	var store *checkpoint.Store
	var prefix, shared string
	if savepoint {
		st, err := checkpoint.Open(c.job.ctx, dir, true)
		if err != nil {
			return nil, &CheckpointError{Msg: "savepoint directory", Err: err}
		}
		store = st
		job6 := c.jobID
		if len(job6) > 6 {
			job6 = job6[:6]
		}
		prefix = "savepoint-" + job6 + "-" + randomHex(6)
		shared = prefix + "/" + checkpoint.SharedDir
	} else {
		st, err := c.checkpointStore()
		if err != nil {
			return nil, err
		}
		store = st
	}
	c.trigMu.Lock()
	defer c.trigMu.Unlock()
	c.mu.Lock()
	// Running sources inject the barrier; tasks waiting for the final
	// checkpoint snapshot when asked.
	var sources, waiters []*task
	for _, t := range c.tasks {
		_, ended := c.finals[t]
		switch {
		case ended:
		case c.waiters[t]:
			waiters = append(waiters, t)
		case t.source != nil:
			sources = append(sources, t)
		}
	}
	targets := append(sources, waiters...)
	for _, t := range targets {
		// Reserve first: a barrier sent to some sources only would reach
		// a downstream task aligning it while the others never send it
		// (only trigger, under trigMu, sends on these channels).
		if len(t.ck.trig) == cap(t.ck.trig) {
			c.mu.Unlock()
			if savepoint {
				store.Close()
			}
			return nil, &CheckpointError{Msg: "not triggered", Err: errTriggerFull}
		}
	}
	if len(sources) == 0 && len(waiters) == 0 {
		// Every source has ended and no task awaits a final checkpoint:
		// the job is finishing.
		c.mu.Unlock()
		if savepoint {
			store.Close()
		}
		return nil, &CheckpointError{Msg: "not triggered", Err: errNotRunning}
	}
	id := c.nextID
	c.nextID++
	if !savepoint {
		prefix = c.jobID + "/" + checkpoint.ChkName(id)
		shared = c.jobID + "/" + checkpoint.SharedDir
	}
	p := c.newPendingLocked(id, store, prefix, shared)
	p.savepoint, p.stop = savepoint, stop
	c.mu.Unlock()
	typ := "CHECKPOINT"
	if savepoint {
		typ = "SAVEPOINT"
	}
	c.logger.Debug(fmt.Sprintf("Triggering checkpoint %d (type=%s) @ %d for job %s.", id, typ, p.triggered.UnixMilli(), c.jobID))
	for _, t := range targets {
		t.ck.trig <- trigger{id: id, stop: stop} // room reserved above
	}
	c.ackFinished(p)
	return p, nil
}

// newPendingLocked registers checkpoint id awaiting every task that has
// not ended (ended ones contribute their final state).
func (c *coordinator) newPendingLocked(id int64, store *checkpoint.Store, prefix, shared string) *pendingCkpt {
	p := &pendingCkpt{id: id, store: store, prefix: prefix, shared: shared, triggered: time.Now(),
		waiting: map[*task]bool{}, ops: map[[2]int]*checkpoint.OperatorState{}, done: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancelCause(context.Background())
	for _, t := range c.tasks {
		p.waiting[t] = true
	}
	c.pending[id] = p
	c.maxSeen = max(c.maxSeen, id)
	return p
}

// ackFinished stores, for checkpoint p, the final state of the tasks
// that ended before it.
func (c *coordinator) ackFinished(p *pendingCkpt) {
	c.mu.Lock()
	var ended []*task
	for t := range p.waiting {
		if _, ok := c.finals[t]; ok {
			ended = append(ended, t)
		}
	}
	c.mu.Unlock()
	for _, t := range ended {
		c.goUpload(p, t, c.finalOf(t), 0)
	}
}

func (c *coordinator) finalOf(t *task) []*opSnap {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.finals[t]
}

// checkpointStore opens the checkpoint directory once.
func (c *coordinator) checkpointStore() (*checkpoint.Store, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.store != nil {
		return c.store, nil
	}
	st, err := checkpoint.Open(c.job.ctx, c.cfg.Dir, true)
	if err != nil {
		return nil, &CheckpointError{Msg: "checkpoint directory", Err: err}
	}
	c.store = st
	c.adoptLocked(st)
	return st, nil
}

// adoptLocked takes over the completed checkpoints an earlier run of the
// same job id left (a restarted process): they count towards retention,
// and new ids continue after theirs so that no directory is reused.
func (c *coordinator) adoptLocked(st *checkpoint.Store) {
	ctx := c.job.ctx
	ids, err := st.Completed(ctx, c.jobID)
	if err != nil || len(ids) == 0 {
		return
	}
	c.nextID = max(c.nextID, ids[len(ids)-1]+1)
	if c.refs == nil {
		c.refs = map[int64]map[string]bool{}
	}
	for _, id := range ids {
		refs := map[string]bool{}
		if m, err := checkpoint.Load(ctx, st.Path(c.jobID+"/"+checkpoint.ChkName(id))); err == nil {
			for _, o := range m.Operators {
				for _, p := range o.Parts {
					for _, f := range p.Files {
						if strings.HasPrefix(f, checkpoint.SharedDir+"/") {
							refs[c.jobID+"/"+f] = true
						}
					}
				}
			}
			m.Close()
		}
		c.refs[id] = refs
		c.retained = append(c.retained, id)
	}
}

// begin is called by a task handling barrier id: it returns the pending
// checkpoint to snapshot for, creating it for a barrier the coordinator
// did not trigger (a script source's step) when checkpointing is on.
func (c *coordinator) begin(id int64) *pendingCkpt {
	c.mu.Lock()
	p := c.pending[id]
	if p != nil || !c.enabled || id <= c.maxSeen {
		c.mu.Unlock()
		return p
	}
	c.mu.Unlock()
	st, err := c.checkpointStore()
	if err != nil {
		c.logger.Info("checkpoint not taken", "job", c.job.graph.Name, "checkpoint", id, "reason", err.Error())
		return nil
	}
	c.mu.Lock()
	if p = c.pending[id]; p == nil && id > c.maxSeen {
		p = c.newPendingLocked(id, st, c.jobID+"/"+checkpoint.ChkName(id), c.jobID+"/"+checkpoint.SharedDir)
		c.nextID = max(c.nextID, id+1)
		c.mu.Unlock()
		c.ackFinished(p)
		return p
	}
	c.mu.Unlock()
	return p
}

// unaligned reports whether barriers are not aligned (AtLeastOnce).
func (c *coordinator) unaligned() bool { return c.enabled && c.cfg.Mode == AtLeastOnce }

// decline fails checkpoint id.
func (c *coordinator) decline(id int64, err error) {
	c.mu.Lock()
	p := c.pending[id]
	c.mu.Unlock()
	if p != nil {
		c.failPending(p, err)
	}
}

// stop ends the coordinator when the job has ended: pending checkpoints
// fail, local state directories are removed.
func (c *coordinator) stop() {
	c.stopOnce.Do(func() {
		close(c.stopCh)
		c.mu.Lock()
		c.stopped = true
		// Uploads and metadata writes in flight give up: the job ended,
		// and a stalled store must not hold its end.
		for _, p := range c.pending {
			p.cancel(errJobEnded)
		}
		for _, p := range c.completing {
			p.cancel(errJobEnded)
		}
		c.mu.Unlock()
		c.bg.Wait()
		c.mu.Lock()
		var ps []*pendingCkpt
		for _, p := range c.pending {
			ps = append(ps, p)
		}
		c.mu.Unlock()
		for _, p := range ps {
			c.failPending(p, errJobEnded)
		}
		c.cleanup()
	})
}

// cleanup removes the job's local state directories.
func (c *coordinator) cleanup() {
	if c.stateRoot != "" && strings.Contains(filepath.Base(c.stateRoot), "spry-") {
		_ = os.RemoveAll(c.stateRoot)
	}
	if c.restoreMD != nil {
		c.restoreMD.Close()
	}
}

func (c *coordinator) latest() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last != "" {
		return c.last
	}
	return c.restored
}

func (c *coordinator) statsCopy() []CheckpointStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.stats)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
