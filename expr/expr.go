package expr

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/types"
)

// Context carries what kernels need beyond their arguments.
type Context struct {
	// Loc is the session time zone (table.local-time-zone), used by
	// TIMESTAMP_LTZ conversions and CURRENT_TIMESTAMP.
	Loc *time.Location
	// Now is the query start time for CURRENT_TIMESTAMP and friends in batch
	// mode; in streaming mode operators refresh it per batch.
	Now time.Time
	Mem memory.Allocator
	// Clock, when set, is the job's processing time in µs since the epoch
	// (ops.OpContext.Now): PROCTIME() reads it, so time-scripted tests can
	// drive processing time. nil reads the wall clock.
	Clock func() int64
	// Watermark is the current watermark (µs) of the operator evaluating
	// expressions, for CURRENT_WATERMARK(); valid when HasWatermark.
	Watermark    int64
	HasWatermark bool
}

// NewContext returns a context in zone loc with Now set to the current time.
func NewContext(loc *time.Location) *Context {
	if loc == nil {
		loc = time.UTC
	}
	return &Context{Loc: loc, Now: time.Now(), Mem: memory.DefaultAllocator}
}

// Expr is a bound expression. Eval returns an array of b.Len() rows whose
// Arrow type is types.ArrowType(Type()).
type Expr interface {
	Type() types.DataType
	Eval(ctx *Context, b *types.Batch) (arrow.Array, error)
	// String prints the expression as EXPLAIN shows it, e.g. +($0, 1).
	String() string
}

// ColumnRef reads column Index of the input batch.
type ColumnRef struct {
	Index int
	Name  string
	T     types.DataType
}

// Type returns the column's type.
func (c *ColumnRef) Type() types.DataType { return c.T }

// Eval returns the input column.
func (c *ColumnRef) Eval(_ *Context, b *types.Batch) (arrow.Array, error) {
	return b.Cols[c.Index], nil
}

func (c *ColumnRef) String() string {
	if c.Name != "" {
		return c.Name
	}
	return fmt.Sprintf("$%d", c.Index)
}

// Literal is a constant of type T; Value is a Go value as documented in
// package types (nil for NULL).
type Literal struct {
	Value any
	T     types.DataType

	// cached is reused while batches keep the same length; it is atomic
	// because one plan's expressions may be evaluated by many subtasks.
	cached atomic.Pointer[arrow.Array]
}

// Type returns the literal's type.
func (l *Literal) Type() types.DataType { return l.T }

// Eval returns a constant column of b.Len() rows. The array is cached so a
// stream of batches no longer than the first builds it once.
func (l *Literal) Eval(_ *Context, b *types.Batch) (arrow.Array, error) {
	n := b.Len()
	if c := l.cached.Load(); c != nil {
		// Filtered batches vary in length: a prefix of a longer constant
		// column serves them without building a new one.
		switch m := (*c).Len(); {
		case m == n:
			return *c, nil
		case m > n:
			return array.NewSlice(*c, 0, int64(n)), nil
		}
	}
	a := Repeat(l.Value, l.T, n)
	l.cached.Store(&a)
	return a, nil
}

func (l *Literal) String() string {
	if l.Value == nil {
		return "null:" + l.T.String()
	}
	s := types.Format(l.Value, l.T, time.UTC, "null")
	if l.T.Kind.IsString() {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}

// Repeat builds an array holding v n times.
func Repeat(v any, t types.DataType, n int) arrow.Array {
	bld := types.NewBuilder(t)
	bld.Reserve(n)
	for i := 0; i < n; i++ {
		types.Append(bld, v)
	}
	return bld.NewArray()
}

// Call applies a bound scalar function to its arguments.
type Call struct {
	Name   string
	Args   []Expr
	T      types.DataType
	Kernel Kernel
}

// Type returns the call's result type.
func (c *Call) Type() types.DataType { return c.T }

// Eval evaluates the arguments, then the kernel.
func (c *Call) Eval(ctx *Context, b *types.Batch) (arrow.Array, error) {
	args := make([]arrow.Array, len(c.Args))
	for i, a := range c.Args {
		v, err := a.Eval(ctx, b)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	return c.Kernel(ctx, args, b.Len())
}

func (c *Call) String() string {
	var sb strings.Builder
	sb.WriteString(c.Name)
	sb.WriteByte('(')
	for i, a := range c.Args {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(a.String())
	}
	sb.WriteByte(')')
	return sb.String()
}

// Kernel computes a function over whole columns. args hold one array per
// argument, each of length rows. A kernel must not keep or modify args.
type Kernel func(ctx *Context, args []arrow.Array, rows int) (arrow.Array, error)

var (
	_ Expr = (*ColumnRef)(nil)
	_ Expr = (*Literal)(nil)
	_ Expr = (*Call)(nil)
)
