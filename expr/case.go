package expr

import (
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// Case is a searched CASE whose branches are evaluated lazily, as SQL
// requires: each THEN (and the ELSE) runs only on the rows that select it,
// so CASE WHEN x <> 0 THEN 10 / x ELSE 0 END never divides by zero. Each
// WHEN runs only on rows no earlier WHEN selected. The binder coerces every
// branch to T before building the node.
type Case struct {
	Whens []Expr
	Thens []Expr
	Else  Expr // never nil: the binder supplies a NULL literal
	T     types.DataType

	// used caches the columns the branches read (see columnsUsed).
	used atomic.Pointer[[]bool]
	// mask caches whether the WHENs may run on the whole batch
	// (case_mask.go): 0 unknown, 1 yes, 2 no.
	mask atomic.Int32
}

// Type returns the CASE's result type.
func (c *Case) Type() types.DataType { return c.T }

// String prints the node as the CASE function: CASE(c1, v1, ..., else).
func (c *Case) String() string {
	var sb strings.Builder
	sb.WriteString("CASE(")
	for i := range c.Whens {
		sb.WriteString(c.Whens[i].String())
		sb.WriteString(", ")
		sb.WriteString(c.Thens[i].String())
		sb.WriteString(", ")
	}
	sb.WriteString(c.Else.String())
	sb.WriteByte(')')
	return sb.String()
}

// Children lists the conditions, values and the ELSE, in that order.
func (c *Case) Children() []Expr {
	out := make([]Expr, 0, 2*len(c.Whens)+1)
	for i := range c.Whens {
		out = append(out, c.Whens[i], c.Thens[i])
	}
	return append(out, c.Else)
}

// WithChildren rebuilds the node from the layout Children returns.
func (c *Case) WithChildren(kids []Expr) Expr {
	n := &Case{T: c.T}
	for i := 0; i+1 < len(kids); i += 2 {
		n.Whens = append(n.Whens, kids[i])
		n.Thens = append(n.Thens, kids[i+1])
	}
	n.Else = kids[len(kids)-1]
	return n
}

// piece is one branch's values for the rows (of the full batch) it serves:
// vals has one entry per row of rows, or, when full, one per row of the
// full batch (a free value evaluated on the whole batch).
type piece struct {
	rows []int32
	vals arrow.Array
	full bool
}

// isFree reports whether evaluating e on rows that do not select it is
// harmless and costs nothing: a column or a constant. Such values are
// evaluated on the whole batch instead of on a gathered copy of their rows.
func isFree(e Expr) bool {
	switch e := e.(type) {
	case *ColumnRef, *Literal:
		return true
	case *Call:
		// A ROW field of a column (bid.dateTime) is the field's buffers
		// with the row's NULLs merged in: no copy, no failure.
		if e.Name == "FIELD" && len(e.Args) == 2 {
			_, lit := e.Args[1].(*Literal)
			return lit && isFree(e.Args[0])
		}
	}
	return false
}

// Eval narrows the batch branch by branch. When one branch serves every
// remaining row the values are used as they are, so a batch that takes a
// single branch costs no gathering.
func (c *Case) Eval(ctx *Context, b *types.Batch) (arrow.Array, error) {
	if c.masked() {
		return c.evalMasked(ctx, b)
	}
	n := b.Len()
	sub := b
	var rows []int32 // rows of b that sub holds; nil means all, in order
	var pieces []piece
	used := c.columnsUsed(len(b.Cols))
	// value evaluates a branch's value for the rows sel of sub (nil: all).
	value := func(v Expr, sel []int32) (piece, error) {
		r := rowsOf(rows, sel, sub.Len())
		if isFree(v) {
			a, err := v.Eval(ctx, b)
			return piece{r, a, true}, err
		}
		in := sub
		if sel != nil {
			in = TakeUsed(sub, sel, used)
		}
		a, err := v.Eval(ctx, in)
		return piece{r, a, false}, err
	}
	for i, when := range c.Whens {
		if sub.Len() == 0 {
			break
		}
		cond, err := when.Eval(ctx, sub)
		if err != nil {
			return nil, err
		}
		sel, rest := splitTrue(cond)
		if len(sel) == 0 {
			continue
		}
		if len(rest) == 0 {
			if len(pieces) == 0 && rows == nil {
				return c.Thens[i].Eval(ctx, b)
			}
			p, err := value(c.Thens[i], nil)
			if err != nil {
				return nil, err
			}
			pieces = append(pieces, p)
			sub = sub.Slice(0, 0)
			break
		}
		p, err := value(c.Thens[i], sel)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, p)
		rows = rowsOf(rows, rest, 0)
		sub = TakeUsed(sub, rest, used)
	}
	if sub.Len() > 0 || len(pieces) == 0 {
		if len(pieces) == 0 && rows == nil {
			return c.Else.Eval(ctx, b)
		}
		p, err := value(c.Else, nil)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, p)
	}
	return gather(pieces, n)
}

// columnsUsed returns the columns of an n-column input that the conditions
// and the non-free values read, so narrowing the batch to a branch's rows
// gathers only those (a CASE over ROW fields of wide events would
// otherwise copy every event); nil means all.
func (c *Case) columnsUsed(n int) []bool {
	if p := c.used.Load(); p != nil && len(*p) == n {
		return *p
	}
	used := make([]bool, n)
	ok := true
	for _, w := range c.Whens {
		ok = ok && ColumnsUsed(w, used)
	}
	for _, v := range append(c.Thens[:len(c.Thens):len(c.Thens)], c.Else) {
		if !isFree(v) {
			ok = ok && ColumnsUsed(v, used)
		}
	}
	if !ok {
		return nil
	}
	c.used.Store(&used)
	return used
}

// splitTrue returns the positions where cond is TRUE and the others.
func splitTrue(cond arrow.Array) (sel, rest []int32) {
	bc, ok := cond.(*array.Boolean)
	n := cond.Len()
	if ok && bc.NullN() == 0 {
		sel = make([]int32, 0, n)
		for i := 0; i < n; i++ {
			if bc.Value(i) {
				sel = append(sel, int32(i))
			}
		}
		if len(sel) == n {
			return sel, nil
		}
		rest = make([]int32, 0, n-len(sel))
		for i := 0; i < n; i++ {
			if !bc.Value(i) {
				rest = append(rest, int32(i))
			}
		}
		return sel, rest
	}
	for i := 0; i < n; i++ {
		if ok && bc.IsValid(i) && bc.Value(i) {
			sel = append(sel, int32(i))
		} else {
			rest = append(rest, int32(i))
		}
	}
	return sel, rest
}

// rowsOf maps positions within the current sub-batch back to rows of the
// full batch. pos nil means all n positions of the sub-batch.
func rowsOf(rows, pos []int32, n int) []int32 {
	if pos == nil {
		if rows != nil {
			return rows
		}
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(i)
		}
		return out
	}
	if rows == nil {
		return pos
	}
	out := make([]int32, len(pos))
	for i, p := range pos {
		out[i] = rows[p]
	}
	return out
}

// gather assembles the branch values into one array in row order: by a
// typed row-wise choice when every branch was evaluated on the whole batch,
// else by concatenating the pieces and permuting.
func gather(pieces []piece, n int) (arrow.Array, error) {
	allFull := true
	for _, p := range pieces {
		allFull = allFull && p.full
	}
	if allFull {
		choice := make([]int32, n)
		arrs := make([]arrow.Array, len(pieces))
		for k, p := range pieces {
			arrs[k] = p.vals
			for _, r := range p.rows {
				choice[r] = int32(k)
			}
		}
		if out, ok := kernel.Choose(choice, arrs); ok {
			return out, nil
		}
	}
	arrs := make([]arrow.Array, len(pieces))
	perm := make([]int32, n)
	off := int32(0)
	for i, p := range pieces {
		arrs[i] = p.vals
		if p.full {
			arrs[i] = kernel.Take(p.vals, p.rows)
		}
		for j, r := range p.rows {
			perm[r] = off + int32(j)
		}
		off += int32(len(p.rows))
	}
	all, err := array.Concatenate(arrs, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	return kernel.Take(all, perm), nil
}

var _ Expr = (*Case)(nil)
