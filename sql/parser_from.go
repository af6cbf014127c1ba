package sql

// tableFollowers are keywords that may follow a FROM item.
var tableFollowers = []string{"WHERE", "GROUP", "HAVING", "WINDOW", "QUALIFY", "ORDER", "LIMIT",
	"OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "MINUS", "JOIN", "INNER", "LEFT", "RIGHT",
	"FULL", "CROSS", "NATURAL", "ON", "USING", "AS", "FOR", "WITH", "SELECT", "VALUES"}

// parseFrom parses comma-separated join chains.
func (p *parser) parseFrom() TableExpr {
	left := p.parseJoinChain()
	for p.acceptP(",") {
		right := p.parseJoinChain()
		left = &Join{Pos: left.Position(), Kind: JoinCross, Comma: true, Left: left, Right: right}
	}
	return left
}

// parseJoinChain parses "item { [kind] JOIN item [ON ..|USING (..)] }".
func (p *parser) parseJoinChain() TableExpr {
	p.enter()
	defer p.leave()
	left := p.parseTablePrimary()
	for {
		natural := p.acceptKw("NATURAL")
		kind := JoinInner
		switch {
		case p.acceptKw("INNER"):
		case p.acceptKw("LEFT"):
			kind = JoinLeft
			p.acceptKw("OUTER")
		case p.acceptKw("RIGHT"):
			kind = JoinRight
			p.acceptKw("OUTER")
		case p.acceptKw("FULL"):
			kind = JoinFull
			p.acceptKw("OUTER")
		case p.acceptKw("CROSS"):
			kind = JoinCross
		case p.atKw("JOIN"):
		default:
			if natural {
				p.errUnexpected()
			}
			return left
		}
		p.expectKw("JOIN")
		j := &Join{Pos: left.Position(), Kind: kind, Natural: natural, Left: left, Right: p.parseTablePrimary()}
		if kind != JoinCross && !natural {
			if p.acceptKw("ON") {
				j.On = p.parseExpr()
			} else if p.acceptKw("USING") {
				j.Using = p.parseIdentList()
			} else {
				p.errUnexpected()
			}
		}
		left = j
	}
}

// parseTablePrimary parses one FROM item.
func (p *parser) parseTablePrimary() TableExpr {
	p.enter()
	defer p.leave()
	t := p.peek()
	lateral := p.acceptKw("LATERAL")
	switch {
	case p.atKw("TABLE") && isP(p.peekN(1), "("):
		p.next()
		p.next()
		call, ok := p.parseExpr().(*FuncCall)
		if !ok || call.NoParens {
			p.errAt(t, "TABLE(...) in FROM must contain a function call")
		}
		p.expectP(")")
		return &TableFunctionRef{Pos: t.pos, Lateral: lateral, Call: call, Alias: p.parseTableAlias()}
	case p.atKw("UNNEST"):
		p.next()
		p.expectP("(")
		u := &Unnest{Pos: t.pos, Lateral: lateral, Args: p.parseExprList()}
		p.expectP(")")
		if p.acceptKws("WITH", "ORDINALITY") {
			u.WithOrdinality = true
		}
		u.Alias = p.parseTableAlias()
		return u
	case p.atP("("):
		if p.atQueryStartAfterParen() {
			var q *Query
			if !isP(p.peekN(1), "(") {
				p.next()
				q = p.parseQuery()
				p.expectP(")")
				return &SubqueryRef{Pos: t.pos, Lateral: lateral, Query: unwrapQuery(q), Alias: p.parseTableAlias()}
			}
			if p.try(func() {
				p.next()
				q = p.parseQuery()
				p.expectP(")")
			}) {
				return &SubqueryRef{Pos: t.pos, Lateral: lateral, Query: unwrapQuery(q), Alias: p.parseTableAlias()}
			}
		}
		if lateral {
			p.errUnexpected()
		}
		p.next()
		inner := p.parseFrom()
		p.expectP(")")
		return inner
	}
	if lateral {
		p.errUnexpected()
	}
	name := p.parseObjectName()
	r := &TableRef{Pos: t.pos, Name: name}
	if isHintStart(p.peek()) {
		r.Hints = p.parseHints()
	}
	if p.acceptKw("FOR") {
		p.expectKw("SYSTEM_TIME")
		p.expectKws("AS", "OF")
		r.SystemTime = p.parseAdditive()
	}
	r.Alias = p.parseTableAlias()
	return r
}

// parseTableAlias parses an optional "[AS] name [(col, ...)]".
func (p *parser) parseTableAlias() *TableAlias {
	t := p.peek()
	name := p.parseAlias(tableFollowers)
	if name == nil {
		return nil
	}
	a := &TableAlias{Pos: t.pos, Name: name}
	if isP(p.peek(), "(") {
		a.Columns = p.parseIdentList()
	}
	return a
}

func isHintStart(t token) bool { return t.kind == tHintStart }

// parseHints parses "/*+ name[(args)] [, ...] */" blocks.
func (p *parser) parseHints() []*Hint {
	var hints []*Hint
	for isHintStart(p.peek()) {
		p.next()
		for {
			hints = append(hints, p.parseHint())
			if !p.acceptP(",") {
				break
			}
		}
		p.noteExpected("*/")
		if p.peek().kind != tHintEnd {
			p.errUnexpected()
		}
		p.next()
	}
	return hints
}

func (p *parser) parseHint() *Hint {
	t := p.peek()
	p.noteExpected("hint name")
	if t.kind != tIdent && t.kind != tQIdent {
		p.errUnexpected()
	}
	p.next()
	h := &Hint{Pos: t.pos, Name: t.text}
	if !p.acceptP("(") {
		return h
	}
	for !isP(p.peek(), ")") {
		a := p.peek()
		switch {
		case a.kind == tString && isP(p.peekN(1), "="):
			p.next()
			p.next()
			v := p.parseStringLit()
			h.Options = append(h.Options, &Option{Pos: a.pos, Key: a.text, Value: v.Value, ValuePos: v.Pos})
		case a.kind == tString || a.kind == tIdent || a.kind == tQIdent || a.kind == tNumber:
			p.next()
			name := a.text
			for isP(p.peek(), ".") && (p.peekN(1).kind == tIdent || p.peekN(1).kind == tQIdent) {
				p.next()
				name += "." + p.next().text
			}
			h.Args = append(h.Args, name)
		default:
			p.noteExpected("hint argument")
			p.errUnexpected()
		}
		if !p.acceptP(",") {
			break
		}
	}
	p.expectP(")")
	return h
}
