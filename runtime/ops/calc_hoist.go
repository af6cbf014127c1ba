package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// calcHoist is a Calc's evaluation plan for inputs of n columns. It exists
// because filtering a batch gathers every column the projections may read,
// and ROW columns are wide: Nexmark's bid view is a filter over events
// whose bid, auction and person are ROWs, so gathering them copied every
// field of every event. The plan
//   - hoists field accesses (row.field chains over a column, FIELD in
//     expr) out of the filter and projections: they are evaluated on the
//     whole input batch, which costs no copy (FIELD shares the field's
//     buffers), and read back as extra columns n, n+1, ... — FIELD never
//     fails, so evaluating it on rows the filter drops changes nothing;
//   - computes once what the filter and a projection both compute
//     (calc_cse.go);
//   - notes which columns the projections read, so the filter gathers only
//     those.
type calcHoist struct {
	n      int
	fields []expr.Expr     // hoisted accesses, evaluated on the input batch
	filter expr.Expr       // the filter over the extended batch
	projs  []expr.Expr     // the projections over the extended batch
	used   []bool          // columns of the extended batch the projections read; nil = all
	shared map[string]bool // keys of subexpressions shared by filter and projections
	idx    []int32         // reused selection vector
}

// newCalcHoist plans a Calc's filter and projections (as cloned for this
// instance) over inputs of n columns.
func newCalcHoist(n int, filter expr.Expr, projs []expr.Expr) *calcHoist {
	h := &calcHoist{n: n, shared: sharedSubexprs(filter, projs)}
	seen := map[string]int{}
	if filter != nil {
		h.filter = h.hoist(filter, seen)
	}
	h.projs = make([]expr.Expr, len(projs))
	for i, p := range projs {
		h.projs[i] = h.hoist(p, seen)
	}
	h.used = make([]bool, n+len(h.fields))
	for _, p := range h.projs {
		if !expr.ColumnsUsed(p, h.used) {
			h.used = nil
			break
		}
	}
	return h
}

// isFieldAccess reports whether e is a chain of FIELD calls over a column
// reference.
func isFieldAccess(e expr.Expr) bool {
	c, ok := e.(*expr.Call)
	if !ok || c.Name != "FIELD" || len(c.Args) != 2 {
		return false
	}
	if _, ok := c.Args[1].(*expr.Literal); !ok {
		return false
	}
	switch a := c.Args[0].(type) {
	case *expr.ColumnRef:
		return true
	case *expr.Call:
		return isFieldAccess(a)
	}
	return false
}

// hoist returns e with its field accesses and the subexpressions it shares
// with the filter (calc_cse.go) replaced by references to extra columns,
// adding those to h.fields in an order where each reads only columns
// before it.
func (h *calcHoist) hoist(e expr.Expr, seen map[string]int) expr.Expr {
	var out expr.Expr
	switch e := e.(type) {
	case *expr.Call:
		if isFieldAccess(e) {
			return h.column(e, e, seen)
		}
		c := *e
		c.Args = make([]expr.Expr, len(e.Args))
		for i, a := range e.Args {
			c.Args[i] = h.hoist(a, seen)
		}
		out = &c
	case expr.Parent:
		kids := append([]expr.Expr(nil), e.Children()...)
		for i, k := range kids {
			kids[i] = h.hoist(k, seen)
		}
		out = e.WithChildren(kids)
	default:
		return e
	}
	if len(h.shared) > 0 {
		if k, ok := exprKey(e); ok && h.shared[k] {
			return h.column(e, out, seen)
		}
	}
	return out
}

// column returns the reference to the extra column computing orig (as
// rewritten), adding it on first use.
func (h *calcHoist) column(orig, rewritten expr.Expr, seen map[string]int) expr.Expr {
	key, ok := exprKey(orig)
	if !ok {
		return rewritten
	}
	k, ok := seen[key]
	if !ok {
		k = len(h.fields)
		seen[key] = k
		h.fields = append(h.fields, rewritten)
	}
	return &expr.ColumnRef{Index: h.n + k, Name: orig.String(), T: orig.Type()}
}

// extend returns b with the hoisted accesses appended as columns.
func (h *calcHoist) extend(ctx *expr.Context, b *types.Batch) (*types.Batch, error) {
	if len(h.fields) == 0 {
		return b, nil
	}
	cols := make([]arrow.Array, 0, h.n+len(h.fields))
	cols = append(cols, b.Cols...)
	for _, f := range h.fields {
		// Shared subexpressions may read the field accesses before them.
		a, err := f.Eval(ctx, types.NewBatch(b.Schema, cols, b.Kinds, b.Len()))
		if err != nil {
			return nil, err
		}
		cols = append(cols, a)
	}
	return types.NewBatch(b.Schema, cols, b.Kinds, b.Len()), nil
}

// processHoisted is ProcessBatch for a Calc with projections: field
// accesses are evaluated once on the whole batch and the filter gathers
// only the columns the projections read.
func (c *Calc) processHoisted(b *types.Batch, out Collector) error {
	h := c.hoist
	if h == nil || h.n != len(b.Cols) {
		h = newCalcHoist(len(b.Cols), c.filter, c.projs)
		c.hoist = h
	}
	ext, err := h.extend(c.eval, b)
	if err != nil {
		return err
	}
	if h.filter != nil {
		m, err := h.filter.Eval(c.eval, ext)
		if err != nil {
			return err
		}
		mask, ok := m.(*array.Boolean)
		if !ok {
			return fmt.Errorf("filter %s returned %s, want boolean", c.filter, m.DataType())
		}
		h.idx = kernel.MaskIndices(mask, h.idx[:0])
		switch len(h.idx) {
		case 0:
			return nil
		case ext.Len():
		default:
			ext = expr.TakeUsed(ext, h.idx, h.used)
		}
	}
	cols := make([]arrow.Array, len(h.projs))
	for i, p := range h.projs {
		a, err := p.Eval(c.eval, ext)
		if err != nil {
			return err
		}
		if a.Len() != ext.Len() {
			return fmt.Errorf("expression %s returned %d rows for %d", c.projs[i], a.Len(), ext.Len())
		}
		cols[i] = a
	}
	return out.Emit(types.NewBatch(c.cfg.OutSchema, cols, ext.Kinds, ext.Len()))
}
