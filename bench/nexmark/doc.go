// Package nexmarkbench holds Spry's Nexmark suite: the nexmark-flink DDL
// and queries q0–q22 as SQL files (ddl.sql, qN.sql), the verifier (go test
// ./bench/nexmark) that runs each query in streaming and in batch mode
// over the same generated events and compares the final results, with
// independent Go computations of q5, q7, q8 and q11, and run.sh, the
// throughput benchmark. See README.md.
package nexmarkbench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Script is one query ready to run: the setup statements (the DDL, views,
// functions, side tables and the sink table) and the INSERT.
type Script struct {
	Setup  []string
	Insert string
	// Sink is the name of the INSERT's target table (nexmark_qN).
	Sink string
	// Select is the INSERT's query alone, for running it as a query.
	Select string
}

// Load reads ddl.sql and name.sql from dir, substitutes ${KEY} with vars,
// and splits them into statements.
func Load(dir, name string, vars map[string]string) (*Script, error) {
	var stmts []string
	for _, f := range []string{"ddl.sql", name + ".sql"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return nil, err
		}
		text := string(b)
		for k, v := range vars {
			text = strings.ReplaceAll(text, "${"+k+"}", v)
		}
		stmts = append(stmts, Split(text)...)
	}
	s := &Script{}
	for _, st := range stmts {
		up := strings.ToUpper(st)
		if strings.HasPrefix(up, "INSERT INTO") {
			if s.Insert != "" {
				return nil, fmt.Errorf("%s: more than one INSERT", name)
			}
			s.Insert = st
			head, rest, _ := strings.Cut(st, "\n")
			s.Sink = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(head), "INSERT INTO"))
			s.Sink = strings.TrimPrefix(s.Sink, "insert into")
			s.Select = rest
			continue
		}
		s.Setup = append(s.Setup, st)
	}
	if s.Insert == "" {
		return nil, fmt.Errorf("%s: no INSERT INTO statement", name)
	}
	return s, nil
}

// SetupWithoutSink returns the setup statements except the CREATE TABLE of
// the INSERT's sink, for running the query on its own.
func (s *Script) SetupWithoutSink() []string {
	var out []string
	prefix := "CREATE TABLE " + strings.ToUpper(s.Sink) + " "
	for _, st := range s.Setup {
		if strings.HasPrefix(strings.ToUpper(st), prefix) {
			continue
		}
		out = append(out, st)
	}
	return out
}

// Split cuts a SQL script into statements at semicolons ending a line,
// dropping '--' comment lines. The suite's files keep no semicolon inside
// a literal at a line's end, so this needs no full parser.
func Split(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "--") || (trim == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(trim, ";") {
			cur.WriteString(strings.TrimSuffix(strings.TrimRight(line, " \t\r"), ";"))
			if s := strings.TrimSpace(cur.String()); s != "" {
				out = append(out, s)
			}
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
