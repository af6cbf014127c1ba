package physical

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/runtime/ops"
	"github.com/spry-engine/spry/types"
)

// temporalJoin plans FOR SYSTEM_TIME AS OF joins: a LookupJoin for a
// processing-time period (streaming and batch), a TemporalJoin for an
// event-time one (streaming only, as in Flink).
func (t *translator) temporalJoin(j *plan.TemporalJoin) (*Node, error) {
	if j.Lookup {
		return t.lookupJoin(j)
	}
	if t.opts.Batch {
		return nil, errorf(ErrUnsupported, "Temporal table join is not supported in batch mode: only lookup joins "+
			"(FOR SYSTEM_TIME AS OF a processing-time attribute against a lookup table) are. Run the query in streaming mode.")
	}
	return t.eventTimeTemporalJoin(j)
}

// lookupJoin chains a LookupJoin after the left input: the dimension
// table is not read as a stream but looked up by key.
func (t *translator) lookupJoin(j *plan.TemporalJoin) (*Node, error) {
	scan, ok := j.Right.(*plan.Scan)
	if !ok {
		return nil, errorf(ErrInternal, "a lookup join must read a table scan")
	}
	left, err := t.translate(j.Left)
	if err != nil {
		return nil, err
	}
	if err := sameWidth(left, j.Left, "lookup join"); err != nil {
		return nil, err
	}
	tbl := scan.ConnectorTable()
	right := scan.Schema()
	if right.Len() != tbl.Schema.Len() {
		return nil, errorf(ErrInternal, "a lookup join must read every column of its table")
	}
	keyExprs, rk, rest := plan.LookupKeys(j.Condition, left.Schema.Len())
	if len(rk) == 0 {
		return nil, errorf(ErrUnsupported, fmt.Sprintf("Temporal table join requires an equality condition on fields of table [%s].", scan.Path))
	}
	lk := make([]int, len(keyExprs))
	plainKeys := true
	for i, e := range keyExprs {
		lk[i] = -1
		if c, ok := e.(*expr.ColumnRef); ok {
			lk[i] = c.Index
		} else {
			plainKeys = false
		}
		lt, rt := e.Type(), right.Fields[rk[i]].Type
		if !arrow.TypeEqual(types.ArrowType(lt), types.ArrowType(rt)) {
			return nil, errorf(ErrUnsupported, fmt.Sprintf("lookup key %s of type %s does not match %s of type %s; cast the left side",
				right.Fields[rk[i]].Name, rt, formatExpr(e, left.Schema), lt))
		}
	}
	res, err := andAll(rest)
	if err != nil {
		return nil, err
	}
	out := j.Schema()
	keys := make([]string, len(rk))
	for i := range rk {
		keys[i] = right.Fields[rk[i]].Name + "=" + formatExpr(keyExprs[i], left.Schema)
	}
	desc := "table=[" + scan.Path.String() + "], joinType=[" + joinTypeName(j.Type) + "], lookup=[" + strings.Join(keys, ", ") + "]"
	both := joinedSchema(left.Schema, right)
	if res != nil {
		desc += ", where=[" + formatExpr(res, both) + "]"
	}
	desc += ", select=[" + strings.Join(both.Names(), ", ") + "]"
	cfg := &ops.LookupJoinConfig{
		Type: ops.JoinType(j.Type), Table: tbl, LeftKeys: lk, LookupKeys: rk, Residual: res,
		LeftSchema: left.Schema, RightSchema: right, OutSchema: out, Display: "LookupJoin(" + desc + ")",
	}
	if !plainKeys {
		cfg.LeftKeys, cfg.LeftKeyExprs = nil, keyExprs
	}
	return &Node{
		Name: "LookupJoin", Desc: desc, Inputs: []*Node{left}, Schema: out, Parallelism: left.Parallelism,
		Spec: &ops.Spec{Kind: ops.KindLookupJoin, Config: cfg},
	}, nil
}

// eventTimeTemporalJoin plans Flink's TemporalJoin against a versioned
// table: both inputs hashed on the join keys (which cover the right
// primary key) into the operator, which emits append-only rows.
func (t *translator) eventTimeTemporalJoin(j *plan.TemporalJoin) (*Node, error) {
	left, err := t.translate(j.Left)
	if err != nil {
		return nil, err
	}
	right, err := t.translate(j.Right)
	if err != nil {
		return nil, err
	}
	if err := sameWidth(left, j.Left, "temporal join"); err != nil {
		return nil, err
	}
	if err := sameWidth(right, j.Right, "temporal join"); err != nil {
		return nil, err
	}
	pkCols := plan.VersionedKey(j.Right)
	if pkCols == nil {
		return nil, errorf(ErrUnsupported, "Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no primary key can be found.")
	}
	rightTime := plan.VersionedTime(j.Right.Schema())
	if rightTime < 0 {
		return nil, errorf(ErrUnsupported, "Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no row time attribute can be found.")
	}
	lk, rk, rest := plan.EquiKeys(j.Condition, left.Schema.Len())
	for _, k := range pkCols {
		if !slices.Contains(rk, k) {
			return nil, errorf(ErrUnsupported, "Temporal table join requires an equality condition on the primary key of versioned table.")
		}
	}
	res, err := andAll(rest)
	if err != nil {
		return nil, err
	}
	le, p := keyExchange(left, lk, t.opts.Parallelism)
	re, _ := keyExchange(right, rk, t.opts.Parallelism)
	out := j.Schema()
	both := joinedSchema(left.Schema, right.Schema)
	nl := left.Schema.Len()
	var conds []string
	for i := range lk {
		conds = append(conds, "=("+colName(both, lk[i])+", "+colName(both, nl+rk[i])+")")
	}
	var pk, lkeys, rkeys []string
	for _, k := range pkCols {
		pk = append(pk, colName(both, nl+k))
	}
	for i := range lk {
		lkeys = append(lkeys, colName(both, lk[i]))
		rkeys = append(rkeys, colName(both, nl+rk[i]))
	}
	if res != nil {
		conds = append(conds, formatExpr(res, both))
	}
	conds = append(conds, fmt.Sprintf("__TEMPORAL_JOIN_CONDITION(%s, %s, __TEMPORAL_JOIN_CONDITION_PRIMARY_KEY(%s), __TEMPORAL_JOIN_LEFT_KEY(%s), __TEMPORAL_JOIN_RIGHT_KEY(%s))",
		colName(both, j.LeftTime), colName(both, nl+rightTime), strings.Join(pk, ", "), strings.Join(lkeys, ", "), strings.Join(rkeys, ", ")))
	where := conds[0]
	if len(conds) > 1 {
		where = "AND(" + strings.Join(conds, ", ") + ")"
	}
	desc := "joinType=[" + joinTypeName(j.Type) + "], where=[" + where + "], select=[" + strings.Join(both.Names(), ", ") + "]"
	cfg := &ops.TemporalJoinConfig{
		Type: ops.JoinType(j.Type), LeftKeys: lk, RightKeys: rk, Residual: res,
		LeftSchema: left.Schema, RightSchema: right.Schema, OutSchema: out,
		LeftTime: j.LeftTime, RightTime: rightTime, Display: "TemporalJoin(" + desc + ")",
	}
	return &Node{
		Name: "TemporalJoin", Desc: desc, Inputs: []*Node{le, re}, Schema: out, Parallelism: p,
		Spec: &ops.Spec{Kind: ops.KindTemporalJoin, Config: cfg},
		// The output has the left input's changelog: versions never
		// retract results already emitted.
		generates: func(types.ChangelogMode) types.ChangelogMode { return le.Mode },
	}, nil
}
