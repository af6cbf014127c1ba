package plan

import (
	"fmt"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/sql"
	"github.com/spry-engine/spry/types"
)

// Binder turns parsed statements into logical plans: it resolves names
// against the catalog, types expressions (with Flink's implicit
// coercions), binds functions and rewrites subqueries into joins. One
// Binder serves one session; it is not safe for concurrent use.
type Binder struct {
	Catalog *catalog.Manager
	Config  Config
	// Functions is the built-in function registry (expr.Builtins unless a
	// test swaps it).
	Functions *expr.Registry

	// ctes holds the WITH entries in scope, innermost last.
	ctes []map[string]*rel
	// views guards against a view that reads itself.
	views map[catalog.ObjectPath]bool
	// ttl is the STATE_TTL hint of the query block being bound, or nil.
	ttl *ttlHint
}

// NewBinder returns a binder over cat with the built-in functions.
func NewBinder(cat *catalog.Manager, cfg Config) *Binder {
	if cfg.Loc == nil {
		cfg.Loc = DefaultConfig().Loc
	}
	return &Binder{Catalog: cat, Config: cfg, Functions: expr.Builtins, views: map[catalog.ObjectPath]bool{}}
}

// BindQuery binds a query (SELECT, VALUES, set operation, WITH ...) into
// a logical plan whose schema is the query's result.
func (b *Binder) BindQuery(q *sql.Query) (Node, error) {
	r, err := b.query(q, nil)
	if err != nil {
		return nil, err
	}
	return r.node, nil
}

// BindStatement binds a query or DML statement: a query gives its plan,
// INSERT a *Sink, a statement set or EXECUTE STATEMENT SET a
// *StatementSetPlan, EXPLAIN the plan of the explained statement. Other
// statements (DDL, SHOW, SET, ...) are not plans; see Apply.
func (b *Binder) BindStatement(st sql.Stmt) (Node, error) {
	switch st := st.(type) {
	case *sql.QueryStmt:
		return b.BindQuery(st.Query)
	case *sql.Insert:
		return b.BindInsert(st)
	case *sql.StatementSet:
		return b.BindStatementSet(st.Inserts)
	case *sql.Execute:
		return b.BindStatement(st.Stmt)
	case *sql.Explain:
		return b.BindStatement(st.Stmt)
	}
	return nil, errorf(st.Position(), ErrUnsupported, "statement %T does not produce a plan", st)
}

// StatementSetPlan is several INSERTs planned and run as one job.
type StatementSetPlan struct {
	Sinks []*Sink
}

// Schema returns nil: a statement set produces no rows.
func (s *StatementSetPlan) Schema() *types.Schema { return &types.Schema{} }

// Inputs returns the sinks.
func (s *StatementSetPlan) Inputs() []Node {
	out := make([]Node, len(s.Sinks))
	for i, k := range s.Sinks {
		out[i] = k
	}
	return out
}

// WithInputs copies s over in (each a *Sink).
func (s *StatementSetPlan) WithInputs(in []Node) Node {
	c := &StatementSetPlan{Sinks: make([]*Sink, len(in))}
	for i, n := range in {
		c.Sinks[i] = n.(*Sink)
	}
	return c
}

// String prints the statement set on one line.
func (s *StatementSetPlan) String() string {
	return fmt.Sprintf("StatementSet(sinks=[%d])", len(s.Sinks))
}

// BindStatementSet binds each INSERT of a statement set.
func (b *Binder) BindStatementSet(ins []*sql.Insert) (*StatementSetPlan, error) {
	out := &StatementSetPlan{}
	for _, in := range ins {
		s, err := b.BindInsert(in)
		if err != nil {
			return nil, err
		}
		out.Sinks = append(out.Sinks, s)
	}
	return out, nil
}
