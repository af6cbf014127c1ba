package plan

import (
	"fmt"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// overFrame binds a window's frame. Without one it is Flink's (and the
// SQL standard's) default RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT
// ROW; `ROWS n PRECEDING` alone ends at the current row.
func (b *Binder) overFrame(spec *sql.WindowSpec, orderTypes []types.DataType) (OverFrame, error) {
	f := OverFrame{Unit: FrameRange, Start: FrameBound{Unbounded: true}, End: FrameBound{Current: true}}
	if spec.Frame == nil {
		return f, nil
	}
	if spec.Frame.Unit == sql.FrameRows {
		f.Unit = FrameRows
	}
	var err error
	if f.Start, err = b.frameBound(spec.Frame.Start, f.Unit, orderTypes); err != nil {
		return f, err
	}
	f.End = FrameBound{Current: true}
	if spec.Frame.End != nil {
		if f.End, err = b.frameBound(spec.Frame.End, f.Unit, orderTypes); err != nil {
			return f, err
		}
	}
	if spec.Frame.Start.Kind == sql.UnboundedFollowing {
		return f, errorf(spec.Frame.Start.Pos, ErrOther, "UNBOUNDED FOLLOWING cannot be specified for the lower frame boundary")
	}
	if spec.Frame.End != nil && spec.Frame.End.Kind == sql.UnboundedPreceding {
		return f, errorf(spec.Frame.End.Pos, ErrOther, "UNBOUNDED PRECEDING cannot be specified for the upper frame boundary")
	}
	if boundRank(f.Start) > boundRank(f.End) {
		return f, errorf(spec.Frame.Pos, ErrOther, "Upper frame boundary cannot be PRECEDING when lower boundary is CURRENT ROW or FOLLOWING")
	}
	return f, nil
}

// boundRank orders bounds coarsely (for the start-before-end check).
func boundRank(fb FrameBound) int {
	switch {
	case fb.Unbounded && !fb.Following:
		return 0
	case fb.Current:
		return 2
	case fb.Unbounded:
		return 4
	case fb.Following:
		return 3
	}
	return 1
}

// frameBound binds one bound. A ROWS offset is a non-negative integer; a
// RANGE offset is an interval (time order key, stored in µs) or a number
// of the order key's type, which needs exactly one order key.
func (b *Binder) frameBound(fb *sql.FrameBound, unit FrameUnit, orderTypes []types.DataType) (FrameBound, error) {
	switch fb.Kind {
	case sql.UnboundedPreceding:
		return FrameBound{Unbounded: true}, nil
	case sql.UnboundedFollowing:
		return FrameBound{Unbounded: true, Following: true}, nil
	case sql.CurrentRow:
		return FrameBound{Current: true}, nil
	}
	out := FrameBound{Following: fb.Kind == sql.Following}
	x, err := b.expr(fb.Offset, nil)
	if err != nil {
		return out, err
	}
	l, ok := x.(*expr.Literal)
	if !ok || l.Value == nil {
		return out, errorf(fb.Pos, ErrOther, "Window frame offset must be a non-negative constant, got %s", FormatExpr(x))
	}
	if unit == FrameRange {
		if len(orderTypes) != 1 {
			return out, errorf(fb.Pos, ErrOther, "RANGE clause with an offset requires exactly one ORDER BY column")
		}
		ot := orderTypes[0]
		switch {
		case ot.Kind.IsTimestamp() || ot.Kind == types.KindDate || ot.Kind == types.KindTime:
			if l.T.Kind != types.KindIntervalDayTime {
				return out, errorf(fb.Pos, ErrType, "Data Type mismatch between ORDER BY and RANGE clause: %s and %s", ot, l.T)
			}
			ms, _ := intValue(l.Value)
			out.Offset = ms * 1000
		case ot.Kind.IsNumeric():
			v, ok := intValue(l.Value)
			if !ok {
				return out, errorf(fb.Pos, ErrUnsupported, "RANGE offset %s: only integer offsets are supported yet", FormatExpr(x))
			}
			out.Offset = v
		default:
			return out, errorf(fb.Pos, ErrType, "Data Type mismatch between ORDER BY and RANGE clause: %s and %s", ot, l.T)
		}
	} else {
		v, ok := intValue(l.Value)
		if !ok || !l.T.Kind.IsNumeric() {
			return out, errorf(fb.Pos, ErrType, "ROWS value must be a non-negative integral constant")
		}
		out.Offset = v
	}
	if out.Offset < 0 {
		return out, errorf(fb.Pos, ErrOther, "Window has negative size")
	}
	return out, nil
}

// intValue reads an integral literal value.
func intValue(v any) (int64, bool) { return expr.IntValue(v) }

// lazyOver stands in for the Over node while the select list and ORDER BY
// are bound; replace swaps in the real plan once every call is known.
type lazyOver struct {
	o     *overCtx
	built *Over
}

func (l *lazyOver) Schema() *types.Schema  { return l.node().Schema() }
func (l *lazyOver) Inputs() []Node         { return nil }
func (l *lazyOver) WithInputs([]Node) Node { return l }
func (l *lazyOver) String() string         { return "LazyOver" }

// node builds [Project(input, extra)] → Over.
func (l *lazyOver) node() *Over {
	if l.built != nil {
		return l.built
	}
	o := l.o
	in := o.in.node
	if len(o.extra) > 0 {
		s := in.Schema()
		p := &Project{Input: in, Out: &types.Schema{}}
		for i, f := range s.Fields {
			p.Exprs = append(p.Exprs, &expr.ColumnRef{Index: i, Name: f.Name, T: f.Type})
			p.Out.Fields = append(p.Out.Fields, f)
		}
		for i, x := range o.extra {
			p.Exprs = append(p.Exprs, x)
			p.Out.Fields = append(p.Out.Fields, types.Field{Name: fmt.Sprintf("$%d", len(s.Fields)+i), Type: x.Type()})
		}
		p.Out.Fields = fieldsUnique(p.Out.Fields)
		in = p
	}
	l.built = &Over{Input: in, Groups: o.groups}
	return l.built
}

// offset is the output column of call c of group g.
func (l *lazyOver) offset(g, c int) int {
	n := len(l.o.in.cols) + len(l.o.extra)
	for i := 0; i < g; i++ {
		n += len(l.o.groups[i].Calls)
	}
	return n + c
}

// resolve turns call placeholders into columns of the Over.
func (l *lazyOver) resolve(e expr.Expr) expr.Expr {
	return RewriteExpr(e, func(x expr.Expr) expr.Expr {
		if r, ok := x.(*overRef); ok {
			return &expr.ColumnRef{Index: l.offset(r.G, r.C), Name: r.String(), T: r.T}
		}
		return nil
	})
}

// replace rebuilds the tree above the placeholder over the real Over.
func (l *lazyOver) replace(n Node) Node {
	return replacePlaceholder(n, l, func() Node { return l.node() }, l.resolve)
}
