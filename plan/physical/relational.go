package physical

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/plan"
	spryrt "github.com/spry-engine/spry/runtime"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// sort plans ORDER BY / LIMIT / OFFSET. Batch: a single-subtask Sort (or
// SortLimit, or Limit without keys) behind a global exchange. Streaming:
// only LIMIT without ORDER BY over insert-only input; ORDER BY needs a
// time attribute first, as in Flink.
func (t *translator) sort(s *plan.Sort) (*Node, error) {
	in, err := t.translate(s.Input)
	if err != nil {
		return nil, err
	}
	if len(s.Keys) > 0 && !t.opts.Batch {
		return t.streamSort(s, in) // plan/physical/rank_sort.go
	}
	ex := exchange(in, spryrt.Global, nil, 1)
	if len(s.Keys) == 0 {
		desc := fmt.Sprintf("offset=[%d], fetch=[%s]", s.Offset, fetchString(s.Fetch))
		n := &Node{
			Name: "Limit", Desc: desc, Inputs: []*Node{ex}, Schema: in.Schema, Parallelism: 1,
			Spec:            &ops.Spec{Kind: ops.KindLimit, Config: &ops.LimitConfig{Offset: s.Offset, Limit: s.Fetch}},
			needsInsertOnly: true,
		}
		return n, nil
	}
	keys := make([]kernel.SortKey, len(s.Keys))
	order := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		keys[i] = kernel.SortKey{Col: k.Index, Desc: k.Desc, NullsFirst: k.NullsFirst}
		dir := "ASC"
		if k.Desc {
			dir = "DESC"
		}
		order[i] = colName(in.Schema, k.Index) + " " + dir
	}
	name, desc := "Sort", "orderBy=["+strings.Join(order, ", ")+"]"
	if s.Fetch >= 0 || s.Offset > 0 {
		name = "SortLimit"
		desc += fmt.Sprintf(", offset=[%d], fetch=[%s], global=[true]", s.Offset, fetchString(s.Fetch))
	}
	return &Node{
		Name: name, Desc: desc, Inputs: []*Node{ex}, Schema: in.Schema, Parallelism: 1,
		Spec:            &ops.Spec{Kind: ops.KindSort, Config: &ops.SortConfig{Keys: keys, Offset: s.Offset, Limit: s.Fetch, OutSchema: in.Schema}},
		needsInsertOnly: true,
	}, nil
}

func fetchString(f int64) string {
	if f < 0 {
		return "unlimited"
	}
	return fmt.Sprint(f)
}

// setOp plans UNION ALL as edges into one vertex, UNION as UNION ALL plus
// a grouping on every column, and INTERSECT / EXCEPT as a two-input
// operator behind hash exchanges on every column (batch only).
func (t *translator) setOp(s *plan.SetOp) (*Node, error) {
	out := s.Schema()
	switch s.Kind {
	case plan.SetUnion:
		if !s.All {
			all := &plan.SetOp{Kind: plan.SetUnion, Ins: s.Ins, All: true}
			keys := make([]int, out.Len())
			for i := range keys {
				keys[i] = i
			}
			return t.aggregate(&plan.Aggregate{Input: all, GroupKeys: keys, Strategy: plan.AggOnePhase})
		}
		n := &Node{Name: "Union", Desc: "all=[true], union=[" + strings.Join(out.Names(), ", ") + "]", Schema: out}
		for _, in := range s.Ins {
			c, err := t.translate(in)
			if err != nil {
				return nil, err
			}
			if err := sameWidth(c, in, "union"); err != nil {
				return nil, err
			}
			n.Inputs = append(n.Inputs, c)
			if c.Parallelism > n.Parallelism {
				n.Parallelism = c.Parallelism
			}
		}
		return n, nil
	}
	name, keyword := "Intersect", "INTERSECT"
	if s.Kind == plan.SetMinus {
		name, keyword = "Minus", "EXCEPT"
	}
	if !t.opts.Batch {
		return nil, errorf(ErrUnsupported, fmt.Sprintf("%s is not supported in streaming mode yet; run it with SET 'execution.runtime-mode' = 'batch'", keyword))
	}
	left, err := t.translate(s.Ins[0])
	if err != nil {
		return nil, err
	}
	if err := sameWidth(left, s.Ins[0], keyword); err != nil {
		return nil, err
	}
	keys := make([]int, out.Len())
	for i := range keys {
		keys[i] = i
	}
	for _, r := range s.Ins[1:] {
		right, err := t.translate(r)
		if err != nil {
			return nil, err
		}
		if err := sameWidth(right, r, keyword); err != nil {
			return nil, err
		}
		p := t.opts.Parallelism
		le := exchange(left, spryrt.Hash, keys, p)
		re := exchange(right, spryrt.Hash, keys, p)
		left = &Node{
			Name: name, Desc: fmt.Sprintf("all=[%t]", s.All), Inputs: []*Node{le, re}, Schema: out, Parallelism: p,
			Spec: setOpSpec(s.Kind, s.All, out), needsInsertOnly: true,
		}
	}
	return left, nil
}

// expand plans GROUPING SETS expansion: each projection list must consist
// of input column references and NULLs, plus the literal set id.
func (t *translator) expand(e *plan.Expand) (*Node, error) {
	in, err := t.translate(e.Input)
	if err != nil {
		return nil, err
	}
	projs := make([][]int, len(e.Projects))
	ids := make([]int64, len(e.Projects))
	rows := make([]string, len(e.Projects))
	for i, p := range e.Projects {
		row := make([]int, 0, len(p))
		strs := make([]string, len(p))
		for j, x := range p {
			strs[j] = formatExpr(x, in.Schema)
			if j == e.ExpandID {
				id, err := constInt(x)
				if err != nil {
					return nil, err
				}
				ids[i] = id
				continue
			}
			switch x := x.(type) {
			case *expr.ColumnRef:
				row = append(row, x.Index)
			case *expr.Literal:
				if x.Value != nil {
					return nil, errorf(ErrInternal, "expand projections may only hold columns and NULL")
				}
				row = append(row, -1)
			default:
				return nil, errorf(ErrInternal, "expand projections may only hold columns and NULL")
			}
		}
		projs[i] = row
		rows[i] = "{" + strings.Join(strs, ", ") + "}"
	}
	// The operator puts the set id last; a Calc moves it where the
	// logical plan has it.
	last := e.Out.Len() - 1
	opOut := e.Out
	if e.ExpandID != last {
		opOut = &types.Schema{}
		for i, f := range e.Out.Fields {
			if i != e.ExpandID {
				opOut.Fields = append(opOut.Fields, f)
			}
		}
		opOut.Fields = append(opOut.Fields, e.Out.Fields[e.ExpandID])
	}
	n := &Node{
		Name: "Expand", Desc: "projects=[" + strings.Join(rows, ", ") + "]", Inputs: []*Node{in}, Schema: opOut,
		Parallelism: in.Parallelism, Spec: expandSpec(projs, ids, in.Schema, opOut),
	}
	if e.ExpandID != last {
		idx := make([]int, 0, e.Out.Len())
		for i := 0; i < e.Out.Len(); i++ {
			switch {
			case i == e.ExpandID:
				idx = append(idx, last)
			case i < e.ExpandID:
				idx = append(idx, i)
			default:
				idx = append(idx, i-1)
			}
		}
		n = project(n, idx)
	}
	return n, nil
}

func constInt(e expr.Expr) (int64, error) {
	l, ok := e.(*expr.Literal)
	if ok {
		switch v := l.Value.(type) {
		case int64:
			return v, nil
		case int32:
			return int64(v), nil
		}
	}
	return 0, errorf(ErrInternal, "expand id must be an integer literal, found "+e.String())
}

// join plans a join: hash exchanges on the equi-join keys of both sides
// into a two-input join operator.
func (t *translator) join(j *plan.Join) (*Node, error) {
	if n, ok, err := t.timeJoin(j); ok { // interval and window joins: join_interval.go
		return n, err
	}
	left, err := t.translate(j.Left)
	if err != nil {
		return nil, err
	}
	right, err := t.translate(j.Right)
	if err != nil {
		return nil, err
	}
	if err := sameWidth(left, j.Left, "join"); err != nil {
		return nil, err
	}
	if err := sameWidth(right, j.Right, "join"); err != nil {
		return nil, err
	}
	lk, rk, rest := plan.EquiKeys(j.Condition, left.Schema.Len())
	// Without an equality to partition on, everything meets in one subtask.
	le, p := keyExchange(left, lk, t.opts.Parallelism)
	re, _ := keyExchange(right, rk, t.opts.Parallelism)
	out := (&plan.Join{Left: &schemaNode{left.Schema}, Right: &schemaNode{right.Schema}, Type: j.Type}).Schema()
	both := &types.Schema{Fields: append(append([]types.Field(nil), left.Schema.Fields...), right.Schema.Fields...)}
	desc := "joinType=[" + joinTypeName(j.Type) + "], where=[" + formatExpr(j.Condition, both) + "], select=[" + strings.Join(out.Names(), ", ") + "]"
	spec, err := joinSpec(j, lk, rk, rest, left.Schema, right.Schema, out, t.opts.Batch)
	if err == nil {
		jc := spec.Config.(*ops.JoinConfig)
		jc.LeftTTL, jc.RightTTL = t.stateTTL(j.LeftTTL), t.stateTTL(j.RightTTL)
	}
	if err != nil {
		return nil, err
	}
	name := "Join"
	if t.opts.Batch {
		name = "HashJoin"
	}
	n := &Node{Name: name, Desc: desc, Inputs: []*Node{le, re}, Schema: out, Parallelism: p, Spec: spec}
	if !t.opts.Batch {
		n.generates = joinMode(j.Type)
	}
	return n, nil
}

func joinTypeName(t plan.JoinType) string {
	return [...]string{"InnerJoin", "LeftOuterJoin", "RightOuterJoin", "FullOuterJoin", "LeftSemiJoin", "LeftAntiJoin"}[t]
}

// joinMode is the changelog of a streaming regular join: insert-only
// inputs give an insert-only inner join; outer and anti joins retract
// their NULL-padded rows; update inputs make updates.
func joinMode(t plan.JoinType) func(types.ChangelogMode) types.ChangelogMode {
	return func(in types.ChangelogMode) types.ChangelogMode {
		if in.IsInsertOnly() && (t == plan.JoinInner || t == plan.JoinSemi) {
			return types.ModeInsertOnly
		}
		return types.ModeAll
	}
}

// schemaNode is a stand-in logical node with a given schema, used to
// derive output schemas with the logical nodes' own rules.
type schemaNode struct{ s *types.Schema }

func (n *schemaNode) Schema() *types.Schema            { return n.s }
func (n *schemaNode) Inputs() []plan.Node              { return nil }
func (n *schemaNode) WithInputs([]plan.Node) plan.Node { return n }
func (n *schemaNode) String() string                   { return "Schema" }

// correlate plans LATERAL TABLE(f(...)) and UNNEST: the function runs on
// each input batch, chained after its input.
func (t *translator) correlate(c *plan.Correlate) (*Node, error) {
	in, err := t.translate(c.Input)
	if err != nil {
		return nil, err
	}
	fn := c.Func
	if fn == nil && c.Unnest {
		fn = ops.Unnest
	}
	if fn == nil && c.Kernel == nil {
		return nil, errorf(ErrInternal, "correlate without a table function")
	}
	if err := sameWidth(in, c.Input, "correlate"); err != nil {
		return nil, err
	}
	out := &types.Schema{Fields: append(append([]types.Field(nil), in.Schema.Fields...), c.Fields...)}
	if c.Left {
		for i := in.Schema.Len(); i < out.Len(); i++ {
			out.Fields[i].Type = out.Fields[i].Type.WithNullable(true)
		}
	}
	args := make([]string, len(c.Args))
	for i, a := range c.Args {
		args[i] = formatExpr(a, in.Schema)
	}
	name := "UNNEST"
	if fn != nil {
		name = fn.Name
	}
	jt := "INNER"
	if c.Left {
		jt = "LEFT"
	}
	cfg := &ops.CorrelateConfig{Func: fn, Kernel: c.Kernel, Args: c.Args, Left: c.Left, WithOrdinality: c.WithOrdinality,
		InSchema: in.Schema, OutSchema: out}
	return &Node{
		Name: "Correlate", Desc: "invocation=[" + name + "(" + strings.Join(args, ", ") + ")], select=[" + strings.Join(out.Names(), ", ") + "], joinType=[" + jt + "]",
		Inputs: []*Node{in}, Schema: out, Parallelism: in.Parallelism, Spec: &ops.Spec{Kind: ops.KindCorrelate, Config: cfg},
	}, nil
}

// sameWidth checks that a physical input has as many columns as its
// logical node. Joins, correlates and set operations address their
// inputs' columns by position, so a wider input (an empty projection is
// planned by passing its input through) would silently shift columns;
// the optimizer never produces that shape, and this turns a future slip
// into a planning error instead of wrong rows or a crash.
func sameWidth(phys *Node, logical plan.Node, what string) error {
	if got, want := phys.Schema.Len(), logical.Schema().Len(); got != want {
		return errorf(ErrInternal, fmt.Sprintf("%s input has %d columns, the plan expects %d", what, got, want))
	}
	return nil
}
