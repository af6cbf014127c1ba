package ops

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// distinctShared is the state of the COUNT(DISTINCT x) calls of one
// aggregation over the same fixed-width column x: per group a
// distinctMulti with one view per call. Each call's accumulator is a
// distinctView; the scan path folds all views in one pass.
type distinctShared struct {
	calls  []int // the call of each view
	groups []distinctMulti
	vals   []int64
	// The scan of the current batch: all views' results, taken by each
	// view's scanRows in turn.
	token   uint32
	results []arrow.Array
	sink    int64 // keeps touch's loads
}

// distinctAhead is how many rows scan looks ahead: it loads their first
// slots before probing, so the cache misses of a table larger than the
// cache overlap instead of coming one after another.
const distinctAhead = 16

// touch loads the first slot of each row's value and returns a sum of
// them the compiler cannot drop.
func (sh *distinctShared) touch(eff []uint32, vals []int64, m int) int64 {
	var sum int64
	stride := m + 1
	for i, g := range eff {
		if g == expr.NoGroup {
			continue
		}
		if s := &sh.groups[g]; s.slots != nil {
			sum += s.slots[s.home(vals[i])*stride]
		}
	}
	return sum
}

// distinctView is COUNT(DISTINCT x) of one call: view view of a
// distinctShared. Its state layout is expr/aggregate's Distinct
// (ARRAY<ROW<v0, n BIGINT>>), so snapshots, the pebble backend and a
// two-phase plan read it unchanged.
type distinctView struct {
	sh        *distinctShared
	view      int
	stateType types.DataType
}

var (
	_ expr.Accumulator = (*distinctView)(nil)
	_ rowScanner       = (*distinctView)(nil)
)

// newDistinctView adds call c, COUNT(DISTINCT) over column col, as a view
// of the column's shared state.
func (a *hashAgg) newDistinctView(c, col int, stateType types.DataType) *distinctView {
	if a.distinct == nil {
		a.distinct = map[int]*distinctShared{}
	}
	sh := a.distinct[col]
	if sh == nil {
		sh = &distinctShared{}
		a.distinct[col] = sh
	}
	sh.calls = append(sh.calls, c)
	return &distinctView{sh: sh, view: len(sh.calls) - 1, stateType: stateType}
}

func (v *distinctView) m() int { return len(v.sh.calls) }

func (v *distinctView) grow(groups []uint32) {
	v.sh.groups = aggGrow(v.sh.groups, groups)
}

// Update folds rows in: a value counts once per group however often it
// comes; a retraction withdraws one occurrence.
func (v *distinctView) Update(_ *expr.Context, groups []uint32, args []arrow.Array, retract []bool) error {
	v.grow(groups)
	col := args[0]
	vals, ok := distinctInt64s(col, &v.sh.vals)
	if !ok {
		return &AggConfigError{"COUNT(DISTINCT) over " + col.DataType().String()}
	}
	nulls, m := col.NullN() > 0, v.m()
	for i, g := range groups {
		if g == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		d := int64(1)
		if retract != nil && retract[i] {
			d = -1
		}
		v.sh.groups[g].add(vals[i], v.view, m, d)
	}
	return nil
}

func (v *distinctView) count(g uint32) int64 {
	if int(g) < len(v.sh.groups) && v.sh.groups[g].live != nil {
		return int64(v.sh.groups[g].live[v.view])
	}
	return 0
}

// Result returns each group's number of distinct values.
func (v *distinctView) Result(_ *expr.Context, groups []uint32) (arrow.Array, error) {
	out := make([]int64, len(groups))
	for i, g := range groups {
		out[i] = v.count(g)
	}
	return int64Values(out), nil
}

// AppendResult appends each group's count to b, an *array.Int64Builder
// (resultAppender).
func (v *distinctView) AppendResult(_ *expr.Context, groups []uint32, b array.Builder) error {
	ib, ok := b.(*array.Int64Builder)
	if !ok {
		return &AggConfigError{"COUNT(DISTINCT) result builder " + b.Type().String()}
	}
	ib.Reserve(len(groups))
	for _, g := range groups {
		ib.UnsafeAppend(v.count(g))
	}
	return nil
}

// State lists each group's values with their multiplicities (in table
// order: the count does not depend on it).
func (v *distinctView) State(groups []uint32) ([]arrow.Array, error) {
	b := types.NewBuilder(v.stateType).(*array.ListBuilder)
	defer b.Release()
	sb := b.ValueBuilder().(*array.StructBuilder)
	vb, nb := sb.FieldBuilder(0), sb.FieldBuilder(1).(*array.Int64Builder)
	stride := v.m() + 1
	for _, g := range groups {
		b.Append(true)
		if int(g) >= len(v.sh.groups) {
			continue
		}
		slots := v.sh.groups[g].slots
		for o := 0; o < len(slots); o += stride {
			if c := slots[o+1+v.view]; c > 0 {
				sb.Append(true)
				distinctAppendAs(vb, slots[o])
				nb.Append(c)
			}
		}
	}
	return []arrow.Array{b.NewArray()}, nil
}

// Merge adds the multiplicities of state rows to the groups.
func (v *distinctView) Merge(_ *expr.Context, groups []uint32, state []arrow.Array) error {
	v.grow(groups)
	l := state[0].(*array.List)
	rows := l.ListValues().(*array.Struct)
	vcol := rows.Field(0)
	vals, ok := distinctInt64s(vcol, &v.sh.vals)
	if !ok {
		return &AggConfigError{"COUNT(DISTINCT) state over " + vcol.DataType().String()}
	}
	counts := rows.Field(1).(*array.Int64).Int64Values()
	m := v.m()
	for i, g := range groups {
		if g == expr.NoGroup || l.IsNull(i) {
			continue
		}
		start, end := l.ValueOffsets(i)
		for j := int(start); j < int(end); j++ {
			if vcol.IsValid(j) {
				v.sh.groups[g].add(vals[j], v.view, m, counts[j])
			}
		}
	}
	return nil
}

// Reset empties the groups' view.
func (v *distinctView) Reset(groups []uint32) {
	for _, g := range groups {
		if int(g) < len(v.sh.groups) {
			v.sh.groups[g].reset(v.view, v.m())
		}
	}
}

// scanRows returns the view's counts after each row; the first view asked
// in a batch scans for all of them.
func (v *distinctView) scanRows(_ *expr.Context, in *scanInput) (arrow.Array, error) {
	sh := v.sh
	if sh.results == nil || sh.token != in.token {
		if err := sh.scan(in); err != nil {
			return nil, err
		}
	}
	r := sh.results[v.view]
	sh.results[v.view] = nil
	if r == nil {
		return nil, &AggConfigError{"COUNT(DISTINCT) scanned twice in a batch"}
	}
	return r, nil
}

// updateAll folds rows [lo, hi) of a batch into every view with one probe
// per row: row i goes into view j's group callGrps[calls[j]][lo+i] (the
// same group for every view, or NoGroup), unless eff[i] is NoGroup; col
// holds the rows [lo, hi) of the argument.
func (sh *distinctShared) updateAll(callGrps [][]uint32, eff []uint32, col arrow.Array, retract []bool, lo, hi int) error {
	vals, ok := distinctInt64s(col, &sh.vals)
	if !ok {
		return &AggConfigError{"COUNT(DISTINCT) over " + col.DataType().String()}
	}
	nulls, m := col.NullN() > 0, len(sh.calls)
	for _, c := range sh.calls {
		sh.groups = aggGrow(sh.groups, callGrps[c][lo:hi])
	}
	var sink int64
	for i := 0; i < hi-lo; i++ {
		if i&(distinctAhead-1) == 0 {
			sink += sh.touchRows(callGrps, lo+i, min(lo+i+distinctAhead, hi), vals[i:], m)
		}
		if eff != nil && eff[i] == expr.NoGroup || nulls && col.IsNull(i) {
			continue
		}
		d := int64(1)
		if retract != nil && retract[i] {
			d = -1
		}
		var s *distinctMulti
		slot := -1
		for j, c := range sh.calls {
			g := callGrps[c][lo+i]
			if g == expr.NoGroup {
				continue
			}
			if slot < 0 {
				s = &sh.groups[g]
				if slot = s.find(vals[i], m, d > 0); slot < 0 {
					break // retracting a value not there
				}
			}
			if s.addAt(slot, j, m, d) {
				break // the value is gone from every view
			}
		}
	}
	sh.sink = sink
	return nil
}

// touchRows is touch for rows [lo, hi) of a batch whose groups are the
// views' call groups (any view's, as they agree where set).
func (sh *distinctShared) touchRows(callGrps [][]uint32, lo, hi int, vals []int64, m int) int64 {
	var sum int64
	stride := m + 1
	for i := lo; i < hi; i++ {
		for _, c := range sh.calls {
			if g := callGrps[c][i]; g != expr.NoGroup {
				if s := &sh.groups[g]; s.slots != nil {
					sum += s.slots[s.home(vals[i-lo])*stride]
				}
				break
			}
		}
	}
	return sum
}

// scan folds the batch into every view with one probe per row.
func (sh *distinctShared) scan(in *scanInput) error {
	sh.groups = aggGrow(sh.groups, in.eff)
	col := in.args[0]
	vals, ok := distinctInt64s(col, &sh.vals)
	if !ok {
		return &AggConfigError{"COUNT(DISTINCT) over " + col.DataType().String()}
	}
	nulls, m := col.NullN() > 0, len(sh.calls)
	cgs := make([][]uint32, m)
	outs := make([][]int64, m)
	for j, c := range sh.calls {
		cgs[j], outs[j] = in.callGrps[c], make([]int64, in.effN)
	}
	k := 0
	var sink int64
	for i, g := range in.eff {
		if i&(distinctAhead-1) == 0 {
			sink += sh.touch(in.eff[i:min(i+distinctAhead, len(in.eff))], vals[i:], m)
		}
		if g == expr.NoGroup {
			continue
		}
		s := &sh.groups[g]
		if !nulls || col.IsValid(i) {
			d := int64(1)
			if in.retract != nil && in.retract[i] {
				d = -1
			}
			slot := -1
			for j := range m {
				if cgs[j][i] == expr.NoGroup {
					continue
				}
				if slot < 0 {
					if slot = s.find(vals[i], m, d > 0); slot < 0 {
						break // retracting a value not there
					}
				}
				if s.addAt(slot, j, m, d) {
					break // the value is gone from every view
				}
			}
		}
		for j := range m {
			if s.live != nil {
				outs[j][k] = int64(s.live[j])
			}
		}
		k++
		if in.reset[i] {
			*s = distinctMulti{}
		}
	}
	sh.sink = sink
	sh.token = in.token
	if sh.results == nil {
		sh.results = make([]arrow.Array, m)
	}
	for j := range m {
		sh.results[j] = int64Values(outs[j])
	}
	return nil
}

// distinctInt64s returns the values of a fixed-width integer-like column
// as int64 (the column's own buffer for 64-bit types, else buf), and false
// for a type it does not handle.
func distinctInt64s(a arrow.Array, buf *[]int64) ([]int64, bool) {
	n := a.Len()
	switch a.DataType().ID() {
	case arrow.INT64, arrow.TIMESTAMP, arrow.TIME64, arrow.DATE64, arrow.DURATION:
		if n == 0 {
			return nil, true
		}
		return arrow.GetValues[int64](a.Data(), 1), true
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		return distinctWiden(arrow.GetValues[int32], a, buf), true
	case arrow.INT16:
		return distinctWiden(arrow.GetValues[int16], a, buf), true
	case arrow.INT8:
		return distinctWiden(arrow.GetValues[int8], a, buf), true
	}
	return nil, false
}

func distinctWiden[T int8 | int16 | int32](get func(arrow.ArrayData, int) []T, a arrow.Array, buf *[]int64) []int64 {
	n := a.Len()
	if cap(*buf) < n {
		*buf = make([]int64, n)
	}
	out := (*buf)[:n]
	if n == 0 {
		return out
	}
	for i, v := range get(a.Data(), 1) {
		out[i] = int64(v)
	}
	return out
}

// fixedDistinctArg reports whether COUNT(DISTINCT) over t can use
// distinctView.
func fixedDistinctArg(t types.DataType) bool {
	switch types.ArrowType(t).ID() {
	case arrow.INT64, arrow.TIMESTAMP, arrow.TIME64, arrow.DATE64, arrow.DURATION,
		arrow.INT32, arrow.DATE32, arrow.TIME32, arrow.INT16, arrow.INT8:
		return true
	}
	return false
}

// distinctAppendAs appends v to a builder of a fixed-width integer-like
// type.
func distinctAppendAs(b array.Builder, v int64) {
	switch b := b.(type) {
	case *array.Int64Builder:
		b.Append(v)
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v))
	case *array.Time64Builder:
		b.Append(arrow.Time64(v))
	case *array.Date64Builder:
		b.Append(arrow.Date64(v))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(v))
	case *array.Int32Builder:
		b.Append(int32(v))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v))
	case *array.Time32Builder:
		b.Append(arrow.Time32(v))
	case *array.Int16Builder:
		b.Append(int16(v))
	case *array.Int8Builder:
		b.Append(int8(v))
	default:
		b.AppendNull()
	}
}
