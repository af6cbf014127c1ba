package physical

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// notUpdateBefore is a filter condition, TRUE on every row but -U rows.
// An upsert sink (one that accepts +U but not -U, keyed on its primary
// key) gets updates as +U rows alone, as Flink plans for upsert sinks; a
// Calc with this condition drops the -U rows in front of it.
type notUpdateBefore struct{}

var _ expr.Expr = notUpdateBefore{}

// Type is BOOLEAN NOT NULL.
func (notUpdateBefore) Type() types.DataType { return types.Boolean.NotNullable() }

// Eval reads the batch's row kinds.
func (notUpdateBefore) Eval(ctx *expr.Context, b *types.Batch) (arrow.Array, error) {
	n := b.Len()
	mem := memory.DefaultAllocator
	if ctx != nil && ctx.Mem != nil {
		mem = ctx.Mem
	}
	bld := array.NewBooleanBuilder(mem)
	bld.Resize(n)
	for i := 0; i < n; i++ {
		bld.UnsafeAppend(b.Kinds == nil || b.Kinds[i] != types.UpdateBefore)
	}
	return bld.NewArray(), nil
}

func (notUpdateBefore) String() string { return "<>(ROWKIND(), -U)" }

// dropUpdateBefore puts a Calc removing -U rows above in.
func dropUpdateBefore(in *Node) *Node {
	cfg := &ops.CalcConfig{Filter: notUpdateBefore{}, InSchema: in.Schema, OutSchema: in.Schema}
	return &Node{
		Name: "DropUpdateBefore", Inputs: []*Node{in}, Schema: in.Schema, Parallelism: in.Parallelism,
		Spec: &ops.Spec{Kind: ops.KindCalc, Config: cfg}, Mode: in.Mode &^ (1 << types.UpdateBefore),
		updateSource: in.updateSource,
	}
}
