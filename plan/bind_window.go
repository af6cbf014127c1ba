package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// windowParams lists each window TVF's parameters in positional order;
// the last ones may be omitted (OFFSET is optional).
var windowParams = map[string]struct {
	kind     WindowKind
	params   []string
	required int
}{
	"TUMBLE":   {WindowTumble, []string{"DATA", "TIMECOL", "SIZE", "OFFSET"}, 3},
	"HOP":      {WindowHop, []string{"DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"}, 4},
	"CUMULATE": {WindowCumulate, []string{"DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"}, 4},
	"SESSION":  {WindowSession, []string{"DATA", "TIMECOL", "GAP"}, 3},
}

// isWindowTVF reports whether a FROM table function is one of the window
// TVFs (the name is unqualified, any case, as Flink's built-ins).
func isWindowTVF(call *sql.FuncCall) bool {
	if len(call.Name) != 1 {
		return false
	}
	_, ok := windowParams[strings.ToUpper(call.Name[0])]
	return ok
}

// windowTVF binds TABLE(TUMBLE|HOP|CUMULATE|SESSION(...)) into a
// WindowTableFunction: the data table's columns, then window_start,
// window_end and window_time.
func (b *Binder) windowTVF(t *sql.TableFunctionRef, outer *scope) (*rel, error) {
	name := strings.ToUpper(t.Call.Name[0])
	def := windowParams[name]
	args, err := windowArgs(name, def.params, def.required, t.Call)
	if err != nil {
		return nil, err
	}
	in, partition, err := b.windowData(args["DATA"], outer)
	if err != nil {
		return nil, err
	}
	spec := WindowSpec{Kind: def.kind}
	desc, ok := args["TIMECOL"].(*sql.DescriptorExpr)
	if !ok || len(desc.Columns) != 1 {
		return nil, errorf(args["TIMECOL"].Position(), ErrType,
			"The second argument of the window function %s must be a DESCRIPTOR of one time attribute column", name)
	}
	idx, _, err := in.resolve(&sql.Identifier{Pos: desc.Columns[0].Pos, Parts: []string{desc.Columns[0].Name}})
	if err != nil {
		return nil, err
	}
	tt := in.cols[idx].typ
	if k := tt.Kind; b.Config.Streaming && tt.TimeAttr == types.TimeAttrNone {
		return nil, errorf(desc.Pos, ErrType,
			"The window function requires the timecol is a time attribute type, but is %s.", tt)
	} else if k != types.KindTimestamp && k != types.KindTimestampLTZ {
		// Batch mode (Flink's rule) takes any TIMESTAMP / TIMESTAMP_LTZ.
		return nil, errorf(desc.Pos, ErrType,
			"The window function requires the timecol to be TIMESTAMP or TIMESTAMP_LTZ, but is %s.", tt)
	}
	spec.TimeCol, spec.TimeName, spec.Proctime = idx, in.cols[idx].name, tt.TimeAttr == types.TimeAttrProctime
	dur := func(p string) (int64, error) {
		e, ok := args[p]
		if !ok {
			return 0, nil
		}
		return b.windowInterval(name, p, e)
	}
	if spec.Offset, err = dur("OFFSET"); err != nil {
		return nil, err
	}
	switch def.kind {
	case WindowTumble:
		spec.Size, err = dur("SIZE")
	case WindowHop:
		if spec.Slide, err = dur("SLIDE"); err == nil {
			spec.Size, err = dur("SIZE")
		}
	case WindowCumulate:
		if spec.Slide, err = dur("STEP"); err == nil {
			spec.Size, err = dur("SIZE")
		}
	case WindowSession:
		spec.Gap, err = dur("GAP")
	}
	if err != nil {
		return nil, err
	}
	if err := checkWindowSpec(spec, t.Call.Pos); err != nil {
		return nil, err
	}
	for _, p := range partition {
		id, ok := p.(*sql.Identifier)
		if !ok {
			return nil, errorf(p.Position(), ErrType, "PARTITION BY of %s must list columns", name)
		}
		k, rest, err := in.resolve(id)
		if err != nil {
			return nil, err
		}
		if len(rest) > 0 {
			return nil, errorf(p.Position(), ErrType, "PARTITION BY of %s must list columns", name)
		}
		spec.PartitionKeys = append(spec.PartitionKeys, k)
		spec.PartitionNames = append(spec.PartitionNames, in.cols[k].name)
	}
	if len(partition) > 0 && def.kind != WindowSession {
		return nil, errorf(t.Call.Pos, ErrType, "Only the SESSION window function supports PARTITION BY")
	}
	node := &WindowTableFunction{Input: in.node, Window: spec}
	out := &rel{node: node, cols: append([]column(nil), in.cols...)}
	out.cols[idx].typ = out.cols[idx].typ.WithoutTimeAttr()
	for _, f := range windowColumns(tt) {
		out.cols = append(out.cols, column{name: f.Name, typ: f.Type})
	}
	return aliasRel(out, t.Alias, "")
}

// windowArgs matches a window TVF's arguments, positional then named
// (`SIZE => INTERVAL '1' MINUTE`), to its parameters.
func windowArgs(name string, params []string, required int, call *sql.FuncCall) (map[string]sql.Expr, error) {
	out := map[string]sql.Expr{}
	named := false
	for i, a := range call.Args {
		if na, ok := a.(*sql.NamedArg); ok {
			named = true
			p := strings.ToUpper(na.Name.Name)
			if !containsStr(params, p) {
				return nil, errorf(na.Pos, ErrOther, "No match found for function signature %s(%s): unknown parameter '%s', valid parameters are %s",
					name, na.Name.Name, na.Name.Name, strings.Join(params, ", "))
			}
			if _, dup := out[p]; dup {
				return nil, errorf(na.Pos, ErrOther, "Duplicate argument name '%s' of %s", na.Name.Name, name)
			}
			out[p] = na.Value
			continue
		}
		if named {
			return nil, errorf(a.Position(), ErrOther, "All arguments of %s after a named argument must be named", name)
		}
		if i >= len(params) {
			return nil, windowArity(name, params, required, call)
		}
		out[params[i]] = a
	}
	for _, p := range params[:required] {
		if _, ok := out[p]; !ok {
			return nil, windowArity(name, params, required, call)
		}
	}
	return out, nil
}

func windowArity(name string, params []string, required int, call *sql.FuncCall) error {
	want := fmt.Sprintf("%d", required)
	if required < len(params) {
		want = fmt.Sprintf("%d or %d", required, len(params))
	}
	return errorf(call.Pos, ErrOther, "Invalid number of arguments to function '%s'. Was expecting %s arguments (%s)",
		name, want, strings.Join(params, ", "))
}

func containsStr(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// windowData binds the table argument: TABLE name [PARTITION BY ...] (a
// table, view or WITH entry) or a parenthesized query.
func (b *Binder) windowData(e sql.Expr, outer *scope) (*rel, []sql.Expr, error) {
	switch d := e.(type) {
	case *sql.TableArg:
		r, err := b.tableRef(&sql.TableRef{Pos: d.Pos, Name: d.Name})
		return r, d.PartitionBy, err
	case *sql.SubqueryExpr:
		r, err := b.query(d.Query, outer)
		return r, nil, err
	case *sql.Identifier:
		// Calcite accepts the table name without TABLE.
		r, err := b.tableRef(&sql.TableRef{Pos: d.Pos, Name: &sql.ObjectName{Pos: d.Pos, Parts: d.Parts}})
		return r, nil, err
	}
	return nil, nil, errorf(e.Position(), ErrType, "The first argument of a window function must be a table: TABLE name")
}

// windowInterval binds a constant DAY TO SECOND interval argument to µs.
func (b *Binder) windowInterval(fn, param string, e sql.Expr) (int64, error) {
	x, err := b.expr(e, &scope{rel: &rel{}, noAgg: fn})
	if err != nil {
		return 0, err
	}
	l, ok := x.(*expr.Literal)
	if !ok || x.Type().Kind != types.KindIntervalDayTime {
		return 0, errorf(e.Position(), ErrType,
			"The %s argument of the window function %s must be a constant INTERVAL DAY TO SECOND, got %s", param, fn, x.Type())
	}
	ms, ok := l.Value.(int64)
	if !ok {
		return 0, errorf(e.Position(), ErrType, "The %s argument of the window function %s must not be NULL", param, fn)
	}
	return ms * 1000, nil
}

// checkWindowSpec applies Flink's constraints on window sizes, with its
// messages. HOP's size need not be a multiple of its slide for the TVF
// alone; window aggregation requires it (HopSizeError).
func checkWindowSpec(w WindowSpec, pos sql.Pos) error {
	ms := func(us int64) int64 { return us / 1000 }
	switch w.Kind {
	case WindowTumble:
		if w.Size <= 0 {
			return errorf(pos, ErrOther, "TUMBLE table function based aggregate requires size to be positive, but got %d ms.", ms(w.Size))
		}
	case WindowHop:
		if w.Size <= 0 || w.Slide <= 0 {
			return errorf(pos, ErrOther, "HOP table function based aggregate requires size and slide to be positive, but got size %d ms and slide %d ms.", ms(w.Size), ms(w.Slide))
		}
	case WindowCumulate:
		if w.Size <= 0 || w.Slide <= 0 {
			return errorf(pos, ErrOther, "CUMULATE table function based aggregate requires maxSize and step to be positive, but got maxSize %d ms and step %d ms.", ms(w.Size), ms(w.Slide))
		}
		if w.Size%w.Slide != 0 {
			return errorf(pos, ErrOther, "CUMULATE table function based aggregate requires maxSize must be an integral multiple of step, but got maxSize %d ms and step %d ms", ms(w.Size), ms(w.Slide))
		}
	case WindowSession:
		if w.Gap <= 0 {
			return errorf(pos, ErrOther, "SESSION table function based aggregate requires gap to be positive, but got %d ms.", ms(w.Gap))
		}
	}
	return nil
}

// HopSizeError is Flink's error for a HOP window aggregation whose size
// is not a multiple of its slide, or "" when it is.
func HopSizeError(w WindowSpec) string {
	if w.Kind != WindowHop || w.Slide <= 0 || w.Size%w.Slide == 0 {
		return ""
	}
	return fmt.Sprintf("HOP table function based aggregate requires size must be an integral multiple of slide, but got size %d ms and slide %d ms",
		w.Size/1000, w.Slide/1000)
}
