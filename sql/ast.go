package sql

// Node is any syntax tree node. Every node records the position of its first
// token.
type Node interface {
	// Position returns the position of the node's first token.
	Position() Pos
}

// Stmt is a top-level SQL statement (DDL, DML, query, or client command).
type Stmt interface {
	Node
	stmtNode()
}

// Expr is a scalar (value-producing) expression.
type Expr interface {
	Node
	exprNode()
}

// QueryBody is the body of a query: *Select, *SetOp, *Values, or a
// parenthesised *Query.
type QueryBody interface {
	Node
	queryBodyNode()
}

// TableExpr is an item of a FROM clause: *TableRef, *SubqueryRef, *Join,
// *TableFunctionRef, or *Unnest.
type TableExpr interface {
	Node
	tableExprNode()
}

// ObjectName is a possibly-qualified catalog object name such as
// `cat`.`db`.`tbl`. Parts keep their original spelling (Flink identifiers are
// case-sensitive); backtick quotes are removed.
type ObjectName struct {
	Pos   Pos
	Parts []string
}

// Ident is a single (unqualified) identifier, e.g. a column name or alias.
type Ident struct {
	Pos  Pos
	Name string
}

// Option is one `'key' = 'value'` entry of a WITH (...) clause, SET-like list
// or hint. ValuePos is the position of the value literal.
type Option struct {
	Pos      Pos
	Key      string
	Value    string
	ValuePos Pos
}

// Hint is one SQL hint inside a /*+ ... */ comment, e.g.
// OPTIONS('k' = 'v') or BROADCAST(t1). Key/value arguments go to Options;
// plain arguments (identifiers or strings) go to Args.
type Hint struct {
	Pos     Pos
	Name    string
	Options []*Option
	Args    []string
}

// Position implementations for shared nodes.
func (n *ObjectName) Position() Pos { return n.Pos }
func (n *Ident) Position() Pos      { return n.Pos }
func (n *Option) Position() Pos     { return n.Pos }
func (n *Hint) Position() Pos       { return n.Pos }

// Last returns the last (unqualified) part of the name.
func (n *ObjectName) Last() string {
	if n == nil || len(n.Parts) == 0 {
		return ""
	}
	return n.Parts[len(n.Parts)-1]
}
