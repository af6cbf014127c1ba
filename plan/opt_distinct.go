package plan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// DistinctAggSplit is Flink's table.optimizer.distinct-agg.split.enabled
// (SplitAggregateRule): a streaming aggregation with COUNT(DISTINCT x) (or
// SUM/MIN/MAX DISTINCT) over a hot key keeps all distinct values of a
// group on one subtask; splitting it spreads them. The rule adds a bucket
// column MOD(HASH_CODE(x), bucket-num), aggregates per (keys, bucket) in a
// PARTIAL aggregate — the distinct calls as they are, the other calls'
// partial values — and merges the buckets in a FINAL aggregate per keys:
// $SUM0 of partial counts, SUM of sums, MIN of minimums, MAX of maximums.
//
// It applies when every distinct call reads the same single column and
// every call can be merged that way (COUNT, SUM, $SUM0, MIN, MAX); other
// aggregates are left as they are.
type DistinctAggSplit struct{}

// Name returns the rule's name.
func (DistinctAggSplit) Name() string { return "DistinctAggSplit" }

// Apply splits eligible streaming aggregates.
func (DistinctAggSplit) Apply(root Node, cfg Config) (Node, bool, error) {
	if !cfg.Streaming || !cfg.DistinctSplit {
		return root, false, nil
	}
	buckets := cfg.DistinctBuckets
	if buckets <= 0 {
		buckets = 1024
	}
	return transformUp(root, func(n Node) (Node, bool, error) {
		a, ok := n.(*Aggregate)
		if !ok || a.Split != "" {
			return n, false, nil
		}
		return splitDistinct(a, int32(buckets), cfg)
	})
}

// mergeFunc is the function that merges a call's partial results.
var mergeFunc = map[string]string{"COUNT": "$SUM0", "$SUM0": "$SUM0", "SUM": "SUM", "MIN": "MIN", "MAX": "MAX"}

func splitDistinct(a *Aggregate, buckets int32, cfg Config) (Node, bool, error) {
	distinctArg := -1
	for _, c := range a.Calls {
		if _, ok := mergeFunc[strings.ToUpper(c.Func.Name)]; !ok {
			return a, false, nil
		}
		if !c.Distinct {
			continue
		}
		if len(c.Args) != 1 || distinctArg >= 0 && c.Args[0] != distinctArg {
			return a, false, nil
		}
		distinctArg = c.Args[0]
	}
	if distinctArg < 0 {
		return a, false, nil
	}
	in := a.Input.Schema()
	bucket, err := bucketExpr(in.Fields[distinctArg], distinctArg, buckets, cfg)
	if err != nil {
		return nil, false, err
	}
	// Project: every input column, then the bucket.
	exprs := make([]expr.Expr, 0, in.Len()+1)
	out := &types.Schema{}
	for i, f := range in.Fields {
		exprs = append(exprs, &expr.ColumnRef{Index: i, Name: f.Name, T: f.Type})
		out.Fields = append(out.Fields, f)
	}
	bucketCol := in.Len()
	exprs = append(exprs, bucket)
	out.Fields = append(out.Fields, types.Field{Name: fmt.Sprintf("$f%d", bucketCol), Type: types.Int.NotNullable()})
	proj := &Project{Input: a.Input, Exprs: exprs, Out: out}

	partial := &Aggregate{Input: proj, GroupKeys: append(append([]int(nil), a.GroupKeys...), bucketCol),
		Calls: append([]AggCall(nil), a.Calls...), Split: "PARTIAL", StateTTL: a.StateTTL}
	nk := len(partial.GroupKeys)
	final := &Aggregate{Input: partial, Split: "FINAL", StateTTL: a.StateTTL}
	for i := range a.GroupKeys {
		final.GroupKeys = append(final.GroupKeys, i)
	}
	pschema := partial.Schema()
	for i, c := range a.Calls {
		name := mergeFunc[strings.ToUpper(c.Func.Name)]
		f := cfg.Functions.Aggregate(name)
		if f == nil {
			return a, false, nil
		}
		col := nk + i
		rt, fac, err := f.Bind([]expr.Arg{{Type: pschema.Fields[col].Type}}, false)
		if err != nil {
			return a, false, nil
		}
		if !rt.EqualIgnoringNull(c.Type) {
			return a, false, nil
		}
		final.Calls = append(final.Calls, AggCall{Func: f, Factory: fac, Args: []int{col}, Filter: -1, Type: c.Type, Name: c.Name})
	}
	return final, true, nil
}

// bucketExpr builds MOD(HASH_CODE(col), buckets), Flink's bucket column.
func bucketExpr(f types.Field, col int, buckets int32, cfg Config) (expr.Expr, error) {
	hash := &expr.Call{Name: "HASH_CODE", Args: []expr.Expr{&expr.ColumnRef{Index: col, Name: f.Name, T: f.Type}},
		T: types.Int.NotNullable(), Kernel: hashCodeKernel}
	mod := cfg.Functions.Scalar("MOD")
	if mod == nil {
		return nil, fmt.Errorf("the MOD function is not registered")
	}
	n := lit(buckets, types.Int.NotNullable())
	t, k, err := mod.Bind([]expr.Arg{{Type: hash.T}, {Type: n.T, IsConst: true, Const: buckets}})
	if err != nil {
		return nil, err
	}
	return &expr.Call{Name: "MOD", Args: []expr.Expr{hash, n}, T: t, Kernel: k}, nil
}

// hashCodeKernel hashes a column as the hash exchange does, as a
// non-negative INT.
func hashCodeKernel(_ *expr.Context, args []arrow.Array, rows int) (arrow.Array, error) {
	hs := make([]uint64, rows)
	kernel.HashColumns(args[:1], rows, hs)
	b := array.NewInt32Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(rows)
	for _, h := range hs {
		b.UnsafeAppend(int32(h & 0x7fffffff))
	}
	return b.NewArray(), nil
}
