package sql

import (
	"strings"
	"unicode/utf8"
)

// tokKind is the lexical class of a token.
type tokKind uint8

const (
	tEOF       tokKind = iota
	tIdent             // unquoted identifier or keyword; text is as written
	tQIdent            // backtick-quoted identifier; text is unescaped
	tString            // '...' string; text is unescaped
	tBinary            // X'..'; text is the hex digits
	tNumber            // numeric literal; text is as written
	tPunct             // operator or punctuation; text is the symbol
	tHintStart         // "/*+"
	tHintEnd           // "*/" closing a hint
	tIllegal           // lexical error; text is the message
)

// token is one lexical token. Text slices the source where possible, so the
// lexer allocates only for strings that contain escapes.
type token struct {
	kind tokKind
	num  NumberKind // for tNumber
	text string
	pos  Pos
	end  int // byte offset just past the token
}

// lexer turns SQL source into tokens.
type lexer struct {
	src       string
	off       int
	line      int
	lineStart int
	inHint    bool
}

func newLexer(src string) *lexer { return &lexer{src: src, line: 1} }

func (l *lexer) posAt(off int) Pos {
	return Pos{Line: l.line, Col: off - l.lineStart + 1, Offset: off}
}

// advanceTo moves the cursor to off, tracking line starts.
func (l *lexer) advanceTo(off int) {
	for i := l.off; i < off; i++ {
		if l.src[i] == '\n' {
			l.line++
			l.lineStart = i + 1
		}
	}
	l.off = off
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skipSpace skips white space and comments. It returns an illegal token for
// an unterminated block comment.
func (l *lexer) skipSpace() (token, bool) {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.off++
		case c == '\n':
			l.advanceTo(l.off + 1)
		case c == '-' && strings.HasPrefix(l.src[l.off:], "--"):
			i := strings.IndexByte(l.src[l.off:], '\n')
			if i < 0 {
				l.off = len(l.src)
			} else {
				l.advanceTo(l.off + i + 1)
			}
		case c == '/' && strings.HasPrefix(l.src[l.off:], "/*") && !strings.HasPrefix(l.src[l.off:], "/*+"):
			start := l.posAt(l.off)
			i := strings.Index(l.src[l.off+2:], "*/")
			if i < 0 {
				l.advanceTo(len(l.src))
				return token{kind: tIllegal, text: "unterminated comment (missing */)", pos: start, end: len(l.src)}, true
			}
			l.advanceTo(l.off + 2 + i + 2)
		default:
			return token{}, false
		}
	}
	return token{}, false
}

// next returns the next token.
func (l *lexer) next() token {
	if t, bad := l.skipSpace(); bad {
		return t
	}
	start := l.off
	pos := l.posAt(start)
	if start >= len(l.src) {
		return token{kind: tEOF, pos: pos, end: start}
	}
	src := l.src
	c := src[start]
	tok := func(k tokKind, end int, text string) token {
		l.advanceTo(end)
		return token{kind: k, text: text, pos: pos, end: end}
	}
	switch {
	case (c == 'x' || c == 'X') && start+1 < len(src) && src[start+1] == '\'':
		s, end, msg := l.scanString(start + 1)
		if msg != "" {
			return tok(tIllegal, end, msg)
		}
		for i := 0; i < len(s); i++ {
			if !isHex(s[i]) {
				return tok(tIllegal, end, "invalid hexadecimal digit in binary literal")
			}
		}
		if len(s)%2 != 0 {
			return tok(tIllegal, end, "binary literal must have an even number of hexadecimal digits")
		}
		return tok(tBinary, end, s)
	case (c == 'u' || c == 'U') && strings.HasPrefix(src[start+1:], "&'"):
		s, end, msg := l.scanString(start + 2)
		if msg != "" {
			return tok(tIllegal, end, msg)
		}
		d, ok := decodeUnicodeEscapes(s)
		if !ok {
			return tok(tIllegal, end, "invalid unicode escape in U& string literal")
		}
		return tok(tString, end, d)
	case isIdentStart(c):
		i := start + 1
		for i < len(src) && isIdentPart(src[i]) {
			i++
		}
		return tok(tIdent, i, src[start:i])
	case isDigit(c) || c == '.' && start+1 < len(src) && isDigit(src[start+1]):
		return l.scanNumber(start, pos)
	case c == '\'':
		s, end, msg := l.scanString(start)
		if msg != "" {
			return tok(tIllegal, end, msg)
		}
		return tok(tString, end, s)
	case c == '`':
		return l.scanQuotedIdent(start, pos)
	}
	if l.inHint && strings.HasPrefix(src[start:], "*/") {
		l.inHint = false
		return tok(tHintEnd, start+2, "*/")
	}
	if strings.HasPrefix(src[start:], "/*+") {
		l.inHint = true
		return tok(tHintStart, start+3, "/*+")
	}
	if start+1 < len(src) {
		switch src[start : start+2] {
		case "<>", "!=", "<=", ">=", "||", "=>":
			return tok(tPunct, start+2, src[start:start+2])
		}
	}
	switch c {
	case '(', ')', '[', ']', ',', ';', '.', '+', '-', '*', '/', '%', '=', '<', '>', '?', ':', '{', '}', '^', '|':
		return tok(tPunct, start+1, src[start:start+1])
	}
	_, size := utf8.DecodeRuneInString(src[start:])
	return tok(tIllegal, start+size, "unexpected character "+quoteText(src[start:start+size]))
}

// scanString scans a '...' literal starting at the quote at off. It returns
// the unescaped contents, the end offset, and an error message if the
// literal is not terminated.
func (l *lexer) scanString(off int) (string, int, string) {
	s, end, ok := scanQuoted(l.src, off, '\'')
	if !ok {
		return "", end, "unterminated string literal (missing closing ')"
	}
	return s, end, ""
}

func (l *lexer) scanQuotedIdent(start int, pos Pos) token {
	text, end, ok := scanQuoted(l.src, start, '`')
	l.advanceTo(end)
	switch {
	case !ok:
		return token{kind: tIllegal, text: "unterminated quoted identifier (missing closing `)", pos: pos, end: end}
	case text == "":
		return token{kind: tIllegal, text: "empty quoted identifier", pos: pos, end: end}
	}
	return token{kind: tQIdent, text: text, pos: pos, end: end}
}

// scanQuoted scans text enclosed in q starting at the opening quote at off,
// where a doubled q stands for one (SQL's only escape in both '...' strings
// and `...` identifiers). It returns the unescaped contents and the offset
// after the closing quote, or ok=false and len(src) when there is none.
// Contents without escapes are a substring of src, so they cost nothing.
func scanQuoted(src string, off int, q byte) (text string, end int, ok bool) {
	i := off + 1
	var b *strings.Builder
	segStart := i
	for {
		j := strings.IndexByte(src[i:], q)
		if j < 0 {
			return "", len(src), false
		}
		i += j
		if i+1 < len(src) && src[i+1] == q {
			if b == nil {
				b = &strings.Builder{}
			}
			b.WriteString(src[segStart : i+1])
			i += 2
			segStart = i
			continue
		}
		if b == nil {
			return src[off+1 : i], i + 1, true
		}
		b.WriteString(src[segStart:i])
		return b.String(), i + 1, true
	}
}

func (l *lexer) scanNumber(start int, pos Pos) token {
	src := l.src
	i := start
	kind := IntegerNumber
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' && !(i+1 < len(src) && src[i+1] == '.') {
		kind = DecimalNumber
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			kind = ApproxNumber
			i = j
		}
	}
	l.advanceTo(i)
	return token{kind: tNumber, num: kind, text: src[start:i], pos: pos, end: i}
}

// decodeUnicodeEscapes resolves \XXXX, \+XXXXXX and \\ in a U&'...' literal.
func decodeUnicodeEscapes(s string) (string, bool) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		n := 4
		if i+1 < len(s) && s[i+1] == '\\' {
			b.WriteByte('\\')
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '+' {
			n = 6
			i++
		}
		if i+n >= len(s) {
			return "", false
		}
		r := rune(0)
		for k := 1; k <= n; k++ {
			c := s[i+k]
			if !isHex(c) {
				return "", false
			}
			r = r*16 + rune(hexVal(c))
		}
		if !utf8.ValidRune(r) {
			return "", false
		}
		b.WriteRune(r)
		i += n
	}
	return b.String(), true
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// quoteText renders token text for error messages.
func quoteText(s string) string {
	return "\"" + s + "\""
}

// tokenize lexes the whole source. On a lexical error the last token is
// tIllegal; otherwise it is tEOF.
func tokenize(src string) []token {
	l := newLexer(src)
	toks := make([]token, 0, len(src)/4+1)
	for {
		t := l.next()
		toks = append(toks, t)
		if t.kind == tEOF || t.kind == tIllegal {
			return toks
		}
	}
}
