package expr

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spry-engine/spry/types"
)

// Arg describes one argument at bind time: its type and, when the argument
// is a literal, its value, so a function can specialise (compile a LIKE
// pattern or a date format once).
type Arg struct {
	Type    types.DataType
	IsConst bool
	Const   any
	// JSON marks a string argument that is already JSON text, such as a
	// nested JSON_OBJECT or JSON_ARRAY call (see functions.IsJSONProducer),
	// so JSON constructors embed it as is instead of quoting it.
	JSON bool
}

// Doc is the user-facing documentation attached to every function; the
// generated docs/functions.md is built from it.
type Doc struct {
	Category    string   // "String", "Math", "Temporal", "Conditional", "JSON", "Hash", "Collection", "Comparison", "Logical", "Arithmetic", "Cast", "Aggregate", "Table", ...
	Syntax      string   // e.g. "UPPER(string)"
	Description string   // one or two sentences, Flink's semantics
	Examples    []string // e.g. "UPPER('hi') → 'HI'"
}

// ScalarFunction is a function from one row's arguments to one value,
// evaluated a column at a time.
type ScalarFunction struct {
	Name string // upper-case SQL name, or an operator symbol such as "+"
	Doc  Doc
	// Bind checks the argument types, returns the result type and the
	// kernel. Arguments arrive already coerced only if the function asked
	// for it through its own checks: Bind reports a *TypeError for a wrong
	// signature.
	Bind func(args []Arg) (types.DataType, Kernel, error)
	// NonDeterministic functions (RAND, UUID, CURRENT_TIMESTAMP in streaming)
	// are never constant-folded.
	NonDeterministic bool
}

// AggregateFunction is a built-in or user aggregate.
type AggregateFunction struct {
	Name string
	Doc  Doc
	// Bind returns the result type and a factory of accumulators for the
	// argument types; distinct is true for AGG(DISTINCT x).
	Bind func(args []Arg, distinct bool) (types.DataType, AccumulatorFactory, error)
	// SupportsRetraction reports whether accumulators accept -U/-D rows.
	SupportsRetraction bool
}

// TableFunction is a function returning zero or more rows per input row
// (a UDTF, used with LATERAL TABLE).
type TableFunction struct {
	Name string
	Doc  Doc
	// Bind returns the output row type and the evaluator.
	Bind func(args []Arg) ([]types.Field, TableKernel, error)
}

// TableKernel evaluates a table function over a batch of argument rows. It
// returns the produced rows as columns plus, for each produced row, the
// index of the input row it came from (so LATERAL joins can stitch them).
type TableKernel func(ctx *Context, args []arrow.Array, rows int) (out []arrow.Array, parent []int32, err error)

// Registry holds functions by upper-case name.
type Registry struct {
	mu      sync.RWMutex
	scalars map[string]*ScalarFunction
	aggs    map[string]*AggregateFunction
	tables  map[string]*TableFunction
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		scalars: map[string]*ScalarFunction{},
		aggs:    map[string]*AggregateFunction{},
		tables:  map[string]*TableFunction{},
	}
}

// Builtins is the registry of Spry's built-in functions.
var Builtins = NewRegistry()

func (r *Registry) checkFree(name string) {
	if r.scalars[name] != nil || r.aggs[name] != nil || r.tables[name] != nil {
		panic(fmt.Sprintf("expr: function %s registered twice", name))
	}
}

// RegisterScalar adds f; registering a name twice panics (a programming error).
func (r *Registry) RegisterScalar(f *ScalarFunction) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f.Name = strings.ToUpper(f.Name)
	r.checkFree(f.Name)
	r.scalars[f.Name] = f
}

// RegisterAggregate adds f.
func (r *Registry) RegisterAggregate(f *AggregateFunction) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f.Name = strings.ToUpper(f.Name)
	r.checkFree(f.Name)
	r.aggs[f.Name] = f
}

// RegisterTable adds f.
func (r *Registry) RegisterTable(f *TableFunction) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f.Name = strings.ToUpper(f.Name)
	r.checkFree(f.Name)
	r.tables[f.Name] = f
}

// Scalar looks up a scalar function by name, case-insensitively.
func (r *Registry) Scalar(name string) *ScalarFunction {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.scalars[strings.ToUpper(name)]
}

// Aggregate looks up an aggregate function by name, case-insensitively.
func (r *Registry) Aggregate(name string) *AggregateFunction {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.aggs[strings.ToUpper(name)]
}

// Table looks up a table function by name, case-insensitively.
func (r *Registry) Table(name string) *TableFunction {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.tables[strings.ToUpper(name)]
}

// Drop removes a function of any kind; it reports whether one existed.
func (r *Registry) Drop(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	name = strings.ToUpper(name)
	_, a := r.scalars[name]
	_, b := r.aggs[name]
	_, c := r.tables[name]
	delete(r.scalars, name)
	delete(r.aggs, name)
	delete(r.tables, name)
	return a || b || c
}

// Names returns every registered name, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []string
	for n := range r.scalars {
		out = append(out, n)
	}
	for n := range r.aggs {
		out = append(out, n)
	}
	for n := range r.tables {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Scalars returns the scalar functions sorted by name.
func (r *Registry) Scalars() []*ScalarFunction {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*ScalarFunction, 0, len(r.scalars))
	for _, f := range r.scalars {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Aggregates returns the aggregate functions sorted by name.
func (r *Registry) Aggregates() []*AggregateFunction {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*AggregateFunction, 0, len(r.aggs))
	for _, f := range r.aggs {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Tables returns the table functions sorted by name.
func (r *Registry) Tables() []*TableFunction {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*TableFunction, 0, len(r.tables))
	for _, f := range r.tables {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// TypeError reports arguments a function cannot take. The binder adds the
// source position.
type TypeError struct {
	Func     string
	Got      []types.DataType
	Expected string // the accepted signatures, e.g. "UPPER(STRING)"
}

func (e *TypeError) Error() string {
	got := make([]string, len(e.Got))
	for i, t := range e.Got {
		got[i] = t.String()
	}
	return fmt.Sprintf("cannot apply '%s' to arguments of type '%s(%s)'. Supported form(s): %s",
		e.Func, e.Func, strings.Join(got, ", "), e.Expected)
}

// IntValue returns a constant's value as int64 when it is a Go integer of
// an integral SQL type (TINYINT through BIGINT): how literal arguments
// (sizes, offsets, ranks) are read at bind time.
func IntValue(v any) (int64, bool) {
	switch v := v.(type) {
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	}
	return 0, false
}
