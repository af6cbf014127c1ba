package sql

// parseCreate parses CREATE [TEMPORARY [SYSTEM]] TABLE|VIEW|FUNCTION|CATALOG|DATABASE.
func (p *parser) parseCreate() Stmt {
	t := p.next()
	temp := p.acceptKw("TEMPORARY")
	system := temp && p.acceptKw("SYSTEM")
	switch {
	case !system && p.acceptKw("TABLE"):
		return p.parseCreateTable(t, temp)
	case !system && p.acceptKw("VIEW"):
		v := &CreateView{Pos: t.pos, Temporary: temp}
		v.IfNotExists = p.acceptKws("IF", "NOT", "EXISTS")
		v.Name = p.parseObjectName()
		if isP(p.peek(), "(") {
			v.Columns = p.parseIdentList()
		}
		if p.acceptKw("COMMENT") {
			v.Comment = p.parseStringLit()
		}
		p.expectKw("AS")
		v.Query = p.parseQuery()
		return v
	case p.acceptKw("FUNCTION"):
		f := &CreateFunction{Pos: t.pos, Temporary: temp, System: system}
		f.IfNotExists = p.acceptKws("IF", "NOT", "EXISTS")
		f.Name = p.parseObjectName()
		p.expectKw("AS")
		f.ClassName = p.parseStringLit()
		if p.acceptKw("LANGUAGE") {
			u := upper(p.peek())
			switch u {
			case "JAVA", "SCALA", "PYTHON", "GO":
				p.next()
				f.Language = u
			default:
				for _, l := range []string{"JAVA", "SCALA", "PYTHON", "GO"} {
					p.noteExpected(l)
				}
				p.errUnexpected()
			}
		}
		if p.acceptKw("USING") {
			p.errAt(p.toks[p.i-1], "CREATE FUNCTION ... USING JAR is not supported")
		}
		return f
	case !temp && p.acceptKw("CATALOG"):
		c := &CreateCatalog{Pos: t.pos}
		c.Name = p.parseIdent()
		if p.acceptKw("COMMENT") {
			p.parseStringLit()
		}
		p.expectKw("WITH")
		c.Options = p.parseOptions()
		return c
	case !temp && p.acceptKw("DATABASE"):
		d := &CreateDatabase{Pos: t.pos}
		d.IfNotExists = p.acceptKws("IF", "NOT", "EXISTS")
		d.Name = p.parseObjectName()
		if p.acceptKw("COMMENT") {
			d.Comment = p.parseStringLit()
		}
		if p.acceptKw("WITH") {
			d.Options = p.parseOptions()
		}
		return d
	}
	p.errUnexpected()
	return nil
}

// parseDrop parses DROP [TEMPORARY [SYSTEM]] TABLE|VIEW|FUNCTION|CATALOG|DATABASE.
func (p *parser) parseDrop() Stmt {
	t := p.next()
	temp := p.acceptKw("TEMPORARY")
	system := temp && p.acceptKw("SYSTEM")
	switch {
	case !system && p.acceptKw("TABLE"):
		d := &DropTable{Pos: t.pos, Temporary: temp}
		d.IfExists = p.acceptKws("IF", "EXISTS")
		d.Name = p.parseObjectName()
		return d
	case !system && p.acceptKw("VIEW"):
		d := &DropView{Pos: t.pos, Temporary: temp}
		d.IfExists = p.acceptKws("IF", "EXISTS")
		d.Name = p.parseObjectName()
		return d
	case p.acceptKw("FUNCTION"):
		d := &DropFunction{Pos: t.pos, Temporary: temp, System: system}
		d.IfExists = p.acceptKws("IF", "EXISTS")
		d.Name = p.parseObjectName()
		return d
	case !temp && p.acceptKw("CATALOG"):
		d := &DropCatalog{Pos: t.pos}
		d.IfExists = p.acceptKws("IF", "EXISTS")
		d.Name = p.parseIdent()
		return d
	case !temp && p.acceptKw("DATABASE"):
		d := &DropDatabase{Pos: t.pos}
		d.IfExists = p.acceptKws("IF", "EXISTS")
		d.Name = p.parseObjectName()
		if p.acceptKw("CASCADE") {
			d.Cascade = true
		} else {
			p.acceptKw("RESTRICT")
		}
		return d
	}
	p.errUnexpected()
	return nil
}

// parseOptions parses "('k' = 'v', ...)".
func (p *parser) parseOptions() []*Option {
	p.expectP("(")
	var opts []*Option
	if p.acceptP(")") {
		return opts
	}
	for {
		k := p.parseStringLit()
		p.expectP("=")
		v := p.parseStringLit()
		opts = append(opts, &Option{Pos: k.Pos, Key: k.Value, Value: v.Value, ValuePos: v.Pos})
		if !p.acceptP(",") {
			break
		}
	}
	p.expectP(")")
	return opts
}

func (p *parser) parseCreateTable(t token, temp bool) *CreateTable {
	ct := &CreateTable{Pos: t.pos, Temporary: temp}
	ct.IfNotExists = p.acceptKws("IF", "NOT", "EXISTS")
	ct.Name = p.parseObjectName()
	if p.acceptP("(") {
		for {
			p.parseTableElement(ct)
			if !p.acceptP(",") {
				break
			}
		}
		p.expectP(")")
	}
	if p.acceptKw("COMMENT") {
		ct.Comment = p.parseStringLit()
	}
	if p.acceptKws("PARTITIONED", "BY") {
		ct.PartitionedBy = p.parseIdentList()
	}
	if p.acceptKw("WITH") {
		ct.Options = p.parseOptions()
	}
	if lt := p.peek(); p.acceptKw("LIKE") {
		ct.Like = &TableLike{Pos: lt.pos, Name: p.parseObjectName()}
		if p.acceptP("(") {
			for {
				w := p.peek()
				if !p.acceptKw("INCLUDING") && !p.acceptKw("EXCLUDING") && !p.acceptKw("OVERWRITING") {
					p.errUnexpected()
				}
				what := p.peek()
				switch upper(what) {
				case "ALL", "CONSTRAINTS", "GENERATED", "METADATA", "OPTIONS", "PARTITIONS", "WATERMARKS":
					p.next()
				default:
					p.noteExpected("ALL")
					p.noteExpected("OPTIONS")
					p.errUnexpected()
				}
				ct.Like.Options = append(ct.Like.Options, upper(w)+" "+upper(what))
				if !p.acceptP(",") {
					break
				}
			}
			p.expectP(")")
		}
	}
	if p.acceptKw("AS") {
		ct.AsQuery = p.parseQuery()
	}
	return ct
}

// parseTableElement parses a column, WATERMARK, or PRIMARY KEY entry.
func (p *parser) parseTableElement(ct *CreateTable) {
	t := p.peek()
	switch {
	case isKw(t, "WATERMARK") && isKw(p.peekN(1), "FOR"):
		if ct.Watermark != nil {
			p.errAt(t, "a table may have only one WATERMARK")
		}
		p.next()
		p.next()
		w := &WatermarkDef{Pos: t.pos, Column: p.parseObjectName()}
		p.expectKw("AS")
		w.Expr = p.parseExpr()
		ct.Watermark = w
		return
	case isKw(t, "PRIMARY") && isKw(p.peekN(1), "KEY"), isKw(t, "CONSTRAINT"):
		if ct.PrimaryKey != nil || hasColumnKey(ct) {
			p.errAt(t, "a table may have only one PRIMARY KEY")
		}
		pk := p.parseConstraint()
		pk.Columns = p.parseIdentList()
		p.parseNotEnforced(pk)
		ct.PrimaryKey = pk
		return
	}
	name := p.parseIdent()
	c := &ColumnDef{Pos: name.Pos, Name: name}
	if p.acceptKw("AS") {
		c.Kind = ComputedColumn
		c.Expr = p.parseExpr()
	} else {
		c.Type = p.parseDataType()
		if p.acceptKw("METADATA") {
			c.Kind = MetadataColumn
			if p.acceptKw("FROM") {
				c.MetadataKey = p.parseStringLit()
			}
			c.Virtual = p.acceptKw("VIRTUAL")
		}
	}
	if isKw(p.peek(), "PRIMARY") || isKw(p.peek(), "CONSTRAINT") {
		if ct.PrimaryKey != nil || hasColumnKey(ct) {
			p.errAt(p.peek(), "a table may have only one PRIMARY KEY")
		}
		c.PrimaryKey = p.parseConstraint()
		p.parseNotEnforced(c.PrimaryKey)
	}
	if p.acceptKw("COMMENT") {
		c.Comment = p.parseStringLit()
	}
	ct.Columns = append(ct.Columns, c)
}

func hasColumnKey(ct *CreateTable) bool {
	for _, c := range ct.Columns {
		if c.PrimaryKey != nil {
			return true
		}
	}
	return false
}

// parseConstraint parses "[CONSTRAINT name] PRIMARY KEY".
func (p *parser) parseConstraint() *PrimaryKey {
	t := p.peek()
	pk := &PrimaryKey{Pos: t.pos}
	if p.acceptKw("CONSTRAINT") {
		pk.Constraint = p.parseIdent()
	}
	p.expectKws("PRIMARY", "KEY")
	return pk
}

func (p *parser) parseNotEnforced(pk *PrimaryKey) {
	if p.acceptKws("NOT", "ENFORCED") {
		pk.NotEnforced = true
	}
}
