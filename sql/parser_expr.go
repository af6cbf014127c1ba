package sql

// Expression grammar, lowest to highest precedence:
//
//	OR
//	AND
//	NOT
//	comparisons and predicates (= <> < <= > >= IS BETWEEN IN LIKE SIMILAR)
//	+ -
//	* / % ||
//	unary + -
//	postfix x[i], x.f
//	primary

func (p *parser) parseExpr() Expr {
	p.enter()
	defer p.leave()
	return p.parseOr()
}

func (p *parser) parseOr() Expr {
	left := p.parseAnd()
	for isKw(p.peek(), "OR") {
		p.next()
		left = &BinaryExpr{Pos: left.Position(), Op: "OR", Left: left, Right: p.parseAnd()}
	}
	return left
}

func (p *parser) parseAnd() Expr {
	left := p.parseNot()
	for isKw(p.peek(), "AND") {
		p.next()
		left = &BinaryExpr{Pos: left.Position(), Op: "AND", Left: left, Right: p.parseNot()}
	}
	return left
}

func (p *parser) parseNot() Expr {
	if isKw(p.peek(), "NOT") {
		p.enter()
		defer p.leave()
		t := p.next()
		return &UnaryExpr{Pos: t.pos, Op: "NOT", X: p.parseNot()}
	}
	return p.parsePredicate()
}

var comparisonOps = map[string]string{"=": "=", "<>": "<>", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

func (p *parser) parsePredicate() Expr {
	left := p.parseAdditive()
	for {
		t := p.peek()
		if op, ok := comparisonOps[t.text]; ok && t.kind == tPunct {
			p.next()
			left = &BinaryExpr{Pos: left.Position(), Op: op, Left: left, Right: p.parseAdditive()}
			continue
		}
		if isKw(t, "IS") {
			left = p.parseIs(left)
			continue
		}
		not := false
		if isKw(t, "NOT") {
			n := p.peekN(1)
			if !isKw(n, "BETWEEN") && !isKw(n, "IN") && !isKw(n, "LIKE") && !isKw(n, "SIMILAR") {
				return left
			}
			p.next()
			not = true
			t = p.peek()
		}
		switch {
		case isKw(t, "BETWEEN"):
			p.next()
			b := &BetweenExpr{Pos: left.Position(), X: left, Not: not}
			if p.acceptKw("SYMMETRIC") {
				b.Symmetric = true
			} else {
				p.acceptKw("ASYMMETRIC")
			}
			b.Low = p.parseAdditive()
			p.expectKw("AND")
			b.High = p.parseAdditive()
			left = b
		case isKw(t, "IN"):
			p.next()
			left = p.parseIn(left, not)
		case isKw(t, "LIKE"):
			p.next()
			left = p.parseLikeRest(left, not, false)
		case isKw(t, "SIMILAR"):
			p.next()
			p.expectKw("TO")
			left = p.parseLikeRest(left, not, true)
		default:
			return left
		}
	}
}

func (p *parser) parseLikeRest(x Expr, not, similar bool) Expr {
	l := &LikeExpr{Pos: x.Position(), X: x, Not: not, Similar: similar, Pattern: p.parseAdditive()}
	if p.acceptKw("ESCAPE") {
		l.Escape = p.parseAdditive()
	}
	return l
}

func (p *parser) parseIn(x Expr, not bool) Expr {
	in := &InExpr{Pos: x.Position(), X: x, Not: not}
	p.expectP("(")
	if p.atQueryStart() {
		if !isP(p.peek(), "(") {
			in.Query = p.parseQuery()
			p.expectP(")")
			return in
		}
		if p.try(func() {
			in.Query = unwrapQuery(p.parseQuery())
			p.expectP(")")
		}) {
			return in
		}
		in.Query = nil
	}
	in.List = p.parseExprList()
	p.expectP(")")
	return in
}

func (p *parser) parseIs(x Expr) Expr {
	p.next() // IS
	not := p.acceptKw("NOT")
	t := p.peek()
	switch u := upper(t); u {
	case "NULL", "TRUE", "FALSE", "UNKNOWN":
		p.next()
		return &IsExpr{Pos: x.Position(), X: x, Not: not, What: u}
	case "DISTINCT":
		p.next()
		p.expectKw("FROM")
		return &IsDistinctFrom{Pos: x.Position(), Not: not, Left: x, Right: p.parseAdditive()}
	case "JSON":
		p.next()
		j := &IsJSON{Pos: x.Position(), X: x, Not: not}
		switch k := upper(p.peek()); k {
		case "VALUE", "OBJECT", "ARRAY", "SCALAR":
			p.next()
			j.Kind = k
		}
		return j
	}
	for _, w := range []string{"NULL", "TRUE", "FALSE", "UNKNOWN", "DISTINCT FROM", "JSON"} {
		p.noteExpected(w)
	}
	p.errUnexpected()
	return nil
}

func (p *parser) parseAdditive() Expr {
	left := p.parseMultiplicative()
	for {
		t := p.peek()
		if t.kind != tPunct || t.text != "+" && t.text != "-" {
			return left
		}
		p.next()
		left = &BinaryExpr{Pos: left.Position(), Op: t.text, Left: left, Right: p.parseMultiplicative()}
	}
}

func (p *parser) parseMultiplicative() Expr {
	left := p.parseUnary()
	for {
		t := p.peek()
		if t.kind != tPunct || t.text != "*" && t.text != "/" && t.text != "%" && t.text != "||" {
			return left
		}
		p.next()
		left = &BinaryExpr{Pos: left.Position(), Op: t.text, Left: left, Right: p.parseUnary()}
	}
}

func (p *parser) parseUnary() Expr {
	t := p.peek()
	if isP(t, "-") || isP(t, "+") {
		p.enter()
		defer p.leave()
		p.next()
		return &UnaryExpr{Pos: t.pos, Op: t.text, X: p.parseUnary()}
	}
	return p.parsePostfix(p.parsePrimary())
}

// parsePostfix parses element access x[i] and field access x.f.
func (p *parser) parsePostfix(x Expr) Expr {
	for {
		switch {
		case isP(p.peek(), "["):
			p.next()
			idx := p.parseExpr()
			p.expectP("]")
			x = &IndexExpr{Pos: x.Position(), X: x, Index: idx}
		case isP(p.peek(), ".") && (p.peekN(1).kind == tIdent || p.peekN(1).kind == tQIdent):
			p.next()
			f := p.parseAnyWord()
			if id, ok := x.(*Identifier); ok {
				id.Parts = append(id.Parts, f.Name)
				continue
			}
			x = &FieldExpr{Pos: x.Position(), X: x, Field: f.Name}
		default:
			return x
		}
	}
}

// parseExprList parses "e, e, ...".
func (p *parser) parseExprList() []Expr {
	var out []Expr
	for {
		out = append(out, p.parseExpr())
		if !p.acceptP(",") {
			return out
		}
	}
}

// atQueryStart reports whether the tokens at the current position begin a
// query (SELECT, WITH, VALUES, possibly after opening parentheses).
func (p *parser) atQueryStart() bool {
	p.noteExpected("SELECT")
	for k := 0; ; k++ {
		t := p.peekN(k)
		if isP(t, "(") {
			continue
		}
		return isKw(t, "SELECT") || isKw(t, "WITH") || isKw(t, "VALUES")
	}
}
