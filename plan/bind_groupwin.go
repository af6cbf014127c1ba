package plan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// groupWin is the legacy group window of the GROUP BY being bound
// (GROUP BY TUMBLE(ts, INTERVAL ...), ...).
type groupWin struct {
	fn   string    // TUMBLE, HOP or SESSION
	args []string  // exprKey of each bound argument, to match auxiliary calls
	time expr.Expr // the time attribute column
	pre  int       // the time column in the aggregate's pre-projection
	win  GroupWindow
	// streaming is the runtime mode, which decides the window properties.
	streaming bool
	emit      EmitStrategy
}

// groupWindowFuncs are the group window functions and their argument
// counts (without Flink's unsupported alignment argument).
var groupWindowFuncs = map[string]int{"TUMBLE": 2, "HOP": 3, "SESSION": 2}

// groupWindowCall returns the name of a group window call (TUMBLE, HOP,
// SESSION), or "" when e is not one.
func groupWindowCall(e sql.Expr) (*sql.FuncCall, string) {
	fc, ok := e.(*sql.FuncCall)
	if !ok || fc.Over != nil || len(fc.Name) != 1 {
		return nil, ""
	}
	name := strings.ToUpper(fc.Name[0])
	if _, ok := groupWindowFuncs[name]; !ok {
		return nil, ""
	}
	return fc, name
}

// groupWindowAux splits an auxiliary function name (TUMBLE_START, ...)
// into its window function and property.
func groupWindowAux(e sql.Expr) (*sql.FuncCall, string, WindowProperty, bool) {
	fc, ok := e.(*sql.FuncCall)
	if !ok || fc.Over != nil || len(fc.Name) != 1 {
		return nil, "", 0, false
	}
	fn, prop, ok := strings.Cut(strings.ToUpper(fc.Name[0]), "_")
	if _, win := groupWindowFuncs[fn]; !ok || !win {
		return nil, "", 0, false
	}
	p, ok := map[string]WindowProperty{"START": WindowStart, "END": WindowEnd, "ROWTIME": WindowRowtime, "PROCTIME": WindowProctime}[prop]
	return fc, fn, p, ok
}

// extractGroupWindow removes the group window call from a GROUP BY list,
// binding it into a.win; the other items stay group keys.
func (b *Binder) extractGroupWindow(items []sql.Expr, a *aggCtx) ([]sql.Expr, error) {
	var keys []sql.Expr
	for _, it := range items {
		fc, name := groupWindowCall(it)
		if fc == nil {
			keys = append(keys, it)
			continue
		}
		if a.win != nil {
			return nil, errorf(fc.Pos, ErrUnsupported, "Only a single window group function may be used in GROUP BY")
		}
		w, err := b.bindGroupWindow(fc, name, a)
		if err != nil {
			return nil, err
		}
		a.win = w
	}
	return keys, nil
}

// bindGroupWindow binds TUMBLE(ts, size), HOP(ts, slide, size) or
// SESSION(ts, gap).
func (b *Binder) bindGroupWindow(fc *sql.FuncCall, name string, a *aggCtx) (*groupWin, error) {
	want := groupWindowFuncs[name]
	if len(fc.Args) > want {
		return nil, errorf(fc.Pos, ErrUnsupported, "%s window with alignment is not supported yet.", name)
	}
	if len(fc.Args) < want || fc.Star || fc.Distinct {
		return nil, errorf(fc.Pos, ErrType, "Invalid number of arguments to function '%s'. Was expecting %d arguments", name, want)
	}
	sc := &scope{rel: a.in.rel, outer: a.in.outer, noAgg: "GROUP BY", noSubquery: true}
	args, err := b.exprs(fc.Args, sc)
	if err != nil {
		return nil, err
	}
	t := args[0].Type()
	ref, isCol := args[0].(*expr.ColumnRef)
	timeAttr := t.TimeAttr != types.TimeAttrNone
	if !isCol || !timeAttr && (b.Config.Streaming || !t.Kind.IsTimestamp()) {
		return nil, errorf(fc.Args[0].Position(), ErrType, "Window can only be defined over a time attribute column.")
	}
	ms := make([]int64, len(args)-1)
	for i, x := range args[1:] {
		l, ok := x.(*expr.Literal)
		if !ok || l.T.Kind != types.KindIntervalDayTime || l.Value == nil {
			return nil, errorf(fc.Args[i+1].Position(), ErrType, "Only constant window descriptors with DAY TO SECOND resolution are supported.")
		}
		v := literalMillis(l.Value)
		if v <= 0 {
			return nil, errorf(fc.Args[i+1].Position(), ErrType, "%s window size must be positive, got %d ms", name, v)
		}
		ms[i] = v
	}
	w := &groupWin{fn: name, time: args[0], streaming: b.Config.Streaming, emit: b.Config.Emit}
	for _, x := range args {
		w.args = append(w.args, exprKey(x))
	}
	w.win = GroupWindow{TimeType: t, TimeName: ref.Name}
	if !b.Config.Streaming && w.win.TimeType.TimeAttr != types.TimeAttrNone {
		// Batch queries have no time attributes: the column is a plain
		// TIMESTAMP, and TUMBLE_ROWTIME only keeps its type.
		w.win.TimeType = w.win.TimeType.WithoutTimeAttr()
	}
	switch name {
	case "TUMBLE":
		w.win.Kind, w.win.Size = GroupWindowTumble, ms[0]
	case "HOP":
		w.win.Kind, w.win.Slide, w.win.Size = GroupWindowHop, ms[0], ms[1]
	default:
		w.win.Kind, w.win.Gap = GroupWindowSession, ms[0]
	}
	return w, nil
}

// literalMillis reads an INTERVAL DAY TO SECOND literal's milliseconds.
func literalMillis(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case arrow.Duration:
		return int64(v)
	}
	return 0
}

// properties lists the window properties the aggregate outputs, as Flink
// does: all four on a rowtime window, no rowtime on a proctime window and
// no proctime in batch mode.
func (w *groupWin) properties() []WindowProperty {
	switch {
	case !w.streaming:
		return []WindowProperty{WindowStart, WindowEnd, WindowRowtime}
	case w.win.Proctime():
		return []WindowProperty{WindowStart, WindowEnd, WindowProctime}
	}
	return []WindowProperty{WindowStart, WindowEnd, WindowRowtime, WindowProctime}
}

// groupWindowProperty binds an auxiliary call (TUMBLE_START(ts, size), ...)
// above a GROUP BY with a group window. It returns ok=false when e is not
// an auxiliary call.
func (b *Binder) groupWindowProperty(e sql.Expr, a *aggCtx) (expr.Expr, bool, error) {
	fc, fn, p, ok := groupWindowAux(e)
	if !ok {
		return nil, false, nil
	}
	mismatch := errorf(fc.Pos, ErrGrouping, "Call to auxiliary group function '%s' must have matching call to group function '$%s' in GROUP BY clause",
		strings.ToUpper(fc.Name[0]), fn)
	if a.win == nil || a.win.fn != fn || len(fc.Args) != len(a.win.args) {
		return nil, true, mismatch
	}
	sc := &scope{rel: a.in.rel, outer: a.in.outer, noAgg: "GROUP BY", noSubquery: true}
	for i, arg := range fc.Args {
		x, err := b.plainExpr(arg, sc)
		if err != nil {
			return nil, true, err
		}
		if exprKey(x) != a.win.args[i] {
			return nil, true, mismatch
		}
	}
	props := a.win.properties()
	k := -1
	for i, q := range props {
		if q == p {
			k = i
		}
	}
	if k < 0 {
		what := "processing time"
		if p == WindowRowtime {
			what = "event time"
		}
		return nil, true, errorf(fc.Pos, ErrType, "%s is not supported here: the window is not defined over %s.", strings.ToUpper(fc.Name[0]), what)
	}
	return &winPropRef{K: k, P: p, T: (&GroupWindowAggregate{Window: a.win.win}).PropertyType(p)}, true, nil
}

// winPropRef stands for window property column K (after the keys and the
// calls, whose number is known only once the select list is bound); the
// lazy aggregate resolves it into a column reference.
type winPropRef struct {
	K int
	P WindowProperty
	T types.DataType
}

func (w *winPropRef) Type() types.DataType { return w.T }
func (w *winPropRef) Eval(*expr.Context, *types.Batch) (arrow.Array, error) {
	return nil, fmt.Errorf("window property %s was not resolved", w.P.Name())
}
func (w *winPropRef) String() string { return w.P.Name() }

// buildGroupWindow makes the GroupWindowAggregate over the pre-projection.
func (a *aggCtx) buildGroupWindow(in Node, keys []int, calls []AggCall) Node {
	w := a.win.win
	w.TimeIndex = a.win.pre
	if a.sets != nil && w.TimeIndex >= len(a.keys) {
		w.TimeIndex++ // behind the Expand's $e column
	}
	return &GroupWindowAggregate{Input: in, GroupKeys: keys, Calls: calls, Window: w, Props: a.win.properties(), Emit: a.win.emit}
}

// resolveWinProp turns a window property placeholder into a column of the
// built aggregate (keys, calls, properties).
func (a *aggCtx) resolveWinProp(w *winPropRef) expr.Expr {
	return &expr.ColumnRef{Index: a.callOffset() + len(a.calls) + w.K, Name: w.P.Name(), T: w.T}
}
