package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/types"
)

// WindowKind is the kind of a window table-valued function.
type WindowKind uint8

// Window TVF kinds.
const (
	WindowTumble WindowKind = iota
	WindowHop
	WindowCumulate
	WindowSession
)

// String returns the TVF's name.
func (k WindowKind) String() string {
	return [...]string{"TUMBLE", "HOP", "CUMULATE", "SESSION"}[k]
}

// WindowSpec describes the windows of a window TVF, shared by the TVF node,
// window aggregation and the window Top-N / deduplication / join nodes
// built on its columns. Durations are µs.
type WindowSpec struct {
	Kind WindowKind
	// TimeCol is the time attribute column in the input of the node holding
	// the spec; TimeName is its name (for printing).
	TimeCol  int
	TimeName string
	// Proctime tells the time column is a processing-time attribute.
	Proctime bool
	// Size is the window size (TUMBLE, HOP; CUMULATE's max size).
	Size int64
	// Slide is HOP's slide, or CUMULATE's step.
	Slide int64
	// Gap is SESSION's gap.
	Gap int64
	// Offset shifts the window alignment (TUMBLE, HOP, CUMULATE).
	Offset int64
	// PartitionKeys are SESSION's PARTITION BY columns of the input.
	PartitionKeys []int
	// PartitionNames name PartitionKeys (for printing).
	PartitionNames []string
	// Attached marks windows already assigned by a window aggregation
	// below: TimeCol is then the input's window_end column and StartCol
	// its window_start column (Flink's window-attached windowing).
	Attached  bool
	StartCol  int
	StartName string
}

// String prints the spec as Flink's EXPLAIN does, e.g.
// TUMBLE(time_col=[ts], size=[10 min]).
func (w WindowSpec) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s(", w.Kind)
	if len(w.PartitionNames) > 0 {
		fmt.Fprintf(&b, "partition keys=[%s], ", strings.Join(w.PartitionNames, ", "))
	}
	if w.Attached {
		fmt.Fprintf(&b, "win_start=[%s], win_end=[%s], ", w.StartName, w.TimeName)
	} else {
		fmt.Fprintf(&b, "time_col=[%s], ", w.TimeName)
	}
	switch w.Kind {
	case WindowTumble:
		fmt.Fprintf(&b, "size=[%s]", FormatDuration(w.Size))
	case WindowHop:
		fmt.Fprintf(&b, "size=[%s], slide=[%s]", FormatDuration(w.Size), FormatDuration(w.Slide))
	case WindowCumulate:
		fmt.Fprintf(&b, "max_size=[%s], step=[%s]", FormatDuration(w.Size), FormatDuration(w.Slide))
	case WindowSession:
		fmt.Fprintf(&b, "gap=[%s]", FormatDuration(w.Gap))
	}
	if w.Offset != 0 {
		fmt.Fprintf(&b, ", offset=[%s]", FormatDuration(w.Offset))
	}
	b.WriteByte(')')
	return b.String()
}

// FormatDuration prints µs with the largest unit that divides it exactly,
// as Flink's TimeUtils.formatWithHighestUnit: "10 min", "1 h", "500 ms".
func FormatDuration(us int64) string {
	ms := us / 1000
	neg := ""
	if ms < 0 {
		neg, ms = "-", -ms
	}
	units := []struct {
		n    int64
		name string
	}{{86400000, "d"}, {3600000, "h"}, {60000, "min"}, {1000, "s"}}
	for _, u := range units {
		if ms != 0 && ms%u.n == 0 {
			return fmt.Sprintf("%s%d %s", neg, ms/u.n, u.name)
		}
	}
	return fmt.Sprintf("%s%d ms", neg, ms)
}

// Window property column names a window TVF appends.
const (
	WindowStartName = "window_start"
	WindowEndName   = "window_end"
	WindowTimeName  = "window_time"
)

// windowColumns returns the three columns a window TVF appends: window_start
// and window_end TIMESTAMP(3) NOT NULL, window_time the time attribute
// (TIMESTAMP(3) *ROWTIME*, or TIMESTAMP_LTZ(3) *PROCTIME* for proctime
// windows; a rowtime of type TIMESTAMP_LTZ keeps that type).
func windowColumns(timeType types.DataType) []types.Field {
	ts := types.DataType{Kind: types.KindTimestamp, Prec: 3, NotNull: true}
	wt := timeType
	wt.Prec = 3
	wt.NotNull = true
	if wt.TimeAttr == types.TimeAttrNone {
		wt.TimeAttr = types.TimeAttrRowtime
	}
	return []types.Field{
		{Name: WindowStartName, Type: ts},
		{Name: WindowEndName, Type: ts},
		{Name: WindowTimeName, Type: wt},
	}
}

// WindowTableFunction is a window TVF (TUMBLE, HOP, CUMULATE, SESSION)
// applied to its input: every input column, then window_start, window_end
// and window_time. HOP and CUMULATE repeat a row once per window it falls
// in. Window aggregation, Top-N, deduplication and join recognise their
// input's window columns through this node.
type WindowTableFunction struct {
	Input  Node
	Window WindowSpec
}

// Schema returns the input columns followed by the window columns.
func (w *WindowTableFunction) Schema() *types.Schema {
	in := w.Input.Schema()
	fs := append([]types.Field(nil), in.Fields...)
	// The input's time attribute is materialized: only window_time stays a
	// time attribute, as in Flink.
	fs[w.Window.TimeCol].Type = fs[w.Window.TimeCol].Type.WithoutTimeAttr()
	fs = append(fs, windowColumns(in.Fields[w.Window.TimeCol].Type)...)
	return types.NewSchema(fs...)
}

// Inputs returns the input.
func (w *WindowTableFunction) Inputs() []Node { return []Node{w.Input} }

// WithInputs copies w over in[0].
func (w *WindowTableFunction) WithInputs(in []Node) Node { c := *w; c.Input = in[0]; return &c }

// String prints the node as EXPLAIN does.
func (w *WindowTableFunction) String() string {
	return fmt.Sprintf("LogicalWindowTableFunction(window=[%s])", w.Window)
}

// WindowProp is a window property a window aggregation outputs.
type WindowProp uint8

// Window properties.
const (
	PropWindowStart WindowProp = iota
	PropWindowEnd
	PropWindowTime
)

// String returns the property's column name.
func (p WindowProp) String() string {
	return [...]string{WindowStartName, WindowEndName, WindowTimeName}[p]
}

// WindowAggregate is a window aggregation: GROUP BY window_start,
// window_end [, window_time] [, keys] over a window TVF, with the TVF
// merged into it (Flink's WindowAggregate). It assigns its input rows to
// windows itself and emits one insert-only row per group and window when
// the window closes. The output is GroupKeys, then one column per call,
// then the Props in order (window_start / window_end TIMESTAMP(3) NOT
// NULL, window_time the time attribute).
type WindowAggregate struct {
	Input     Node
	Window    WindowSpec // TimeCol indexes Input
	GroupKeys []int      // input columns, without the window columns
	Calls     []AggCall
	Props     []WindowProp
	// PropNames name the Props columns (the TVF's column names).
	PropNames []string
}

// Schema returns the keys, the calls' results and the window properties.
func (a *WindowAggregate) Schema() *types.Schema {
	in := a.Input.Schema()
	out := &types.Schema{}
	for _, k := range a.GroupKeys {
		out.Fields = append(out.Fields, in.Fields[k])
	}
	for _, c := range a.Calls {
		out.Fields = append(out.Fields, types.Field{Name: c.Name, Type: c.Type})
	}
	wc := windowColumns(in.Fields[a.Window.TimeCol].Type)
	for i, p := range a.Props {
		f := wc[p]
		if i < len(a.PropNames) {
			f.Name = a.PropNames[i]
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

// Inputs returns the input.
func (a *WindowAggregate) Inputs() []Node { return []Node{a.Input} }

// WithInputs copies a over in[0].
func (a *WindowAggregate) WithInputs(in []Node) Node { c := *a; c.Input = in[0]; return &c }

// String prints the node as EXPLAIN does.
func (a *WindowAggregate) String() string {
	var b strings.Builder
	b.WriteString("LogicalWindowAggregate(group=[{")
	for i, k := range a.GroupKeys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", k)
	}
	fmt.Fprintf(&b, "}], window=[%s]", a.Window)
	for _, c := range a.Calls {
		fmt.Fprintf(&b, ", %s=[%s]", c.Name, c)
	}
	props := make([]string, len(a.Props))
	for i, p := range a.Props {
		props[i] = p.String()
	}
	fmt.Fprintf(&b, ", properties=[%s])", strings.Join(props, ", "))
	return b.String()
}
