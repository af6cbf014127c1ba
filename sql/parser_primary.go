package sql

import "strings"

// parsePrimary parses literals, names, calls, parenthesised expressions and
// the keyword-introduced expression forms.
func (p *parser) parsePrimary() Expr {
	p.enter()
	defer p.leave()
	t := p.peek()
	switch t.kind {
	case tNumber:
		p.next()
		return &NumberLit{Pos: t.pos, Kind: t.num, Text: t.text}
	case tString:
		p.next()
		return &StringLit{Pos: t.pos, Value: t.text}
	case tBinary:
		p.next()
		return &BinaryLit{Pos: t.pos, Hex: t.text}
	case tQIdent:
		return p.parseNameOrCall()
	case tPunct:
		if t.text == "(" {
			return p.parseParenExpr()
		}
	case tIdent:
		if e := p.parseKeywordExpr(t); e != nil {
			return e
		}
		if u := strings.ToUpper(t.text); !reserved[u] || (reservedFuncOK[u] || niladic[u]) && isP(p.peekN(1), "(") {
			return p.parseNameOrCall()
		}
	}
	p.noteExpected("expression")
	p.errUnexpected()
	return nil
}

// parseKeywordExpr parses expressions introduced by a keyword; it returns
// nil when t does not start one.
func (p *parser) parseKeywordExpr(t token) Expr {
	u := upper(t)
	next := p.peekN(1)
	switch u {
	case "TRUE", "FALSE":
		p.next()
		return &BoolLit{Pos: t.pos, Value: u == "TRUE"}
	case "NULL":
		p.next()
		return &NullLit{Pos: t.pos}
	case "UNKNOWN":
		p.next()
		return &NullLit{Pos: t.pos, Unknown: true}
	case "DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ":
		if next.kind == tString {
			p.next()
			p.next()
			return &DateTimeLit{Pos: t.pos, Type: u, Value: next.text}
		}
	case "INTERVAL":
		return p.parseIntervalLit()
	case "CASE":
		return p.parseCase()
	case "CAST", "TRY_CAST":
		if isP(next, "(") {
			p.next()
			p.next()
			c := &CastExpr{Pos: t.pos, Try: u == "TRY_CAST", X: p.parseExpr()}
			p.expectKw("AS")
			c.Type = p.parseDataType()
			p.expectP(")")
			return c
		}
	case "EXISTS":
		p.next()
		p.expectP("(")
		q := p.parseQuery()
		p.expectP(")")
		return &ExistsExpr{Pos: t.pos, Query: unwrapQuery(q)}
	case "ARRAY", "MAP":
		if isP(next, "[") {
			p.next()
			p.next()
			var elems []Expr
			if !isP(p.peek(), "]") {
				elems = p.parseExprList()
			}
			p.expectP("]")
			if u == "ARRAY" {
				return &ArrayCtor{Pos: t.pos, Elems: elems}
			}
			return &MapCtor{Pos: t.pos, Elems: elems}
		}
	case "ROW":
		if isP(next, "(") {
			p.next()
			p.next()
			var elems []Expr
			if !isP(p.peek(), ")") {
				elems = p.parseExprList()
			}
			p.expectP(")")
			return &RowCtor{Pos: t.pos, Explicit: true, Elems: elems}
		}
	case "TABLE":
		if next.kind == tIdent || next.kind == tQIdent {
			p.next()
			ta := &TableArg{Pos: t.pos, Name: p.parseObjectName()}
			if p.acceptKws("PARTITION", "BY") {
				if isP(p.peek(), "(") {
					p.next()
					ta.PartitionBy = p.parseExprList()
					p.expectP(")")
				} else {
					ta.PartitionBy = []Expr{p.parseAdditive()}
				}
			}
			return ta
		}
	}
	if niladic[u] && !isP(next, "(") {
		p.next()
		return &FuncCall{Pos: t.pos, Name: []string{t.text}, NoParens: true}
	}
	if isP(next, "(") {
		if e := p.parseSpecialCall(t, u); e != nil {
			return e
		}
	}
	return nil
}

// parseParenExpr parses "(" expr ")", a row constructor "(a, b)", or a
// scalar subquery.
func (p *parser) parseParenExpr() Expr {
	t := p.peek()
	if p.atQueryStartAfterParen() {
		var q *Query
		if !isP(p.peekN(1), "(") {
			p.next()
			q = p.parseQuery()
			p.expectP(")")
			return &SubqueryExpr{Pos: t.pos, Query: unwrapQuery(q)}
		}
		// "((SELECT ...) ...": a query in parentheses, or an expression
		// that starts with a scalar subquery. Try the query first.
		if p.try(func() {
			p.next()
			q = p.parseQuery()
			p.expectP(")")
		}) {
			return &SubqueryExpr{Pos: t.pos, Query: unwrapQuery(q)}
		}
	}
	p.next()
	elems := p.parseExprList()
	p.expectP(")")
	if len(elems) == 1 {
		return elems[0]
	}
	return &RowCtor{Pos: t.pos, Elems: elems}
}

// atQueryStartAfterParen reports whether "(" at the current token opens a
// query.
func (p *parser) atQueryStartAfterParen() bool {
	for k := 1; ; k++ {
		t := p.peekN(k)
		if isP(t, "(") {
			continue
		}
		return isKw(t, "SELECT") || isKw(t, "WITH") || isKw(t, "VALUES")
	}
}

// try runs f speculatively; on a parse error it restores the position and
// returns false.
func (p *parser) try(f func()) (ok bool) {
	save, saveDepth := p.i, p.depth
	defer func() {
		if r := recover(); r != nil {
			if _, isBail := r.(bailout); !isBail {
				panic(r)
			}
			p.i, p.depth = save, saveDepth
			ok = false
		}
	}()
	f()
	return true
}

// parseNameOrCall parses an identifier path, or a function call if "("
// follows.
func (p *parser) parseNameOrCall() Expr {
	first := p.next()
	parts := []string{first.text}
	for isP(p.peek(), ".") && (p.peekN(1).kind == tIdent || p.peekN(1).kind == tQIdent) {
		p.next()
		parts = append(parts, p.next().text)
	}
	if !isP(p.peek(), "(") {
		return &Identifier{Pos: first.pos, Parts: parts}
	}
	return p.parseCallRest(&FuncCall{Pos: first.pos, Name: parts})
}

// parseCallRest parses "(args) [FILTER (WHERE ..)] [WITHIN GROUP (..)] [OVER ..]".
func (p *parser) parseCallRest(f *FuncCall) Expr {
	p.expectP("(")
	switch {
	case isP(p.peek(), "*") && isP(p.peekN(1), ")"):
		p.next()
		f.Star = true
	case isP(p.peek(), ")"):
	default:
		if p.acceptKw("DISTINCT") {
			f.Distinct = true
		} else {
			p.acceptKw("ALL")
		}
		for {
			f.Args = append(f.Args, p.parseArg())
			if !p.acceptP(",") {
				break
			}
		}
	}
	p.expectP(")")
	p.parseCallSuffix(f)
	return f
}

// parseArg parses a function argument: "name => value" or an expression.
func (p *parser) parseArg() Expr {
	t := p.peek()
	if (t.kind == tIdent || t.kind == tQIdent) && isP(p.peekN(1), "=>") {
		p.next()
		p.next()
		return &NamedArg{Pos: t.pos, Name: &Ident{Pos: t.pos, Name: t.text}, Value: p.parseExpr()}
	}
	return p.parseExpr()
}

func (p *parser) parseCallSuffix(f *FuncCall) {
	// FILTER and WITHIN GROUP are accepted in either order.
	for range 2 {
		if f.Filter == nil && isKw(p.peek(), "FILTER") && isP(p.peekN(1), "(") {
			p.next()
			p.next()
			p.expectKw("WHERE")
			f.Filter = p.parseExpr()
			p.expectP(")")
		}
		if f.WithinGroup == nil && isKw(p.peek(), "WITHIN") && isKw(p.peekN(1), "GROUP") {
			p.next()
			p.next()
			p.expectP("(")
			p.expectKws("ORDER", "BY")
			f.WithinGroup = p.parseOrderItems()
			p.expectP(")")
		}
	}
	if isKw(p.peek(), "OVER") {
		t := p.next()
		if isP(p.peek(), "(") {
			f.Over = p.parseWindowSpec()
		} else {
			id := p.parseIdent()
			f.Over = &WindowSpec{Pos: t.pos, Ref: id}
		}
	}
}

// parseWindowSpec parses "( [name] [PARTITION BY ..] [ORDER BY ..] [frame] )".
func (p *parser) parseWindowSpec() *WindowSpec {
	t := p.expectP("(")
	w := &WindowSpec{Pos: t.pos, Paren: true}
	if p.atIdent() && !isKw(p.peek(), "ROWS") && !isKw(p.peek(), "RANGE") {
		w.Ref = p.parseIdent()
	}
	if p.acceptKws("PARTITION", "BY") {
		w.PartitionBy = p.parseExprList()
	}
	if p.acceptKws("ORDER", "BY") {
		w.OrderBy = p.parseOrderItems()
	}
	if p.atKw("ROWS") || p.atKw("RANGE") {
		w.Frame = p.parseFrame()
	}
	p.expectP(")")
	return w
}

func (p *parser) parseFrame() *WindowFrame {
	t := p.next()
	f := &WindowFrame{Pos: t.pos, Unit: FrameRows}
	if isKw(t, "RANGE") {
		f.Unit = FrameRange
	}
	if p.acceptKw("BETWEEN") {
		f.Start = p.parseFrameBound()
		p.expectKw("AND")
		f.End = p.parseFrameBound()
	} else {
		f.Start = p.parseFrameBound()
	}
	return f
}

func (p *parser) parseFrameBound() *FrameBound {
	t := p.peek()
	b := &FrameBound{Pos: t.pos}
	switch {
	case p.acceptKw("UNBOUNDED"):
		if p.acceptKw("PRECEDING") {
			b.Kind = UnboundedPreceding
		} else {
			p.expectKw("FOLLOWING")
			b.Kind = UnboundedFollowing
		}
	case p.acceptKw("CURRENT"):
		p.expectKw("ROW")
		b.Kind = CurrentRow
	default:
		b.Offset = p.parseAdditive()
		if p.acceptKw("PRECEDING") {
			b.Kind = Preceding
		} else {
			p.expectKw("FOLLOWING")
			b.Kind = Following
		}
	}
	return b
}

// parseOrderItems parses "expr [ASC|DESC] [NULLS FIRST|LAST], ...".
func (p *parser) parseOrderItems() []*OrderItem {
	var out []*OrderItem
	for {
		e := p.parseExpr()
		it := &OrderItem{Pos: e.Position(), Expr: e}
		if p.acceptKw("DESC") {
			it.Desc = true
		} else {
			p.acceptKw("ASC")
		}
		if p.acceptKw("NULLS") {
			if p.acceptKw("FIRST") {
				it.Nulls = NullsFirst
			} else {
				p.expectKw("LAST")
				it.Nulls = NullsLast
			}
		}
		out = append(out, it)
		if !p.acceptP(",") {
			return out
		}
	}
}

func (p *parser) parseCase() Expr {
	t := p.next()
	c := &CaseExpr{Pos: t.pos}
	if !isKw(p.peek(), "WHEN") {
		c.Operand = p.parseExpr()
	}
	for {
		w := p.expectKw("WHEN")
		cond := p.parseExpr()
		p.expectKw("THEN")
		c.Whens = append(c.Whens, &When{Pos: w.pos, Cond: cond, Result: p.parseExpr()})
		if !p.atKw("WHEN") {
			break
		}
	}
	if p.acceptKw("ELSE") {
		c.Else = p.parseExpr()
	}
	p.expectKw("END")
	return c
}

// parseIntervalLit parses INTERVAL [+|-] 'value' qualifier.
func (p *parser) parseIntervalLit() Expr {
	t := p.next()
	lit := &IntervalLit{Pos: t.pos}
	if p.acceptP("-") {
		lit.Negative = true
	} else {
		p.acceptP("+")
	}
	lit.Value = p.parseStringLit().Value
	lit.IntervalQualifier = p.parseIntervalQualifier()
	return lit
}

// parseIntervalQualifier parses "unit[(p[, s])] [TO unit[(p)]]".
func (p *parser) parseIntervalQualifier() IntervalQualifier {
	q := IntervalQualifier{FromPrecision: NoPrecision, ToPrecision: NoPrecision, FracPrecision: NoPrecision}
	q.From = p.parseIntervalUnit()
	if p.acceptP("(") {
		q.FromPrecision = p.parseIntLit()
		if q.From == "SECOND" && p.acceptP(",") {
			q.FracPrecision = p.parseIntLit()
		}
		p.expectP(")")
	}
	if p.acceptKw("TO") {
		q.To = p.parseIntervalUnit()
		if q.To == "SECOND" && p.acceptP("(") {
			q.ToPrecision = p.parseIntLit()
			p.expectP(")")
		}
	}
	return q
}

func (p *parser) parseIntervalUnit() TimeUnit {
	t := p.peek()
	u, ok := timeUnits[upper(t)]
	if !ok || !intervalUnits[string(u)] || strings.HasPrefix(upper(t), "SQL_TSI") {
		for _, w := range []string{"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"} {
			p.noteExpected(w)
		}
		p.errUnexpected()
	}
	p.next()
	return u
}

// parseTimeUnit parses any time unit (EXTRACT, FLOOR, TIMESTAMPADD).
func (p *parser) parseTimeUnit() TimeUnit {
	t := p.peek()
	u, ok := timeUnits[upper(t)]
	if !ok {
		p.noteExpected("time unit")
		p.errUnexpected()
	}
	p.next()
	return u
}
