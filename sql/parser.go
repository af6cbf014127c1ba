package sql

import (
	"strings"
)

// Parse parses a script of statements separated by ';'. A STATEMENT SET
// block (BEGIN STATEMENT SET; ...; END) is one statement. Empty statements
// are skipped. The error, if any, is an *Error.
func Parse(src string) ([]Stmt, error) {
	p := newParser(src)
	var stmts []Stmt
	err := p.run(func() {
		for {
			for p.acceptP(";") {
			}
			if p.peek().kind == tEOF {
				return
			}
			stmts = append(stmts, p.parseStatement())
			if p.peek().kind != tEOF {
				p.expectP(";")
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return stmts, nil
}

// ParseOne parses exactly one statement, optionally followed by ';'.
func ParseOne(src string) (Stmt, error) {
	p := newParser(src)
	var st Stmt
	err := p.run(func() {
		if p.peek().kind == tEOF {
			p.fail(&Error{Pos: p.peek().pos, Msg: "empty statement"})
		}
		st = p.parseStatement()
		p.acceptP(";")
		if p.peek().kind != tEOF {
			p.noteExpected("end of input")
			p.errUnexpected()
		}
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// ParseExpr parses a single scalar expression, such as "a + 1" or
// "CAST(ts AS TIMESTAMP(3))".
func ParseExpr(src string) (Expr, error) {
	p := newParser(src)
	var e Expr
	err := p.run(func() {
		e = p.parseExpr()
		if p.peek().kind != tEOF {
			p.noteExpected("end of input")
			p.errUnexpected()
		}
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// parser is a recursive-descent parser over a pre-lexed token slice. Errors
// unwind with panic(bailout) and are recovered in run.
type parser struct {
	src  string
	toks []token
	i    int
	// expected records the alternatives tried at token index expIdx, for
	// error messages.
	expIdx   int
	expected []string
	depth    int
}

type bailout struct{ err *Error }

// maxDepth bounds recursion so hostile input cannot overflow the stack.
const maxDepth = 1000

func newParser(src string) *parser {
	return &parser{src: src, toks: tokenize(src), expIdx: -1}
}

func (p *parser) run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	f()
	return nil
}

func (p *parser) fail(e *Error) { panic(bailout{e}) }

// enter guards recursion depth; callers defer p.leave().
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail(&Error{Pos: p.peek().pos, Msg: "statement is nested too deeply"})
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) peek() token { return p.toks[p.i] }

// peekN returns the token n places ahead (the final EOF/illegal token when
// past the end).
func (p *parser) peekN(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

// noteExpected records an alternative accepted at the current token.
func (p *parser) noteExpected(what string) {
	if p.i != p.expIdx {
		if p.i < p.expIdx {
			return
		}
		p.expIdx = p.i
		p.expected = p.expected[:0]
	}
	for _, e := range p.expected {
		if e == what {
			return
		}
	}
	p.expected = append(p.expected, what)
}

func isKw(t token, kw string) bool {
	return t.kind == tIdent && len(t.text) == len(kw) && strings.EqualFold(t.text, kw)
}

func isP(t token, s string) bool { return t.kind == tPunct && t.text == s }

// atKw reports whether the current token is keyword kw, recording it as
// expected.
func (p *parser) atKw(kw string) bool {
	p.noteExpected(kw)
	return isKw(p.peek(), kw)
}

func (p *parser) acceptKw(kw string) bool {
	if p.atKw(kw) {
		p.next()
		return true
	}
	return false
}

// acceptKws accepts the keyword sequence kws if it is next in full.
func (p *parser) acceptKws(kws ...string) bool {
	p.noteExpected(strings.Join(kws, " "))
	for k, kw := range kws {
		if !isKw(p.peekN(k), kw) {
			if k == 1 && kw == "BY" {
				// GROUP/ORDER/PARTITION are reserved: commit and report the
				// missing BY where it belongs.
				p.next()
				p.expectKw("BY")
			}
			return false
		}
	}
	for range kws {
		p.next()
	}
	return true
}

func (p *parser) expectKw(kw string) token {
	t := p.peek()
	if !p.acceptKw(kw) {
		p.errUnexpected()
	}
	return t
}

func (p *parser) expectKws(kws ...string) token {
	t := p.peek()
	for _, kw := range kws {
		p.expectKw(kw)
	}
	return t
}

func (p *parser) atP(s string) bool {
	p.noteExpected(`"` + s + `"`)
	return isP(p.peek(), s)
}

func (p *parser) acceptP(s string) bool {
	if p.atP(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectP(s string) token {
	t := p.peek()
	if !p.acceptP(s) {
		p.errUnexpected()
	}
	return t
}

// errUnexpected fails at the current token with the recorded alternatives.
func (p *parser) errUnexpected() {
	t := p.peek()
	if t.kind == tIllegal {
		p.fail(&Error{Pos: t.pos, Msg: t.text})
	}
	var exp []string
	if p.expIdx == p.i {
		exp = append(exp, p.expected...)
	}
	msg := "unexpected " + describeToken(t)
	if len(exp) > 0 {
		msg += ", expected " + formatExpected(exp)
	}
	e := &Error{Pos: t.pos, Msg: msg, Expected: exp}
	if t.kind != tEOF {
		e.Token = t.text
	}
	if t.kind == tIdent {
		e.Suggestion = suggestKeyword(t.text, exp)
	}
	p.fail(e)
}

// errAt fails with a custom message at token t.
func (p *parser) errAt(t token, msg string) {
	if t.kind == tIllegal {
		p.fail(&Error{Pos: t.pos, Msg: t.text})
	}
	e := &Error{Pos: t.pos, Msg: msg}
	if t.kind != tEOF {
		e.Token = t.text
	}
	p.fail(e)
}

// parseIdent parses a single identifier (unquoted non-reserved word or
// backtick-quoted).
func (p *parser) parseIdent() *Ident {
	t := p.peek()
	p.noteExpected("identifier")
	switch {
	case t.kind == tQIdent, t.kind == tIdent && !isReserved(t.text):
		p.next()
		return &Ident{Pos: t.pos, Name: t.text}
	}
	p.errUnexpected()
	return nil
}

// parseAnyWord parses an identifier after a dot, where reserved words are
// allowed (t.date, t.value).
func (p *parser) parseAnyWord() *Ident {
	t := p.peek()
	p.noteExpected("identifier")
	if t.kind == tQIdent || t.kind == tIdent {
		p.next()
		return &Ident{Pos: t.pos, Name: t.text}
	}
	p.errUnexpected()
	return nil
}

// atIdent reports whether the current token can start an identifier.
func (p *parser) atIdent() bool {
	t := p.peek()
	return t.kind == tQIdent || t.kind == tIdent && !isReserved(t.text)
}

// parseObjectName parses a.b.c.
func (p *parser) parseObjectName() *ObjectName {
	first := p.parseIdent()
	n := &ObjectName{Pos: first.Pos, Parts: []string{first.Name}}
	for isP(p.peek(), ".") && (p.peekN(1).kind == tIdent || p.peekN(1).kind == tQIdent) {
		p.next()
		n.Parts = append(n.Parts, p.parseAnyWord().Name)
	}
	return n
}

// parseIdentList parses "(a, b, c)".
func (p *parser) parseIdentList() []*Ident {
	p.expectP("(")
	var out []*Ident
	for {
		out = append(out, p.parseIdent())
		if !p.acceptP(",") {
			break
		}
	}
	p.expectP(")")
	return out
}

func (p *parser) parseStringLit() *StringLit {
	t := p.peek()
	p.noteExpected("string literal")
	if t.kind != tString {
		p.errUnexpected()
	}
	p.next()
	return &StringLit{Pos: t.pos, Value: t.text}
}

// parseIntLit parses an unsigned integer literal that fits in an int.
func (p *parser) parseIntLit() int {
	t := p.peek()
	p.noteExpected("integer")
	if t.kind != tNumber || t.num != IntegerNumber {
		p.errUnexpected()
	}
	n := 0
	for i := 0; i < len(t.text); i++ {
		n = n*10 + int(t.text[i]-'0')
		if n > 1<<31 {
			p.errAt(t, "integer "+t.text+" is too large")
		}
	}
	p.next()
	return n
}

// atStmtEnd reports whether the current token ends a statement. A lexical
// error at the current token fails the parse (so raw-text loops terminate).
func (p *parser) atStmtEnd() bool {
	t := p.peek()
	if t.kind == tIllegal {
		p.errUnexpected()
	}
	return t.kind == tEOF || isP(t, ";")
}
