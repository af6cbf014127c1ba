package sql

// Query is a complete query expression: optional WITH, a body, and optional
// ORDER BY / LIMIT / OFFSET. A parenthesised query inside a larger one is a
// nested *Query (it is also a QueryBody).
type Query struct {
	Pos     Pos
	With    []*CTE
	Body    QueryBody
	OrderBy []*OrderItem
	// Limit is LIMIT n or FETCH FIRST|NEXT n ROW[S] ONLY (canonically printed
	// as LIMIT); nil when absent.
	Limit Expr
	// Offset is OFFSET n [ROW|ROWS]; nil when absent.
	Offset Expr
}

// CTE is one `name [(cols)] AS (query)` entry of a WITH clause.
type CTE struct {
	Pos     Pos
	Name    *Ident
	Columns []*Ident
	Query   *Query
}

// SelectItem is one entry of a select list: an expression with optional
// alias, or a *Star (`*` / `t.*`) as Expr with no alias.
type SelectItem struct {
	Pos   Pos
	Expr  Expr
	Alias *Ident
}

// Select is a SELECT block.
type Select struct {
	Pos      Pos
	Hints    []*Hint // query hints /*+ ... */ after SELECT
	Distinct bool
	Items    []*SelectItem
	From     TableExpr // nil when there is no FROM
	Where    Expr
	// GroupBy elements are ordinary expressions or *GroupingSets, *Rollup,
	// *Cube, *GroupingSet (an explicit parenthesised set such as `()`).
	GroupBy []Expr
	Having  Expr
	Windows []*NamedWindow // WINDOW w AS (...)
	Qualify Expr
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind int

// Set operations. MINUS is parsed as Except.
const (
	Union SetOpKind = iota
	Intersect
	Except
)

// String returns the SQL keyword of the set operation.
func (k SetOpKind) String() string {
	switch k {
	case Intersect:
		return "INTERSECT"
	case Except:
		return "EXCEPT"
	}
	return "UNION"
}

// SetOp is `left UNION|INTERSECT|EXCEPT [ALL|DISTINCT] right`. INTERSECT
// binds tighter than UNION and EXCEPT; otherwise left-associative.
type SetOp struct {
	Pos         Pos
	Op          SetOpKind
	All         bool
	Left, Right QueryBody
}

// Values is VALUES (1, 'a'), (2, 'b'). Each row is a list of expressions; a
// row written without parentheses has one element.
type Values struct {
	Pos  Pos
	Rows [][]Expr
}

// OrderItem is `expr [ASC|DESC] [NULLS FIRST|LAST]`.
type OrderItem struct {
	Pos   Pos
	Expr  Expr
	Desc  bool
	Nulls NullsOrder
}

// NullsOrder is the NULLS FIRST/LAST option of an ORDER BY item.
type NullsOrder int

// Null orderings; NullsDefault means not written.
const (
	NullsDefault NullsOrder = iota
	NullsFirst
	NullsLast
)

// NamedWindow is `name AS (window spec)` in a WINDOW clause.
type NamedWindow struct {
	Pos  Pos
	Name *Ident
	Spec *WindowSpec
}

// WindowSpec is the window of OVER (...) or of a WINDOW clause entry. A bare
// `OVER w` is a WindowSpec with only Ref set and Paren false.
type WindowSpec struct {
	Pos         Pos
	Ref         *Ident // referenced named window, or nil
	Paren       bool   // written with parentheses
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *WindowFrame // or nil
}

// FrameUnit is ROWS or RANGE.
type FrameUnit int

// Frame units.
const (
	FrameRows FrameUnit = iota
	FrameRange
)

// WindowFrame is `ROWS|RANGE BETWEEN start AND end`, or `ROWS|RANGE start`
// (End == nil).
type WindowFrame struct {
	Pos   Pos
	Unit  FrameUnit
	Start *FrameBound
	End   *FrameBound
}

// BoundKind is the kind of a window frame bound.
type BoundKind int

// Frame bound kinds; Preceding and Following carry an Offset expression.
const (
	UnboundedPreceding BoundKind = iota
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

// FrameBound is one end of a window frame.
type FrameBound struct {
	Pos    Pos
	Kind   BoundKind
	Offset Expr // for Preceding / Following
}

// TableAlias is `[AS] name [(col, ...)]` after a FROM item.
type TableAlias struct {
	Pos     Pos
	Name    *Ident
	Columns []*Ident
}

// TableRef is a named table in FROM, with optional hints, temporal clause
// FOR SYSTEM_TIME AS OF expr, and alias.
type TableRef struct {
	Pos        Pos
	Name       *ObjectName
	Hints      []*Hint
	SystemTime Expr // FOR SYSTEM_TIME AS OF expr, or nil
	Alias      *TableAlias
}

// SubqueryRef is `[LATERAL] (query) [AS] alias`.
type SubqueryRef struct {
	Pos     Pos
	Lateral bool
	Query   *Query
	Alias   *TableAlias
}

// JoinKind is the kind of a join.
type JoinKind int

// Join kinds. Comma joins are JoinCross with Join.Comma set.
const (
	JoinInner JoinKind = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinCross
)

// String returns the SQL keywords of the join kind.
func (k JoinKind) String() string {
	switch k {
	case JoinLeft:
		return "LEFT JOIN"
	case JoinRight:
		return "RIGHT JOIN"
	case JoinFull:
		return "FULL JOIN"
	case JoinCross:
		return "CROSS JOIN"
	}
	return "JOIN"
}

// Join is `left [kind] JOIN right [ON cond | USING (cols)]` or `left, right`.
type Join struct {
	Pos         Pos
	Kind        JoinKind
	Comma       bool // written as `left, right`
	Natural     bool
	Left, Right TableExpr
	On          Expr
	Using       []*Ident
}

// TableFunctionRef is a table-valued function call in FROM:
// `LATERAL TABLE(f(args)) [AS t(cols)]` (Lateral set) or
// `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) [AS alias]`.
// Arguments of Call may be *TableArg, *DescriptorExpr, *NamedArg or any Expr.
type TableFunctionRef struct {
	Pos     Pos
	Lateral bool
	Call    *FuncCall
	Alias   *TableAlias
}

// Unnest is `[LATERAL] UNNEST(expr, ...) [WITH ORDINALITY] [AS t(cols)]`.
type Unnest struct {
	Pos            Pos
	Lateral        bool
	Args           []Expr
	WithOrdinality bool
	Alias          *TableAlias
}

func (*Select) queryBodyNode() {}
func (*SetOp) queryBodyNode()  {}
func (*Values) queryBodyNode() {}
func (*Query) queryBodyNode()  {}

func (*TableRef) tableExprNode()         {}
func (*SubqueryRef) tableExprNode()      {}
func (*Join) tableExprNode()             {}
func (*TableFunctionRef) tableExprNode() {}
func (*Unnest) tableExprNode()           {}

func (n *Query) Position() Pos            { return n.Pos }
func (n *CTE) Position() Pos              { return n.Pos }
func (n *SelectItem) Position() Pos       { return n.Pos }
func (n *Select) Position() Pos           { return n.Pos }
func (n *SetOp) Position() Pos            { return n.Pos }
func (n *Values) Position() Pos           { return n.Pos }
func (n *OrderItem) Position() Pos        { return n.Pos }
func (n *NamedWindow) Position() Pos      { return n.Pos }
func (n *WindowSpec) Position() Pos       { return n.Pos }
func (n *WindowFrame) Position() Pos      { return n.Pos }
func (n *FrameBound) Position() Pos       { return n.Pos }
func (n *TableAlias) Position() Pos       { return n.Pos }
func (n *TableRef) Position() Pos         { return n.Pos }
func (n *SubqueryRef) Position() Pos      { return n.Pos }
func (n *Join) Position() Pos             { return n.Pos }
func (n *TableFunctionRef) Position() Pos { return n.Pos }
func (n *Unnest) Position() Pos           { return n.Pos }
