package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// Defaults of Options.
const (
	DefaultBatchSize       = 4096
	DefaultChannelCapacity = 8
)

// Options tune a job's execution.
type Options struct {
	// Eval is the expression context (session time zone); each subtask gets
	// its own copy. Nil means UTC.
	Eval *expr.Context
	// BatchSize is the preferred rows per batch; 0 means DefaultBatchSize.
	BatchSize int
	// ChannelCapacity is how many messages a subtask's inbox buffers before
	// its producers block; 0 means DefaultChannelCapacity.
	ChannelCapacity int
	// Logger receives job lifecycle logs; nil discards them.
	Logger *slog.Logger
	// Clock is the job's processing time in µs since the epoch; nil reads
	// the wall clock. Time-scripted tests set it to drive processing time.
	Clock func() int64
	// Metrics receives the operators' metrics; nil makes a fresh registry,
	// which Job.Metrics returns.
	Metrics *metrics.Registry
	// Checkpoint enables periodic checkpoints (checkpoint.go); nil means
	// none (savepoints still work).
	Checkpoint *CheckpointConfig
	// RestoreFrom is execution.savepoint.path: a chk-<n> directory, a
	// savepoint directory or its _metadata file to start from.
	RestoreFrom string
	// AllowNonRestoredState is execution.savepoint.ignore-unclaimed-state:
	// state of operators the job no longer has is skipped instead of
	// failing the restore.
	AllowNonRestoredState bool
	// StateBackend is state.backend: "hashmap" (default) or "pebble".
	StateBackend string
	// StateDir is the root of the per-subtask local state directories;
	// "" means os.TempDir().
	StateDir string
	// LatencyInterval is metrics.latency.interval: how often each source
	// subtask emits a latency marker (latency.go); 0 means never.
	LatencyInterval time.Duration
}

// WallClock is the default Options.Clock.
func WallClock() int64 { return time.Now().UnixMicro() }

// Job is a running job graph.
type Job struct {
	graph  *JobGraph
	ctx    context.Context
	cancel context.CancelCauseFunc
	logger *slog.Logger

	mu  sync.Mutex
	err error

	wg       sync.WaitGroup
	done     chan struct{}
	counters []*VertexProgress
	collects []chan<- *types.Batch
	metrics  *metrics.Registry
	coord    *coordinator // checkpoints and savepoints (checkpoint_coord.go)
}

// Metrics returns the job's metric registry (late records dropped, records
// skipped, ...); it may be read while the job runs.
func (j *Job) Metrics() *metrics.Registry { return j.metrics }

// VertexProgress counts the rows a vertex's subtasks took in and sent out,
// for progress displays and metrics; read it with Job.Progress.
type VertexProgress struct {
	ID      int
	Name    string
	RowsIn  atomic.Int64
	RowsOut atomic.Int64
}

// Execute validates g, builds one operator chain per subtask and starts
// them, one goroutine each. It returns once the job is running; call Wait
// for its outcome. Cancelling ctx cancels the job.
func Execute(ctx context.Context, g *JobGraph, opts Options) (*Job, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.ChannelCapacity <= 0 {
		opts.ChannelCapacity = DefaultChannelCapacity
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Eval == nil {
		opts.Eval = expr.NewContext(time.UTC)
	}
	if opts.Clock == nil {
		opts.Clock = WallClock
	}
	if opts.Metrics == nil {
		opts.Metrics = metrics.NewRegistry()
	}
	tasks, err := plan(g, opts)
	if err != nil {
		return nil, err
	}
	coord, err := newCoordinator(ctx, g, opts, tasks)
	if err != nil {
		return nil, err
	}
	jctx, cancel := context.WithCancelCause(ctx)
	j := &Job{graph: g, ctx: jctx, cancel: cancel, logger: opts.Logger, done: make(chan struct{}), metrics: opts.Metrics, coord: coord}
	coord.job = j
	byVertex := map[int]*VertexProgress{}
	for _, v := range g.Vertices {
		vp := &VertexProgress{ID: v.ID, Name: v.Name}
		byVertex[v.ID] = vp
		j.counters = append(j.counters, vp)
		for _, s := range v.Chain {
			if c, ok := s.Config.(*ops.CollectConfig); ok && c != nil && c.Out != nil {
				j.collects = append(j.collects, c.Out)
			}
		}
	}
	j.logger.Info("job started", "job", g.Name, "subtasks", len(tasks))
	for _, t := range tasks {
		t.job = j
		t.progress = byVertex[t.vertex.ID]
		j.wg.Add(1)
		go j.runTask(t)
	}
	coord.start()
	go func() {
		j.wg.Wait()
		j.coord.stop()
		j.cancel(nil)
		for _, c := range uniqueChans(j.collects) {
			close(c)
		}
		j.mu.Lock()
		err := j.err
		j.mu.Unlock()
		j.logger.Info("job ended", "job", g.Name, "error", err)
		close(j.done)
	}()
	return j, nil
}

func uniqueChans(cs []chan<- *types.Batch) []chan<- *types.Batch {
	seen := map[chan<- *types.Batch]bool{}
	var out []chan<- *types.Batch
	for _, c := range cs {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// Wait blocks until every subtask has ended and returns the job's first
// error: an *OperatorError naming the failed operator, ErrCanceled after
// Cancel, or the cause of the parent context's cancellation.
func (j *Job) Wait() error {
	<-j.done
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

// Done is closed when the job has ended.
func (j *Job) Done() <-chan struct{} { return j.done }

// Cancel stops the job; Wait then returns ErrCanceled unless it had
// already failed or finished.
func (j *Job) Cancel() { j.fail(ErrCanceled) }

// Progress returns the row counters of each vertex, in graph order.
func (j *Job) Progress() []*VertexProgress { return j.counters }

// fail records the job's first error and cancels every subtask.
func (j *Job) fail(err error) {
	j.mu.Lock()
	if j.err == nil {
		select {
		case <-j.done:
			// Finished already: a late Cancel changes nothing.
		default:
			j.err = err
		}
	}
	j.mu.Unlock()
	j.cancel(err)
}

// runTask runs one subtask and turns its error or panic into the job's.
func (j *Job) runTask(t *task) {
	defer j.wg.Done()
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = t.wrap(t.cur, &PanicError{Value: r, Stack: debug.Stack()})
			}
		}()
		return t.run()
	}()
	if err == nil {
		return
	}
	if j.ctx.Err() != nil {
		// Cancelled from elsewhere: the first error was recorded there, or
		// the parent context was cancelled and its cause is the reason.
		j.fail(context.Cause(j.ctx))
		return
	}
	j.logger.Error("subtask failed", "job", j.graph.Name, "error", err)
	j.fail(err)
}

// plan validates the graph and makes the subtasks with their operators,
// inboxes and outlets.
func plan(g *JobGraph, opts Options) ([]*task, error) {
	if len(g.Vertices) == 0 {
		return nil, &GraphError{"no vertices"}
	}
	maxP := g.maxParallelism()
	vs := map[int]*Vertex{}
	par := map[int]int{}
	for _, v := range g.Vertices {
		if _, dup := vs[v.ID]; dup {
			return nil, &GraphError{fmt.Sprintf("vertex id %d used twice", v.ID)}
		}
		if len(v.Chain) == 0 {
			return nil, &GraphError{fmt.Sprintf("vertex %d has no operators", v.ID)}
		}
		p := max(v.Parallelism, 1)
		if p > maxP {
			return nil, &GraphError{fmt.Sprintf("vertex %d parallelism %d exceeds max parallelism %d", v.ID, p, maxP)}
		}
		vs[v.ID], par[v.ID] = v, p
	}
	tasks := map[int][]*task{}
	var all []*task
	for _, v := range g.Vertices {
		for s := 0; s < par[v.ID]; s++ {
			t, err := newTask(g, v, s, par[v.ID], opts)
			if err != nil {
				return nil, err
			}
			tasks[v.ID] = append(tasks[v.ID], t)
			all = append(all, t)
		}
	}
	for _, e := range g.Edges {
		from, to := vs[e.From], vs[e.To]
		if from == nil || to == nil {
			return nil, &GraphError{fmt.Sprintf("edge %d -> %d names an unknown vertex", e.From, e.To)}
		}
		if e.Input < 0 || e.Input > 1 {
			return nil, &GraphError{fmt.Sprintf("edge %d -> %d has input %d, want 0 or 1", e.From, e.To, e.Input)}
		}
		if tasks[e.To][0].source != nil {
			return nil, &GraphError{fmt.Sprintf("edge %d -> %d leads into a source", e.From, e.To)}
		}
		pf, pt := par[e.From], par[e.To]
		if e.Partition == Forward && pf != pt {
			return nil, &GraphError{fmt.Sprintf("forward edge %d -> %d joins parallelism %d to %d", e.From, e.To, pf, pt)}
		}
		if e.Partition > Global {
			return nil, &GraphError{fmt.Sprintf("edge %d -> %d has unknown partitioning %d", e.From, e.To, e.Partition)}
		}
		for _, k := range e.Keys {
			if s := from.outSchema(); k < 0 || (s != nil && k >= s.Len()) {
				return nil, &GraphError{fmt.Sprintf("edge %d -> %d hashes on column %d of vertex %d", e.From, e.To, k, e.From)}
			}
		}
		// Give every (edge, sender subtask) a channel id at each target it
		// reaches.
		targets := tasks[e.To]
		inboxes := make([]inbox, pt)
		base := make([]int, pt)
		for s, t := range targets {
			inboxes[s] = t.inbox
			base[s] = len(t.chanInput)
			t.hasInput[e.Input] = true
			n := senders(e.Partition, s, pf)
			for i := 0; i < n; i++ {
				t.chanInput = append(t.chanInput, e.Input)
			}
		}
		for f, src := range tasks[e.From] {
			o := &outlet{part: e.Partition, keys: e.Keys, maxP: maxP, targets: inboxes, chans: make([]int, pt), rr: f % pt}
			for s := range targets {
				o.chans[s] = -1
				switch {
				case e.Partition == Forward:
					if s == f {
						o.chans[s] = base[s]
					}
				case e.Partition == Global:
					if s == 0 {
						o.chans[s] = base[s] + f
					}
				default:
					o.chans[s] = base[s] + f
				}
			}
			src.outlets = append(src.outlets, o)
		}
	}
	for _, t := range all {
		if t.source == nil && len(t.chanInput) == 0 && !hasInEdge(g, t.vertex.ID) {
			return nil, &GraphError{fmt.Sprintf("vertex %d has no source and no input edge", t.vertex.ID)}
		}
	}
	return all, nil
}

// senders is how many channels of an edge reach target subtask s.
func senders(p Partitioning, s, fromPar int) int {
	switch p {
	case Forward:
		return 1
	case Global:
		if s == 0 {
			return fromPar
		}
		return 0
	}
	return fromPar
}

func hasInEdge(g *JobGraph, id int) bool {
	for _, e := range g.Edges {
		if e.To == id {
			return true
		}
	}
	return false
}
