package sqltest

import (
	"fmt"
	"strings"
)

// RecordKind is the kind of an slt record.
type RecordKind int

// Record kinds.
const (
	StatementOK RecordKind = iota
	StatementError
	Query
	QueryError
)

// Record is one statement or query with its expectation.
type Record struct {
	Kind      RecordKind
	Line      int    // 1-based line of the record header
	SQL       string // the statement text
	RowSort   bool
	Error     string   // expected error substring
	Expected  []string // expected result lines
	Comments  []string // comment lines before the record, kept on rewrite
	SkipDuck  bool
	headerRaw string
}

// Parse reads an slt file.
func Parse(src string) ([]*Record, []string, error) {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var recs []*Record
	var comments []string
	i := 0
	for i < len(lines) {
		line := lines[i]
		trim := strings.TrimSpace(line)
		switch {
		case trim == "":
			if len(comments) > 0 {
				comments = append(comments, "")
			}
			i++
			continue
		case strings.HasPrefix(trim, "#"):
			comments = append(comments, line)
			i++
			continue
		}
		rec := &Record{Line: i + 1, headerRaw: trim, Comments: trimBlank(comments)}
		for _, c := range comments {
			if strings.Contains(c, "duckdb: skip") {
				rec.SkipDuck = true
			}
		}
		comments = nil
		fields := strings.Fields(trim)
		switch {
		case fields[0] == "statement" && len(fields) > 1 && fields[1] == "ok":
			rec.Kind = StatementOK
		case fields[0] == "statement" && len(fields) > 1 && fields[1] == "error":
			rec.Kind = StatementError
			rec.Error = strings.TrimSpace(strings.TrimPrefix(trim, "statement error"))
		case fields[0] == "query" && len(fields) > 1 && fields[1] == "error":
			rec.Kind = QueryError
			rec.Error = strings.TrimSpace(strings.TrimPrefix(trim, "query error"))
		case fields[0] == "query":
			rec.Kind = Query
			for _, f := range fields[1:] {
				if f == "rowsort" {
					rec.RowSort = true
				}
			}
		default:
			return nil, nil, fmt.Errorf("line %d: expected 'statement ok', 'statement error', 'query' or 'query error', found %q", i+1, trim)
		}
		i++
		var sql []string
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" && strings.TrimSpace(lines[i]) != "----" {
			sql = append(sql, lines[i])
			i++
		}
		rec.SQL = strings.TrimSuffix(strings.TrimSpace(strings.Join(sql, "\n")), ";")
		if rec.SQL == "" {
			return nil, nil, fmt.Errorf("line %d: record has no SQL", rec.Line)
		}
		if i < len(lines) && strings.TrimSpace(lines[i]) == "----" {
			if rec.Kind != Query {
				return nil, nil, fmt.Errorf("line %d: only 'query' records have results", rec.Line)
			}
			i++
			for i < len(lines) && lines[i] != "" {
				rec.Expected = append(rec.Expected, lines[i])
				i++
			}
		}
		recs = append(recs, rec)
	}
	return recs, trimBlank(comments), nil
}

func trimBlank(ls []string) []string {
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// Format writes records back as an slt file.
func Format(recs []*Record, trailing []string) string {
	var b strings.Builder
	for i, r := range recs {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, c := range r.Comments {
			b.WriteString(c)
			b.WriteByte('\n')
		}
		b.WriteString(r.headerRaw)
		b.WriteByte('\n')
		b.WriteString(r.SQL)
		b.WriteByte('\n')
		if r.Kind == Query {
			b.WriteString("----\n")
			for _, l := range r.Expected {
				b.WriteString(l)
				b.WriteByte('\n')
			}
		}
	}
	for _, c := range trailing {
		b.WriteString(c)
		b.WriteByte('\n')
	}
	return b.String()
}
