// Package plan turns parsed Flink SQL into a logical plan and optimises
// it: the binder resolves names against the catalog, types and coerces
// expressions and rewrites subqueries; the logical plan is plain data
// (nodes below); the rule-based optimizer rewrites it without changing its
// meaning. Package plan/physical turns the result into a runtime job graph.
//
// Expressions in nodes are bound expr.Expr trees whose ColumnRef indexes
// point into the node's input schema (for Join: left columns, then right).
package plan

import (
	"time"

	"github.com/spry-engine/spry/catalog"
	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// Node is a logical plan node. Nodes are immutable once built: rewrites
// make new nodes (WithInputs copies a node with other inputs).
type Node interface {
	// Schema is the node's output columns.
	Schema() *types.Schema
	// Inputs are the node's children, left to right.
	Inputs() []Node
	// WithInputs returns a shallow copy of the node reading from in
	// (len(in) == len(Inputs())).
	WithInputs(in []Node) Node
	// String prints the node on one line as Flink's EXPLAIN does, e.g.
	// LogicalFilter(condition=[>($1, 0)]).
	String() string
}

// Scan reads a catalog table through its connector.
type Scan struct {
	Path  catalog.ObjectPath
	Table *catalog.Table
	// Options are the table's WITH options merged with any
	// /*+ OPTIONS(...) */ hint of this scan.
	Options map[string]string
	// ProjectedColumns are the indexes into Table.SourceSchema() the scan
	// produces, in order; nil means all of them (projection push-down).
	ProjectedColumns []int
	// PushedFilters are conjuncts over the scan's output schema that the
	// connector applies (filter push-down); the plan keeps no Filter for
	// them.
	PushedFilters []expr.Expr
}

// Schema returns the table's source schema, projected.
func (s *Scan) Schema() *types.Schema {
	full := s.Table.SourceSchema()
	if s.ProjectedColumns == nil {
		return full
	}
	out := &types.Schema{Fields: make([]types.Field, len(s.ProjectedColumns))}
	for i, c := range s.ProjectedColumns {
		out.Fields[i] = full.Fields[c]
		for _, k := range full.PrimaryKey {
			if k == c {
				out.PrimaryKey = append(out.PrimaryKey, i)
			}
		}
	}
	if len(out.PrimaryKey) != len(full.PrimaryKey) {
		out.PrimaryKey = nil // a partial key is no key
	}
	return out
}

// Inputs returns nothing: a scan is a leaf.
func (s *Scan) Inputs() []Node { return nil }

// WithInputs returns s itself.
func (s *Scan) WithInputs([]Node) Node { return s }

// WatermarkAssigner generates event-time watermarks from a table's
// WATERMARK FOR clause; it sits above the scan and the projection that
// computes computed columns.
type WatermarkAssigner struct {
	Input        Node
	RowtimeIndex int       // the rowtime column in Input's schema
	Expr         expr.Expr // the watermark expression over Input's schema
}

// Schema returns the input schema with the rowtime column marked *ROWTIME*.
func (w *WatermarkAssigner) Schema() *types.Schema {
	in := w.Input.Schema()
	out := &types.Schema{Fields: append([]types.Field(nil), in.Fields...), PrimaryKey: in.PrimaryKey}
	out.Fields[w.RowtimeIndex].Type.TimeAttr = types.TimeAttrRowtime
	return out
}

// Inputs returns the input.
func (w *WatermarkAssigner) Inputs() []Node { return []Node{w.Input} }

// WithInputs copies w over in[0].
func (w *WatermarkAssigner) WithInputs(in []Node) Node { c := *w; c.Input = in[0]; return &c }

// Values is a relation of constant rows (SQL VALUES, or a SELECT without
// FROM). Every expression is constant (no ColumnRef).
type Values struct {
	Out  *types.Schema
	Rows [][]expr.Expr
}

// Schema returns the declared schema.
func (v *Values) Schema() *types.Schema { return v.Out }

// Inputs returns nothing.
func (v *Values) Inputs() []Node { return nil }

// WithInputs returns v itself.
func (v *Values) WithInputs([]Node) Node { return v }

// Project computes one output column per expression.
type Project struct {
	Input Node
	Exprs []expr.Expr
	Out   *types.Schema // names and types of Exprs
}

// Schema returns the projected schema.
func (p *Project) Schema() *types.Schema { return p.Out }

// Inputs returns the input.
func (p *Project) Inputs() []Node { return []Node{p.Input} }

// WithInputs copies p over in[0].
func (p *Project) WithInputs(in []Node) Node { c := *p; c.Input = in[0]; return &c }

// Filter keeps the rows whose condition is TRUE.
type Filter struct {
	Input Node
	Cond  expr.Expr
}

// Schema returns the input schema.
func (f *Filter) Schema() *types.Schema { return f.Input.Schema() }

// Inputs returns the input.
func (f *Filter) Inputs() []Node { return []Node{f.Input} }

// WithInputs copies f over in[0].
func (f *Filter) WithInputs(in []Node) Node { c := *f; c.Input = in[0]; return &c }

// AggStrategy is table.optimizer.agg-phase-strategy as applied to one
// aggregate: whether physical planning splits it into a local and a global
// phase.
type AggStrategy uint8

// Aggregation phase strategies.
const (
	AggAuto AggStrategy = iota
	AggOnePhase
	AggTwoPhase
)

// String returns the option value spelling.
func (s AggStrategy) String() string {
	return [...]string{"AUTO", "ONE_PHASE", "TWO_PHASE"}[s]
}

// AggCall is one aggregate function call of an Aggregate.
type AggCall struct {
	Func    *expr.AggregateFunction
	Factory expr.AccumulatorFactory
	// Args are input column indexes (the binder projects argument
	// expressions into columns first).
	Args []int
	// Filter is the input column of the FILTER (WHERE ...) condition, or -1.
	Filter   int
	Distinct bool
	Type     types.DataType
	Name     string
}

// Aggregate groups its input by GroupKeys and computes Calls per group.
// The output is the group key columns, then one column per call.
type Aggregate struct {
	Input     Node
	GroupKeys []int
	Calls     []AggCall
	// Strategy is set by the optimizer from agg-phase-strategy.
	Strategy AggStrategy
	// StateTTL, when positive, is the STATE_TTL hint's retention of the
	// groups' state; zero leaves table.exec.state.ttl in charge.
	StateTTL time.Duration
	// Split is "PARTIAL" or "FINAL" for the two levels of a split distinct
	// aggregation (DistinctAggSplit), else empty.
	Split string
}

// Schema returns the group key columns followed by the calls' results.
func (a *Aggregate) Schema() *types.Schema {
	in := a.Input.Schema()
	out := &types.Schema{}
	for i, k := range a.GroupKeys {
		// A regular aggregation materializes time attributes, as Flink.
		f := in.Fields[k]
		f.Type = groupKeyTimeAttr(f.Name, f.Type)
		out.Fields = append(out.Fields, f)
		out.PrimaryKey = append(out.PrimaryKey, i)
	}
	for _, c := range a.Calls {
		out.Fields = append(out.Fields, types.Field{Name: c.Name, Type: c.Type.WithoutTimeAttr()})
	}
	return out
}

// Inputs returns the input.
func (a *Aggregate) Inputs() []Node { return []Node{a.Input} }

// WithInputs copies a over in[0].
func (a *Aggregate) WithInputs(in []Node) Node { c := *a; c.Input = in[0]; return &c }

// JoinType is the kind of a join.
type JoinType uint8

// Join types. Semi and anti joins output only the left columns.
const (
	JoinInner JoinType = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinSemi
	JoinAnti
)

// String returns the type as Flink's plans print it.
func (t JoinType) String() string {
	return [...]string{"inner", "left", "right", "full", "semi", "anti"}[t]
}

// Join combines two inputs. Condition is over the left columns followed by
// the right ones; nil means TRUE (a cross join).
type Join struct {
	Left, Right Node
	Type        JoinType
	Condition   expr.Expr
	// LeftTTL and RightTTL, when positive, are the STATE_TTL hint's
	// retention of each side's state; zero leaves table.exec.state.ttl in
	// charge.
	LeftTTL, RightTTL time.Duration
}

// Schema returns left ++ right (left only for semi/anti joins), with the
// columns of the side that may be padded with NULLs made nullable.
func (j *Join) Schema() *types.Schema {
	l, r := j.Left.Schema(), j.Right.Schema()
	if j.Type == JoinSemi || j.Type == JoinAnti {
		return l
	}
	out := &types.Schema{Fields: make([]types.Field, 0, l.Len()+r.Len())}
	for _, f := range l.Fields {
		if j.Type == JoinRight || j.Type == JoinFull {
			f.Type = f.Type.WithNullable(true)
		}
		out.Fields = append(out.Fields, f)
	}
	for _, f := range r.Fields {
		if j.Type == JoinLeft || j.Type == JoinFull {
			f.Type = f.Type.WithNullable(true)
		}
		out.Fields = append(out.Fields, f)
	}
	// A regular join materializes time attributes (logical_join_time.go).
	if hasTimeAttr(out) && !j.keepsTimeAttrs(l, r) {
		for i := range out.Fields {
			out.Fields[i].Type = out.Fields[i].Type.WithoutTimeAttr()
		}
	}
	return out
}

// Inputs returns left and right.
func (j *Join) Inputs() []Node { return []Node{j.Left, j.Right} }

// WithInputs copies j over in[0], in[1].
func (j *Join) WithInputs(in []Node) Node { c := *j; c.Left, c.Right = in[0], in[1]; return &c }

// SortKey is one ORDER BY key.
type SortKey struct {
	Index      int
	Desc       bool
	NullsFirst bool
}

// Sort orders its input by Keys and then skips Offset rows and keeps at
// most Fetch. With no keys it is a plain LIMIT/OFFSET; with keys and a
// Fetch it is a top-N.
type Sort struct {
	Input  Node
	Keys   []SortKey
	Offset int64 // 0 when absent
	Fetch  int64 // -1 when absent
}

// Schema returns the input schema.
func (s *Sort) Schema() *types.Schema { return s.Input.Schema() }

// Inputs returns the input.
func (s *Sort) Inputs() []Node { return []Node{s.Input} }

// WithInputs copies s over in[0].
func (s *Sort) WithInputs(in []Node) Node { c := *s; c.Input = in[0]; return &c }

// SetOpKind is the kind of a set operation node.
type SetOpKind uint8

// Set operations.
const (
	SetUnion SetOpKind = iota
	SetIntersect
	SetMinus
)

// SetOp is UNION, INTERSECT or EXCEPT (MINUS) over inputs of equal column
// types (the binder casts them to common types). All keeps duplicates.
type SetOp struct {
	Kind SetOpKind
	Ins  []Node
	All  bool
}

// Schema returns the first input's names with types made nullable where
// any input is nullable.
func (s *SetOp) Schema() *types.Schema {
	first := s.Ins[0].Schema()
	out := &types.Schema{Fields: append([]types.Field(nil), first.Fields...)}
	for _, in := range s.Ins[1:] {
		for i, f := range in.Schema().Fields {
			if f.Type.Nullable() {
				out.Fields[i].Type = out.Fields[i].Type.WithNullable(true)
			}
		}
	}
	return out
}

// Inputs returns the operands.
func (s *SetOp) Inputs() []Node { return s.Ins }

// WithInputs copies s over in.
func (s *SetOp) WithInputs(in []Node) Node { c := *s; c.Ins = in; return &c }

// Correlate joins each input row with the rows a table function returns
// for it (LATERAL TABLE(f(...)) and UNNEST). The output is the input
// columns followed by the function's columns.
type Correlate struct {
	Input Node
	// Func is the table function; for UNNEST it is nil and Unnest is set.
	Func   *expr.TableFunction
	Kernel expr.TableKernel
	// Args are over Input's schema.
	Args   []expr.Expr
	Fields []types.Field // the function's output columns
	// Left keeps input rows for which the function returns nothing
	// (LEFT JOIN LATERAL ... ON TRUE), padding with NULLs.
	Left bool
	// Unnest marks UNNEST(array|map|multiset) [WITH ORDINALITY].
	Unnest         bool
	WithOrdinality bool
}

// Schema returns the input columns followed by the function's columns.
func (c *Correlate) Schema() *types.Schema {
	in := c.Input.Schema()
	out := &types.Schema{Fields: append(append([]types.Field(nil), in.Fields...), c.Fields...)}
	if c.Left {
		for i := in.Len(); i < out.Len(); i++ {
			out.Fields[i].Type = out.Fields[i].Type.WithNullable(true)
		}
	}
	return out
}

// Inputs returns the input.
func (c *Correlate) Inputs() []Node { return []Node{c.Input} }

// WithInputs copies c over in[0].
func (c *Correlate) WithInputs(in []Node) Node { d := *c; d.Input = in[0]; return &d }

// Expand emits each input row once per projection list (GROUPING SETS):
// every list computes the full output row, with NULL for the keys the set
// leaves out and the set's id in column ExpandID.
type Expand struct {
	Input    Node
	Projects [][]expr.Expr
	ExpandID int // output column holding the grouping set id
	Out      *types.Schema
}

// Schema returns the declared schema.
func (e *Expand) Schema() *types.Schema { return e.Out }

// Inputs returns the input.
func (e *Expand) Inputs() []Node { return []Node{e.Input} }

// WithInputs copies e over in[0].
func (e *Expand) WithInputs(in []Node) Node { c := *e; c.Input = in[0]; return &c }

// Sink writes its input into a catalog table (INSERT INTO / OVERWRITE).
// The binder has already ordered and cast the input's columns to
// Table.SinkSchema().
type Sink struct {
	Input     Node
	Path      catalog.ObjectPath
	Table     *catalog.Table
	Options   map[string]string // WITH options merged with OPTIONS hints
	Overwrite bool
	// StaticPartitions are the PARTITION (k = 'v') values of the insert.
	StaticPartitions map[string]string
}

// Schema returns the input's columns under the sink's column names.
func (s *Sink) Schema() *types.Schema {
	in := s.Input.Schema()
	out := &types.Schema{Fields: append([]types.Field(nil), in.Fields...)}
	if s.Table != nil {
		sink := s.Table.SinkSchema()
		for i := range out.Fields {
			if i < sink.Len() {
				out.Fields[i].Name = sink.Fields[i].Name
			}
		}
		out.PrimaryKey = sink.PrimaryKey
	}
	return out
}

// Inputs returns the input.
func (s *Sink) Inputs() []Node { return []Node{s.Input} }

// WithInputs copies s over in[0].
func (s *Sink) WithInputs(in []Node) Node { c := *s; c.Input = in[0]; return &c }

var (
	_ Node = (*Scan)(nil)
	_ Node = (*WatermarkAssigner)(nil)
	_ Node = (*Values)(nil)
	_ Node = (*Project)(nil)
	_ Node = (*Filter)(nil)
	_ Node = (*Aggregate)(nil)
	_ Node = (*Join)(nil)
	_ Node = (*Sort)(nil)
	_ Node = (*SetOp)(nil)
	_ Node = (*Correlate)(nil)
	_ Node = (*Expand)(nil)
	_ Node = (*Sink)(nil)
)

// ConnectorTable describes the scanned table to its connector factory:
// the full source schema (physical and metadata columns; the scan's
// ProjectedColumns select from it), primary key and effective options.
func (s *Scan) ConnectorTable() *connector.Table {
	src := s.Table.SourceSchema()
	return &connector.Table{Name: s.Path.String(), Schema: src, PrimaryKey: src.PrimaryKey, Options: s.EffectiveOptions(),
		Metadata: metadataKeys(s.Table, src), PartitionKeys: partitionKeys(s.Table)}
}

// EffectiveOptions are the options the scan's connector sees: Options, or
// the table's own WITH options for a Scan built without them.
func (s *Scan) EffectiveOptions() map[string]string {
	return effectiveOptions(s.Options, s.Table)
}

// ConnectorTable describes the target table to its connector factory:
// the sink schema (physical and writable metadata columns), primary key,
// effective options and INSERT OVERWRITE.
func (s *Sink) ConnectorTable() *connector.Table {
	sink := s.Table.SinkSchema()
	return &connector.Table{Name: s.Path.String(), Schema: sink, PrimaryKey: sink.PrimaryKey,
		Options: s.EffectiveOptions(), Overwrite: s.Overwrite, Metadata: metadataKeys(s.Table, sink),
		PartitionKeys: partitionKeys(s.Table)}
}

// partitionKeys returns t's PARTITIONED BY columns (nil for a table that
// is not from the catalog).
func partitionKeys(t *catalog.Table) []string {
	if t == nil {
		return nil
	}
	return t.PartitionKeys
}

// EffectiveOptions are the options the sink's connector sees: Options, or
// the table's own WITH options for a Sink built without them.
func (s *Sink) EffectiveOptions() map[string]string {
	return effectiveOptions(s.Options, s.Table)
}

func effectiveOptions(opts map[string]string, t *catalog.Table) map[string]string {
	if opts == nil && t != nil {
		return t.Options
	}
	return opts
}
