package sql

import (
	"errors"
	"strings"
	"testing"
)

func TestErrors(t *testing.T) {
	tests := []struct {
		src        string
		line, col  int
		token      string
		suggestion string
		msg        string // substring of Error()
	}{
		{"SELECT a FORM t", 1, 10, "FORM", "FROM", `unexpected "FORM", expected FROM`},
		{"SELECT a\nFROM t\nWHERE x = 1 GRUOP BY a", 3, 13, "GRUOP", "GROUP", `unexpected "GRUOP"`},
		{"SELECT a FROM t WHER a > 1", 1, 17, "WHER", "WHERE", `expected WHERE`},
		{"SELECT a FROM t GRUOP BY a", 1, 17, "GRUOP", "GROUP", `expected GROUP`},
		{"SELECT a FROM t ORDR BY a", 1, 17, "ORDR", "ORDER", `expected ORDER`},
		{"SELEC a FROM t", 1, 1, "SELEC", "SELECT", `unexpected "SELEC"`},
		{"SELECT a FRMO t", 1, 10, "FRMO", "FROM", `expected FROM`},
		{"SELECT a FROM t WHERE a = 1 ORDER BY a LIMT 1", 1, 40, "LIMT", "LIMIT", `unexpected "LIMT"`},
		{"INSRET INTO t SELECT 1", 1, 1, "INSRET", "INSERT", `unexpected "INSRET"`},
		{"CREATE TABEL t (a INT)", 1, 8, "TABEL", "TABLE", `unexpected "TABEL"`},
		{"SELECT a FROM t JION s ON t.a = s.a", 1, 17, "JION", "JOIN", `expected JOIN`},
		{"SELECT a, b\nFROM t\nWHERE a = 'abc", 3, 11, "", "", "unterminated string literal"},
		{"SELECT a /* never closed\nFROM t", 1, 10, "", "", "unterminated comment"},
		{"SELECT `abc FROM t", 1, 8, "", "", "unterminated quoted identifier"},
		{"SELECT a FROM", 1, 14, "", "", "unexpected end of input, expected one of LATERAL, TABLE, UNNEST, \"(\", identifier"},
		{"SELECT (a + b FROM t", 1, 15, "FROM", "", `unexpected "FROM", expected one of`},
		{"SELECT a FROM t WHERE", 1, 22, "", "", "unexpected end of input, expected expression"},
		{"SELECT CAST(a AS FOO) FROM t", 1, 18, "FOO", "", "expected data type"},
		{"SELECT INTERVAL '1' FORTNIGHT", 1, 21, "FORTNIGHT", "", "expected one of YEAR, MONTH"},
		{"SELECT a FROM t; SELECT", 1, 24, "", "", "unexpected end of input"},
		{"SELECT 1 SELECT 2", 1, 10, "SELECT", "", `unexpected "SELECT"`},
		{"SELECT # FROM t", 1, 8, "", "", `unexpected character "#"`},
		{"SELECT X'0G' FROM t", 1, 8, "", "", "invalid hexadecimal digit"},
		{"SELECT X'012' FROM t", 1, 8, "", "", "even number of hexadecimal digits"},
		{"CREATE TABLE t (a INT, by BYTES)", 1, 24, "by", "", "expected identifier"},
		{"CREATE TABLE t (a INT, WATERMARK FOR a AS a, WATERMARK FOR a AS a)", 1, 46, "WATERMARK", "", "only one WATERMARK"},
		{"CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (a))", 1, 49, "PRIMARY", "", "only one PRIMARY KEY"},
		{"BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\n", 3, 1, "", "", "unexpected end of input, expected one of \";\", END, INSERT"},
		{"BEGIN STATEMENT SET; SELECT 1; END;", 1, 22, "SELECT", "", `expected one of ";", END, INSERT`},
		{"SET 'a' 'b'", 1, 9, "b", "", `expected "="`},
		{"SELECT a FROM t AS", 1, 19, "", "", "expected identifier"},
		{"", 1, 1, "", "", "empty statement"},
		{"SELECT f(a b c) FROM t", 1, 12, "b", "", `unexpected "b"`},
		{"SELECT * FROM t1 LEFT JOIN t2", 1, 30, "", "", "expected one of FOR, AS, ON, USING"},
		{"SELECT a FROM t GROUP a", 1, 23, "a", "", `expected BY`},
		{"SELECT CASE WHEN a THEN b", 1, 26, "", "", "expected one of WHEN, ELSE, END"},
	}
	for _, tt := range tests {
		var err error
		if tt.src == "" {
			_, err = ParseOne(tt.src)
		} else {
			_, err = Parse(tt.src)
		}
		if err == nil {
			t.Errorf("%q: expected an error", tt.src)
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %T is not *Error", tt.src, err)
			continue
		}
		if pe.Pos.Line != tt.line || pe.Pos.Col != tt.col {
			t.Errorf("%q: position %d:%d, want %d:%d (%v)", tt.src, pe.Pos.Line, pe.Pos.Col, tt.line, tt.col, err)
		}
		if pe.Token != tt.token {
			t.Errorf("%q: token %q, want %q (%v)", tt.src, pe.Token, tt.token, err)
		}
		if pe.Suggestion != tt.suggestion {
			t.Errorf("%q: suggestion %q, want %q (%v)", tt.src, pe.Suggestion, tt.suggestion, err)
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: error %q does not contain %q", tt.src, err.Error(), tt.msg)
		}
		if !strings.HasPrefix(err.Error(), "SQL parse error at line ") {
			t.Errorf("%q: error %q lacks the standard prefix", tt.src, err.Error())
		}
	}
}

func TestErrorMessage(t *testing.T) {
	src := "SELECT a,\n       b\nFROM t WHERE x = 1 GRUOP BY a"
	_, err := Parse(src)
	want := `SQL parse error at line 3, column 20: unexpected "GRUOP", expected one of GROUP BY, HAVING, WINDOW, QUALIFY, INTERSECT, UNION, EXCEPT, MINUS, ORDER BY, LIMIT, OFFSET, FETCH, ... (did you mean GROUP?)`
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	_, err = Parse("SELECT a FORM t")
	if want := `SQL parse error at line 1, column 10: unexpected "FORM", expected FROM (did you mean FROM?)`; err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}

func TestPretty(t *testing.T) {
	src := "SELECT a,\n\tb\nFROM t FORM x WHERE c"
	_, err := Parse("SELECT a\nFORM t")
	pe := err.(*Error)
	got := pe.Pretty("SELECT a\nFORM t")
	want := "SQL parse error at line 2, column 1: unexpected \"FORM\", expected FROM (did you mean FROM?)\nFORM t\n^\n"
	if got != want {
		t.Errorf("Pretty:\n%s\nwant:\n%s", got, want)
	}
	_, err = Parse("SELECT 'héllo', a FORM t")
	got = err.(*Error).Pretty("SELECT 'héllo', a FORM t")
	want = "SQL parse error at line 1, column 20: unexpected \"FORM\", expected FROM (did you mean FROM?)\nSELECT 'héllo', a FORM t\n                  ^\n"
	if got != want {
		t.Errorf("Pretty with UTF-8:\n%s\nwant:\n%s", got, want)
	}
	_, err = Parse(src)
	if err == nil {
		t.Fatal("expected error")
	}
	lines := strings.Split(err.(*Error).Pretty(src), "\n")
	if len(lines) < 3 || lines[1] != "FROM t FORM x WHERE c" || lines[2] != strings.Repeat(" ", 7)+"^" {
		t.Errorf("Pretty output wrong: %q", lines)
	}
}

func TestSuggestKeyword(t *testing.T) {
	exp := []string{"FROM", "WHERE", "GROUP BY", "ORDER BY", `","`, "identifier"}
	for word, want := range map[string]string{
		"FORM": "FROM", "frmo": "FROM", "FRM": "FROM", "WHER": "WHERE", "WEHRE": "WHERE",
		"GRUOP": "GROUP", "ODRER": "ORDER", "xyz": "", "F": "", "FROM": "", "banana": "",
	} {
		if got := suggestKeyword(word, exp); got != want {
			t.Errorf("suggestKeyword(%q) = %q, want %q", word, got, want)
		}
	}
}
