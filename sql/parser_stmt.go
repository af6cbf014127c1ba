package sql

import "strings"

// statementKeywords are the words that can start a statement (for errors).
var statementKeywords = []string{"SELECT", "WITH", "VALUES", "INSERT", "CREATE", "DROP", "SHOW",
	"USE", "DESCRIBE", "DESC", "EXPLAIN", "SET", "RESET", "BEGIN", "EXECUTE", "STOP"}

// parseStatement parses one statement (without the terminating ';').
func (p *parser) parseStatement() Stmt {
	t := p.peek()
	switch upper(t) {
	case "SELECT", "WITH", "VALUES":
		return &QueryStmt{Pos: t.pos, Query: p.parseQuery()}
	case "INSERT":
		return p.parseInsert()
	case "CREATE":
		return p.parseCreate()
	case "DROP":
		return p.parseDrop()
	case "SHOW":
		return p.parseShow()
	case "USE":
		return p.parseUse()
	case "DESCRIBE", "DESC":
		p.next()
		d := &Describe{Pos: t.pos}
		d.Extended = p.acceptKw("EXTENDED")
		d.Name = p.parseObjectName()
		return d
	case "EXPLAIN":
		return p.parseExplain()
	case "SET":
		return p.parseSet()
	case "RESET":
		return p.parseReset()
	case "BEGIN":
		return p.parseStatementSet()
	case "STOP":
		return p.parseStopJob()
	case "EXECUTE":
		p.next()
		if isKw(p.peek(), "STATEMENT") {
			ss := p.parseStatementSet()
			ss.Pos = t.pos
			return ss
		}
		return &Execute{Pos: t.pos, Stmt: p.parseExecutable()}
	}
	if isP(t, "(") {
		return &QueryStmt{Pos: t.pos, Query: p.parseQuery()}
	}
	for _, k := range statementKeywords {
		p.noteExpected(k)
	}
	p.errUnexpected()
	return nil
}

// parseExecutable parses the statement of EXECUTE / EXPLAIN: a query, an
// INSERT, or a statement set.
func (p *parser) parseExecutable() Stmt {
	t := p.peek()
	switch {
	case p.atKw("INSERT"):
		return p.parseInsert()
	case p.atKw("STATEMENT"), p.atKw("BEGIN"):
		return p.parseStatementSet()
	case p.atQueryStart(), isP(t, "("):
		return &QueryStmt{Pos: t.pos, Query: p.parseQuery()}
	}
	p.errUnexpected()
	return nil
}

// parseInsert parses INSERT INTO|OVERWRITE name [hints] [PARTITION (..)] [(cols)] query.
func (p *parser) parseInsert() *Insert {
	t := p.expectKw("INSERT")
	ins := &Insert{Pos: t.pos}
	if p.acceptKw("OVERWRITE") {
		ins.Overwrite = true
	} else {
		p.expectKw("INTO")
	}
	ins.Table = p.parseObjectName()
	if isHintStart(p.peek()) {
		ins.Hints = p.parseHints()
	}
	if p.acceptKw("PARTITION") {
		p.expectP("(")
		for {
			name := p.parseIdent()
			p.expectP("=")
			ins.Partition = append(ins.Partition, &PartitionValue{Pos: name.Pos, Name: name, Value: p.parseAdditive()})
			if !p.acceptP(",") {
				break
			}
		}
		p.expectP(")")
	}
	if isP(p.peek(), "(") && !p.atQueryStartAfterParen() {
		ins.Columns = p.parseIdentList()
	}
	ins.Source = p.parseQuery()
	return ins
}

// parseStatementSet parses "BEGIN STATEMENT SET; ... END" or (after
// EXECUTE / EXPLAIN) "STATEMENT SET BEGIN ... END".
func (p *parser) parseStatementSet() *StatementSet {
	t := p.peek()
	ss := &StatementSet{Pos: t.pos}
	if p.acceptKw("BEGIN") {
		p.expectKws("STATEMENT", "SET")
		p.expectP(";")
	} else {
		ss.Execute = true
		p.expectKws("STATEMENT", "SET", "BEGIN")
	}
	for {
		for p.acceptP(";") {
		}
		if p.acceptKw("END") {
			return ss
		}
		if p.peek().kind == tEOF {
			p.noteExpected("END")
			p.noteExpected("INSERT")
			p.errUnexpected()
		}
		ss.Inserts = append(ss.Inserts, p.parseInsert())
		if !p.atKw("END") {
			p.expectP(";")
		}
	}
}

// parseExplain parses EXPLAIN [PLAN FOR | detail, ...] stmt.
func (p *parser) parseExplain() *Explain {
	t := p.next()
	e := &Explain{Pos: t.pos}
	if p.acceptKws("PLAN", "FOR") {
		e.PlanFor = true
	} else {
		for {
			u := upper(p.peek())
			if !explainDetails[u] {
				break
			}
			p.next()
			e.Details = append(e.Details, u)
			if !p.acceptP(",") {
				break
			}
		}
	}
	// EXPLAIN EXECUTE STATEMENT SET ... is the same as EXPLAIN STATEMENT SET.
	p.acceptKw("EXECUTE")
	e.Stmt = p.parseExecutable()
	return e
}

// rawText returns the source text of tokens [from, to) trimmed.
func (p *parser) rawText(from, to int) string {
	if from >= to {
		return ""
	}
	return strings.TrimSpace(p.src[p.toks[from].pos.Offset:p.toks[to-1].end])
}

// parseSet parses SET, SET 'k' = 'v', or SET k.a-b = value.
func (p *parser) parseSet() *Set {
	t := p.next()
	s := &Set{Pos: t.pos}
	if p.atStmtEnd() {
		return s
	}
	s.KeyPos = p.peek().pos
	if p.peek().kind == tString {
		s.Key = p.next().text
	} else {
		start := p.i
		for !isP(p.peek(), "=") {
			if p.atStmtEnd() {
				p.noteExpected(`"="`)
				p.errUnexpected()
			}
			p.next()
		}
		s.Key = p.rawText(start, p.i)
		if s.Key == "" {
			p.noteExpected("option key")
			p.errUnexpected()
		}
	}
	p.expectP("=")
	s.ValuePos = p.peek().pos
	if p.peek().kind == tString && (p.peekN(1).kind == tEOF || isP(p.peekN(1), ";")) {
		s.Value = p.next().text
		return s
	}
	start := p.i
	for !p.atStmtEnd() {
		p.next()
	}
	s.Value = p.rawText(start, p.i)
	return s
}

// parseReset parses RESET or RESET 'key' / RESET key.
func (p *parser) parseReset() *Reset {
	t := p.next()
	r := &Reset{Pos: t.pos}
	if p.atStmtEnd() {
		return r
	}
	if p.peek().kind == tString {
		r.Key = p.next().text
		return r
	}
	start := p.i
	for !p.atStmtEnd() {
		p.next()
	}
	r.Key = p.rawText(start, p.i)
	return r
}

// parseUse parses USE CATALOG name or USE [cat.]db.
func (p *parser) parseUse() Stmt {
	t := p.next()
	if isKw(p.peek(), "CATALOG") && !isP(p.peekN(1), ";") && p.peekN(1).kind != tEOF && !isP(p.peekN(1), ".") {
		p.next()
		return &UseCatalog{Pos: t.pos, Name: p.parseIdent()}
	}
	return &UseDatabase{Pos: t.pos, Name: p.parseObjectName()}
}

// parseShow parses the SHOW family.
func (p *parser) parseShow() *Show {
	t := p.next()
	s := &Show{Pos: t.pos}
	switch {
	case p.acceptKw("TABLES"):
		s.Kind = ShowTables
	case p.acceptKw("VIEWS"):
		s.Kind = ShowViews
	case p.acceptKws("USER", "FUNCTIONS"):
		s.Kind, s.User = ShowFunctions, true
	case p.acceptKw("FUNCTIONS"):
		s.Kind = ShowFunctions
	case p.acceptKw("CATALOGS"):
		s.Kind = ShowCatalogs
	case p.acceptKw("DATABASES"):
		s.Kind = ShowDatabases
	case p.acceptKws("CURRENT", "CATALOG"):
		return &Show{Pos: t.pos, Kind: ShowCurrentCatalog}
	case p.acceptKws("CURRENT", "DATABASE"):
		return &Show{Pos: t.pos, Kind: ShowCurrentDatabase}
	case p.acceptKws("CREATE", "TABLE"):
		s.Kind, s.Name = ShowCreateTable, p.parseObjectName()
		return s
	case p.acceptKws("CREATE", "VIEW"):
		s.Kind, s.Name = ShowCreateView, p.parseObjectName()
		return s
	case p.acceptKw("COLUMNS"):
		s.Kind = ShowColumns
		if !p.acceptKw("FROM") {
			p.expectKw("IN")
		}
		s.Name = p.parseObjectName()
	case p.acceptKws("FULL", "MODULES"):
		s.Kind, s.Full = ShowModules, true
		return s
	case p.acceptKw("MODULES"):
		s.Kind = ShowModules
		return s
	case p.acceptKw("JOBS"):
		s.Kind = ShowJobs
		return s
	default:
		p.errUnexpected()
	}
	if s.Kind != ShowColumns && (p.acceptKw("FROM") || p.acceptKw("IN")) {
		s.Name = p.parseObjectName()
	}
	if p.acceptKw("NOT") {
		s.NotLike = true
		if !p.atKw("LIKE") && !p.atKw("ILIKE") {
			p.errUnexpected()
		}
	}
	if p.acceptKw("ILIKE") {
		s.ILike = true
		s.Like = p.parseStringLit()
	} else if p.acceptKw("LIKE") {
		s.Like = p.parseStringLit()
	}
	return s
}
