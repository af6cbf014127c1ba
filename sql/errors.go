package sql

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/internal/suggest"
)

// Error is a syntax error with its position. Token is the offending token as
// written ("" at end of input); Expected lists what would have been accepted
// (keywords upper case, punctuation quoted); Suggestion is the closest
// expected keyword when Token looks like a misspelling of one.
type Error struct {
	Pos        Pos
	Msg        string
	Token      string
	Expected   []string
	Suggestion string
}

// Error renders the error as
// `SQL parse error at line 3, column 15: unexpected "FORM", expected FROM (did you mean FROM?)`.
func (e *Error) Error() string {
	s := fmt.Sprintf("SQL parse error at line %d, column %d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	if e.Suggestion != "" {
		s += " (did you mean " + e.Suggestion + "?)"
	}
	return s
}

// Pretty renders the error followed by the offending source line and a caret
// under the error column, e.g.
//
//	SQL parse error at line 1, column 10: unexpected "FORM", expected FROM (did you mean FROM?)
//	SELECT a FORM t
//	         ^
func (e *Error) Pretty(src string) string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteByte('\n')
	line := e.Pos.Line
	if line < 1 {
		return b.String()
	}
	lines := strings.Split(src, "\n")
	if line > len(lines) {
		return b.String()
	}
	text := strings.TrimRight(lines[line-1], "\r")
	b.WriteString(strings.ReplaceAll(text, "\t", " "))
	b.WriteByte('\n')
	col := e.Pos.Col
	if col < 1 {
		col = 1
	}
	// Count runes (not bytes) before the column so the caret lines up.
	prefix := text
	if col-1 < len(prefix) {
		prefix = prefix[:col-1]
	}
	b.WriteString(strings.Repeat(" ", len([]rune(prefix))))
	b.WriteString("^\n")
	return b.String()
}

// describeToken renders a token for "unexpected ..." messages.
func describeToken(t token) string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tString:
		return "string '" + strings.ReplaceAll(t.text, "'", "''") + "'"
	case tQIdent:
		return "identifier `" + t.text + "`"
	case tHintStart:
		return "hint /*+"
	}
	return quoteText(t.text)
}

// formatExpected renders an expected-alternatives list.
func formatExpected(exp []string) string {
	switch len(exp) {
	case 0:
		return ""
	case 1:
		return exp[0]
	}
	if len(exp) > 12 {
		return "one of " + strings.Join(exp[:12], ", ") + ", ..."
	}
	return "one of " + strings.Join(exp, ", ")
}

// suggestKeyword returns the expected keyword closest to word by edit
// distance, if it is close enough to be a plausible misspelling.
func suggestKeyword(word string, expected []string) string {
	if len(word) < 2 {
		return ""
	}
	up := strings.ToUpper(word)
	best, bestD := "", 1<<30
	for _, e := range expected {
		kw := e
		if i := strings.IndexByte(kw, ' '); i > 0 {
			kw = kw[:i] // "GROUP BY" -> "GROUP"
		}
		if kw == "" || kw[0] < 'A' || kw[0] > 'Z' || kw == up {
			continue
		}
		d := suggest.Distance(up, kw)
		if d < bestD {
			best, bestD = kw, d
		}
	}
	limit := 1
	if len(up) >= 4 {
		limit = 2
	}
	if best != "" && bestD <= limit && bestD < len(best) {
		return best
	}
	return ""
}
