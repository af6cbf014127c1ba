package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/sql"
)

// ErrorKind classifies binder errors so tests and callers can check them
// without matching text.
type ErrorKind uint8

// Binder error kinds.
const (
	ErrOther ErrorKind = iota
	ErrNotFound
	ErrType
	ErrUnsupported
	ErrAmbiguous
	ErrGrouping
)

// Error is a validation error with the source position it concerns. Hint
// carries a suggestion such as "did you mean 'word'?".
type Error struct {
	Pos  sql.Pos
	Kind ErrorKind
	Msg  string
	Hint string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		fmt.Fprintf(&b, "At line %d, column %d: ", e.Pos.Line, e.Pos.Col)
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Pretty renders the error, then the source line it points into and a
// caret under the column:
//
//	At line 1, column 8: Column 'wrd' not found in any table; did you mean 'word'?
//	SELECT wrd FROM words
//	       ^
func (e *Error) Pretty(src string) string {
	var b strings.Builder
	b.WriteString(e.Error())
	if !e.Pos.IsValid() {
		return b.String()
	}
	lines := strings.Split(src, "\n")
	if e.Pos.Line > len(lines) {
		return b.String()
	}
	line := strings.TrimRight(lines[e.Pos.Line-1], "\r")
	b.WriteByte('\n')
	b.WriteString(line)
	b.WriteByte('\n')
	for i := 0; i < e.Pos.Col-1 && i < len(line); i++ {
		if line[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	return b.String()
}

func errorf(pos sql.Pos, kind ErrorKind, format string, args ...any) *Error {
	return &Error{Pos: pos, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("did you mean '%s'?", s)
}
