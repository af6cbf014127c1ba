package physical

import (
	"strconv"
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/types"
)

// formatExpr prints e as Flink's physical plans do: column references by
// the input column's name, calls as NAME(args), literals as Calcite.
func formatExpr(e expr.Expr, in *types.Schema) string {
	named := plan.RewriteExpr(e, func(x expr.Expr) expr.Expr {
		if c, ok := x.(*expr.ColumnRef); ok {
			return nameRef{c, colName(in, c.Index)}
		}
		return nil
	})
	return plan.FormatExpr(named)
}

// nameRef stands for a column reference printed by name.
type nameRef struct {
	*expr.ColumnRef
	name string
}

func (n nameRef) String() string { return n.name }

func colName(s *types.Schema, i int) string {
	if s != nil && i >= 0 && i < len(s.Fields) {
		return s.Fields[i].Name
	}
	return "$" + itoa(i)
}

func colNames(s *types.Schema, idx []int) string {
	parts := make([]string, len(idx))
	for i, k := range idx {
		parts[i] = colName(s, k)
	}
	return strings.Join(parts, ", ")
}

func itoa(i int) string { return strconv.Itoa(i) }

// selectList prints projections as Flink's Calc select=[...]: an
// expression that is not a plain reference to a column of the same name
// gets "AS name".
func selectList(exprs []expr.Expr, in, out *types.Schema) string {
	parts := make([]string, len(exprs))
	for i, e := range exprs {
		s := formatExpr(e, in)
		if name := colName(out, i); name != s {
			s += " AS " + name
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}
