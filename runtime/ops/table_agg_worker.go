package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// The requests of a table aggregation to its worker's aggregate program
// (python/src/spry/worker/aggregate.py), named by the schema's spry.op
// metadata: update, result (emit_value), state, merge and reset, each
// addressing accumulators by the operator's dense group index.

var (
	taggGroupField   = arrow.Field{Name: "group", Type: arrow.PrimitiveTypes.Int64}
	taggRetractField = arrow.Field{Name: "retract", Type: arrow.FixedWidthTypes.Boolean}
	taggStateField   = arrow.Field{Name: "state", Type: arrow.BinaryTypes.Binary, Nullable: true}
)

func taggSchema(op string, fields ...arrow.Field) *arrow.Schema {
	md := arrow.NewMetadata([]string{"spry.op"}, []string{op})
	return arrow.NewSchema(fields, &md)
}

func groupIndexes(groups []uint32) arrow.Array {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(len(groups))
	for _, g := range groups {
		b.UnsafeAppend(int64(g))
	}
	return b.NewArray()
}

// update sends the rows with a group (eff; NoGroup rows are skipped) to
// accumulate, or retract where retract is set.
func (a *pythonTableAgg) update(eff []uint32, retract []bool, b *types.Batch) error {
	keep := make([]int32, 0, len(eff))
	gs := make([]uint32, 0, len(eff))
	for i, g := range eff {
		if g != expr.NoGroup {
			keep = append(keep, int32(i))
			gs = append(gs, g)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	rb := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer rb.Release()
	rb.Reserve(len(keep))
	for _, i := range keep {
		rb.UnsafeAppend(retract != nil && retract[i])
	}
	cols := []arrow.Array{groupIndexes(gs), rb.NewArray()}
	fields := []arrow.Field{taggGroupField, taggRetractField}
	for j, c := range a.cfg.Args {
		col := b.Cols[c]
		if len(keep) < len(eff) {
			col = kernel.Take(col, keep)
		}
		cols = append(cols, col)
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("a%d", j), Type: col.DataType(), Nullable: true})
	}
	_, err := a.w.eval(taggSchema("update", fields...), cols, len(keep))
	return err
}

// emitted holds the rows emit_value yielded for a list of groups: group
// i's rows are fields[*][offsets[i]:offsets[i+1]].
type emitted struct {
	fields  []arrow.Array
	offsets []int32
}

func (e *emitted) rows() int {
	if e == nil || len(e.offsets) == 0 {
		return 0
	}
	return int(e.offsets[len(e.offsets)-1])
}

// emitRows calls emit_value for each of groups.
func (a *pythonTableAgg) emitRows(groups []uint32) (*emitted, error) {
	out, err := a.w.eval(taggSchema("result", taggGroupField), []arrow.Array{groupIndexes(groups)}, len(groups))
	if err != nil {
		return nil, err
	}
	if len(out) != 1 || out[0].Len() != len(groups) {
		return nil, fmt.Errorf("table aggregate function %s returned a malformed result", a.cfg.Function.Name)
	}
	l, ok := out[0].(*array.List)
	if !ok {
		return nil, fmt.Errorf("table aggregate function %s returned %s, want a list of rows", a.cfg.Function.Name, out[0].DataType())
	}
	st, ok := l.ListValues().(*array.Struct)
	if !ok || st.NumField() != len(a.cfg.Result) {
		return nil, fmt.Errorf("table aggregate function %s returned rows of %s", a.cfg.Function.Name, l.ListValues().DataType())
	}
	// Rebase the rows on the first group's offset so they start at 0.
	first, _ := l.ValueOffsets(0)
	_, last := l.ValueOffsets(len(groups) - 1)
	e := &emitted{offsets: make([]int32, len(groups)+1)}
	for i := range groups {
		_, end := l.ValueOffsets(i)
		e.offsets[i+1] = int32(end - first)
	}
	for j := 0; j < st.NumField(); j++ {
		e.fields = append(e.fields, array.NewSlice(st.Field(j), first, last))
	}
	return e, nil
}

// concatEmitted puts cur's rows after old's (either may be nil).
func concatEmitted(old, cur *emitted) ([]arrow.Array, error) {
	switch {
	case old == nil:
		return cur.fields, nil
	case cur == nil:
		return old.fields, nil
	}
	out := make([]arrow.Array, len(old.fields))
	for j := range out {
		c, err := array.Concatenate([]arrow.Array{old.fields[j], cur.fields[j]}, memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("table aggregate rows: %w", err)
		}
		out[j] = c
	}
	return out, nil
}

// states returns each group's pickled accumulator.
func (a *pythonTableAgg) states(groups []uint32) (arrow.Array, error) {
	out, err := a.w.eval(taggSchema("state", taggGroupField), []arrow.Array{groupIndexes(groups)}, len(groups))
	if err != nil {
		return nil, err
	}
	if len(out) != 1 || out[0].Len() != len(groups) {
		return nil, fmt.Errorf("table aggregate function %s returned a malformed state", a.cfg.Function.Name)
	}
	return out[0], nil
}

// merge folds pickled accumulators into groups.
func (a *pythonTableAgg) merge(groups []uint32, st arrow.Array) error {
	_, err := a.w.eval(taggSchema("merge", taggGroupField, taggStateField), []arrow.Array{groupIndexes(groups), st}, len(groups))
	return err
}

// reset makes the worker forget groups.
func (a *pythonTableAgg) reset(groups []uint32) error {
	_, err := a.w.eval(taggSchema("reset", taggGroupField), []arrow.Array{groupIndexes(groups)}, len(groups))
	return err
}
