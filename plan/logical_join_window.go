package plan

import "github.com/spry-engine/spry/expr"

// WindowJoinInfo describes a window join (Flink's WindowJoin): both inputs
// are window TVF results (possibly projected or filtered) and the join
// condition equates their window_start and window_end columns. Each
// window's rows are joined once the watermark passes the window's end.
type WindowJoinInfo struct {
	LeftWindow, RightWindow WindowSpec
	// Window column indexes in the left and right input schemas.
	LeftStart, LeftEnd, RightStart, RightEnd int
}

// WindowJoinOf returns the window join description of j, or nil when j
// is not a window join.
func WindowJoinOf(j *Join) *WindowJoinInfo {
	if j.Condition == nil || j.Type == JoinSemi || j.Type == JoinAnti {
		return nil
	}
	nl := j.Left.Schema().Len()
	lk, rk, _ := EquiKeys(j.Condition, nl)
	var info WindowJoinInfo
	found := 0
	for i := range lk {
		ls, lw, lok := windowColumn(j.Left, lk[i])
		rs, rw, rok := windowColumn(j.Right, rk[i])
		if !lok || !rok || lw != rw {
			continue
		}
		switch lw {
		case 0:
			if found&1 == 0 {
				info.LeftStart, info.RightStart, info.LeftWindow, info.RightWindow = lk[i], rk[i], ls, rs
				found |= 1
			}
		case 1:
			if found&2 == 0 {
				info.LeftEnd, info.RightEnd = lk[i], rk[i]
				found |= 2
			}
		}
	}
	if found != 3 {
		return nil
	}
	return &info
}

// windowColumn traces column col of n through projections of bare
// columns and filters down to a window TVF or a window aggregate's window
// properties, returning the window's spec and which window column col is
// (0 window_start, 1 window_end, 2 window_time).
func windowColumn(n Node, col int) (WindowSpec, int, bool) {
	for {
		switch x := n.(type) {
		case *Project:
			if col >= len(x.Exprs) {
				return WindowSpec{}, 0, false
			}
			ref, ok := x.Exprs[col].(*expr.ColumnRef)
			if !ok {
				return WindowSpec{}, 0, false
			}
			col = ref.Index
			n = x.Input
		case *Filter:
			n = x.Input
		case *WindowAggregate:
			// Window properties come last, after the keys and the calls.
			i := col - len(x.GroupKeys) - len(x.Calls)
			if i < 0 || i >= len(x.Props) {
				return WindowSpec{}, 0, false
			}
			return x.Window, int(x.Props[i] - PropWindowStart), true
		case *WindowTableFunction:
			in := x.Input.Schema().Len()
			if col < in || col > in+2 {
				return WindowSpec{}, 0, false
			}
			return x.Window, col - in, true
		default:
			return WindowSpec{}, 0, false
		}
	}
}
