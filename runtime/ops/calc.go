package ops

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// CalcConfig configures a Calc: an optional filter, then projections.
type CalcConfig struct {
	// Filter keeps rows where it is TRUE (NULL drops the row); nil keeps all.
	Filter expr.Expr
	// Projections compute the output columns over the filtered rows; nil
	// passes the input columns through unchanged.
	Projections []expr.Expr
	// Names are the output column names, one per projection.
	Names     []string
	InSchema  *types.Schema
	OutSchema *types.Schema
}

// Calc filters and projects a batch at a time, as Flink's Calc node (a
// WHERE plus a SELECT list). Row kinds travel with their rows, so it works
// on changelog streams unchanged.
type Calc struct {
	BaseOperator
	cfg    *CalcConfig
	filter expr.Expr
	projs  []expr.Expr
	eval   *expr.Context
	hoist  *calcHoist // built at the first batch (calc_hoist.go)
}

var _ Operator = (*Calc)(nil)

// NewCalc makes a Calc. Each instance gets its own copy of the expression
// trees, because evaluation may cache per-tree state (literal columns) that
// must not be shared between subtasks.
func NewCalc(c *CalcConfig) (*Calc, error) {
	if c.Projections != nil && c.Names != nil && len(c.Names) != len(c.Projections) {
		return nil, &SpecError{KindCalc, fmt.Sprintf("%d projections but %d names", len(c.Projections), len(c.Names))}
	}
	if c.Projections != nil && c.OutSchema == nil {
		return nil, &SpecError{KindCalc, "projections need an output schema"}
	}
	op := &Calc{cfg: c}
	if c.Filter != nil {
		if k := c.Filter.Type().Kind; k != types.KindBoolean {
			return nil, &SpecError{KindCalc, fmt.Sprintf("filter condition must be BOOLEAN, found %s", c.Filter.Type())}
		}
		op.filter = CloneExpr(c.Filter)
	}
	if c.Projections != nil {
		// Non-nil even when empty: a projection to zero columns still projects.
		op.projs = make([]expr.Expr, 0, len(c.Projections))
	}
	for _, p := range c.Projections {
		op.projs = append(op.projs, CloneExpr(p))
	}
	return op, nil
}

// Open picks up the evaluation context.
func (c *Calc) Open(ctx *OpContext) error {
	c.eval = ctx.Eval
	if c.eval == nil {
		c.eval = expr.NewContext(nil)
	}
	// A copy: CURRENT_WATERMARK() sees this Calc's own watermark
	// (ProcessWatermark in watermark_calc.go).
	e := *c.eval
	c.eval = &e
	return nil
}

// ProcessBatch filters, then projects.
func (c *Calc) ProcessBatch(_ int, b *types.Batch, out Collector) error {
	if c.projs != nil {
		return c.processHoisted(b, out)
	}
	if c.filter != nil {
		m, err := c.filter.Eval(c.eval, b)
		if err != nil {
			return err
		}
		mask, ok := m.(*array.Boolean)
		if !ok {
			return fmt.Errorf("filter %s returned %s, want boolean", c.filter, m.DataType())
		}
		b = kernel.Filter(b, mask)
		if b.Len() == 0 {
			return nil
		}
	}
	if c.projs == nil {
		if c.cfg.OutSchema != nil && b.Schema != c.cfg.OutSchema {
			b = types.NewBatch(c.cfg.OutSchema, b.Cols, b.Kinds, b.Len())
		}
		return out.Emit(b)
	}
	cols := make([]arrow.Array, len(c.projs))
	for i, p := range c.projs {
		a, err := p.Eval(c.eval, b)
		if err != nil {
			return err
		}
		if a.Len() != b.Len() {
			return fmt.Errorf("expression %s returned %d rows for %d", p, a.Len(), b.Len())
		}
		cols[i] = a
	}
	return out.Emit(types.NewBatch(c.cfg.OutSchema, cols, b.Kinds, b.Len()))
}

// String prints e.g. Calc(select=[word, +(a, 1) AS x], where=[>(a, 0)]).
func (c *Calc) String() string {
	var sb strings.Builder
	sb.WriteString("Calc(select=[")
	if c.cfg.Projections == nil {
		if s := c.cfg.OutSchema; s != nil || c.cfg.InSchema != nil {
			if s == nil {
				s = c.cfg.InSchema
			}
			sb.WriteString(strings.Join(s.Names(), ", "))
		} else {
			sb.WriteString("*")
		}
	}
	for i, p := range c.cfg.Projections {
		if i > 0 {
			sb.WriteString(", ")
		}
		e := p.String()
		sb.WriteString(e)
		if i < len(c.cfg.Names) && c.cfg.Names[i] != e {
			sb.WriteString(" AS ")
			sb.WriteString(c.cfg.Names[i])
		}
	}
	sb.WriteString("]")
	if c.cfg.Filter != nil {
		sb.WriteString(", where=[")
		sb.WriteString(c.cfg.Filter.String())
		sb.WriteString("]")
	}
	sb.WriteString(")")
	return sb.String()
}

// CloneExpr copies the expression node types of package expr so that a
// tree can be evaluated by several goroutines at once; other Expr
// implementations are shared as they are and must be safe for that.
func CloneExpr(e expr.Expr) expr.Expr {
	switch e := e.(type) {
	case *expr.ColumnRef:
		c := *e
		return &c
	case *expr.Literal:
		return &expr.Literal{Value: e.Value, T: e.T}
	case *expr.Call:
		c := *e
		c.Args = make([]expr.Expr, len(e.Args))
		for i, a := range e.Args {
			c.Args[i] = CloneExpr(a)
		}
		return &c
	}
	return e
}
