package sql

// parseQuery parses [WITH ...] body [ORDER BY ...] [LIMIT|OFFSET|FETCH].
func (p *parser) parseQuery() *Query {
	p.enter()
	defer p.leave()
	t := p.peek()
	q := &Query{Pos: t.pos}
	if p.acceptKw("WITH") {
		for {
			q.With = append(q.With, p.parseCTE())
			if !p.acceptP(",") {
				break
			}
		}
	}
	q.Body = p.parseSetExpr()
	p.parseQueryTail(q)
	return q
}

// unwrapQuery strips redundant parentheses: a query that is only a
// parenthesised query becomes that query. Used where the surrounding syntax
// already supplies parentheses (subqueries), so formatting is stable.
func unwrapQuery(q *Query) *Query {
	for q.With == nil && q.OrderBy == nil && q.Limit == nil && q.Offset == nil {
		inner, ok := q.Body.(*Query)
		if !ok {
			break
		}
		q = inner
	}
	return q
}

func (p *parser) parseCTE() *CTE {
	name := p.parseIdent()
	c := &CTE{Pos: name.Pos, Name: name}
	if isP(p.peek(), "(") {
		c.Columns = p.parseIdentList()
	}
	p.expectKw("AS")
	p.expectP("(")
	c.Query = unwrapQuery(p.parseQuery())
	p.expectP(")")
	return c
}

// parseQueryTail parses ORDER BY, LIMIT, OFFSET and FETCH.
func (p *parser) parseQueryTail(q *Query) {
	if p.acceptKws("ORDER", "BY") {
		q.OrderBy = p.parseOrderItems()
	}
	if p.acceptKw("LIMIT") {
		q.Limit = p.parseAdditive()
	}
	if p.acceptKw("OFFSET") {
		q.Offset = p.parseAdditive()
		if !p.acceptKw("ROWS") {
			p.acceptKw("ROW")
		}
	}
	if q.Limit == nil && p.acceptKw("FETCH") {
		if !p.acceptKw("FIRST") {
			p.expectKw("NEXT")
		}
		if isKw(p.peek(), "ROW") || isKw(p.peek(), "ROWS") {
			q.Limit = &NumberLit{Pos: p.peek().pos, Text: "1"}
		} else {
			q.Limit = p.parseAdditive()
		}
		if !p.acceptKw("ROWS") {
			p.expectKw("ROW")
		}
		p.expectKw("ONLY")
	}
}

// parseSetExpr parses UNION / EXCEPT chains (left-associative) of
// INTERSECT chains.
func (p *parser) parseSetExpr() QueryBody {
	left := p.parseIntersect()
	for {
		var op SetOpKind
		switch {
		case p.atKw("UNION"):
			op = Union
		case p.atKw("EXCEPT"), p.atKw("MINUS"):
			op = Except
		default:
			return left
		}
		p.next()
		all := p.parseSetQuantifier()
		right := p.parseIntersect()
		left = &SetOp{Pos: left.Position(), Op: op, All: all, Left: left, Right: right}
	}
}

func (p *parser) parseIntersect() QueryBody {
	left := p.parseQueryPrimary()
	for p.acceptKw("INTERSECT") {
		all := p.parseSetQuantifier()
		right := p.parseQueryPrimary()
		left = &SetOp{Pos: left.Position(), Op: Intersect, All: all, Left: left, Right: right}
	}
	return left
}

func (p *parser) parseSetQuantifier() bool {
	if p.acceptKw("ALL") {
		return true
	}
	p.acceptKw("DISTINCT")
	return false
}

func (p *parser) parseQueryPrimary() QueryBody {
	p.enter()
	defer p.leave()
	switch {
	case p.atKw("SELECT"):
		return p.parseSelect()
	case p.atKw("VALUES"):
		return p.parseValues()
	case p.atP("("):
		p.next()
		q := p.parseQuery()
		p.expectP(")")
		return q
	}
	p.errUnexpected()
	return nil
}

func (p *parser) parseValues() *Values {
	t := p.next()
	v := &Values{Pos: t.pos}
	for {
		e := p.parseExpr()
		if r, ok := e.(*RowCtor); ok && !r.Explicit {
			v.Rows = append(v.Rows, r.Elems)
		} else {
			v.Rows = append(v.Rows, []Expr{e})
		}
		if !p.acceptP(",") {
			return v
		}
	}
}

// clauseKeywords are the keywords that may follow a select item or FROM
// item; they cannot be implicit aliases and guide misspelling suggestions.
var clauseKeywords = []string{"FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "QUALIFY", "ORDER",
	"LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "MINUS", "JOIN", "INNER", "LEFT",
	"RIGHT", "FULL", "CROSS", "NATURAL", "ON", "USING", "AS", "FOR"}

func (p *parser) parseSelect() *Select {
	t := p.next()
	s := &Select{Pos: t.pos}
	if isHintStart(p.peek()) {
		s.Hints = p.parseHints()
	}
	if p.acceptKw("DISTINCT") {
		s.Distinct = true
	} else {
		p.acceptKw("ALL")
	}
	for {
		s.Items = append(s.Items, p.parseSelectItem())
		if !p.acceptP(",") {
			break
		}
	}
	if p.acceptKw("FROM") {
		s.From = p.parseFrom()
	}
	if p.acceptKw("WHERE") {
		s.Where = p.parseExpr()
	}
	if p.acceptKws("GROUP", "BY") {
		p.acceptKw("ALL") // GROUP BY ALL a: the default
		for {
			s.GroupBy = append(s.GroupBy, p.parseGroupingElement())
			if !p.acceptP(",") {
				break
			}
		}
	}
	if p.acceptKw("HAVING") {
		s.Having = p.parseExpr()
	}
	if p.acceptKw("WINDOW") {
		for {
			name := p.parseIdent()
			p.expectKw("AS")
			s.Windows = append(s.Windows, &NamedWindow{Pos: name.Pos, Name: name, Spec: p.parseWindowSpec()})
			if !p.acceptP(",") {
				break
			}
		}
	}
	if p.acceptKw("QUALIFY") {
		s.Qualify = p.parseExpr()
	}
	return s
}

func (p *parser) parseSelectItem() *SelectItem {
	t := p.peek()
	if isP(t, "*") {
		p.next()
		return &SelectItem{Pos: t.pos, Expr: &Star{Pos: t.pos}}
	}
	// t.* / db.t.*
	if t.kind == tIdent || t.kind == tQIdent {
		k := 0
		for (p.peekN(k).kind == tIdent || p.peekN(k).kind == tQIdent) && isP(p.peekN(k+1), ".") {
			if isP(p.peekN(k+2), "*") {
				st := &Star{Pos: t.pos}
				for range k/2 + 1 {
					st.Qualifier = append(st.Qualifier, p.next().text)
					p.next()
				}
				p.next()
				return &SelectItem{Pos: t.pos, Expr: st}
			}
			k += 2
		}
	}
	e := p.parseExpr()
	it := &SelectItem{Pos: t.pos, Expr: e}
	it.Alias = p.parseAlias(clauseKeywords)
	return it
}

// parseAlias parses "[AS] name". Without AS, a following word is an alias
// unless it is reserved; a word that looks like a misspelled clause keyword
// and is not followed by something that may follow an alias is reported as a
// misspelling instead.
func (p *parser) parseAlias(followers []string) *Ident {
	if p.acceptKw("AS") {
		return p.parseIdent()
	}
	t := p.peek()
	if t.kind == tQIdent {
		p.next()
		return &Ident{Pos: t.pos, Name: t.text}
	}
	if t.kind != tIdent || isReserved(t.text) {
		return nil
	}
	if s := suggestKeyword(t.text, followers); s != "" && !p.canFollowAlias(p.peekN(1), followers) {
		p.fail(&Error{Pos: t.pos, Token: t.text, Msg: "unexpected " + describeToken(t) + ", expected " + s,
			Expected: []string{s}, Suggestion: s})
	}
	p.next()
	return &Ident{Pos: t.pos, Name: t.text}
}

// canFollowAlias reports whether t may follow an implicit alias.
func (p *parser) canFollowAlias(t token, followers []string) bool {
	switch t.kind {
	case tEOF:
		return true
	case tPunct:
		return t.text == "," || t.text == ")" || t.text == ";" || t.text == "("
	case tIdent:
		for _, f := range followers {
			if isKw(t, f) {
				return true
			}
		}
		return isKw(t, "END")
	case tHintStart:
		return false
	}
	return false
}

// parseGroupingElement parses an expression, GROUPING SETS, ROLLUP, CUBE, or
// a parenthesised grouping set.
func (p *parser) parseGroupingElement() Expr {
	p.enter()
	defer p.leave()
	t := p.peek()
	switch {
	case isKw(t, "GROUPING") && isKw(p.peekN(1), "SETS"):
		p.next()
		p.next()
		return &GroupingSets{Pos: t.pos, Sets: p.parseGroupingList()}
	case isKw(t, "ROLLUP") && isP(p.peekN(1), "("):
		p.next()
		return &Rollup{Pos: t.pos, Exprs: p.parseGroupingList()}
	case isKw(t, "CUBE") && isP(p.peekN(1), "("):
		p.next()
		return &Cube{Pos: t.pos, Exprs: p.parseGroupingList()}
	case isP(t, "(") && isP(p.peekN(1), ")"):
		p.next()
		p.next()
		return &GroupingSet{Pos: t.pos}
	}
	e := p.parseExpr()
	if r, ok := e.(*RowCtor); ok && !r.Explicit {
		return &GroupingSet{Pos: r.Pos, Exprs: r.Elems}
	}
	return e
}

func (p *parser) parseGroupingList() []Expr {
	p.expectP("(")
	var out []Expr
	for {
		out = append(out, p.parseGroupingElement())
		if !p.acceptP(",") {
			break
		}
	}
	p.expectP(")")
	return out
}
