package sql

import (
	"reflect"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"", nil},
		{"  -- just a comment\n", nil},
		{"SELECT 1", []string{"SELECT 1"}},
		{"SELECT 1;", []string{"SELECT 1;"}},
		{"SELECT 1; SELECT 2;", []string{"SELECT 1;", "SELECT 2;"}},
		{"SELECT 1;; ;SELECT 2", []string{"SELECT 1;", "SELECT 2"}},
		{"SELECT ';' AS x; SELECT 2;", []string{"SELECT ';' AS x;", "SELECT 2;"}},
		{"SELECT `a;b` FROM t;", []string{"SELECT `a;b` FROM t;"}},
		{"SELECT 1 -- ; not a split\n;", []string{"SELECT 1 -- ; not a split\n;"}},
		{"SELECT 1 /* ; */ + 1;", []string{"SELECT 1 /* ; */ + 1;"}},
		{"SELECT 1; -- trailing comment", []string{"SELECT 1;"}},
		{"SELECT 'unterminated; SELECT 2;", []string{"SELECT 'unterminated; SELECT 2;"}},
		{"SELECT 1;\nSELECT (\n", []string{"SELECT 1;", "SELECT ("}},
		{"BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nINSERT INTO b SELECT CASE WHEN x THEN 1 END;\nEND;\nSELECT 1;",
			[]string{"BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nINSERT INTO b SELECT CASE WHEN x THEN 1 END;\nEND;", "SELECT 1;"}},
		{"BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;", []string{"BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;"}},
		{"EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END; SHOW TABLES;",
			[]string{"EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;", "SHOW TABLES;"}},
		{"SET 'a' = 'b';\nRESET;", []string{"SET 'a' = 'b';", "RESET;"}},
	}
	for _, tt := range tests {
		got := SplitStatements(tt.src)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitStatements(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestIsComplete(t *testing.T) {
	for src, want := range map[string]bool{
		"":                     false,
		"SELECT 1":             false,
		"SELECT 1;":            true,
		"SELECT 1; -- done":    true,
		"SELECT 'a;":           false,
		"BEGIN STATEMENT SET;": false,
		"BEGIN STATEMENT SET; INSERT INTO a SELECT 1;":      false,
		"BEGIN STATEMENT SET; INSERT INTO a SELECT 1; END;": true,
		"SELECT 1; SELECT 2":                                false,
	} {
		if got := IsComplete(src); got != want {
			t.Errorf("IsComplete(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestSplitThenParse checks that every piece SplitStatements returns for a
// valid script parses to exactly one statement.
func TestSplitThenParse(t *testing.T) {
	src := `CREATE TABLE a (x INT) WITH ('connector' = 'datagen');
SET 'execution.runtime-mode' = 'streaming';
BEGIN STATEMENT SET;
INSERT INTO b SELECT x FROM a;
INSERT INTO c SELECT x FROM a WHERE x > 1;
END;
SELECT ';' FROM a;`
	pieces := SplitStatements(src)
	all, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(pieces) != len(all) {
		t.Fatalf("%d pieces but %d statements", len(pieces), len(all))
	}
	for i, p := range pieces {
		s, err := ParseOne(p)
		if err != nil {
			t.Fatalf("piece %d %q: %v", i, p, err)
		}
		if Format(s) != Format(all[i]) {
			t.Errorf("piece %d differs", i)
		}
	}
}
