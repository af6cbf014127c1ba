package jdbc

import (
	"strings"
)

// statements builds the parameterized SQL of one table for a dialect.
// Multi-row statements are built for a row count and cached, since a sink
// flushes batches of a few recurring sizes.
type statements struct {
	d      *dialect
	table  string   // quoted table name
	cols   []string // quoted column names
	keys   []int    // primary key columns (upsert mode), in schema order of the key
	insert map[int]string
	delete map[int]string
}

func newStatements(d *dialect, table string, names []string, keys []int) *statements {
	cols := make([]string, len(names))
	for i, n := range names {
		cols[i] = d.quote(n)
	}
	return &statements{d: d, table: d.quoteTable(table), cols: cols, keys: keys,
		insert: map[int]string{}, delete: map[int]string{}}
}

// rowsPerInsert is how many rows one INSERT may carry within the
// dialect's parameter limit (and at most 1000, to keep statements small).
func (s *statements) rowsPerInsert() int {
	return max(1, min(1000, s.d.maxParams()/len(s.cols)))
}

// rowsPerDelete is the same for DELETE by key.
func (s *statements) rowsPerDelete() int {
	return max(1, min(1000, s.d.maxParams()/max(1, len(s.keys))))
}

// insertSQL is INSERT INTO t (c...) VALUES (...), ... for n rows; in
// upsert mode with the dialect's conflict clause: MySQL's ON DUPLICATE
// KEY UPDATE c = VALUES(c), PostgreSQL's and SQLite's ON CONFLICT (key)
// DO UPDATE SET c = EXCLUDED.c.
func (s *statements) insertSQL(n int) string {
	if q, ok := s.insert[n]; ok {
		return q
	}
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(s.table)
	b.WriteString(" (")
	b.WriteString(strings.Join(s.cols, ", "))
	b.WriteString(") VALUES ")
	p := 1
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range s.cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s.d.placeholder(p))
			p++
		}
		b.WriteByte(')')
	}
	if len(s.keys) > 0 {
		b.WriteString(s.conflictClause())
	}
	q := b.String()
	s.insert[n] = q
	return q
}

func (s *statements) conflictClause() string {
	isKey := make([]bool, len(s.cols))
	for _, k := range s.keys {
		isKey[k] = true
	}
	var sets []string
	if s.d.driver == "mysql" {
		for i, c := range s.cols {
			if !isKey[i] {
				sets = append(sets, c+" = VALUES("+c+")")
			}
		}
		if len(sets) == 0 { // key-only table: nothing to update
			c := s.cols[s.keys[0]]
			sets = append(sets, c+" = "+c)
		}
		return " ON DUPLICATE KEY UPDATE " + strings.Join(sets, ", ")
	}
	keys := make([]string, len(s.keys))
	for i, k := range s.keys {
		keys[i] = s.cols[k]
	}
	for i, c := range s.cols {
		if !isKey[i] {
			sets = append(sets, c+" = EXCLUDED."+c)
		}
	}
	if len(sets) == 0 {
		return " ON CONFLICT (" + strings.Join(keys, ", ") + ") DO NOTHING"
	}
	return " ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET " + strings.Join(sets, ", ")
}

// deleteSQL is DELETE FROM t WHERE <keysWhere(n)>.
func (s *statements) deleteSQL(n int) string {
	if q, ok := s.delete[n]; ok {
		return q
	}
	q := "DELETE FROM " + s.table + " WHERE " + s.keysWhere(n)
	s.delete[n] = q
	return q
}

// keysWhere is the condition matching n keys: (k1 = ? AND k2 = ?) OR ...,
// or k IN (?, ...) for a one-column key.
func (s *statements) keysWhere(n int) string {
	var b strings.Builder
	p := 1
	if len(s.keys) == 1 {
		b.WriteString(s.cols[s.keys[0]])
		b.WriteString(" IN (")
		for r := 0; r < n; r++ {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s.d.placeholder(p))
			p++
		}
		b.WriteByte(')')
		return b.String()
	}
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('(')
		for i, k := range s.keys {
			if i > 0 {
				b.WriteString(" AND ")
			}
			b.WriteString(s.cols[k])
			b.WriteString(" = ")
			b.WriteString(s.d.placeholder(p))
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// selectSQL is SELECT c... FROM t, with an optional WHERE condition.
func (s *statements) selectSQL(where string) string {
	q := "SELECT " + strings.Join(s.cols, ", ") + " FROM " + s.table
	if where != "" {
		q += " WHERE " + where
	}
	return q
}
