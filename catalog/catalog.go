// Package catalog keeps the named objects a SQL session sees, in Flink's
// model: catalogs (default `default_catalog`) holding databases (default
// `default_database`) holding tables, views and functions, with a current
// catalog and database, and TEMPORARY objects that shadow permanent ones of
// the same name. The binder resolves 1-, 2- and 3-part names through it.
//
// The catalog stores plain data: table columns, options, view SQL text and
// function implementations. Binding (types of computed columns, view
// queries) happens in package plan. A Manager is safe for concurrent use.
package catalog

import (
	"strings"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Default names of the built-in catalog and database, as in Flink.
const (
	DefaultCatalog  = "default_catalog"
	DefaultDatabase = "default_database"
)

// ObjectPath is the fully qualified name of a table, view or function.
type ObjectPath struct {
	Catalog, Database, Object string
}

// String prints the path as Flink does in messages: cat.db.obj.
func (p ObjectPath) String() string {
	return p.Catalog + "." + p.Database + "." + p.Object
}

// Quoted prints the path with backtick-quoted parts, as Flink's
// SHOW CREATE TABLE and EXPLAIN do.
func (p ObjectPath) Quoted() string {
	return types.QuoteIdent(p.Catalog) + "." + types.QuoteIdent(p.Database) + "." + types.QuoteIdent(p.Object)
}

// Parts returns the path as its three parts, the form plan printing uses:
// [default_catalog, default_database, words].
func (p ObjectPath) Parts() []string { return []string{p.Catalog, p.Database, p.Object} }

// ColumnKind tells the three kinds of table columns apart.
type ColumnKind uint8

// Column kinds, as in Flink's ResolvedSchema.
const (
	// Physical columns are read from and written to the connector.
	Physical ColumnKind = iota
	// Computed columns are `name AS expr`, evaluated by the planner after
	// the scan; they are never written.
	Computed
	// Metadata columns are `name TYPE METADATA [FROM 'key'] [VIRTUAL]`,
	// supplied by the connector.
	Metadata
)

// Column is one column of a catalog table.
type Column struct {
	Name string
	Type types.DataType
	Kind ColumnKind
	// Expr is the SQL text of a computed column, kept so the table can be
	// printed (SHOW CREATE TABLE) and bound again.
	Expr string
	// Bound is the computed column's expression bound against the table's
	// physical and metadata columns (a ColumnRef index is into
	// Table.SourceSchema()). Set by the binder at CREATE TABLE.
	Bound expr.Expr
	// MetadataKey is the FROM 'key' of a metadata column ("" means the
	// column name).
	MetadataKey string
	// Virtual marks a read-only metadata column (excluded from sinks).
	Virtual bool
	Comment string
}

// Watermark is a table's WATERMARK FOR column AS expr.
type Watermark struct {
	Column string // the rowtime column
	Expr   string // SQL text of the watermark expression
	// Bound is the expression bound against Table.Schema() (all columns,
	// computed included). Set by the binder.
	Bound expr.Expr
}

// Table is a connector-backed table created by CREATE TABLE or by a
// front end.
type Table struct {
	Name       ObjectPath
	Columns    []Column
	PrimaryKey []string // column names of PRIMARY KEY ... NOT ENFORCED
	Watermark  *Watermark
	// PartitionKeys are the PARTITIONED BY columns.
	PartitionKeys []string
	Options       map[string]string
	Comment       string
	Temporary     bool
}

// Schema returns the columns as queries see them, in declaration order
// (physical, computed and metadata alike), with the primary key.
func (t *Table) Schema() *types.Schema {
	s := &types.Schema{Fields: make([]types.Field, len(t.Columns))}
	for i, c := range t.Columns {
		s.Fields[i] = types.Field{Name: c.Name, Type: c.Type, Description: c.Comment}
	}
	s.PrimaryKey = t.keyIndexes(s)
	return s
}

// SourceSchema returns the columns a source produces: every non-computed
// column in declaration order. Scans read this schema; computed columns
// are evaluated on top of it.
func (t *Table) SourceSchema() *types.Schema {
	s := &types.Schema{}
	for _, c := range t.Columns {
		if c.Kind != Computed {
			s.Fields = append(s.Fields, types.Field{Name: c.Name, Type: c.Type, Description: c.Comment})
		}
	}
	s.PrimaryKey = t.keyIndexes(s)
	return s
}

// SinkSchema returns the columns a sink receives: physical columns and
// non-virtual metadata columns, in declaration order.
func (t *Table) SinkSchema() *types.Schema {
	s := &types.Schema{}
	for _, c := range t.Columns {
		if c.Kind == Physical || (c.Kind == Metadata && !c.Virtual) {
			s.Fields = append(s.Fields, types.Field{Name: c.Name, Type: c.Type.WithoutTimeAttr(), Description: c.Comment})
		}
	}
	s.PrimaryKey = t.keyIndexes(s)
	return s
}

func (t *Table) keyIndexes(s *types.Schema) []int {
	if len(t.PrimaryKey) == 0 {
		return nil
	}
	out := make([]int, 0, len(t.PrimaryKey))
	for _, k := range t.PrimaryKey {
		if i := s.Index(k); i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

// Column returns the column called name, or nil.
func (t *Table) Column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// Connector returns the value of the 'connector' option.
func (t *Table) Connector() string { return t.Options["connector"] }

// View is a named query created by CREATE VIEW. The binder parses and
// binds Query each time the view is used, so the view follows later
// changes to the tables it reads, as in Flink.
type View struct {
	Name ObjectPath
	// Query is the SQL text of the view's query.
	Query string
	// Columns are the view's output columns (names from the optional
	// column list, types from binding the query at creation).
	Columns   []types.Field
	Comment   string
	Temporary bool
}

// Schema returns the view's columns.
func (v *View) Schema() *types.Schema { return types.NewSchema(v.Columns...) }

// Function is a user-defined function known by name. Exactly one of
// Scalar, Aggregate and Table is set once the function is resolved; a
// function declared in a language whose implementation Spry cannot run in
// process (e.g. PYTHON, handled by the gateway) may have none and only
// ClassName.
type Function struct {
	Name      ObjectPath // catalog functions; Object only for system functions
	ClassName string
	Language  string // "GO", "JAVA", "PYTHON", ...
	Scalar    *expr.ScalarFunction
	Aggregate *expr.AggregateFunction
	Table     *expr.TableFunction
	Temporary bool
	// System marks a temporary system function (CREATE TEMPORARY SYSTEM
	// FUNCTION, or RegisterFunction): it resolves by bare name from any
	// database, before built-ins.
	System bool
}

// Kind returns "SCALAR", "AGGREGATE", "TABLE" or "UNRESOLVED".
func (f *Function) Kind() string {
	switch {
	case f.Scalar != nil:
		return "SCALAR"
	case f.Aggregate != nil:
		return "AGGREGATE"
	case f.Table != nil:
		return "TABLE"
	}
	return "UNRESOLVED"
}

// setImpl stores fn in the field of its kind.
func (f *Function) setImpl(fn any) error {
	switch fn := fn.(type) {
	case *expr.ScalarFunction:
		f.Scalar = fn
	case *expr.AggregateFunction:
		f.Aggregate = fn
	case *expr.TableFunction:
		f.Table = fn
	default:
		return &Error{Kind: ErrInvalid, Msg: "function implementation must be *expr.ScalarFunction, *expr.AggregateFunction or *expr.TableFunction"}
	}
	return nil
}

// Object is what a table-like name resolves to: a table or a view.
type Object struct {
	Path  ObjectPath
	Table *Table // or nil
	View  *View  // or nil
}

// Schema returns the schema of the table or view.
func (o *Object) Schema() *types.Schema {
	if o.Table != nil {
		return o.Table.Schema()
	}
	return o.View.Schema()
}

// normName lower-cases a function name: function names are
// case-insensitive in Flink, unlike table and column names.
func normName(s string) string { return strings.ToLower(s) }
