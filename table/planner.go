package table

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/metrics"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/plan/physical"
	"github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// planned is a statement taken through binding, optimization and
// physical planning.
type planned struct {
	logical []plan.Node // as bound, for EXPLAIN's syntax tree
	program *physical.Program
}

// planConfig derives the binder's configuration from the session.
func (e *Environment) planConfig() (plan.Config, error) {
	all := e.cfg.All()
	// Resolved below: "default" zones and the AUTOMATIC mode (run as
	// streaming) are the session's business.
	delete(all, KeyLocalTimeZone)
	delete(all, KeyRuntimeMode)
	cfg, err := plan.ConfigFromOptions(all)
	if err != nil {
		return cfg, err
	}
	cfg.Loc = e.cfg.Location()
	cfg.Streaming = !e.cfg.IsBatch()
	cfg.MiniBatch = e.cfg.Bool(KeyMiniBatchEnabled)
	cfg.CanPushFilter = plan.ConnectorFilterPushDown
	return cfg, nil
}

// physicalOptions derives the physical planner's options from cfg (so the
// mode, time zone and aggregation settings are parsed once, by planConfig)
// plus the session's parallelism.
func (e *Environment) physicalOptions(cfg plan.Config) physical.Options {
	o := physical.Options{
		Batch:          !cfg.Streaming,
		Parallelism:    e.cfg.Int(KeyParallelism, 0),
		MaxParallelism: e.cfg.Int(KeyMaxParallelism, 0),
		MiniBatch:      cfg.MiniBatch,
		AggPhase:       cfg.AggPhaseStrategy,
		Eval:           expr.NewContext(cfg.Loc),
	}
	if n := e.cfg.Int(KeyMiniBatchSize, -1); n > 0 {
		o.MiniBatchSize = n
	}
	if d, err := connector.ParseDuration(e.cfg.String(KeyMiniBatchLatency)); err == nil && d > 0 {
		o.MiniBatchLatency = d
	}
	if d, err := connector.ParseDuration(e.cfg.String(KeySourceIdleTimeout)); err == nil && d > 0 {
		o.SourceIdleTimeout = d
	}
	if d, err := connector.ParseDuration(e.cfg.String(KeyStateTTL)); err == nil && d > 0 {
		o.StateTTL = d
	}
	if rp := e.cfg.Int(KeyResourceParallel, -1); rp > 0 {
		o.Parallelism = rp
	}
	return o
}

// planStatement binds, optimizes and physically plans a query, INSERT or
// statement set.
func (e *Environment) planStatement(st sql.Stmt) (*planned, error) {
	cfg, err := e.planConfig()
	if err != nil {
		return nil, err
	}
	b := plan.NewBinder(e.cat, cfg)
	n, err := b.BindStatement(st)
	if err != nil {
		return nil, err
	}
	var roots []plan.Node
	if ss, ok := n.(*plan.StatementSetPlan); ok {
		for _, s := range ss.Sinks {
			roots = append(roots, s)
		}
	} else {
		roots = []plan.Node{n}
	}
	return e.planRoots(roots, cfg)
}

// planRoots optimizes and physically plans bound trees.
func (e *Environment) planRoots(roots []plan.Node, cfg plan.Config) (*planned, error) {
	var err error
	p := &planned{logical: roots}
	opt := make([]plan.Node, len(roots))
	for i, r := range roots {
		o, err := optimize(r, cfg)
		if err != nil {
			return nil, err
		}
		opt[i] = o
	}
	p.program, err = physical.Plan(opt, e.physicalOptions(cfg))
	if err != nil {
		return nil, err
	}
	return p, nil
}

// explain prints Flink's three EXPLAIN sections and then Spry's job graph.
// The CHANGELOG_MODE detail adds each node's changelog mode.
func (e *Environment) explain(_ context.Context, st sql.Stmt, text string, details []string) (string, error) {
	switch st.(type) {
	case *sql.QueryStmt, *sql.Insert, *sql.StatementSet, *sql.Execute:
	default:
		return "", &UnsupportedError{fmt.Sprintf("EXPLAIN of %T", st)}
	}
	p, err := e.planStatement(st)
	if err != nil {
		return "", err
	}
	withMode := false
	for _, d := range details {
		if strings.EqualFold(d, "CHANGELOG_MODE") {
			withMode = true
		}
	}
	var b strings.Builder
	b.WriteString("== Abstract Syntax Tree ==\n")
	for i, r := range p.logical {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(plan.Explain(r))
	}
	b.WriteString("\n== Optimized Physical Plan ==\n")
	b.WriteString(p.program.Explain(withMode))
	b.WriteString("\n== Optimized Execution Plan ==\n")
	b.WriteString(p.program.Explain(false))
	g, err := p.program.JobGraph(physical.GraphOptions{Name: e.jobName(p), Collect: make(chan *types.Batch)})
	if err != nil {
		return "", err
	}
	b.WriteString("\n== Physical Job Graph ==\n")
	b.WriteString(g.String())
	return b.String(), nil
}

// jobName is pipeline.name, else Flink's default for SQL jobs: "collect"
// for a query, "insert-into_<sink>[,<sink>...]" for INSERTs.
func (e *Environment) jobName(p *planned) string {
	if n, ok := e.cfg.Get(KeyPipelineName); ok && n != "" {
		return n
	}
	var sinks []string
	for _, l := range p.logical {
		if k, ok := l.(*plan.Sink); ok {
			sinks = append(sinks, k.Path.String())
		}
	}
	if len(sinks) == 0 {
		return "collect"
	}
	return "insert-into_" + strings.Join(sinks, ",")
}

// runtimeOptions derives a job's execution options from the session;
// jobID names the job's checkpoints.
func (e *Environment) runtimeOptions(jobID string) (runtime.Options, error) {
	o := runtime.Options{
		Eval:      expr.NewContext(e.cfg.Location()),
		BatchSize: e.cfg.Int(KeyBatchSize, 0),
		Clock:     e.clock,
		Logger:    e.jobLogger,
		Metrics:   metrics.NewRegistry(),
	}
	if err := e.cfg.applyLatency(&o); err != nil {
		return o, err
	}
	return o, e.cfg.applyFaultTolerance(&o, jobID)
}

// launch starts a planned program as a job of the session, registered
// for SHOW JOBS, restarted by the session's restart strategy. A query's
// rows arrive on the returned job's out channel.
func (e *Environment) launch(ctx context.Context, p *planned, collect bool) (*jobRun, error) {
	id, name := newJobID(), e.jobName(p)
	opts, err := e.runtimeOptions(id)
	if err != nil {
		return nil, err
	}
	strategy, err := e.cfg.restartStrategy(opts.Checkpoint != nil)
	if err != nil {
		return nil, err
	}
	runCtx := context.WithoutCancel(ctx)
	attempt := func(restore string) (*runtime.Job, <-chan *types.Batch, error) {
		var ch chan *types.Batch
		if collect {
			ch = make(chan *types.Batch, 16)
		}
		g, err := p.program.JobGraph(physical.GraphOptions{Name: name, Collect: ch})
		if err != nil {
			return nil, nil, err
		}
		o := opts
		o.RestoreFrom = restore
		job, err := runtime.Execute(runCtx, g, o)
		if err != nil {
			return nil, nil, err
		}
		return job, ch, nil
	}
	r, err := newJobRun(id, name, collect, strategy, opts.RestoreFrom, e.restartLogger(), opts.Metrics, attempt)
	if err != nil {
		return nil, err
	}
	r.cfg = e.cfg
	e.jobs.add(r)
	return r, nil
}

func newJobID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// runQuery plans a query and starts its job; rows arrive through a
// collect operator.
func (e *Environment) runQuery(ctx context.Context, st *sql.QueryStmt, text string) (*Result, error) {
	p, err := e.planStatement(st)
	if err != nil {
		return nil, err
	}
	job, err := e.launch(ctx, p, true)
	if err != nil {
		return nil, err
	}
	return &Result{
		Kind: ResultRows, Schema: p.program.QuerySchema(), Changelog: !p.program.Batch,
		JobID: job.id, Bounded: p.program.Bounded(), src: &jobStream{job: job, rows: job.out},
	}, nil
}

// runInserts plans one or more INSERTs as one job. With table.dml-sync it
// waits for the job before returning, as Flink does.
func (e *Environment) runInserts(ctx context.Context, ins []*sql.Insert, text string) (*Result, error) {
	var st sql.Stmt = &sql.StatementSet{Inserts: ins}
	if len(ins) == 1 {
		st = ins[0]
	}
	p, err := e.planStatement(st)
	if err != nil {
		return nil, err
	}
	return e.startInsert(ctx, p, text)
}

// startInsert runs a planned INSERT job.
func (e *Environment) startInsert(ctx context.Context, p *planned, text string) (*Result, error) {
	job, err := e.launch(ctx, p, false)
	if err != nil {
		return nil, err
	}
	// Flink's INSERT result has one BIGINT column per sink, named by the
	// sink's path, holding -1 (the row count is unknown).
	s := &types.Schema{}
	var row []any
	for _, l := range p.logical {
		if k, ok := l.(*plan.Sink); ok {
			s.Fields = append(s.Fields, types.Field{Name: k.Path.String(), Type: types.BigInt.NotNullable()})
			row = append(row, int64(-1))
		}
	}
	r := &Result{Kind: ResultJob, Schema: s, JobID: job.id, Bounded: p.program.Bounded(), src: &jobStream{job: job, final: valueRows(s, [][]any{row}).src}}
	if e.cfg.Bool(KeyDMLSync) {
		if err := job.Wait(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// createTableAs runs CREATE TABLE ... AS SELECT: the table is created,
// then the query is inserted into it as a job.
func (e *Environment) createTableAs(ctx context.Context, s *sql.CreateTable, text string) (*Result, error) {
	cfg, err := e.planConfig()
	if err != nil {
		return nil, err
	}
	t, sink, err := plan.NewBinder(e.cat, cfg).BindCreateTableAs(s)
	if err != nil {
		return nil, err
	}
	p, err := e.planRoots([]plan.Node{sink}, cfg)
	if err != nil {
		return nil, err
	}
	if err := e.cat.CreateTable(t, s.IfNotExists); err != nil {
		return nil, err
	}
	return e.startInsert(ctx, p, text)
}
