package sql

import "strings"

// SplitStatements splits a script at top-level ';' without parsing it. It
// respects string literals, quoted identifiers, comments and hints, and keeps
// a STATEMENT SET block (BEGIN STATEMENT SET; ...; END; or EXECUTE STATEMENT
// SET BEGIN ...; END;) together as one statement.
//
// Each returned statement is the source text from its first token up to and
// including its terminating ';'. Text after the last terminating ';' that
// contains any token (an unfinished statement, an open STATEMENT SET block,
// an unterminated string or comment) is returned as a final element; use
// IsComplete to tell whether it is finished. Empty statements and
// comment-only text are dropped.
func SplitStatements(src string) []string {
	out, _ := splitStatements(src)
	return out
}

// IsComplete reports whether src holds at least one statement and every
// statement in it is terminated by a top-level ';', so that an interactive
// client can submit it.
func IsComplete(src string) bool {
	out, complete := splitStatements(src)
	return len(out) > 0 && complete
}

func splitStatements(src string) ([]string, bool) {
	l := newLexer(src)
	var out []string
	start := -1
	inSet := false
	caseDepth := 0
	var prev token
	for {
		t := l.next()
		if t.kind == tEOF {
			break
		}
		if start < 0 {
			if isP(t, ";") {
				continue
			}
			start = t.pos.Offset
			inSet, caseDepth = false, 0
		}
		switch {
		case isKw(t, "CASE"):
			caseDepth++
		case isKw(t, "END"):
			if caseDepth > 0 {
				caseDepth--
			} else {
				inSet = false
			}
		case isKw(t, "SET") && isKw(prev, "STATEMENT"):
			inSet = true
		case isP(t, ";") && !inSet:
			out = append(out, src[start:t.end])
			start = -1
		}
		prev = t
	}
	if start >= 0 {
		out = append(out, strings.TrimRightFunc(src[start:], isSpaceRune))
		return out, false
	}
	return out, true
}

func isSpaceRune(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
}
