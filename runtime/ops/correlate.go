package ops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// CorrelateConfig configures a Correlate: a join of each input row with
// the rows a table function returns for it (LATERAL TABLE(f(...)) and
// UNNEST).
type CorrelateConfig struct {
	// Func is the table function; with Kernel nil it is bound to the
	// argument types when the operator is built.
	Func *expr.TableFunction
	// Kernel evaluates the function; it takes precedence over Func.Bind.
	Kernel expr.TableKernel
	// Args are evaluated over the input batch, one array per argument.
	Args []expr.Expr
	// Left keeps input rows for which the function returns no row (LEFT
	// JOIN LATERAL ... ON TRUE), padding the function's columns with NULLs.
	Left bool
	// WithOrdinality appends a column numbering each input row's function
	// rows from 1 (UNNEST ... WITH ORDINALITY); NULL on padded rows.
	WithOrdinality bool
	InSchema       *types.Schema
	// OutSchema is the input's columns, then the function's, then the
	// ordinality column if any.
	OutSchema *types.Schema
}

// OutputSchema returns the correlate's output schema.
func (c *CorrelateConfig) OutputSchema() *types.Schema { return c.OutSchema }

// CorrelateConfigError reports a CorrelateConfig that cannot run.
type CorrelateConfigError struct{ Msg string }

func (e *CorrelateConfigError) Error() string { return "correlate: " + e.Msg }

// correlate runs a table function over whole batches and stitches each
// produced row to its parent input row; parents' row kinds carry over, so
// it works on changelog streams unchanged.
type correlate struct {
	BaseOperator
	cfg    *CorrelateConfig
	kernel expr.TableKernel
	args   []expr.Expr
	nfn    int // columns the function produces
	eval   *expr.Context
	size   int // output batch size
}

var _ Operator = (*correlate)(nil)

// NewCorrelate returns the operator for cfg.
func NewCorrelate(cfg *CorrelateConfig) (Operator, error) {
	if cfg == nil || cfg.InSchema == nil || cfg.OutSchema == nil {
		return nil, &CorrelateConfigError{"input and output schemas are required"}
	}
	c := &correlate{cfg: cfg, kernel: cfg.Kernel}
	for _, a := range cfg.Args {
		c.args = append(c.args, CloneExpr(a))
	}
	c.nfn = cfg.OutSchema.Len() - cfg.InSchema.Len()
	if cfg.WithOrdinality {
		c.nfn--
	}
	if c.nfn < 0 {
		return nil, &CorrelateConfigError{fmt.Sprintf("output has %d columns, fewer than the input's %d", cfg.OutSchema.Len(), cfg.InSchema.Len())}
	}
	if c.kernel == nil {
		if cfg.Func == nil || cfg.Func.Bind == nil {
			return nil, &CorrelateConfigError{"needs a table function or a kernel"}
		}
		args := make([]expr.Arg, len(cfg.Args))
		for i, a := range cfg.Args {
			args[i] = expr.Arg{Type: a.Type()}
			if l, ok := a.(*expr.Literal); ok {
				args[i].IsConst, args[i].Const = true, l.Value
			}
		}
		fields, k, err := cfg.Func.Bind(args)
		if err != nil {
			return nil, err
		}
		if len(fields) != c.nfn {
			return nil, &CorrelateConfigError{fmt.Sprintf("%s returns %d columns, output schema has room for %d", cfg.Func.Name, len(fields), c.nfn)}
		}
		c.kernel = k
	}
	return c, nil
}

// Open picks up the evaluation context.
func (c *correlate) Open(ctx *OpContext) error {
	c.size = ctx.BatchSize
	c.eval = ctx.Eval
	if c.eval == nil {
		c.eval = expr.NewContext(nil)
	}
	return nil
}

// ProcessBatch evaluates the arguments and the function over b and emits
// the stitched rows in input order.
func (c *correlate) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	n := b.Len()
	if n == 0 {
		return nil
	}
	args := make([]arrow.Array, len(c.args))
	for i, a := range c.args {
		v, err := a.Eval(c.eval, b)
		if err != nil {
			return err
		}
		args[i] = v
	}
	fn, parent, err := c.kernel(c.eval, args, n)
	if err != nil {
		return fmt.Errorf("%s: %w", c.name(), err)
	}
	if len(fn) != c.nfn {
		return fmt.Errorf("%s returned %d columns, want %d", c.name(), len(fn), c.nfn)
	}
	for _, col := range fn {
		if col.Len() != len(parent) {
			return fmt.Errorf("%s returned a column of %d rows for %d parents", c.name(), col.Len(), len(parent))
		}
	}
	for _, p := range parent {
		if p < 0 || int(p) >= n {
			return fmt.Errorf("%s returned parent row %d for a batch of %d rows", c.name(), p, n)
		}
	}
	order := stitchOrder(parent)
	inIdx, fnIdx := make([]int32, 0, len(parent)), make([]int32, 0, len(parent))
	p := 0
	for i := int32(0); i < int32(n); i++ {
		has := false
		for ; p < len(order) && parent[order[p]] == i; p++ {
			inIdx, fnIdx = append(inIdx, i), append(fnIdx, order[p])
			has = true
		}
		if !has && c.cfg.Left {
			inIdx, fnIdx = append(inIdx, i), append(fnIdx, -1)
		}
	}
	if len(inIdx) == 0 {
		return nil
	}
	rows := kernel.TakeBatch(b, inIdx)
	cols := append(append([]arrow.Array(nil), rows.Cols...), takeColumns(fn, fnIdx)...)
	if c.cfg.WithOrdinality {
		cols = append(cols, ordinals(inIdx, fnIdx))
	}
	return emitSliced(out, types.NewBatch(c.cfg.OutSchema, cols, rows.Kinds, len(inIdx)), c.size)
}

// stitchOrder returns the function's rows ordered by parent, keeping the
// function's order within a parent; nil-cost when already ordered.
func stitchOrder(parent []int32) []int32 {
	order := make([]int32, len(parent))
	sorted := true
	for i := range order {
		order[i] = int32(i)
		if i > 0 && parent[i] < parent[i-1] {
			sorted = false
		}
	}
	if !sorted {
		slices.SortStableFunc(order, func(a, b int32) int { return int(parent[a] - parent[b]) })
	}
	return order
}

// ordinals numbers each parent's rows from 1; padded rows get NULL.
func ordinals(inIdx, fnIdx []int32) arrow.Array {
	b := array.NewInt32Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(len(inIdx))
	n := int32(0)
	for i, f := range fnIdx {
		if i == 0 || inIdx[i] != inIdx[i-1] {
			n = 0
		}
		if f < 0 {
			b.AppendNull()
			continue
		}
		n++
		b.UnsafeAppend(n)
	}
	return b.NewArray()
}

func (c *correlate) name() string {
	if c.cfg.Func != nil {
		return c.cfg.Func.Name
	}
	return "table function"
}

// String prints e.g. Correlate(invocation=[SPLIT($1)],
// correlate=[table(SPLIT($1))], select=[a,s,word], joinType=[INNER]).
func (c *correlate) String() string {
	args := make([]string, len(c.cfg.Args))
	for i, a := range c.cfg.Args {
		args[i] = a.String()
	}
	inv := c.name() + "(" + strings.Join(args, ", ") + ")"
	jt := "INNER"
	if c.cfg.Left {
		jt = "LEFT"
	}
	return fmt.Sprintf("Correlate(invocation=[%s], correlate=[table(%s)], select=[%s], joinType=[%s])",
		inv, inv, strings.Join(c.cfg.OutSchema.Names(), ","), jt)
}
