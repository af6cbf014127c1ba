package plan

import (
	"fmt"
	"strings"

	"github.com/spry-engine/spry/pyudf/pyfn"
	"github.com/spry-engine/spry/types"
)

// TableAggregate groups its input and runs a table aggregate function per
// group (Flink's LogicalTableAggregate, the Table API's flat_aggregate):
// the output is the group keys followed by the columns of the rows the
// function emits for the group. Only Python table aggregate functions
// exist in Spry, so the node holds the Python function.
type TableAggregate struct {
	Input     Node
	GroupKeys []int
	Fn        *pyfn.Function
	// Args are the input columns passed to accumulate/retract.
	Args []int
	// Fields are the emitted columns, named uniquely against the keys
	// (Flink's f0, f0_0).
	Fields []types.Field
}

// Schema returns the key columns then the emitted columns.
func (t *TableAggregate) Schema() *types.Schema {
	in := t.Input.Schema()
	out := &types.Schema{}
	for _, k := range t.GroupKeys {
		out.Fields = append(out.Fields, in.Fields[k])
	}
	for _, f := range t.Fields {
		out.Fields = append(out.Fields, types.Field{Name: f.Name, Type: f.Type.WithNullable(true)})
	}
	return out
}

// Inputs returns the input.
func (t *TableAggregate) Inputs() []Node { return []Node{t.Input} }

// WithInputs copies t over in[0].
func (t *TableAggregate) WithInputs(in []Node) Node { c := *t; c.Input = in[0]; return &c }

// String prints the node as Flink's EXPLAIN:
// LogicalTableAggregate(group=[{0}], tableAggregate=[[top2($1)]]).
func (t *TableAggregate) String() string {
	keys := make([]string, len(t.GroupKeys))
	for i, k := range t.GroupKeys {
		keys[i] = fmt.Sprint(k)
	}
	args := make([]string, len(t.Args))
	for i, a := range t.Args {
		args[i] = fmt.Sprintf("$%d", a)
	}
	return fmt.Sprintf("LogicalTableAggregate(group=[{%s}], tableAggregate=[[%s(%s)]])",
		strings.Join(keys, ", "), t.Fn.Name, strings.Join(args, ", "))
}

// tableAggFieldNames names the emitted columns, suffixing _0, _1, ... to
// a name a key (or an earlier column) already has, as Flink does.
func tableAggFieldNames(keys []string, fields []types.Field) []types.Field {
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k] = true
	}
	out := make([]types.Field, len(fields))
	for i, f := range fields {
		name := f.Name
		for k := 0; seen[name]; k++ {
			name = fmt.Sprintf("%s_%d", f.Name, k)
		}
		seen[name] = true
		out[i] = types.Field{Name: name, Type: f.Type}
	}
	return out
}
