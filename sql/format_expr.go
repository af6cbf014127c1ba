package sql

import "strings"

// Expression precedence levels used to decide where parentheses are needed
// (higher binds tighter). They mirror the parser's grammar.
const (
	precOr      = 1
	precAnd     = 2
	precNot     = 3
	precCmp     = 4
	precAdd     = 5
	precMul     = 6
	precUnary   = 7
	precPrimary = 9
)

func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *BinaryExpr:
		switch e.Op {
		case "OR":
			return precOr
		case "AND":
			return precAnd
		case "+", "-":
			return precAdd
		case "*", "/", "%", "||":
			return precMul
		}
		return precCmp
	case *UnaryExpr:
		if e.Op == "NOT" {
			return precNot
		}
		return precUnary
	case *IsExpr, *IsDistinctFrom, *IsJSON, *BetweenExpr, *InExpr, *LikeExpr:
		return precCmp
	}
	return precPrimary
}

// expr prints e, parenthesised if its precedence is below min.
func (p *printer) expr(e Expr, min int) {
	if exprPrec(e) < min {
		p.WriteByte('(')
		p.expr(e, 0)
		p.WriteByte(')')
		return
	}
	switch e := e.(type) {
	case *Identifier:
		p.name(e.Parts)
	case *Star:
		for _, q := range e.Qualifier {
			p.ident(q)
			p.WriteByte('.')
		}
		p.WriteByte('*')
	case *NumberLit:
		p.WriteString(e.Text)
	case *StringLit:
		p.str(e.Value)
	case *BinaryLit:
		p.WriteString("X'" + e.Hex + "'")
	case *BoolLit:
		if e.Value {
			p.WriteString("TRUE")
		} else {
			p.WriteString("FALSE")
		}
	case *NullLit:
		if e.Unknown {
			p.WriteString("UNKNOWN")
		} else {
			p.WriteString("NULL")
		}
	case *DateTimeLit:
		p.WriteString(e.Type + " ")
		p.str(e.Value)
	case *IntervalLit:
		p.WriteString("INTERVAL ")
		if e.Negative {
			p.WriteByte('-')
		}
		p.str(e.Value)
		p.WriteByte(' ')
		p.intervalQualifier(&e.IntervalQualifier)
	case *UnaryExpr:
		p.unary(e)
	case *BinaryExpr:
		prec := exprPrec(e)
		left := prec
		if prec == precCmp {
			// (a = b) = c: parenthesise chained predicates for clarity.
			left = precAdd
		}
		p.expr(e.Left, left)
		p.WriteString(" " + e.Op + " ")
		p.expr(e.Right, prec+1)
	case *IsExpr:
		p.expr(e.X, precAdd)
		p.WriteString(" IS " + not(e.Not) + e.What)
	case *IsDistinctFrom:
		p.expr(e.Left, precAdd)
		p.WriteString(" IS " + not(e.Not) + "DISTINCT FROM ")
		p.expr(e.Right, precAdd)
	case *IsJSON:
		p.expr(e.X, precAdd)
		p.WriteString(" IS " + not(e.Not) + "JSON")
		if e.Kind != "" {
			p.WriteString(" " + e.Kind)
		}
	case *BetweenExpr:
		p.expr(e.X, precAdd)
		p.WriteString(" " + not(e.Not) + "BETWEEN ")
		if e.Symmetric {
			p.WriteString("SYMMETRIC ")
		}
		p.expr(e.Low, precAdd)
		p.WriteString(" AND ")
		p.expr(e.High, precAdd)
	case *InExpr:
		p.expr(e.X, precAdd)
		p.WriteString(" " + not(e.Not) + "IN (")
		if e.Query != nil {
			p.query(e.Query)
		} else {
			p.exprList(e.List)
		}
		p.WriteByte(')')
	case *ExistsExpr:
		p.WriteString("EXISTS (")
		p.query(e.Query)
		p.WriteByte(')')
	case *SubqueryExpr:
		p.WriteByte('(')
		p.query(e.Query)
		p.WriteByte(')')
	case *LikeExpr:
		p.expr(e.X, precAdd)
		p.WriteString(" " + not(e.Not))
		if e.Similar {
			p.WriteString("SIMILAR TO ")
		} else {
			p.WriteString("LIKE ")
		}
		p.expr(e.Pattern, precAdd)
		if e.Escape != nil {
			p.WriteString(" ESCAPE ")
			p.expr(e.Escape, precAdd)
		}
	case *CaseExpr:
		p.WriteString("CASE")
		if e.Operand != nil {
			p.WriteByte(' ')
			p.expr(e.Operand, 0)
		}
		for _, w := range e.Whens {
			p.WriteString(" WHEN ")
			p.expr(w.Cond, 0)
			p.WriteString(" THEN ")
			p.expr(w.Result, 0)
		}
		if e.Else != nil {
			p.WriteString(" ELSE ")
			p.expr(e.Else, 0)
		}
		p.WriteString(" END")
	case *CastExpr:
		if e.Try {
			p.WriteString("TRY_CAST(")
		} else {
			p.WriteString("CAST(")
		}
		p.expr(e.X, 0)
		p.WriteString(" AS ")
		p.dataType(e.Type)
		p.WriteByte(')')
	case *FuncCall:
		p.funcCall(e)
	default:
		p.specialExpr(e)
	}
}

func not(b bool) string {
	if b {
		return "NOT "
	}
	return ""
}

func (p *printer) unary(e *UnaryExpr) {
	if e.Op == "NOT" {
		p.WriteString("NOT ")
		p.expr(e.X, precNot)
		return
	}
	p.WriteString(e.Op)
	// Avoid "--x" (a comment) and "+-x": parenthesise nested signs.
	if u, ok := e.X.(*UnaryExpr); ok && u.Op != "NOT" {
		p.WriteByte('(')
		p.expr(e.X, 0)
		p.WriteByte(')')
		return
	}
	p.expr(e.X, precUnary)
}

func (p *printer) exprList(es []Expr) {
	for i, e := range es {
		if i > 0 {
			p.WriteString(", ")
		}
		p.expr(e, 0)
	}
}

// funcNameBare reports whether f's name can be printed unquoted and still
// parse back to the same FuncCall.
func funcNameBare(f *FuncCall) bool {
	for _, part := range f.Name {
		if !isPlainWord(part) {
			return false
		}
	}
	if len(f.Name) > 1 {
		return true
	}
	u := strings.ToUpper(f.Name[0])
	if f.NoParens {
		return niladic[u]
	}
	if specialFuncs[u] || u == "ROLLUP" || u == "CUBE" {
		return false
	}
	if isReserved(u) && !reservedFuncOK[u] && !niladic[u] {
		return false
	}
	plain := !f.Distinct && !f.Star
	switch u {
	case "FLOOR", "CEIL", "CEILING":
		return plain && len(f.Args) == 1 && !isNamed(f.Args[0])
	case "SUBSTRING":
		if !plain || len(f.Args) == 0 {
			return false
		}
		for _, a := range f.Args {
			if isNamed(a) {
				return false
			}
		}
	case "TIMESTAMPADD", "TIMESTAMPDIFF":
		if !plain || len(f.Args) == 0 || f.Filter != nil || f.Over != nil || len(f.WithinGroup) > 0 {
			return false
		}
		if _, ok := f.Args[0].(*TimeUnitExpr); !ok {
			return false
		}
	}
	return true
}

func isNamed(e Expr) bool {
	_, ok := e.(*NamedArg)
	return ok
}

func (p *printer) funcCall(f *FuncCall) {
	if funcNameBare(f) {
		p.WriteString(strings.Join(f.Name, "."))
	} else {
		p.name(f.Name)
	}
	if f.NoParens {
		return
	}
	p.WriteByte('(')
	if f.Distinct {
		p.WriteString("DISTINCT ")
	}
	if f.Star {
		p.WriteByte('*')
	}
	p.exprList(f.Args)
	p.WriteByte(')')
	if len(f.WithinGroup) > 0 {
		p.WriteString(" WITHIN GROUP (ORDER BY ")
		p.orderItems(f.WithinGroup)
		p.WriteByte(')')
	}
	if f.Filter != nil {
		p.WriteString(" FILTER (WHERE ")
		p.expr(f.Filter, 0)
		p.WriteByte(')')
	}
	if f.Over != nil {
		p.WriteString(" OVER ")
		p.windowSpec(f.Over)
	}
}

func (p *printer) intervalQualifier(q *IntervalQualifier) {
	p.WriteString(string(q.From))
	if q.FromPrecision != NoPrecision {
		p.WriteString("(" + itoa(q.FromPrecision))
		if q.FracPrecision != NoPrecision {
			p.WriteString(", " + itoa(q.FracPrecision))
		}
		p.WriteByte(')')
	}
	if q.To != "" {
		p.WriteString(" TO " + string(q.To))
		if q.ToPrecision != NoPrecision {
			p.WriteString("(" + itoa(q.ToPrecision) + ")")
		}
	}
}
