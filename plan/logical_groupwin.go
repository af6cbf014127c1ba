package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/types"
)

// GroupWindowKind is the kind of a legacy group window (GROUP BY
// TUMBLE/HOP/SESSION(...)).
type GroupWindowKind uint8

// Legacy group window kinds.
const (
	GroupWindowTumble GroupWindowKind = iota
	GroupWindowHop
	GroupWindowSession
)

// GroupWindow describes the window of a GroupWindowAggregate. Sizes are in
// milliseconds, as Flink prints them.
type GroupWindow struct {
	Kind GroupWindowKind
	// TimeIndex is the time attribute column in the aggregate's input.
	TimeIndex int
	// TimeName is the time attribute's name as the user wrote it, printed
	// in the window description.
	TimeName string
	// TimeType is the time column's type (with its time attribute).
	TimeType types.DataType
	// Size is the window size (TUMBLE, HOP), Slide the hop (HOP), Gap the
	// session gap (SESSION).
	Size, Slide, Gap int64
}

// Proctime reports whether the window is over processing time.
func (w GroupWindow) Proctime() bool { return w.TimeType.TimeAttr == types.TimeAttrProctime }

// Describe prints the window as Flink does, with the time column named by
// timeName: TumblingGroupWindow('w$, rowtime, 3600000),
// SlidingGroupWindow('w$, ts, size, slide), SessionGroupWindow('w$, ts, gap).
func (w GroupWindow) Describe(timeName string) string {
	switch w.Kind {
	case GroupWindowHop:
		return fmt.Sprintf("SlidingGroupWindow('w$, %s, %d, %d)", timeName, w.Size, w.Slide)
	case GroupWindowSession:
		return fmt.Sprintf("SessionGroupWindow('w$, %s, %d)", timeName, w.Gap)
	}
	return fmt.Sprintf("TumblingGroupWindow('w$, %s, %d)", timeName, w.Size)
}

// WindowProperty is one of the window's auxiliary values a
// GroupWindowAggregate outputs after its calls.
type WindowProperty uint8

// Window properties, in Flink's output order.
const (
	WindowStart WindowProperty = iota
	WindowEnd
	WindowRowtime
	WindowProctime
)

// Name returns the property's column name (w$start, ...).
func (p WindowProperty) Name() string {
	return [...]string{"w$start", "w$end", "w$rowtime", "w$proctime"}[p]
}

// Func returns how Flink's select list prints the property: start('w$).
func (p WindowProperty) Func() string {
	return [...]string{"start", "end", "rowtime", "proctime"}[p] + "('w$)"
}

// GroupWindowAggregate is Flink's legacy group window aggregation: it
// groups its input by GroupKeys and the window of Window, and outputs the
// key columns, one column per call, then the window properties Props.
type GroupWindowAggregate struct {
	Input     Node
	GroupKeys []int
	Calls     []AggCall
	Window    GroupWindow
	Props     []WindowProperty
	// Emit is the session's table.exec.emit.* strategy, which physical
	// planning validates and the operator applies.
	Emit EmitStrategy
}

// PropertyType is the type of a window property column: start and end
// are TIMESTAMP(3), rowtime keeps the rowtime attribute (so windows can
// be cascaded), proctime is TIMESTAMP_LTZ(3) *PROCTIME*.
func (g *GroupWindowAggregate) PropertyType(p WindowProperty) types.DataType {
	switch p {
	case WindowRowtime:
		t := g.Window.TimeType.NotNullable()
		if t.TimeAttr != types.TimeAttrNone { // batch: a plain TIMESTAMP
			t.TimeAttr = types.TimeAttrRowtime
		}
		return t
	case WindowProctime:
		return types.DataType{Kind: types.KindTimestampLTZ, Prec: 3, TimeAttr: types.TimeAttrProctime}.NotNullable()
	}
	return types.DataType{Kind: types.KindTimestamp, Prec: 3}.NotNullable()
}

// Schema returns the keys, the calls' results and the window properties.
func (g *GroupWindowAggregate) Schema() *types.Schema {
	in := g.Input.Schema()
	out := &types.Schema{}
	for _, k := range g.GroupKeys {
		out.Fields = append(out.Fields, in.Fields[k])
	}
	for _, c := range g.Calls {
		out.Fields = append(out.Fields, types.Field{Name: c.Name, Type: c.Type})
	}
	for _, p := range g.Props {
		out.Fields = append(out.Fields, types.Field{Name: p.Name(), Type: g.PropertyType(p)})
	}
	return out
}

// Inputs returns the input.
func (g *GroupWindowAggregate) Inputs() []Node { return []Node{g.Input} }

// WithInputs copies g over in[0].
func (g *GroupWindowAggregate) WithInputs(in []Node) Node { c := *g; c.Input = in[0]; return &c }

// String prints the node as Flink's LogicalWindowAggregate.
func (g *GroupWindowAggregate) String() string {
	var b strings.Builder
	b.WriteString("LogicalWindowAggregate(group=[{")
	for i, k := range g.GroupKeys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", k)
	}
	b.WriteString("}]")
	for _, c := range g.Calls {
		fmt.Fprintf(&b, ", %s=[%s]", c.Name, c)
	}
	fmt.Fprintf(&b, ", window=[%s]", g.Window.Describe(g.Input.Schema().Fields[g.Window.TimeIndex].Name))
	names := make([]string, len(g.Props))
	for i, p := range g.Props {
		names[i] = p.Name()
	}
	fmt.Fprintf(&b, ", properties=[%s])", strings.Join(names, ", "))
	return b.String()
}
