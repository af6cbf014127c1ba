package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/expr/functions"
	"github.com/spry-engine/spry/types"
)

// Explain prints the plan tree as Flink's EXPLAIN prints its "Abstract
// Syntax Tree" section: one node per line, children indented under
// "+- " (last child) and ":- " (the others).
func Explain(n Node) string {
	var b strings.Builder
	explain(&b, n, "", "")
	return b.String()
}

func explain(b *strings.Builder, n Node, first, rest string) {
	b.WriteString(first)
	b.WriteString(n.String())
	b.WriteByte('\n')
	in := n.Inputs()
	for i, c := range in {
		if i == len(in)-1 {
			explain(b, c, rest+"+- ", rest+"   ")
		} else {
			explain(b, c, rest+":- ", rest+":  ")
		}
	}
}

// FormatExpr prints a bound expression as Calcite does: column references
// as $i, calls as NAME(args), string literals quoted.
func FormatExpr(e expr.Expr) string {
	switch e := e.(type) {
	case nil:
		return "true"
	case *expr.ColumnRef:
		return fmt.Sprintf("$%d", e.Index)
	case *expr.Call:
		s := e.Name + "(" + exprList(e.Args) + ")"
		if e.Name == "CAST" || e.Name == "TRY_CAST" {
			s += ":" + e.T.String()
		}
		return s
	case *expr.Case:
		return FormatExpr(&expr.Call{Name: "CASE", Args: e.Children(), T: e.T})
	case *functions.Cast:
		name := "CAST"
		if e.Try {
			name = "TRY_CAST"
		}
		return fmt.Sprintf("%s(%s):%s", name, FormatExpr(e.Input), e.To.String())
	case *expr.Literal:
		if e.Value == nil {
			return "null:" + e.T.String()
		}
		s := e.String()
		switch e.T.Kind {
		case types.KindIntervalDayTime, types.KindIntervalYearMonth, types.KindDate, types.KindTime,
			types.KindTimestamp, types.KindTimestampLTZ:
			return s + ":" + e.T.WithNullable(true).String()
		}
		return s
	}
	return e.String()
}

func exprList(es []expr.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = FormatExpr(e)
	}
	return strings.Join(parts, ", ")
}

// String prints the Scan node on one line, as EXPLAIN does.
func (s *Scan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "LogicalTableScan(table=[[%s]]", strings.Join(s.Path.Parts(), ", "))
	if s.ProjectedColumns != nil {
		names := s.Schema().Names()
		fmt.Fprintf(&b, ", project=[%s]", strings.Join(names, ", "))
	}
	if len(s.PushedFilters) > 0 {
		fmt.Fprintf(&b, ", filter=[%s]", exprList(s.PushedFilters))
	}
	b.WriteByte(')')
	return b.String()
}

// String prints the WatermarkAssigner node on one line, as EXPLAIN does.
func (w *WatermarkAssigner) String() string {
	return fmt.Sprintf("LogicalWatermarkAssigner(rowtime=[%s], watermark=[%s])",
		w.Input.Schema().Fields[w.RowtimeIndex].Name, FormatExpr(w.Expr))
}

// String prints the Values node on one line, as EXPLAIN does.
func (v *Values) String() string {
	rows := make([]string, len(v.Rows))
	for i, r := range v.Rows {
		rows[i] = "{ " + exprList(r) + " }"
	}
	return fmt.Sprintf("LogicalValues(tuples=[[%s]])", strings.Join(rows, ", "))
}

// String prints the Project node on one line, as EXPLAIN does.
func (p *Project) String() string {
	parts := make([]string, len(p.Exprs))
	for i, e := range p.Exprs {
		parts[i] = fmt.Sprintf("%s=[%s]", p.Out.Fields[i].Name, FormatExpr(e))
	}
	return "LogicalProject(" + strings.Join(parts, ", ") + ")"
}

// String prints the Filter node on one line, as EXPLAIN does.
func (f *Filter) String() string {
	return fmt.Sprintf("LogicalFilter(condition=[%s])", FormatExpr(f.Cond))
}

// String prints the call as Calcite does, e.g. COUNT(DISTINCT $1) FILTER $2.
func (c AggCall) String() string {
	var b strings.Builder
	b.WriteString(c.Func.Name)
	b.WriteByte('(')
	if c.Distinct {
		b.WriteString("DISTINCT ")
	}
	for i, a := range c.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", a)
	}
	b.WriteByte(')')
	if c.Filter >= 0 {
		fmt.Fprintf(&b, " FILTER $%d", c.Filter)
	}
	return b.String()
}

// String prints the Aggregate node on one line, as EXPLAIN does.
func (a *Aggregate) String() string {
	var b strings.Builder
	b.WriteString("LogicalAggregate(group=[{")
	for i, k := range a.GroupKeys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", k)
	}
	b.WriteString("}]")
	for _, c := range a.Calls {
		fmt.Fprintf(&b, ", %s=[%s]", c.Name, c)
	}
	if a.Split != "" {
		fmt.Fprintf(&b, ", partialFinalType=[%s]", a.Split)
	}
	if a.Strategy != AggAuto {
		fmt.Fprintf(&b, ", strategy=[%s]", a.Strategy)
	}
	b.WriteByte(')')
	return b.String()
}

// String prints the Join node on one line, as EXPLAIN does.
func (j *Join) String() string {
	return fmt.Sprintf("LogicalJoin(condition=[%s], joinType=[%s])", FormatExpr(j.Condition), j.Type)
}

// String prints the Sort node on one line, as EXPLAIN does.
func (s *Sort) String() string {
	var parts []string
	for i, k := range s.Keys {
		parts = append(parts, fmt.Sprintf("sort%d=[$%d]", i, k.Index))
	}
	for i, k := range s.Keys {
		dir := "ASC"
		if k.Desc {
			dir = "DESC"
		}
		// Flink's default collation puts NULLs first ascending and last
		// descending; only the other choice is spelled out.
		if k.NullsFirst == k.Desc {
			if k.NullsFirst {
				dir += "-nulls-first"
			} else {
				dir += "-nulls-last"
			}
		}
		parts = append(parts, fmt.Sprintf("dir%d=[%s]", i, dir))
	}
	if s.Offset > 0 {
		parts = append(parts, fmt.Sprintf("offset=[%d]", s.Offset))
	}
	if s.Fetch >= 0 {
		parts = append(parts, fmt.Sprintf("fetch=[%d]", s.Fetch))
	}
	return "LogicalSort(" + strings.Join(parts, ", ") + ")"
}

// String prints the SetOp node on one line, as EXPLAIN does.
func (s *SetOp) String() string {
	name := [...]string{"LogicalUnion", "LogicalIntersect", "LogicalMinus"}[s.Kind]
	return fmt.Sprintf("%s(all=[%t])", name, s.All)
}

// String prints the Correlate node on one line, as EXPLAIN does.
func (c *Correlate) String() string {
	name := "UNNEST"
	if c.Func != nil {
		name = c.Func.Name
	}
	jt := "inner"
	if c.Left {
		jt = "left"
	}
	return fmt.Sprintf("LogicalCorrelate(invocation=[%s(%s)], fields=[%s], joinType=[%s])",
		name, exprList(c.Args), strings.Join(types.NewSchema(c.Fields...).Names(), ", "), jt)
}

// String prints the Expand node on one line, as EXPLAIN does.
func (e *Expand) String() string {
	rows := make([]string, len(e.Projects))
	for i, p := range e.Projects {
		rows[i] = "{" + exprList(p) + "}"
	}
	return fmt.Sprintf("LogicalExpand(projects=[%s], expand_id=[$%d])", strings.Join(rows, ", "), e.ExpandID)
}

// String prints the Sink node on one line, as EXPLAIN does.
func (s *Sink) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "LogicalSink(table=[%s], fields=[%s]", s.Path, strings.Join(s.Schema().Names(), ", "))
	if s.Overwrite {
		b.WriteString(", overwrite=[true]")
	}
	b.WriteByte(')')
	return b.String()
}
