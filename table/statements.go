package table

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/plan"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// UnsupportedError reports a statement Spry parses but cannot run yet.
type UnsupportedError struct {
	What string
}

func (e *UnsupportedError) Error() string {
	return "Unsupported statement: " + e.What
}

// execute runs one parsed statement; text is its source, for messages.
func (e *Environment) execute(ctx context.Context, st sql.Stmt, text string) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch s := st.(type) {
	case *sql.Set:
		return e.execSet(s)
	case *sql.Reset:
		e.cfg.Reset(s.Key)
		return okResult(), nil
	case *sql.UseCatalog, *sql.UseDatabase, *sql.CreateCatalog, *sql.DropCatalog, *sql.CreateDatabase,
		*sql.DropDatabase, *sql.DropTable, *sql.DropView, *sql.DropFunction, *sql.CreateFunction, *sql.CreateView:
		return e.applyCatalog(st, text)
	case *sql.CreateTable:
		if s.AsQuery != nil {
			return e.createTableAs(ctx, s, text)
		}
		return e.applyCatalog(st, text)
	case *sql.Show:
		return e.execShow(s)
	case *sql.Describe:
		return e.execDescribe(s.Name)
	case *sql.Explain:
		out, err := e.explain(ctx, s.Stmt, text, s.Details)
		if err != nil {
			return nil, err
		}
		return stringRows([]string{"result"}, [][]string{{out}}, ResultRows), nil
	case *sql.Execute:
		return e.execute(ctx, s.Stmt, text)
	case *sql.QueryStmt:
		return e.runQuery(ctx, s, text)
	case *sql.Insert:
		return e.runInserts(ctx, []*sql.Insert{s}, text)
	case *sql.StatementSet:
		return e.runInserts(ctx, s.Inserts, text)
	case *sql.StopJob:
		return e.execStopJob(ctx, s)
	}
	return nil, &UnsupportedError{fmt.Sprintf("%T", st)}
}

// applyCatalog runs a catalog statement through the binder, which binds
// column types, computed columns, watermarks and view queries and checks
// connector options.
func (e *Environment) applyCatalog(st sql.Stmt, text string) (*Result, error) {
	cfg, err := e.planConfig()
	if err != nil {
		return nil, err
	}
	if _, err := plan.NewBinder(e.cat, cfg).Apply(st); err != nil {
		return nil, err
	}
	return okResult(), nil
}

func splitDB(parts []string) (cat, db string) {
	if len(parts) == 2 {
		return parts[0], parts[1]
	}
	return "", parts[len(parts)-1]
}

// execSet handles SET 'k' = 'v' and a bare SET, which lists the
// configuration as Flink's SQL client does (columns key, value).
func (e *Environment) execSet(s *sql.Set) (*Result, error) {
	if s.Key == "" {
		var rows [][]string
		all := e.cfg.All()
		for _, k := range e.cfg.Keys() {
			rows = append(rows, []string{k, all[k]})
		}
		return stringRows([]string{"key", "value"}, rows, ResultRows), nil
	}
	if err := e.cfg.Set(s.Key, s.Value); err != nil {
		return nil, err
	}
	return okResult(), nil
}

// execShow lists catalog objects with Flink's column names.
func (e *Environment) execShow(s *sql.Show) (*Result, error) {
	var col string
	var names []string
	switch s.Kind {
	case sql.ShowTables, sql.ShowViews:
		cat, db := "", ""
		if s.Name != nil {
			cat, db = splitDB(s.Name.Parts)
		}
		if s.Kind == sql.ShowTables {
			col, names = "table name", e.cat.ListTables(cat, db)
		} else {
			col, names = "view name", e.cat.ListViews(cat, db)
		}
	case sql.ShowFunctions:
		col, names = "function name", e.cat.ListFunctions()
		if !s.User {
			names = append(names, builtinNames()...)
			sort.Strings(names)
		}
	case sql.ShowCatalogs:
		col, names = "catalog name", e.cat.ListCatalogs()
	case sql.ShowDatabases:
		dbs, err := e.cat.ListDatabases("")
		if err != nil {
			return nil, err
		}
		col, names = "database name", dbs
	case sql.ShowCurrentCatalog:
		col, names = "current catalog name", []string{e.cat.CurrentCatalog()}
	case sql.ShowCurrentDatabase:
		col, names = "current database name", []string{e.cat.CurrentDatabase()}
	case sql.ShowColumns:
		return e.execDescribe(s.Name)
	case sql.ShowCreateTable, sql.ShowCreateView:
		return e.showCreate(s)
	case sql.ShowModules:
		if s.Full {
			return stringRows([]string{"module name", "used"}, [][]string{{"core", "true"}}, ResultRows), nil
		}
		col, names = "module name", []string{"core"}
	case sql.ShowJobs:
		return e.showJobs(), nil
	default:
		return nil, &UnsupportedError{"SHOW"}
	}
	if s.Like != nil {
		names = filterLike(names, s.Like.Value, s.ILike, s.NotLike)
	}
	rows := make([][]string, len(names))
	for i, n := range names {
		rows[i] = []string{n}
	}
	return stringRows([]string{col}, rows, ResultRows), nil
}

// builtinNames lists built-in functions, lower-cased as Flink's SHOW
// FUNCTIONS prints them, skipping operator symbols and internal names.
func builtinNames() []string {
	var out []string
	for _, n := range expr.Builtins.Names() {
		if n == "" || !isWordName(n) {
			continue
		}
		out = append(out, strings.ToLower(n))
	}
	return out
}

func isWordName(n string) bool {
	for _, r := range n {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// filterLike applies SHOW ... [NOT] LIKE|ILIKE 'pattern' (SQL % and _).
func filterLike(names []string, pattern string, ilike, not bool) []string {
	var re strings.Builder
	re.WriteString("^")
	if ilike {
		re.WriteString("(?i)")
	}
	for _, r := range pattern {
		switch r {
		case '%':
			re.WriteString(".*")
		case '_':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	rx, err := regexp.Compile(re.String())
	if err != nil {
		return names
	}
	var out []string
	for _, n := range names {
		if rx.MatchString(n) != not {
			out = append(out, n)
		}
	}
	return out
}

// describeSchema is the result schema of DESCRIBE, as Flink's.
var describeSchema = types.NewSchema(
	types.Field{Name: "name", Type: types.String},
	types.Field{Name: "type", Type: types.String},
	types.Field{Name: "null", Type: types.Boolean},
	types.Field{Name: "key", Type: types.String},
	types.Field{Name: "extras", Type: types.String},
	types.Field{Name: "watermark", Type: types.String},
)

// execDescribe prints a table's or view's columns as Flink's DESCRIBE:
// name, type (without NOT NULL), null, key (PRI(a, b)), extras (the
// computed expression or metadata clause) and watermark.
func (e *Environment) execDescribe(name *sql.ObjectName) (*Result, error) {
	if name == nil {
		return nil, &UnsupportedError{"DESCRIBE without a name"}
	}
	o, err := e.cat.Lookup(name.Parts)
	if err != nil {
		return nil, err
	}
	var rows [][]any
	if o.View != nil {
		for _, f := range o.View.Columns {
			rows = append(rows, []any{f.Name, f.Type.WithNullable(true).String(), f.Type.Nullable(), "", "", ""})
		}
		return valueRows(describeSchema, rows), nil
	}
	t := o.Table
	pk := ""
	if len(t.PrimaryKey) > 0 {
		pk = "PRI(" + strings.Join(t.PrimaryKey, ", ") + ")"
	}
	for _, c := range t.Columns {
		key := ""
		for _, k := range t.PrimaryKey {
			if k == c.Name {
				key = pk
			}
		}
		extras := ""
		switch c.Kind {
		case catalog.Computed:
			extras = "AS " + c.Expr
		case catalog.Metadata:
			extras = "METADATA"
			if c.MetadataKey != "" {
				extras += " FROM '" + c.MetadataKey + "'"
			}
			if c.Virtual {
				extras += " VIRTUAL"
			}
		}
		wm := ""
		if t.Watermark != nil && t.Watermark.Column == c.Name {
			wm = t.Watermark.Expr
		}
		rows = append(rows, []any{c.Name, c.Type.WithNullable(true).String(), c.Type.Nullable(), key, extras, wm})
	}
	return valueRows(describeSchema, rows), nil
}

// showCreate prints CREATE TABLE / CREATE VIEW text for an object, in the
// layout of Flink's SHOW CREATE TABLE.
func (e *Environment) showCreate(s *sql.Show) (*Result, error) {
	o, err := e.cat.Lookup(s.Name.Parts)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if o.View != nil {
		if s.Kind == sql.ShowCreateTable {
			return nil, fmt.Errorf("SHOW CREATE TABLE is only supported for tables, but %s is a view. Please use SHOW CREATE VIEW instead.", o.Path.Quoted())
		}
		fmt.Fprintf(&b, "CREATE VIEW %s AS\n%s\n", o.Path.Quoted(), o.View.Query)
		return stringRows([]string{"result"}, [][]string{{b.String()}}, ResultRows), nil
	}
	if s.Kind == sql.ShowCreateView {
		return nil, fmt.Errorf("SHOW CREATE VIEW is only supported for views, but %s is a table. Please use SHOW CREATE TABLE instead.", o.Path.Quoted())
	}
	t := o.Table
	kw := "CREATE TABLE"
	if t.Temporary {
		kw = "CREATE TEMPORARY TABLE"
	}
	fmt.Fprintf(&b, "%s %s (\n", kw, o.Path.Quoted())
	var lines []string
	for _, c := range t.Columns {
		switch c.Kind {
		case catalog.Computed:
			lines = append(lines, fmt.Sprintf("  %s AS %s", types.QuoteIdent(c.Name), c.Expr))
		case catalog.Metadata:
			l := fmt.Sprintf("  %s %s METADATA", types.QuoteIdent(c.Name), c.Type)
			if c.MetadataKey != "" {
				l += " FROM " + sql.QuoteString(c.MetadataKey)
			}
			if c.Virtual {
				l += " VIRTUAL"
			}
			lines = append(lines, l)
		default:
			lines = append(lines, fmt.Sprintf("  %s %s", types.QuoteIdent(c.Name), c.Type))
		}
		if c.Comment != "" {
			lines[len(lines)-1] += " COMMENT " + sql.QuoteString(c.Comment)
		}
	}
	if t.Watermark != nil {
		lines = append(lines, fmt.Sprintf("  WATERMARK FOR %s AS %s", types.QuoteIdent(t.Watermark.Column), t.Watermark.Expr))
	}
	if len(t.PrimaryKey) > 0 {
		lines = append(lines, fmt.Sprintf("  CONSTRAINT `PK_%s` PRIMARY KEY (%s) NOT ENFORCED", strings.Join(t.PrimaryKey, "_"), quoteIdents(t.PrimaryKey)))
	}
	b.WriteString(strings.Join(lines, ",\n"))
	b.WriteString("\n)")
	if t.Comment != "" {
		b.WriteString("\nCOMMENT " + sql.QuoteString(t.Comment))
	}
	if len(t.PartitionKeys) > 0 {
		fmt.Fprintf(&b, "\nPARTITIONED BY (%s)", quoteIdents(t.PartitionKeys))
	}
	keys := make([]string, 0, len(t.Options))
	for k := range t.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString(" WITH (\n")
	for i, k := range keys {
		sep := ","
		if i == len(keys)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  '%s' = %s%s\n", k, sql.QuoteString(connector.DisplayValue(k, t.Options[k])), sep)
	}
	b.WriteString(")\n")
	return stringRows([]string{"result"}, [][]string{{b.String()}}, ResultRows), nil
}

// quoteIdents quotes each name for SQL and joins them with ", ".
func quoteIdents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = types.QuoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// RegisterFunction registers a Go function as a temporary system function
// callable from SQL by name (PyFlink's create_temporary_system_function):
// fn is an *expr.ScalarFunction, *expr.AggregateFunction or
// *expr.TableFunction, or a plain Go func over bool, integers, floats,
// string and []byte (pointers for nullable values), e.g.
// func(s string) int64, wrapped as a row-at-a-time scalar function.
func (e *Environment) RegisterFunction(name string, fn any) error {
	switch fn.(type) {
	case *expr.ScalarFunction, *expr.AggregateFunction, *expr.TableFunction:
	default:
		sf, err := wrapGoFunc(name, fn)
		if err != nil {
			return err
		}
		fn = sf
	}
	return e.cat.RegisterFunction(name, fn)
}
