package physical

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	spryrt "github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// Options are the session settings physical planning depends on.
type Options struct {
	// Batch selects batch operators (execution.runtime-mode=batch).
	Batch bool
	// Parallelism is parallelism.default; 0 means the number of CPUs.
	Parallelism int
	// MaxParallelism is the number of key groups; 0 means the runtime's
	// default.
	MaxParallelism int
	// AggPhase is table.optimizer.agg-phase-strategy; an Aggregate's own
	// Strategy, when not AUTO, wins.
	AggPhase plan.AggStrategy
	// MiniBatch is table.exec.mini-batch.enabled: streaming aggregations
	// emit once per batch and may run in two phases.
	MiniBatch bool
	// MiniBatchSize and MiniBatchLatency are table.exec.mini-batch.size and
	// allow-latency (zero: the runtime's defaults).
	MiniBatchSize    int
	MiniBatchLatency time.Duration
	// StateTTL is table.exec.state.ttl: how long streaming operators keep
	// idle keyed state (0: forever); STATE_TTL hints override it per node.
	StateTTL time.Duration
	// Eval evaluates VALUES rows at planning time (session time zone).
	Eval *expr.Context
	// SourceIdleTimeout is table.exec.source.idle-timeout (0: sources
	// never become idle).
	SourceIdleTimeout time.Duration
}

// Program is a planned statement: one physical tree per sink (or one
// collect root for a query), ready to print or turn into a job graph.
type Program struct {
	Roots []*Node
	Batch bool
	// Query is the root of a query's tree (a Collect), or nil for INSERTs.
	Query *Node
	opts  Options
}

// Plan translates optimized logical trees into physical ones. Each root is
// a *plan.Sink (INSERT) or a query whose rows go back to the client. It
// infers changelog modes and fails with Flink's messages when a sink or
// operator cannot consume what its input produces.
func Plan(roots []plan.Node, opts Options) (*Program, error) {
	if opts.Parallelism <= 0 {
		opts.Parallelism = runtime.NumCPU()
	}
	if opts.Eval == nil {
		opts.Eval = expr.NewContext(nil)
	}
	t := &translator{opts: opts}
	p := &Program{Batch: opts.Batch, opts: opts}
	for _, r := range roots {
		var n *Node
		var err error
		if s, ok := r.(*plan.Sink); ok {
			n, err = t.sink(s)
		} else {
			n, err = t.collect(r)
			p.Query = n
		}
		if err != nil {
			return nil, err
		}
		p.Roots = append(p.Roots, n)
	}
	for _, r := range p.Roots {
		if err := inferChangelog(r, opts.Batch); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// QueryMode returns the changelog mode of a query's result rows
// (insert-only for INSERT programs).
func (p *Program) QueryMode() types.ChangelogMode {
	if p.Query == nil {
		return types.ModeInsertOnly
	}
	return queryRoot(p.Query).Mode
}

// queryRoot returns the top node of a query below its collect operator
// and the exchange feeding it.
func queryRoot(collect *Node) *Node {
	return collect.Inputs[0].Inputs[0]
}

// Bounded reports whether every source of the program ends, so its job
// finishes by itself (always true in batch mode, where unbounded sources
// are rejected).
func (p *Program) Bounded() bool {
	bounded := true
	for _, r := range p.Roots {
		r.walk(func(n *Node) {
			if n.unbounded {
				bounded = false
			}
		})
	}
	return bounded || p.Batch
}

// QuerySchema returns the schema of a query's result rows, or nil.
func (p *Program) QuerySchema() *types.Schema {
	if p.Query == nil {
		return nil
	}
	return p.Query.Schema
}

// String prints the physical trees as EXPLAIN's "Optimized Physical Plan"
// section; withMode adds changelogMode=[...] to every node.
func (p *Program) String() string { return p.Explain(false) }

// Explain prints the trees; a query's collect root is not shown, as in
// Flink, and several sinks are separated by blank lines.
func (p *Program) Explain(withMode bool) string {
	parts := make([]string, len(p.Roots))
	for i, r := range p.Roots {
		if r == p.Query {
			r = queryRoot(r)
		}
		parts[i] = strings.TrimRight(r.Tree(withMode), "\n")
	}
	return strings.Join(parts, "\n\n") + "\n"
}

// translator turns logical nodes into physical ones.
type translator struct {
	opts Options
}

func (t *translator) translate(n plan.Node) (*Node, error) {
	switch n := n.(type) {
	case *plan.Scan:
		return t.scan(n)
	case *plan.WatermarkAssigner:
		return t.watermarkAssigner(n)
	case *plan.Values:
		return t.values(n)
	case *plan.Project:
		if len(n.Exprs) == 0 {
			// Nothing above reads a column of an empty projection (it
			// feeds COUNT(*) and the like); passing the input through
			// avoids zero-column batches.
			return t.translate(n.Input)
		}
		return t.calc(n.Input, nil, n.Exprs, n.Out)
	case *plan.Filter:
		return t.calc(n.Input, n.Cond, nil, n.Schema())
	case *plan.Aggregate:
		return t.aggregate(n)
	case *plan.GroupWindowAggregate:
		return t.groupWindow(n)
	case *plan.WindowTableFunction:
		return t.windowTableFunction(n)
	case *plan.WindowAggregate:
		return t.windowAggregate(n)
	case *plan.Sort:
		return t.sort(n)
	case *plan.SetOp:
		return t.setOp(n)
	case *plan.Join:
		return t.join(n)
	case *plan.TemporalJoin:
		return t.temporalJoin(n)
	case *plan.Expand:
		return t.expand(n)
	case *plan.Rank:
		return t.rank(n)
	case *plan.Correlate:
		return t.correlate(n)
	case *plan.Over:
		return t.over(n)
	case *plan.PythonCalc:
		return t.pythonCalc(n)
	case *plan.PythonCorrelate:
		return t.pythonCorrelate(n)
	case *plan.TableAggregate:
		return t.tableAggregate(n)
	case *plan.Sink:
		return nil, errorf(ErrInternal, "a sink may only be the root of a plan")
	}
	return nil, errorf(ErrInternal, fmt.Sprintf("unknown logical node %T", n))
}

// calc plans a Filter, a Project, or a Project over a Filter as one Calc.
func (t *translator) calc(input plan.Node, cond expr.Expr, projs []expr.Expr, out *types.Schema) (*Node, error) {
	if f, ok := input.(*plan.Filter); ok && cond == nil && projs != nil {
		input, cond = f.Input, f.Cond
	}
	in, err := t.translate(input)
	if err != nil {
		return nil, err
	}
	if projs != nil {
		in, cond, projs = mergeSelection(in, cond, projs)
	}
	inSchema := in.Schema
	if cond == nil && isIdentity(projs, inSchema, out) {
		return in, nil
	}
	cfg := &ops.CalcConfig{Filter: cond, Projections: projs, InSchema: inSchema, OutSchema: out}
	if projs != nil {
		cfg.Names = out.Names()
	} else {
		cfg.OutSchema = inSchema
	}
	var desc string
	if projs != nil {
		desc = "select=[" + selectList(projs, inSchema, out) + "]"
	} else {
		desc = "select=[" + strings.Join(inSchema.Names(), ", ") + "]"
	}
	if cond != nil {
		desc += ", where=[" + formatExpr(cond, inSchema) + "]"
	}
	return &Node{
		Name: "Calc", Desc: desc, Inputs: []*Node{in}, Schema: cfg.OutSchema,
		Spec: &ops.Spec{Kind: ops.KindCalc, Config: cfg}, Parallelism: in.Parallelism,
	}, nil
}

// mergeSelection folds a Calc that only selects columns (as the one after a
// scan with a pushed-down projection) into the Calc above it, so one Calc
// does both.
func mergeSelection(in *Node, cond expr.Expr, projs []expr.Expr) (*Node, expr.Expr, []expr.Expr) {
	if in.Spec == nil || in.Spec.Kind != ops.KindCalc {
		return in, cond, projs
	}
	c := in.Spec.Config.(*ops.CalcConfig)
	if c.Filter != nil || c.Projections == nil {
		return in, cond, projs
	}
	for _, p := range c.Projections {
		if _, ok := p.(*expr.ColumnRef); !ok {
			return in, cond, projs
		}
	}
	through := func(e expr.Expr) expr.Expr {
		return plan.RewriteExpr(e, func(x expr.Expr) expr.Expr {
			if r, ok := x.(*expr.ColumnRef); ok {
				inner := c.Projections[r.Index].(*expr.ColumnRef)
				return &expr.ColumnRef{Index: inner.Index, Name: inner.Name, T: r.T}
			}
			return nil
		})
	}
	out := make([]expr.Expr, len(projs))
	for i, p := range projs {
		out[i] = through(p)
	}
	if cond != nil {
		cond = through(cond)
	}
	return in.Inputs[0], cond, out
}

// isIdentity reports whether projs return the input columns unchanged,
// names included, so the Calc can be dropped.
func isIdentity(projs []expr.Expr, in, out *types.Schema) bool {
	if len(projs) != in.Len() {
		return false
	}
	for i, p := range projs {
		c, ok := p.(*expr.ColumnRef)
		if !ok || c.Index != i || in.Fields[i].Name != out.Fields[i].Name || !in.Fields[i].Type.Equal(out.Fields[i].Type) {
			return false
		}
	}
	return true
}

// project adds a Calc selecting columns idx of in (no-op when idx is the
// identity).
func project(in *Node, idx []int) *Node {
	if identityCols(idx, in.Schema.Len()) {
		return in
	}
	out := &types.Schema{}
	exprs := make([]expr.Expr, len(idx))
	for i, k := range idx {
		f := in.Schema.Fields[k]
		out.Fields = append(out.Fields, f)
		exprs[i] = &expr.ColumnRef{Index: k, Name: f.Name, T: f.Type}
	}
	cfg := &ops.CalcConfig{Projections: exprs, Names: out.Names(), InSchema: in.Schema, OutSchema: out}
	return &Node{
		Name: "Calc", Desc: "select=[" + selectList(exprs, in.Schema, out) + "]", Inputs: []*Node{in}, Schema: out,
		Spec: &ops.Spec{Kind: ops.KindCalc, Config: cfg}, Parallelism: in.Parallelism,
	}
}

// identityCols reports whether selecting cols from n columns changes
// nothing, so no Calc is needed.
func identityCols(cols []int, n int) bool {
	if len(cols) != n {
		return false
	}
	for i, c := range cols {
		if c != i {
			return false
		}
	}
	return true
}

// values evaluates the constant rows once, at planning time.
func (t *translator) values(v *plan.Values) (*Node, error) {
	one := types.NewBatch(types.NewSchema(), nil, nil, 1)
	rows := make([][]any, len(v.Rows))
	tuples := make([]string, len(v.Rows))
	for i, r := range v.Rows {
		row := make([]any, len(r))
		strs := make([]string, len(r))
		for j, e := range r {
			a, err := e.Eval(t.opts.Eval, one)
			if err != nil {
				return nil, err
			}
			row[j] = types.Value(a, 0)
			strs[j] = plan.FormatExpr(e)
		}
		rows[i] = row
		tuples[i] = "{ " + strings.Join(strs, ", ") + " }"
	}
	cfg := &ops.ValuesConfig{Schema: v.Out, Rows: rows}
	return &Node{
		Name: "Values", Desc: "tuples=[[" + strings.Join(tuples, ", ") + "]], values=[" + strings.Join(v.Out.Names(), ", ") + "]",
		Schema: v.Out, Spec: &ops.Spec{Kind: ops.KindValues, Config: cfg}, Parallelism: 1,
		generates: constMode(types.ModeInsertOnly),
	}, nil
}

func constMode(m types.ChangelogMode) func(types.ChangelogMode) types.ChangelogMode {
	return func(types.ChangelogMode) types.ChangelogMode { return m }
}

// keyExchange routes in by keys to a consumer of parallelism p or, with no
// keys to partition on, everything to a single subtask. It returns the
// exchange and the consumer's parallelism.
func keyExchange(in *Node, keys []int, p int) (*Node, int) {
	if len(keys) == 0 {
		return exchange(in, spryrt.Global, nil, 1), 1
	}
	return exchange(in, spryrt.Hash, keys, p), p
}

// exchange puts an exchange above in; the consumer runs with parallelism p.
func exchange(in *Node, part spryrt.Partitioning, keys []int, p int) *Node {
	var desc string
	switch part {
	case spryrt.Hash:
		desc = "distribution=[hash[" + colNames(in.Schema, keys) + "]]"
	case spryrt.Global:
		desc = "distribution=[single]"
	case spryrt.Broadcast:
		desc = "distribution=[broadcast]"
	default:
		desc = "distribution=[any]"
	}
	return &Node{
		Name: "Exchange", Desc: desc, Inputs: []*Node{in}, Schema: in.Schema,
		Exchange: &Exchange{Partition: part, Keys: keys}, Parallelism: p,
	}
}

// collect ends a query: a single collect operator behind a global exchange.
func (t *translator) collect(r plan.Node) (*Node, error) {
	in, err := t.translate(r)
	if err != nil {
		return nil, err
	}
	ex := exchange(in, spryrt.Global, nil, 1)
	cfg := &ops.CollectConfig{Schema: in.Schema}
	return &Node{
		Name: "Collect", Inputs: []*Node{ex}, Schema: in.Schema,
		Spec: &ops.Spec{Kind: ops.KindCollect, Config: cfg}, Parallelism: 1,
	}, nil
}
