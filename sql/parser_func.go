package sql

// parseSpecialCall parses functions with special argument syntax. t is the
// name token (followed by "("); it returns nil for ordinary functions.
func (p *parser) parseSpecialCall(t token, u string) Expr {
	switch u {
	case "EXTRACT":
		p.next()
		p.next()
		unit := p.parseTimeUnit()
		p.expectKw("FROM")
		x := p.parseExpr()
		p.expectP(")")
		return &ExtractExpr{Pos: t.pos, Unit: unit, X: x}
	case "FLOOR", "CEIL", "CEILING":
		p.next()
		p.next()
		x := p.parseExpr()
		if p.acceptKw("TO") {
			unit := p.parseTimeUnit()
			p.expectP(")")
			return &FloorCeilExpr{Pos: t.pos, Ceil: u != "FLOOR", X: x, Unit: unit}
		}
		f := &FuncCall{Pos: t.pos, Name: []string{t.text}, Args: []Expr{x}}
		p.expectP(")")
		p.parseCallSuffix(f)
		return f
	case "TRIM":
		return p.parseTrim(t)
	case "POSITION":
		p.next()
		p.next()
		sub := p.parseAdditive()
		p.expectKw("IN")
		x := p.parseExpr()
		p.expectP(")")
		return &PositionExpr{Pos: t.pos, Sub: sub, X: x}
	case "SUBSTRING":
		p.next()
		p.next()
		f := &FuncCall{Pos: t.pos, Name: []string{t.text}, Args: []Expr{p.parseExpr()}}
		if p.acceptKw("FROM") {
			f.Args = append(f.Args, p.parseExpr())
			if p.acceptKw("FOR") {
				f.Args = append(f.Args, p.parseExpr())
			}
		} else {
			for p.acceptP(",") {
				f.Args = append(f.Args, p.parseExpr())
			}
		}
		p.expectP(")")
		p.parseCallSuffix(f)
		return f
	case "OVERLAY":
		p.next()
		p.next()
		o := &OverlayExpr{Pos: t.pos, X: p.parseExpr()}
		p.expectKw("PLACING")
		o.Placing = p.parseExpr()
		p.expectKw("FROM")
		o.From = p.parseExpr()
		if p.acceptKw("FOR") {
			o.For = p.parseExpr()
		}
		p.expectP(")")
		return o
	case "TIMESTAMPADD", "TIMESTAMPDIFF":
		p.next()
		p.next()
		f := &FuncCall{Pos: t.pos, Name: []string{t.text}}
		f.Args = append(f.Args, &TimeUnitExpr{Pos: p.peek().pos, Unit: p.parseTimeUnit()})
		for p.acceptP(",") {
			f.Args = append(f.Args, p.parseExpr())
		}
		p.expectP(")")
		return f
	case "DESCRIPTOR":
		p.next()
		d := &DescriptorExpr{Pos: t.pos}
		d.Columns = p.parseIdentList()
		return d
	case "JSON_VALUE", "JSON_QUERY", "JSON_EXISTS":
		return p.parseJSONPathFunc(t, u)
	case "JSON_OBJECT":
		return p.parseJSONObject(t)
	case "JSON_ARRAY":
		return p.parseJSONArray(t)
	}
	return nil
}

func (p *parser) parseTrim(t token) Expr {
	p.next()
	p.next()
	tr := &TrimExpr{Pos: t.pos}
	switch u := upper(p.peek()); u {
	case "BOTH", "LEADING", "TRAILING":
		p.next()
		tr.Mode = u
		if p.acceptKw("FROM") {
			tr.X = p.parseExpr()
			p.expectP(")")
			return tr
		}
	}
	first := p.parseExpr()
	if p.acceptKw("FROM") {
		tr.Chars = first
		tr.X = p.parseExpr()
	} else {
		if tr.Mode != "" {
			p.expectKw("FROM")
		}
		tr.X = first
	}
	p.expectP(")")
	return tr
}

// parseJSONPathFunc parses JSON_VALUE, JSON_QUERY and JSON_EXISTS.
func (p *parser) parseJSONPathFunc(t token, u string) Expr {
	p.next()
	p.next()
	x := p.parseExpr()
	p.expectP(",")
	path := p.parseExpr()
	switch u {
	case "JSON_EXISTS":
		e := &JSONExistsExpr{Pos: t.pos, X: x, Path: path}
		if b := p.parseJSONBehavior("TRUE", "FALSE", "UNKNOWN", "ERROR"); b != nil {
			p.expectKws("ON", "ERROR")
			e.OnError = b
		}
		p.expectP(")")
		return e
	case "JSON_VALUE":
		e := &JSONValueExpr{Pos: t.pos, X: x, Path: path}
		if p.acceptKw("RETURNING") {
			e.Returning = p.parseDataType()
		}
		e.OnEmpty, e.OnError = p.parseJSONOnEmptyError("NULL", "ERROR", "DEFAULT")
		p.expectP(")")
		return e
	}
	e := &JSONQueryExpr{Pos: t.pos, X: x, Path: path}
	if p.acceptKw("RETURNING") {
		e.Returning = p.parseDataType()
	}
	switch {
	case p.acceptKw("WITHOUT"):
		p.acceptKw("ARRAY")
		p.expectKw("WRAPPER")
		e.Wrapper = "WITHOUT ARRAY"
	case p.acceptKw("WITH"):
		if p.acceptKw("CONDITIONAL") {
			e.Wrapper = "WITH CONDITIONAL ARRAY"
		} else {
			p.acceptKw("UNCONDITIONAL")
			e.Wrapper = "WITH UNCONDITIONAL ARRAY"
		}
		p.acceptKw("ARRAY")
		p.expectKw("WRAPPER")
	}
	e.OnEmpty, e.OnError = p.parseJSONOnEmptyError("NULL", "ERROR", "EMPTY")
	p.expectP(")")
	return e
}

// parseJSONOnEmptyError parses up to one "b ON EMPTY" then one "b ON ERROR".
func (p *parser) parseJSONOnEmptyError(kinds ...string) (onEmpty, onError *JSONBehavior) {
	for range 2 {
		b := p.parseJSONBehavior(kinds...)
		if b == nil {
			return
		}
		p.expectKw("ON")
		if onEmpty == nil && onError == nil && p.acceptKw("EMPTY") {
			onEmpty = b
			continue
		}
		p.expectKw("ERROR")
		onError = b
		return
	}
	return
}

// parseJSONBehavior parses NULL | ERROR | TRUE | FALSE | UNKNOWN |
// DEFAULT expr | EMPTY ARRAY | EMPTY OBJECT, restricted to kinds, when
// followed by ON. It returns nil if none is present.
func (p *parser) parseJSONBehavior(kinds ...string) *JSONBehavior {
	t := p.peek()
	u := upper(t)
	for _, k := range kinds {
		p.noteExpected(k)
		if u != k {
			continue
		}
		switch k {
		case "DEFAULT":
			p.next()
			return &JSONBehavior{Pos: t.pos, Kind: k, Default: p.parseExpr()}
		case "EMPTY":
			p.next()
			if p.acceptKw("ARRAY") {
				return &JSONBehavior{Pos: t.pos, Kind: "EMPTY ARRAY"}
			}
			p.expectKw("OBJECT")
			return &JSONBehavior{Pos: t.pos, Kind: "EMPTY OBJECT"}
		}
		if !isKw(p.peekN(1), "ON") {
			return nil
		}
		p.next()
		return &JSONBehavior{Pos: t.pos, Kind: k}
	}
	return nil
}

// parseJSONOnNull parses an optional "NULL ON NULL" / "ABSENT ON NULL".
func (p *parser) parseJSONOnNull() string {
	t := p.peek()
	if (isKw(t, "NULL") || isKw(t, "ABSENT")) && isKw(p.peekN(1), "ON") && isKw(p.peekN(2), "NULL") {
		p.next()
		p.next()
		p.next()
		return upper(t)
	}
	return ""
}

func (p *parser) parseJSONObject(t token) Expr {
	p.next()
	p.next()
	o := &JSONObjectExpr{Pos: t.pos}
	for !isP(p.peek(), ")") {
		if o.OnNull = p.parseJSONOnNull(); o.OnNull != "" {
			break
		}
		kt := p.peek()
		if isKw(kt, "KEY") && !isP(p.peekN(1), ",") && !isKw(p.peekN(1), "VALUE") {
			p.next()
		}
		kv := &JSONKeyValue{Pos: kt.pos, Key: p.parseAdditive()}
		if !p.acceptKw("VALUE") {
			p.expectP(":")
		}
		kv.Value = p.parseExpr()
		o.Entries = append(o.Entries, kv)
		if !p.acceptP(",") {
			o.OnNull = p.parseJSONOnNull()
			break
		}
	}
	p.expectP(")")
	return o
}

func (p *parser) parseJSONArray(t token) Expr {
	p.next()
	p.next()
	a := &JSONArrayExpr{Pos: t.pos}
	for !isP(p.peek(), ")") {
		if a.OnNull = p.parseJSONOnNull(); a.OnNull != "" {
			break
		}
		a.Elems = append(a.Elems, p.parseExpr())
		if !p.acceptP(",") {
			a.OnNull = p.parseJSONOnNull()
			break
		}
	}
	p.expectP(")")
	return a
}
