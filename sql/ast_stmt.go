package sql

// ColumnKind tells physical, computed and metadata columns apart.
type ColumnKind int

// Column kinds of CREATE TABLE.
const (
	// PhysicalColumn is `name TYPE [NOT NULL]`.
	PhysicalColumn ColumnKind = iota
	// ComputedColumn is `name AS expr`.
	ComputedColumn
	// MetadataColumn is `name TYPE METADATA [FROM 'key'] [VIRTUAL]`.
	MetadataColumn
)

// ColumnDef is one column of CREATE TABLE.
type ColumnDef struct {
	Pos  Pos
	Name *Ident
	Kind ColumnKind
	// Type is set for physical and metadata columns (NOT NULL is Type.NotNull).
	Type *DataType
	// Expr is set for computed columns.
	Expr Expr
	// MetadataKey is the FROM 'key' of a metadata column, or nil.
	MetadataKey *StringLit
	// Virtual marks a metadata column as read-only (VIRTUAL).
	Virtual bool
	// PrimaryKey is set for a column-level `PRIMARY KEY NOT ENFORCED`; its
	// Columns list is empty (the key is this column).
	PrimaryKey *PrimaryKey
	// Comment is the column COMMENT, or nil.
	Comment *StringLit
}

// WatermarkDef is `WATERMARK FOR col AS expr`.
type WatermarkDef struct {
	Pos    Pos
	Column *ObjectName // rowtime column (may be a nested field a.b)
	Expr   Expr
}

// PrimaryKey is `[CONSTRAINT name] PRIMARY KEY (a, b) [NOT ENFORCED]`.
type PrimaryKey struct {
	Pos         Pos
	Constraint  *Ident // CONSTRAINT name, or nil
	Columns     []*Ident
	NotEnforced bool
}

// TableLike is the `LIKE source [(options)]` clause of CREATE TABLE. Options
// are kept as written, e.g. "INCLUDING ALL", "EXCLUDING OPTIONS".
type TableLike struct {
	Pos     Pos
	Name    *ObjectName
	Options []string
}

// CreateTable is CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (...).
type CreateTable struct {
	Pos           Pos
	Temporary     bool
	IfNotExists   bool
	Name          *ObjectName
	Columns       []*ColumnDef
	Watermark     *WatermarkDef // or nil
	PrimaryKey    *PrimaryKey   // table-level key, or nil
	Comment       *StringLit    // or nil
	PartitionedBy []*Ident
	Options       []*Option // WITH (...), in source order
	Like          *TableLike
	// AsQuery is set for CREATE TABLE ... AS SELECT (CTAS).
	AsQuery *Query
}

// DropTable is DROP [TEMPORARY] TABLE [IF EXISTS] name.
type DropTable struct {
	Pos       Pos
	Temporary bool
	IfExists  bool
	Name      *ObjectName
}

// CreateView is CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)] [COMMENT '..'] AS query.
type CreateView struct {
	Pos         Pos
	Temporary   bool
	IfNotExists bool
	Name        *ObjectName
	Columns     []*Ident
	Comment     *StringLit
	Query       *Query
}

// DropView is DROP [TEMPORARY] VIEW [IF EXISTS] name.
type DropView struct {
	Pos       Pos
	Temporary bool
	IfExists  bool
	Name      *ObjectName
}

// CreateFunction is
// CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'class' [LANGUAGE lang].
type CreateFunction struct {
	Pos         Pos
	Temporary   bool
	System      bool
	IfNotExists bool
	Name        *ObjectName
	ClassName   *StringLit
	// Language is "JAVA", "SCALA", "PYTHON", "GO", or "" when not given.
	Language string
}

// DropFunction is DROP [TEMPORARY [SYSTEM]] FUNCTION [IF EXISTS] name.
type DropFunction struct {
	Pos       Pos
	Temporary bool
	System    bool
	IfExists  bool
	Name      *ObjectName
}

// CreateCatalog is CREATE CATALOG name WITH (...).
type CreateCatalog struct {
	Pos     Pos
	Name    *Ident
	Options []*Option
}

// DropCatalog is DROP CATALOG [IF EXISTS] name.
type DropCatalog struct {
	Pos      Pos
	IfExists bool
	Name     *Ident
}

// CreateDatabase is CREATE DATABASE [IF NOT EXISTS] [cat.]db [COMMENT '..'] [WITH (...)].
type CreateDatabase struct {
	Pos         Pos
	IfNotExists bool
	Name        *ObjectName
	Comment     *StringLit
	Options     []*Option
}

// DropDatabase is DROP DATABASE [IF EXISTS] [cat.]db [RESTRICT|CASCADE].
type DropDatabase struct {
	Pos      Pos
	IfExists bool
	Name     *ObjectName
	Cascade  bool
}

// ShowKind selects what a SHOW statement lists.
type ShowKind int

// Kinds of SHOW.
const (
	ShowTables ShowKind = iota
	ShowViews
	ShowFunctions
	ShowCatalogs
	ShowDatabases
	ShowCurrentCatalog
	ShowCurrentDatabase
	ShowCreateTable
	ShowCreateView
	ShowColumns
	ShowModules
	ShowJobs
)

// Show is SHOW <kind>, e.g. SHOW TABLES, SHOW USER FUNCTIONS, SHOW CREATE TABLE t.
type Show struct {
	Pos  Pos
	Kind ShowKind
	// User is set for SHOW USER FUNCTIONS; Full for SHOW FULL MODULES.
	User bool
	Full bool
	// Name is the object of SHOW CREATE TABLE/VIEW and SHOW COLUMNS FROM t,
	// or the database of SHOW TABLES FROM/IN db; nil otherwise.
	Name *ObjectName
	// Like is the [NOT] LIKE/ILIKE pattern, or nil.
	Like    *StringLit
	NotLike bool
	ILike   bool
}

// UseCatalog is USE CATALOG name.
type UseCatalog struct {
	Pos  Pos
	Name *Ident
}

// UseDatabase is USE [cat.]db.
type UseDatabase struct {
	Pos  Pos
	Name *ObjectName
}

// Describe is DESCRIBE|DESC [EXTENDED] name.
type Describe struct {
	Pos      Pos
	Extended bool
	Name     *ObjectName
}

// Explain is EXPLAIN [PLAN FOR] stmt or EXPLAIN detail[, detail...] stmt.
// Details are upper-case words such as CHANGELOG_MODE, ESTIMATED_COST,
// JSON_EXECUTION_PLAN, PLAN_ADVICE.
type Explain struct {
	Pos     Pos
	PlanFor bool
	Details []string
	Stmt    Stmt
}

// Set is SET 'key' = 'value', or bare SET (Key == "") which lists all
// options. Unquoted keys/values (SET a.b-c = batch) are accepted and stored as
// written.
type Set struct {
	Pos      Pos
	Key      string
	Value    string
	KeyPos   Pos
	ValuePos Pos
}

// Reset is RESET 'key', or bare RESET (Key == "") which resets all options.
type Reset struct {
	Pos Pos
	Key string
}

// PartitionValue is one `col = literal` entry of a static INSERT PARTITION.
type PartitionValue struct {
	Pos   Pos
	Name  *Ident
	Value Expr
}

// Insert is INSERT INTO|OVERWRITE target [PARTITION (...)] [(cols)] query.
type Insert struct {
	Pos       Pos
	Overwrite bool
	Table     *ObjectName
	Hints     []*Hint // table hints after the target name
	Partition []*PartitionValue
	Columns   []*Ident
	Source    *Query
}

// StatementSet is BEGIN STATEMENT SET; INSERT ...; ... END or
// EXECUTE STATEMENT SET BEGIN INSERT ...; ... END.
type StatementSet struct {
	Pos     Pos
	Execute bool // written with EXECUTE
	Inserts []*Insert
}

// Execute is EXECUTE <stmt> where stmt is an INSERT (or a query).
type Execute struct {
	Pos  Pos
	Stmt Stmt
}

// QueryStmt is a query used as a statement.
type QueryStmt struct {
	Pos   Pos
	Query *Query
}

func (*CreateTable) stmtNode()    {}
func (*DropTable) stmtNode()      {}
func (*CreateView) stmtNode()     {}
func (*DropView) stmtNode()       {}
func (*CreateFunction) stmtNode() {}
func (*DropFunction) stmtNode()   {}
func (*CreateCatalog) stmtNode()  {}
func (*DropCatalog) stmtNode()    {}
func (*CreateDatabase) stmtNode() {}
func (*DropDatabase) stmtNode()   {}
func (*Show) stmtNode()           {}
func (*UseCatalog) stmtNode()     {}
func (*UseDatabase) stmtNode()    {}
func (*Describe) stmtNode()       {}
func (*Explain) stmtNode()        {}
func (*Set) stmtNode()            {}
func (*Reset) stmtNode()          {}
func (*Insert) stmtNode()         {}
func (*StatementSet) stmtNode()   {}
func (*Execute) stmtNode()        {}
func (*QueryStmt) stmtNode()      {}

func (n *ColumnDef) Position() Pos      { return n.Pos }
func (n *WatermarkDef) Position() Pos   { return n.Pos }
func (n *PrimaryKey) Position() Pos     { return n.Pos }
func (n *TableLike) Position() Pos      { return n.Pos }
func (n *PartitionValue) Position() Pos { return n.Pos }
func (n *CreateTable) Position() Pos    { return n.Pos }
func (n *DropTable) Position() Pos      { return n.Pos }
func (n *CreateView) Position() Pos     { return n.Pos }
func (n *DropView) Position() Pos       { return n.Pos }
func (n *CreateFunction) Position() Pos { return n.Pos }
func (n *DropFunction) Position() Pos   { return n.Pos }
func (n *CreateCatalog) Position() Pos  { return n.Pos }
func (n *DropCatalog) Position() Pos    { return n.Pos }
func (n *CreateDatabase) Position() Pos { return n.Pos }
func (n *DropDatabase) Position() Pos   { return n.Pos }
func (n *Show) Position() Pos           { return n.Pos }
func (n *UseCatalog) Position() Pos     { return n.Pos }
func (n *UseDatabase) Position() Pos    { return n.Pos }
func (n *Describe) Position() Pos       { return n.Pos }
func (n *Explain) Position() Pos        { return n.Pos }
func (n *Set) Position() Pos            { return n.Pos }
func (n *Reset) Position() Pos          { return n.Pos }
func (n *Insert) Position() Pos         { return n.Pos }
func (n *StatementSet) Position() Pos   { return n.Pos }
func (n *Execute) Position() Pos        { return n.Pos }
func (n *QueryStmt) Position() Pos      { return n.Pos }
