package plan

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// column is one column visible to name resolution: the i-th column of the
// relation being bound.
type column struct {
	table string // qualifier: the table alias or name, "" for none
	name  string
	typ   types.DataType
	// usingDup marks the right-hand copy of a JOIN ... USING column: it is
	// reachable only qualified and is left out of `*`.
	usingDup bool
}

// rel is a bound relation: a plan node and the names its columns answer to.
type rel struct {
	node Node
	cols []column
}

func relOf(n Node, table string) *rel {
	s := n.Schema()
	r := &rel{node: n, cols: make([]column, len(s.Fields))}
	for i, f := range s.Fields {
		r.cols[i] = column{table: table, name: f.Name, typ: f.Type}
	}
	return r
}

// scope is what expressions are bound against: the input relation and,
// for a subquery, the enclosing query's scope (correlation).
type scope struct {
	rel   *rel
	outer *scope
	// corr, set on the scope a subquery gets as its outer scope, collects
	// the columns of rel the subquery reads; nil means correlation is not
	// allowed.
	corr *[]int
	// agg is set while binding expressions above a GROUP BY.
	agg *aggCtx
	// noAgg forbids aggregate calls (WHERE, GROUP BY, aggregate arguments).
	noAgg string
	// noSubquery forbids subqueries (inside aggregate matching).
	noSubquery bool
	// over collects OVER calls while a select list is bound (bind_over.go).
	over *overCtx
}

// corrRef is a reference to column Index of the enclosing query's input,
// made while binding a correlated subquery; the subquery rewrite turns it
// into an ordinary column of a join condition.
type corrRef struct {
	Index int
	T     types.DataType
}

func (c *corrRef) Type() types.DataType { return c.T }
func (c *corrRef) Eval(*expr.Context, *types.Batch) (arrow.Array, error) {
	return nil, fmt.Errorf("correlated reference $cor.%d evaluated outside its subquery", c.Index)
}
func (c *corrRef) String() string { return fmt.Sprintf("$cor0.$%d", c.Index) }

// resolve finds the column an identifier names. It returns the column
// index and the remaining parts (nested field access), or an error naming
// the closest candidate.
func (r *rel) resolve(id *sql.Identifier) (int, []string, error) {
	parts := id.Parts
	// Qualified: t.col[.field...]
	if len(parts) >= 2 {
		idx, err := r.find(parts[0], parts[1], id.Pos)
		if err != nil {
			return -1, nil, err
		}
		if idx >= 0 {
			return idx, parts[2:], nil
		}
	}
	idx, err := r.find("", parts[0], id.Pos)
	if err != nil {
		return -1, nil, err
	}
	if idx >= 0 {
		return idx, parts[1:], nil
	}
	if len(parts) >= 2 && r.hasTable(parts[0]) {
		return -1, nil, &Error{Pos: id.Pos, Kind: ErrNotFound,
			Msg:  fmt.Sprintf("Column '%s' not found in table '%s'", parts[1], parts[0]),
			Hint: didYouMean(catalog.Closest(parts[1], r.names(parts[0])))}
	}
	if len(parts) >= 2 && !r.hasTable(parts[0]) && r.hasAnyTable() {
		if idx, _ := r.find("", parts[0], id.Pos); idx < 0 {
			return -1, nil, &Error{Pos: id.Pos, Kind: ErrNotFound,
				Msg:  fmt.Sprintf("Table '%s' not found", parts[0]),
				Hint: didYouMean(catalog.Closest(parts[0], r.tables()))}
		}
	}
	return -1, nil, &Error{Pos: id.Pos, Kind: ErrNotFound,
		Msg:  fmt.Sprintf("Column '%s' not found in any table", parts[0]),
		Hint: didYouMean(catalog.Closest(parts[0], r.names("")))}
}

// find returns the index of column name (in table, if not ""), -1 when
// absent, or an ambiguity error.
func (r *rel) find(table, name string, pos sql.Pos) (int, error) {
	found := -1
	for i, c := range r.cols {
		if c.name != name || (table != "" && c.table != table) || (table == "" && c.usingDup) {
			continue
		}
		if found >= 0 {
			return -1, &Error{Pos: pos, Kind: ErrAmbiguous, Msg: fmt.Sprintf("Column '%s' is ambiguous", name)}
		}
		found = i
	}
	return found, nil
}

func (r *rel) hasTable(t string) bool {
	for _, c := range r.cols {
		if c.table == t {
			return true
		}
	}
	return false
}

func (r *rel) hasAnyTable() bool {
	for _, c := range r.cols {
		if c.table != "" {
			return true
		}
	}
	return false
}

func (r *rel) tables() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range r.cols {
		if c.table != "" && !seen[c.table] {
			seen[c.table] = true
			out = append(out, c.table)
		}
	}
	return out
}

func (r *rel) names(table string) []string {
	var out []string
	for _, c := range r.cols {
		if table == "" || c.table == table {
			out = append(out, c.name)
		}
	}
	return out
}

// ref makes a ColumnRef to column i.
func (r *rel) ref(i int) *expr.ColumnRef {
	return &expr.ColumnRef{Index: i, Name: r.cols[i].name, T: r.cols[i].typ}
}

// uniqueNames makes names unique the way Calcite does: a repeated name
// gets the smallest numeric suffix (0, 1, ...) that makes it unique.
func uniqueNames(names []string) []string {
	seen := map[string]bool{}
	out := make([]string, len(names))
	for i, n := range names {
		if !seen[n] {
			out[i] = n
			seen[n] = true
			continue
		}
		for k := 0; ; k++ {
			c := fmt.Sprintf("%s%d", n, k)
			if !seen[c] && !contains(names, c) {
				out[i] = c
				seen[c] = true
				break
			}
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// lowerEq compares names case-insensitively (function names).
func lowerEq(a, b string) bool { return strings.EqualFold(a, b) }
