package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// A CASE whose conditions cannot fail and read only columns and constants
// (lower(channel) = 'apple', HOUR(dateTime) >= 8) gives the same answer
// whether a condition runs on every row or only on the rows earlier ones
// left: so each WHEN is evaluated once over the whole batch and the
// branch of every row is the first TRUE one, with no per-branch narrowing
// of the batch. The values still run only on the rows that select them
// (a free value — a column or constant — on the whole batch).

// safeWhenCalls are functions that return no error for any input and
// have no effect but their result.
var safeWhenCalls = map[string]bool{
	"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true,
	"IS_DISTINCT_FROM": true, "IS_NOT_DISTINCT_FROM": true,
	"AND": true, "OR": true, "NOT": true,
	"IS_NULL": true, "IS_NOT_NULL": true, "IS_TRUE": true, "IS_NOT_TRUE": true,
	"IS_FALSE": true, "IS_NOT_FALSE": true, "IN": true,
	"LOWER": true, "UPPER": true,
	"HOUR": true, "MINUTE": true, "SECOND": true,
}

// safeWhen reports whether e may run on rows that do not reach it.
func safeWhen(e Expr) bool {
	switch e := e.(type) {
	case *ColumnRef, *Literal:
		return true
	case *Call:
		if !safeWhenCalls[e.Name] {
			return false
		}
		for _, a := range e.Args {
			if !safeWhen(a) {
				return false
			}
		}
		return true
	}
	return false
}

// masked reports (once, cached) whether every WHEN is safe.
func (c *Case) masked() bool {
	switch c.mask.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	ok := len(c.Whens) > 0
	for _, w := range c.Whens {
		ok = ok && safeWhen(w)
	}
	if ok {
		c.mask.Store(1)
	} else {
		c.mask.Store(2)
	}
	return ok
}

// evalMasked evaluates the CASE by choosing each row's branch from the
// conditions over the whole batch.
func (c *Case) evalMasked(ctx *Context, b *types.Batch) (arrow.Array, error) {
	n := b.Len()
	elseIdx := int32(len(c.Whens))
	choice := make([]int32, n)
	for i := range choice {
		choice[i] = elseIdx
	}
	open := n // rows no WHEN has taken yet
	for i, when := range c.Whens {
		if open == 0 {
			break
		}
		cond, err := when.Eval(ctx, b)
		if err != nil {
			return nil, err
		}
		bc, ok := cond.(*array.Boolean)
		if !ok {
			continue
		}
		open -= takeTrue(bc, choice, elseIdx, int32(i))
	}
	branches := len(c.Whens) + 1
	counts := make([]int, branches)
	for _, k := range choice {
		counts[k]++
	}
	valueOf := func(k int) Expr {
		if k == len(c.Whens) {
			return c.Else
		}
		return c.Thens[k]
	}
	for k, cnt := range counts {
		if cnt == n {
			return valueOf(k).Eval(ctx, b)
		}
	}
	if n == 0 {
		return c.Else.Eval(ctx, b)
	}
	if out, ok, err := c.chooseFree(ctx, b, choice, counts); ok || err != nil {
		return out, err
	}
	used := c.columnsUsed(len(b.Cols))
	pieces := make([]piece, 0, branches)
	for k, cnt := range counts {
		if cnt == 0 {
			continue
		}
		rows := make([]int32, 0, cnt)
		for r, ck := range choice {
			if int(ck) == k {
				rows = append(rows, int32(r))
			}
		}
		v := valueOf(k)
		in, full := b, true
		if !isFree(v) {
			in, full = TakeUsed(b, rows, used), false
		}
		a, err := v.Eval(ctx, in)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, piece{rows, a, full})
	}
	return gather(pieces, n)
}

// chooseFree picks the rows straight from the values when every branch
// some row takes is free; ok is false when a value is not free or its
// type has no typed choice.
func (c *Case) chooseFree(ctx *Context, b *types.Batch, choice []int32, counts []int) (arrow.Array, bool, error) {
	arrs := make([]arrow.Array, len(counts))
	for k, cnt := range counts {
		v := c.Else
		if k < len(c.Whens) {
			v = c.Thens[k]
		}
		if !isFree(v) {
			if cnt > 0 {
				return nil, false, nil
			}
			// No row takes it: any array of the right shape will do, and
			// it must not run.
			continue
		}
		a, err := v.Eval(ctx, b)
		if err != nil {
			return nil, false, err
		}
		arrs[k] = a
	}
	for k := range arrs {
		if arrs[k] == nil {
			arrs[k] = firstNonNil(arrs)
		}
	}
	out, ok := kernel.Choose(choice, arrs)
	return out, ok, nil
}

func firstNonNil(arrs []arrow.Array) arrow.Array {
	for _, a := range arrs {
		if a != nil {
			return a
		}
	}
	return nil
}

// takeTrue sets choice to k on the rows still at open where cond is TRUE
// and returns how many it took.
func takeTrue(cond *array.Boolean, choice []int32, open, k int32) int {
	taken := 0
	data := cond.Data()
	bits := data.Buffers()[1].Bytes()
	off := data.Offset()
	if cond.NullN() == 0 {
		for r := range choice {
			if choice[r] == open && bitutil.BitIsSet(bits, off+r) {
				choice[r] = k
				taken++
			}
		}
		return taken
	}
	for r := range choice {
		if choice[r] == open && cond.IsValid(r) && bitutil.BitIsSet(bits, off+r) {
			choice[r] = k
			taken++
		}
	}
	return taken
}
