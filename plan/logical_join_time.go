package plan

import (
	"fmt"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// IntervalBounds describes a time-bounded join (Flink's interval join):
// the join condition bounds the left time attribute by the right one,
//
//	right.t + LeftLower <= left.t <= right.t + LeftUpper
//
// so each row only needs the other side's rows of a bounded time range and
// state can be cleaned as time advances. Bounds are in milliseconds, as
// Flink's IntervalJoinUtil extracts and EXPLAIN prints them.
type IntervalBounds struct {
	// RowTime is true for rowtime attributes, false for proctime.
	RowTime bool
	// LeftTime and RightTime index the time attributes in the left and
	// right input schemas.
	LeftTime, RightTime  int
	LeftLower, LeftUpper int64
}

// IntervalJoinBounds returns the time bounds of j when j is an interval
// join: an INNER or outer join whose condition has both a lower and an
// upper bound (conjuncts comparing a left time attribute with a right one
// of the same kind, each plus or minus a day-time interval literal). It
// returns nil for any other join. Strict comparisons shift a bound by one
// millisecond, as Flink does.
func IntervalJoinBounds(j *Join) *IntervalBounds {
	if j.Condition == nil || j.Type == JoinSemi || j.Type == JoinAnti {
		return nil
	}
	return intervalJoinBounds(j, j.Left.Schema(), j.Right.Schema())
}

// intervalJoinBounds is IntervalJoinBounds given the inputs' schemas.
func intervalJoinBounds(j *Join, l, r *types.Schema) *IntervalBounds {
	if j.Condition == nil || j.Type == JoinSemi || j.Type == JoinAnti {
		return nil
	}
	var out *IntervalBounds
	hasLower, hasUpper := false, false
	for _, c := range Conjuncts(j.Condition) {
		b, ok := timeBound(c, l, r)
		if !ok {
			continue
		}
		if out == nil {
			out = &IntervalBounds{RowTime: b.rowTime, LeftTime: b.left, RightTime: b.right}
		} else if out.RowTime != b.rowTime || out.LeftTime != b.left || out.RightTime != b.right {
			continue // Flink uses the first pair of time attributes it finds
		}
		if b.lower {
			if !hasLower || b.value > out.LeftLower {
				out.LeftLower = b.value
			}
			hasLower = true
		} else {
			if !hasUpper || b.value < out.LeftUpper {
				out.LeftUpper = b.value
			}
			hasUpper = true
		}
	}
	if out == nil || !hasLower || !hasUpper {
		return nil
	}
	return out
}

// IsTimeBoundPredicate reports whether conjunct c of a join condition over
// left ++ right is one of the time bounds IntervalJoinBounds extracts.
func IsTimeBoundPredicate(c expr.Expr, left, right *types.Schema) bool {
	_, ok := timeBound(c, left, right)
	return ok
}

// boundOf is one time predicate normalised to left.t - right.t >= value
// (lower) or <= value (upper).
type boundOf struct {
	left, right int
	rowTime     bool
	lower       bool
	value       int64
}

// timeBound normalises a comparison between a left and a right time
// attribute (each optionally plus/minus an interval literal).
func timeBound(c expr.Expr, l, r *types.Schema) (boundOf, bool) {
	call, ok := c.(*expr.Call)
	if !ok || len(call.Args) != 2 {
		return boundOf{}, false
	}
	op := call.Name
	switch op {
	case "<", "<=", ">", ">=":
	default:
		return boundOf{}, false
	}
	ca, oa, ok1 := timeTerm(call.Args[0])
	cb, ob, ok2 := timeTerm(call.Args[1])
	if !ok1 || !ok2 {
		return boundOf{}, false
	}
	nl := l.Len()
	// Orient as left.t + oa OP right.t + ob.
	if ca >= nl && cb < nl {
		ca, cb, oa, ob = cb, ca, ob, oa
		op = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
	}
	if ca >= nl || cb < nl || cb-nl >= r.Len() {
		return boundOf{}, false
	}
	lt, rt := l.Fields[ca].Type.TimeAttr, r.Fields[cb-nl].Type.TimeAttr
	if lt == types.TimeAttrNone || lt != rt {
		return boundOf{}, false
	}
	b := boundOf{left: ca, right: cb - nl, rowTime: lt == types.TimeAttrRowtime}
	v := ob - oa // left.t - right.t OP v
	switch op {
	case ">=":
		b.lower, b.value = true, v
	case ">":
		b.lower, b.value = true, v+1
	case "<=":
		b.value = v
	case "<":
		b.value = v - 1
	}
	return b, true
}

// timeTerm matches col, col + lit, lit + col and col - lit where lit is a
// day-time interval literal, returning the column and the offset in ms.
func timeTerm(e expr.Expr) (int, int64, bool) {
	switch e := e.(type) {
	case *expr.ColumnRef:
		return e.Index, 0, true
	case *expr.Call:
		if len(e.Args) != 2 || (e.Name != "+" && e.Name != "-") {
			return 0, 0, false
		}
		if ms, ok := intervalMillis(e.Args[1]); ok {
			c, off, ok := timeTerm(e.Args[0])
			if !ok {
				return 0, 0, false
			}
			if e.Name == "-" {
				return c, off - ms, true
			}
			return c, off + ms, true
		}
		if ms, ok := intervalMillis(e.Args[0]); ok && e.Name == "+" {
			c, off, ok := timeTerm(e.Args[1])
			return c, off + ms, ok
		}
	}
	return 0, 0, false
}

// intervalMillis returns a day-time interval literal's value in ms.
func intervalMillis(e expr.Expr) (int64, bool) {
	l, ok := e.(*expr.Literal)
	if !ok || l.T.Kind != types.KindIntervalDayTime {
		return 0, false
	}
	v, ok := l.Value.(int64)
	return v, ok
}

// keepsTimeAttrs reports whether a join's output keeps its inputs' time
// attributes: interval and window joins do (their output is append-only
// and ordered enough for event time), regular joins materialize them, as
// in Flink. l and r are the inputs' schemas.
func (j *Join) keepsTimeAttrs(l, r *types.Schema) bool {
	return intervalJoinBounds(j, l, r) != nil || WindowJoinOf(j) != nil
}

// hasTimeAttr reports whether any column of s is a time attribute.
func hasTimeAttr(s *types.Schema) bool {
	for _, f := range s.Fields {
		if f.Type.TimeAttr != types.TimeAttrNone {
			return true
		}
	}
	return false
}

// String prints the bounds as Flink's IntervalJoin windowBounds.
func (b *IntervalBounds) String() string {
	return fmt.Sprintf("isRowTime=%t, leftLowerBound=%d, leftUpperBound=%d, leftTimeIndex=%d, rightTimeIndex=%d",
		b.RowTime, b.LeftLower, b.LeftUpper, b.LeftTime, b.RightTime)
}
