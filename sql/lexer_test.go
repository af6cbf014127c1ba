package sql

import (
	"strings"
	"testing"
)

func TestLexer(t *testing.T) {
	type tk struct {
		kind tokKind
		text string
	}
	tests := []struct {
		src  string
		want []tk
	}{
		{"SELECT a, `b``c` FROM t", []tk{{tIdent, "SELECT"}, {tIdent, "a"}, {tPunct, ","}, {tQIdent, "b`c"}, {tIdent, "FROM"}, {tIdent, "t"}}},
		{"'it''s' '' 'x'", []tk{{tString, "it's"}, {tString, ""}, {tString, "x"}}},
		{"X'0aFF' x'' U&'\\0041\\+01F600'", []tk{{tBinary, "0aFF"}, {tBinary, ""}, {tString, "A😀"}}},
		{"1 1.5 .5 1. 1.5E3 2e-10 1e 12345678901234567890", []tk{{tNumber, "1"}, {tNumber, "1.5"}, {tNumber, ".5"}, {tNumber, "1."}, {tNumber, "1.5E3"}, {tNumber, "2e-10"}, {tNumber, "1"}, {tIdent, "e"}, {tNumber, "12345678901234567890"}}},
		{"<> != <= >= || => < > = + - * / % ( ) [ ] . ; ?", []tk{{tPunct, "<>"}, {tPunct, "!="}, {tPunct, "<="}, {tPunct, ">="}, {tPunct, "||"}, {tPunct, "=>"}, {tPunct, "<"}, {tPunct, ">"}, {tPunct, "="}, {tPunct, "+"}, {tPunct, "-"}, {tPunct, "*"}, {tPunct, "/"}, {tPunct, "%"}, {tPunct, "("}, {tPunct, ")"}, {tPunct, "["}, {tPunct, "]"}, {tPunct, "."}, {tPunct, ";"}, {tPunct, "?"}}},
		{"a -- comment\nb /* block\n */ c", []tk{{tIdent, "a"}, {tIdent, "b"}, {tIdent, "c"}}},
		{"a /*+ OPTIONS('k'='v') */ b", []tk{{tIdent, "a"}, {tHintStart, "/*+"}, {tIdent, "OPTIONS"}, {tPunct, "("}, {tString, "k"}, {tPunct, "="}, {tString, "v"}, {tPunct, ")"}, {tHintEnd, "*/"}, {tIdent, "b"}}},
		{"a*/b", []tk{{tIdent, "a"}, {tPunct, "*"}, {tPunct, "/"}, {tIdent, "b"}}},
		{"näme _x a$1", []tk{{tIdent, "näme"}, {tIdent, "_x"}, {tIdent, "a$1"}}},
		{"a 'unterminated", []tk{{tIdent, "a"}, {tIllegal, "unterminated string literal (missing closing ')"}}},
		{"a /* unterminated", []tk{{tIdent, "a"}, {tIllegal, "unterminated comment (missing */)"}}},
		{"a `x", []tk{{tIdent, "a"}, {tIllegal, "unterminated quoted identifier (missing closing `)"}}},
		{"a ``", []tk{{tIdent, "a"}, {tIllegal, "empty quoted identifier"}}},
		{"a # b", []tk{{tIdent, "a"}, {tIllegal, `unexpected character "#"`}}},
		{"U&'\\00zz'", []tk{{tIllegal, "invalid unicode escape in U& string literal"}}},
	}
	for _, tt := range tests {
		toks := tokenize(tt.src)
		var got []tk
		for _, x := range toks {
			if x.kind == tEOF {
				break
			}
			got = append(got, tk{x.kind, x.text})
		}
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %v, want %v", tt.src, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: token %d = %v, want %v", tt.src, i, got[i], tt.want[i])
			}
		}
	}
}

func TestLexerNumberKinds(t *testing.T) {
	for src, want := range map[string]NumberKind{"1": IntegerNumber, "1.5": DecimalNumber, ".5": DecimalNumber, "1e5": ApproxNumber, "1.5E-3": ApproxNumber} {
		if k := tokenize(src)[0].num; k != want {
			t.Errorf("%q: kind %v, want %v", src, k, want)
		}
	}
}

func TestLexerPositions(t *testing.T) {
	src := "SELECT a,\n  `b`\r\n\tFROM t -- x\n/* y\n */ WHERE"
	want := []Pos{{1, 1, 0}, {1, 8, 7}, {1, 9, 8}, {2, 3, 12}, {3, 2, 18}, {3, 7, 23}, {5, 5, 39}}
	toks := tokenize(src)
	for i, w := range want {
		if toks[i].pos != w {
			t.Errorf("token %d %q at %+v, want %+v", i, toks[i].text, toks[i].pos, w)
		}
	}
}

func TestLexerAllocs(t *testing.T) {
	src := strings.Repeat("SELECT a, b + 1.5 AS c FROM t WHERE x = 'abc' -- comment\n", 50)
	l := newLexer(src)
	allocs := testing.AllocsPerRun(10, func() {
		l.off, l.line, l.lineStart = 0, 1, 0
		for l.next().kind != tEOF {
		}
	})
	if allocs != 0 {
		t.Errorf("lexer allocates %v times per run; want 0", allocs)
	}
}

func BenchmarkLexer(b *testing.B) {
	src := strings.Repeat("SELECT a, b + 1.5 AS c FROM t WHERE x = 'abc' -- comment\n", 100)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		l := newLexer(src)
		for l.next().kind != tEOF {
		}
	}
}

func BenchmarkParse(b *testing.B) {
	src := "SELECT a, COUNT(*) AS c, SUM(x) OVER (PARTITION BY k ORDER BY ts) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' MINUTES)) AS w JOIN d ON w.k = d.k WHERE a > 1 AND b LIKE 'x%' GROUP BY a, window_start"
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}
