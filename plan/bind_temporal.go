package plan

import (
	"strings"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// temporalJoin binds `l [LEFT] JOIN t FOR SYSTEM_TIME AS OF l.time [AS a]
// ON cond` into a TemporalJoin: a lookup join when l.time is a
// processing-time attribute, an event-time temporal join against a
// versioned table when it is a rowtime attribute. Errors follow Flink's.
func (b *Binder) temporalJoin(l *rel, t *sql.TableRef, j *sql.Join, outer *scope) (*rel, error) {
	period, err := b.expr(t.SystemTime, &scope{rel: l, outer: outer, noAgg: "FOR SYSTEM_TIME AS OF"})
	if err != nil {
		return nil, err
	}
	ref, ok := period.(*expr.ColumnRef)
	if !ok || ref.Index >= len(l.cols) || l.node.Schema().Fields[ref.Index].Type.TimeAttr == types.TimeAttrNone {
		return nil, errorf(t.SystemTime.Position(), ErrUnsupported,
			"Temporal table join currently only supports 'FOR SYSTEM_TIME AS OF' left table's time attribute field")
	}
	var typ JoinType
	switch j.Kind {
	case sql.JoinInner:
		typ = JoinInner
	case sql.JoinLeft:
		typ = JoinLeft
	default:
		return nil, errorf(j.Pos, ErrUnsupported, "Temporal table join currently only supports INNER JOIN and LEFT JOIN, but was %s", j.Kind)
	}
	if j.On == nil {
		return nil, errorf(j.Pos, ErrOther, "Temporal table join requires an equality condition on fields of table %s", strings.Join(t.Name.Parts, "."))
	}
	plain := *t
	plain.SystemTime = nil
	r, err := b.tableRef(&plain)
	if err != nil {
		return nil, err
	}
	proctime := l.node.Schema().Fields[ref.Index].Type.TimeAttr == types.TimeAttrProctime
	node := &TemporalJoin{Left: l.node, Right: r.node, Type: typ, LeftTime: ref.Index, Lookup: proctime}
	if proctime {
		scan := lookupScan(r.node)
		if scan == nil {
			return nil, errorf(t.Pos, ErrUnsupported, "Processing-time temporal join is not supported yet.")
		}
		node.Right = scan
	} else {
		rs := r.node.Schema()
		if len(rs.PrimaryKey) == 0 && !mayBeVersionedView(r.node) {
			return nil, errorf(t.Pos, ErrOther,
				"Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no primary key can be found.")
		}
		if VersionedTime(rs) < 0 {
			return nil, errorf(t.Pos, ErrOther,
				"Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no row time attribute can be found.")
		}
	}
	cols := append(append([]column(nil), l.cols...), r.cols...)
	joined := &rel{node: node, cols: cols}
	fixNullable(joined)
	sc := &scope{rel: &rel{node: node, cols: cols}, outer: outer, noAgg: "ON"}
	c, err := b.expr(j.On, sc)
	if err != nil {
		return nil, err
	}
	if k := c.Type().Kind; k != types.KindBoolean {
		return nil, errorf(j.On.Position(), ErrType, "JOIN ON condition must be BOOLEAN, got %s", c.Type())
	}
	node.Condition = c
	lk, rk, _ := EquiKeys(c, len(l.cols))
	if proctime {
		_, rk, _ = LookupKeys(c, len(l.cols))
		lk = rk
	}
	if len(lk) == 0 {
		return nil, errorf(j.On.Position(), ErrOther,
			"Temporal table join requires an equality condition on fields of table [%s].", strings.Join(t.Name.Parts, "."))
	}
	if pk := r.node.Schema().PrimaryKey; !proctime && len(pk) > 0 && !coversKey(rk, pk) {
		return nil, errorf(j.On.Position(), ErrOther,
			"Temporal table join requires an equality condition on the primary key of versioned table [%s].", strings.Join(t.Name.Parts, "."))
	}
	return joined, nil
}

// coversKey reports whether the right join keys include every primary key
// column.
func coversKey(keys, pk []int) bool {
	for _, p := range pk {
		found := false
		for _, k := range keys {
			found = found || k == p
		}
		if !found {
			return false
		}
	}
	return true
}

// lookupScan returns the table scan a lookup join reads, when the right
// side is a plain scan (under its watermark assigner) of a connector that
// serves lookups; nil otherwise.
func lookupScan(n Node) *Scan {
	if w, ok := n.(*WatermarkAssigner); ok {
		n = w.Input
	}
	s, ok := n.(*Scan)
	if !ok || !connector.SupportsLookup(s.EffectiveOptions()["connector"]) {
		return nil
	}
	return s
}
