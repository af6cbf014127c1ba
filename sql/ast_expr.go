package sql

// Identifier is a possibly-qualified name used as an expression: a column
// `a`, a qualified column `t.a`, or a field path `t.row_col.field`. The binder
// decides which parts are tables, columns and fields.
type Identifier struct {
	Pos   Pos
	Parts []string
}

// Star is `*` or `t.*` in a select list.
type Star struct {
	Pos       Pos
	Qualifier []string // nil for a bare *
}

// NumberKind classifies numeric literals.
type NumberKind int

// Numeric literal kinds.
const (
	// IntegerNumber is digits only (may exceed int64; then it is a DECIMAL).
	IntegerNumber NumberKind = iota
	// DecimalNumber has a decimal point and no exponent (exact).
	DecimalNumber
	// ApproxNumber has an exponent, e.g. 1.5E3 (DOUBLE).
	ApproxNumber
)

// NumberLit is a numeric literal; Text is the source spelling (without sign).
type NumberLit struct {
	Pos  Pos
	Kind NumberKind
	Text string
}

// StringLit is a character string literal with the quotes removed, doubled
// quotes collapsed and U&'..' escapes resolved.
type StringLit struct {
	Pos   Pos
	Value string
}

// BinaryLit is X'0AFF'; Hex is the hex digits as written (even length).
type BinaryLit struct {
	Pos Pos
	Hex string
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Pos   Pos
	Value bool
}

// NullLit is NULL, or UNKNOWN (a boolean null) when Unknown is set.
type NullLit struct {
	Pos     Pos
	Unknown bool
}

// DateTimeLit is DATE '..', TIME '..', TIMESTAMP '..' or TIMESTAMP_LTZ '..'.
// Type is the upper-case keyword; Value the string contents.
type DateTimeLit struct {
	Pos   Pos
	Type  string
	Value string
}

// TimeUnit is an upper-case, singular time unit name: YEAR, QUARTER, MONTH,
// WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND,
// DOW, DOY, EPOCH, DECADE, CENTURY, MILLENNIUM, ISODOW, ISOYEAR.
type TimeUnit string

// NoPrecision marks an interval unit precision that was not written.
const NoPrecision = -1

// IntervalQualifier is `unit[(p)] [TO unit[(p)]]` of interval literals and
// types. To is "" for single-unit intervals. Precisions are NoPrecision when
// not written (for SECOND(p, s) the fractional precision is FracPrecision).
type IntervalQualifier struct {
	From          TimeUnit
	FromPrecision int
	To            TimeUnit
	ToPrecision   int
	// FracPrecision is the second argument of SECOND(p, s) when From is
	// SECOND and written with two numbers; otherwise NoPrecision.
	FracPrecision int
}

// IntervalLit is INTERVAL [-]'value' qualifier, e.g. INTERVAL '10' MINUTE,
// INTERVAL '1-2' YEAR TO MONTH. Plural units (MINUTES) are normalised.
type IntervalLit struct {
	Pos      Pos
	Negative bool
	Value    string
	IntervalQualifier
}

// UnaryExpr is `-x`, `+x` or `NOT x`.
type UnaryExpr struct {
	Pos Pos
	Op  string // "-", "+", "NOT"
	X   Expr
}

// BinaryExpr is a binary operation. Op is one of + - * / % || = <> < <= > >=
// AND OR (!= is normalised to <>).
type BinaryExpr struct {
	Pos         Pos
	Op          string
	Left, Right Expr
}

// IsExpr is `x IS [NOT] NULL|TRUE|FALSE|UNKNOWN`.
type IsExpr struct {
	Pos  Pos
	X    Expr
	Not  bool
	What string // "NULL", "TRUE", "FALSE", "UNKNOWN"
}

// IsDistinctFrom is `a IS [NOT] DISTINCT FROM b`.
type IsDistinctFrom struct {
	Pos         Pos
	Not         bool
	Left, Right Expr
}

// IsJSON is `x IS [NOT] JSON [VALUE|OBJECT|ARRAY|SCALAR]`; Kind is "" when
// not written.
type IsJSON struct {
	Pos  Pos
	X    Expr
	Not  bool
	Kind string
}

// BetweenExpr is `x [NOT] BETWEEN [SYMMETRIC|ASYMMETRIC] low AND high`.
type BetweenExpr struct {
	Pos       Pos
	X         Expr
	Not       bool
	Symmetric bool
	Low, High Expr
}

// InExpr is `x [NOT] IN (list)` or `x [NOT] IN (subquery)`; exactly one of
// List and Query is set.
type InExpr struct {
	Pos   Pos
	X     Expr
	Not   bool
	List  []Expr
	Query *Query
}

// ExistsExpr is `EXISTS (subquery)` (NOT EXISTS is UnaryExpr NOT over it).
type ExistsExpr struct {
	Pos   Pos
	Query *Query
}

// SubqueryExpr is a scalar subquery `(SELECT ...)`.
type SubqueryExpr struct {
	Pos   Pos
	Query *Query
}

// LikeExpr is `x [NOT] LIKE pattern [ESCAPE e]` or, with Similar set,
// `x [NOT] SIMILAR TO pattern [ESCAPE e]`.
type LikeExpr struct {
	Pos     Pos
	X       Expr
	Not     bool
	Similar bool
	Pattern Expr
	Escape  Expr // or nil
}

// CaseExpr is a simple (Operand set) or searched CASE expression.
type CaseExpr struct {
	Pos     Pos
	Operand Expr
	Whens   []*When
	Else    Expr
}

// When is one WHEN cond THEN result branch of CASE.
type When struct {
	Pos    Pos
	Cond   Expr
	Result Expr
}

// CastExpr is CAST(x AS type), or TRY_CAST when Try is set.
type CastExpr struct {
	Pos  Pos
	Try  bool
	X    Expr
	Type *DataType
}

// FuncCall is a function call. Name keeps its original spelling. Special
// forms: COUNT(*) has Star; niladic CURRENT_TIMESTAMP, CURRENT_DATE,
// CURRENT_TIME, LOCALTIME, LOCALTIMESTAMP, CURRENT_ROW_TIMESTAMP written
// without parentheses have NoParens; SUBSTRING(s FROM a FOR b) becomes
// SUBSTRING(s, a, b); TIMESTAMPADD/TIMESTAMPDIFF take a *TimeUnitExpr first
// argument.
type FuncCall struct {
	Pos         Pos
	Name        []string
	Args        []Expr
	Distinct    bool
	Star        bool
	NoParens    bool
	Filter      Expr         // FILTER (WHERE ...), or nil
	WithinGroup []*OrderItem // WITHIN GROUP (ORDER BY ...)
	Over        *WindowSpec  // OVER ..., or nil
}

// TimeUnitExpr is a bare time unit used as a function argument, e.g. the
// first argument of TIMESTAMPADD(MINUTE, 1, ts).
type TimeUnitExpr struct {
	Pos  Pos
	Unit TimeUnit
}

// ExtractExpr is EXTRACT(unit FROM x).
type ExtractExpr struct {
	Pos  Pos
	Unit TimeUnit
	X    Expr
}

// FloorCeilExpr is FLOOR(x TO unit) or CEIL|CEILING(x TO unit). The one
// argument forms FLOOR(x)/CEIL(x) are ordinary FuncCalls.
type FloorCeilExpr struct {
	Pos  Pos
	Ceil bool
	X    Expr
	Unit TimeUnit
}

// TrimExpr is TRIM([BOTH|LEADING|TRAILING] [chars] FROM x) or TRIM(x).
// Mode is "" when not written; Chars is nil when not written.
type TrimExpr struct {
	Pos   Pos
	Mode  string
	Chars Expr
	X     Expr
}

// PositionExpr is POSITION(sub IN x).
type PositionExpr struct {
	Pos Pos
	Sub Expr
	X   Expr
}

// OverlayExpr is OVERLAY(x PLACING r FROM start [FOR length]).
type OverlayExpr struct {
	Pos     Pos
	X       Expr
	Placing Expr
	From    Expr
	For     Expr // or nil
}

// JSONBehavior is an `... ON EMPTY` / `... ON ERROR` clause. Kind is one of
// "NULL", "ERROR", "DEFAULT" (with Default), "EMPTY ARRAY", "EMPTY OBJECT",
// "TRUE", "FALSE", "UNKNOWN".
type JSONBehavior struct {
	Pos     Pos
	Kind    string
	Default Expr
}

// JSONValueExpr is JSON_VALUE(x, path [RETURNING type] [b ON EMPTY] [b ON ERROR]).
type JSONValueExpr struct {
	Pos       Pos
	X         Expr
	Path      Expr
	Returning *DataType
	OnEmpty   *JSONBehavior
	OnError   *JSONBehavior
}

// JSONQueryExpr is JSON_QUERY(x, path [RETURNING type] [wrapper] [b ON EMPTY] [b ON ERROR]).
// Wrapper is "" (not written), "WITHOUT ARRAY", "WITH CONDITIONAL ARRAY" or
// "WITH UNCONDITIONAL ARRAY" (WITH ARRAY is canonicalised to UNCONDITIONAL).
type JSONQueryExpr struct {
	Pos       Pos
	X         Expr
	Path      Expr
	Returning *DataType
	Wrapper   string
	OnEmpty   *JSONBehavior
	OnError   *JSONBehavior
}

// JSONExistsExpr is JSON_EXISTS(x, path [TRUE|FALSE|UNKNOWN|ERROR ON ERROR]).
type JSONExistsExpr struct {
	Pos     Pos
	X       Expr
	Path    Expr
	OnError *JSONBehavior
}

// JSONKeyValue is `[KEY] k VALUE v` in JSON_OBJECT.
type JSONKeyValue struct {
	Pos   Pos
	Key   Expr
	Value Expr
}

// JSONObjectExpr is JSON_OBJECT([KEY] k VALUE v, ... [NULL|ABSENT ON NULL]).
// OnNull is "", "NULL" or "ABSENT".
type JSONObjectExpr struct {
	Pos     Pos
	Entries []*JSONKeyValue
	OnNull  string
}

// JSONArrayExpr is JSON_ARRAY(v, ... [NULL|ABSENT ON NULL]).
type JSONArrayExpr struct {
	Pos    Pos
	Elems  []Expr
	OnNull string
}

// ArrayCtor is ARRAY[e, ...].
type ArrayCtor struct {
	Pos   Pos
	Elems []Expr
}

// MapCtor is MAP[k1, v1, k2, v2, ...]; Elems alternate keys and values.
type MapCtor struct {
	Pos   Pos
	Elems []Expr
}

// RowCtor is ROW(e, ...) (Explicit) or a parenthesised list (e1, e2, ...)
// of two or more expressions.
type RowCtor struct {
	Pos      Pos
	Explicit bool
	Elems    []Expr
}

// IndexExpr is element access x[i] on arrays and maps.
type IndexExpr struct {
	Pos   Pos
	X     Expr
	Index Expr
}

// FieldExpr is field access x.field on a non-identifier expression, e.g.
// f(a).b or arr[1].b. Field access on plain identifiers stays inside
// Identifier.Parts.
type FieldExpr struct {
	Pos   Pos
	X     Expr
	Field string
}

// DescriptorExpr is DESCRIPTOR(col, ...), used as a window TVF argument.
type DescriptorExpr struct {
	Pos     Pos
	Columns []*Ident
}

// TableArg is `TABLE name [PARTITION BY cols]` as a table-valued function
// argument (PARTITION BY is used by the SESSION window TVF).
type TableArg struct {
	Pos         Pos
	Name        *ObjectName
	PartitionBy []Expr
}

// NamedArg is `name => value` as a function argument.
type NamedArg struct {
	Pos   Pos
	Name  *Ident
	Value Expr
}

// GroupingSets is GROUPING SETS (e, ...) in GROUP BY. Elements are
// expressions, *GroupingSet, *Rollup or *Cube.
type GroupingSets struct {
	Pos  Pos
	Sets []Expr
}

// Rollup is ROLLUP (e, ...) in GROUP BY; elements may be *GroupingSet.
type Rollup struct {
	Pos   Pos
	Exprs []Expr
}

// Cube is CUBE (e, ...) in GROUP BY; elements may be *GroupingSet.
type Cube struct {
	Pos   Pos
	Exprs []Expr
}

// GroupingSet is an explicit parenthesised grouping set `(a, b)` or `()`
// inside GROUP BY.
type GroupingSet struct {
	Pos   Pos
	Exprs []Expr
}

func (*Identifier) exprNode()     {}
func (*Star) exprNode()           {}
func (*NumberLit) exprNode()      {}
func (*StringLit) exprNode()      {}
func (*BinaryLit) exprNode()      {}
func (*BoolLit) exprNode()        {}
func (*NullLit) exprNode()        {}
func (*DateTimeLit) exprNode()    {}
func (*IntervalLit) exprNode()    {}
func (*UnaryExpr) exprNode()      {}
func (*BinaryExpr) exprNode()     {}
func (*IsExpr) exprNode()         {}
func (*IsDistinctFrom) exprNode() {}
func (*IsJSON) exprNode()         {}
func (*BetweenExpr) exprNode()    {}
func (*InExpr) exprNode()         {}
func (*ExistsExpr) exprNode()     {}
func (*SubqueryExpr) exprNode()   {}
func (*LikeExpr) exprNode()       {}
func (*CaseExpr) exprNode()       {}
func (*CastExpr) exprNode()       {}
func (*FuncCall) exprNode()       {}
func (*TimeUnitExpr) exprNode()   {}
func (*ExtractExpr) exprNode()    {}
func (*FloorCeilExpr) exprNode()  {}
func (*TrimExpr) exprNode()       {}
func (*PositionExpr) exprNode()   {}
func (*OverlayExpr) exprNode()    {}
func (*JSONValueExpr) exprNode()  {}
func (*JSONQueryExpr) exprNode()  {}
func (*JSONExistsExpr) exprNode() {}
func (*JSONObjectExpr) exprNode() {}
func (*JSONArrayExpr) exprNode()  {}
func (*ArrayCtor) exprNode()      {}
func (*MapCtor) exprNode()        {}
func (*RowCtor) exprNode()        {}
func (*IndexExpr) exprNode()      {}
func (*FieldExpr) exprNode()      {}
func (*DescriptorExpr) exprNode() {}
func (*TableArg) exprNode()       {}
func (*NamedArg) exprNode()       {}
func (*GroupingSets) exprNode()   {}
func (*Rollup) exprNode()         {}
func (*Cube) exprNode()           {}
func (*GroupingSet) exprNode()    {}

func (n *Identifier) Position() Pos     { return n.Pos }
func (n *Star) Position() Pos           { return n.Pos }
func (n *NumberLit) Position() Pos      { return n.Pos }
func (n *StringLit) Position() Pos      { return n.Pos }
func (n *BinaryLit) Position() Pos      { return n.Pos }
func (n *BoolLit) Position() Pos        { return n.Pos }
func (n *NullLit) Position() Pos        { return n.Pos }
func (n *DateTimeLit) Position() Pos    { return n.Pos }
func (n *IntervalLit) Position() Pos    { return n.Pos }
func (n *UnaryExpr) Position() Pos      { return n.Pos }
func (n *BinaryExpr) Position() Pos     { return n.Pos }
func (n *IsExpr) Position() Pos         { return n.Pos }
func (n *IsDistinctFrom) Position() Pos { return n.Pos }
func (n *IsJSON) Position() Pos         { return n.Pos }
func (n *BetweenExpr) Position() Pos    { return n.Pos }
func (n *InExpr) Position() Pos         { return n.Pos }
func (n *ExistsExpr) Position() Pos     { return n.Pos }
func (n *SubqueryExpr) Position() Pos   { return n.Pos }
func (n *LikeExpr) Position() Pos       { return n.Pos }
func (n *CaseExpr) Position() Pos       { return n.Pos }
func (n *When) Position() Pos           { return n.Pos }
func (n *CastExpr) Position() Pos       { return n.Pos }
func (n *FuncCall) Position() Pos       { return n.Pos }
func (n *TimeUnitExpr) Position() Pos   { return n.Pos }
func (n *ExtractExpr) Position() Pos    { return n.Pos }
func (n *FloorCeilExpr) Position() Pos  { return n.Pos }
func (n *TrimExpr) Position() Pos       { return n.Pos }
func (n *PositionExpr) Position() Pos   { return n.Pos }
func (n *OverlayExpr) Position() Pos    { return n.Pos }
func (n *JSONBehavior) Position() Pos   { return n.Pos }
func (n *JSONValueExpr) Position() Pos  { return n.Pos }
func (n *JSONQueryExpr) Position() Pos  { return n.Pos }
func (n *JSONExistsExpr) Position() Pos { return n.Pos }
func (n *JSONKeyValue) Position() Pos   { return n.Pos }
func (n *JSONObjectExpr) Position() Pos { return n.Pos }
func (n *JSONArrayExpr) Position() Pos  { return n.Pos }
func (n *ArrayCtor) Position() Pos      { return n.Pos }
func (n *MapCtor) Position() Pos        { return n.Pos }
func (n *RowCtor) Position() Pos        { return n.Pos }
func (n *IndexExpr) Position() Pos      { return n.Pos }
func (n *FieldExpr) Position() Pos      { return n.Pos }
func (n *DescriptorExpr) Position() Pos { return n.Pos }
func (n *TableArg) Position() Pos       { return n.Pos }
func (n *NamedArg) Position() Pos       { return n.Pos }
func (n *GroupingSets) Position() Pos   { return n.Pos }
func (n *Rollup) Position() Pos         { return n.Pos }
func (n *Cube) Position() Pos           { return n.Pos }
func (n *GroupingSet) Position() Pos    { return n.Pos }
