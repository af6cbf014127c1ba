package ops

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// KindIntervalJoin is the operator kind of an interval join
// (*IntervalJoinConfig).
const KindIntervalJoin Kind = "IntervalJoin"

// IntervalJoinConfig configures Flink's interval join: an equi-join (or a
// join without keys) whose condition bounds the left time attribute by the
// right one, right.t + LeftLower <= left.t <= right.t + LeftUpper. Only
// insert-only inputs are accepted and the output is append-only.
type IntervalJoinConfig struct {
	Type                JoinType // JoinInner, JoinLeft, JoinRight or JoinFull
	LeftKeys, RightKeys []int
	// Residual is the rest of the condition (time bounds included) over
	// left ++ right; nil means none.
	Residual                           expr.Expr
	LeftSchema, RightSchema, OutSchema *types.Schema
	// RowTime selects event time (rows carry their time in LeftTime and
	// RightTime, state expires by watermark); otherwise processing time
	// (a row's time is the job clock when it arrives).
	RowTime             bool
	LeftTime, RightTime int
	// LeftLower and LeftUpper bound left.t - right.t, in µs.
	LeftLower, LeftUpper int64
}

// OutputSchema returns left ++ right.
func (c *IntervalJoinConfig) OutputSchema() *types.Schema { return c.OutSchema }

// NewIntervalJoin returns an interval join operator for cfg.
func NewIntervalJoin(cfg *IntervalJoinConfig) (Operator, error) {
	if cfg == nil || cfg.LeftSchema == nil || cfg.RightSchema == nil || cfg.OutSchema == nil {
		return nil, &JoinConfigError{"interval join: left, right and output schemas are required"}
	}
	if cfg.Type > JoinFull {
		return nil, &JoinConfigError{fmt.Sprintf("interval join: unsupported join type %s", cfg.Type)}
	}
	if len(cfg.LeftKeys) != len(cfg.RightKeys) {
		return nil, &JoinConfigError{"interval join: left and right keys differ in number"}
	}
	if cfg.LeftLower > cfg.LeftUpper {
		return nil, &JoinConfigError{fmt.Sprintf("interval join: lower bound %d above upper bound %d", cfg.LeftLower, cfg.LeftUpper)}
	}
	if cfg.RowTime && (cfg.LeftTime < 0 || cfg.LeftTime >= cfg.LeftSchema.Len() || cfg.RightTime < 0 || cfg.RightTime >= cfg.RightSchema.Len()) {
		return nil, &JoinConfigError{"interval join: time attribute column out of range"}
	}
	j := &intervalJoin{cfg: cfg, timedJoinBase: newTimedJoinBase(cfg.LeftSchema, cfg.RightSchema, cfg.Residual)}
	j.sides[0] = newTimedStore(cfg.LeftSchema)
	j.sides[1] = newTimedStore(cfg.RightSchema)
	return j, nil
}

// intervalJoin is Flink's TimeIntervalJoin (RowTimeIntervalJoin and
// ProcTimeIntervalJoin). A row arriving on one side joins the other side's
// stored rows of the same key whose time lies in its interval; it is
// stored while rows of the other side may still arrive for it (the other
// side's operator time has not passed its interval's upper end). Stored
// rows expire when the watermark (or the clock) passes the interval of
// every row that could still join them; an outer side's rows that never
// joined are then emitted padded with NULLs. A row that is neither joined
// nor stored nor padded is late: it is dropped and counted.
//
// The output watermark is held back by the longer of the two relative
// interval sizes, as Flink's KeyedCoProcessOperatorWithWatermarkDelay
// does, so the rowtimes in the output are not late downstream.
type intervalJoin struct {
	BaseOperator
	timedJoinBase
	cfg   *IntervalJoinConfig
	now   func() int64
	sides [2]*timedStore

	keyBuf   []byte
	keyEnd   []int32
	noKey    []bool
	selfIdx  []int32  // candidate pairs: row of the batch ...
	otherEnt []int32  // ... and entry of the other side
	outSelf  []int32  // output rows: row of the batch or -1
	outOther []rowRef // ... and the other side's row or nullRef
}

var (
	_ Operator               = (*intervalJoin)(nil)
	_ WatermarkGenerator     = (*intervalJoin)(nil)
	_ ProcessingTimeOperator = (*intervalJoin)(nil)
	_ Snapshotter            = (*intervalJoin)(nil)
)

// Open picks up the evaluation context, clock and late-row counter.
func (j *intervalJoin) Open(ctx *OpContext) error {
	j.open(ctx)
	j.now = ctx.Now
	return nil
}

// GeneratesWatermarks is true: the join forwards delayed watermarks.
func (j *intervalJoin) GeneratesWatermarks() bool { return true }

// bounds returns the offsets from a row's time, on input, of the other
// side's rows it joins: [t+lo, t+hi].
func (j *intervalJoin) bounds(input int) (lo, hi int64) {
	if input == 0 {
		return -j.cfg.LeftUpper, -j.cfg.LeftLower
	}
	return j.cfg.LeftLower, j.cfg.LeftUpper
}

// operatorTime is the time below which no row of the other side will be
// stored any more: the watermark, or the clock for processing time.
func (j *intervalJoin) operatorTime() int64 {
	if j.cfg.RowTime {
		if j.wm == math.MinInt64 {
			return 0 // Flink starts operator time at 0
		}
		return j.wm
	}
	return j.clock()
}

func (j *intervalJoin) clock() int64 {
	if j.now != nil {
		return j.now()
	}
	return 0
}

// ProcessBatch joins b's rows with the other side's state and stores them.
func (j *intervalJoin) ProcessBatch(input int, b *types.Batch, out Collector) error {
	if input != 0 && input != 1 {
		return fmt.Errorf("%s has no input %d", j, input)
	}
	n := b.Len()
	if n == 0 {
		return nil
	}
	if !b.InsertOnly() {
		return fmt.Errorf("IntervalJoin doesn't support consuming update and delete changes")
	}
	self, other := j.sides[input], j.sides[1-input]
	keys, tcol := j.cfg.LeftKeys, j.cfg.LeftTime
	if input == 1 {
		keys, tcol = j.cfg.RightKeys, j.cfg.RightTime
	}
	times := j.rowTimes(b, tcol)
	j.encodeKeys(b, keys)
	lo, hi := j.bounds(input)
	// Candidate pairs: same key, other row's time within the interval.
	j.selfIdx, j.otherEnt = j.selfIdx[:0], j.otherEnt[:0]
	for i := 0; i < n; i++ {
		if j.noKey[i] || times.IsNull(i) {
			continue
		}
		g, ok := other.group(j.key(i))
		if !ok {
			continue
		}
		t := times.Value(i)
		from, to := satAdd(t, lo), satAdd(t, hi)
		for e := other.first(g); e >= 0; e = other.ents[e].next {
			if ot := other.ents[e].time; ot >= from && ot <= to {
				j.selfIdx = append(j.selfIdx, int32(i))
				j.otherEnt = append(j.otherEnt, e)
			}
		}
	}
	keep, err := j.filterPairs(input, b, other)
	if err != nil {
		return err
	}
	emitted := make([]bool, n)
	j.outSelf, j.outOther = j.outSelf[:0], j.outOther[:0]
	for p, i := range j.selfIdx {
		if keep != nil && !keep[p] {
			continue
		}
		e := j.otherEnt[p]
		emitted[i] = true
		other.ents[e].emitted = true
		j.outSelf = append(j.outSelf, i)
		j.outOther = append(j.outOther, other.ents[e].ref)
	}
	selfOuter := (input == 0 && j.cfg.Type.leftOuter()) || (input == 1 && j.cfg.Type.rightOuter())
	opTime := j.operatorTime()
	chunk := self.addChunk(b)
	var late int64
	for i := 0; i < n; i++ {
		if times.IsNull(i) {
			late++ // a row without time can never be in an interval
			continue
		}
		t := times.Value(i)
		if !j.noKey[i] && opTime < satAdd(t, hi) {
			self.add(j.key(i), rowRef{chunk: chunk, row: int32(i)}, t, emitted[i])
			continue
		}
		switch {
		case emitted[i]:
		case selfOuter:
			j.outSelf = append(j.outSelf, int32(i))
			j.outOther = append(j.outOther, nullRef)
		default:
			late++
		}
	}
	self.releaseIfEmpty(chunk)
	if late > 0 {
		j.late.Add(late)
	}
	return j.flushRows(input, b, other, out)
}

// rowTimes returns the batch's time column, or the clock for every row
// under processing time.
func (j *intervalJoin) rowTimes(b *types.Batch, col int) *array.Int64 {
	if j.cfg.RowTime {
		if ts, ok := b.Cols[col].(*array.Timestamp); ok {
			return array.NewInt64Data(ts.Data())
		}
		if i, ok := b.Cols[col].(*array.Int64); ok {
			return i
		}
	}
	now := j.clock()
	vals := make([]int64, b.Len())
	for i := range vals {
		vals[i] = now
	}
	return int64Array(vals).(*array.Int64)
}

// encodeKeys encodes every row's join key; a NULL key never matches.
func (j *intervalJoin) encodeKeys(b *types.Batch, keys []int) {
	kc := pick(b.Cols, keys)
	nulls := anyNulls(kc)
	j.keyBuf, j.keyEnd, j.noKey = j.keyBuf[:0], j.keyEnd[:0], j.noKey[:0]
	for i := 0; i < b.Len(); i++ {
		j.noKey = append(j.noKey, nulls && skipRow(kc, nil, i))
		j.keyBuf = kernel.AppendKey(j.keyBuf, kc, i)
		j.keyEnd = append(j.keyEnd, int32(len(j.keyBuf)))
	}
}

func (j *intervalJoin) key(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = j.keyEnd[i-1]
	}
	return j.keyBuf[start:j.keyEnd[i]]
}

// filterPairs evaluates the residual condition over all candidate pairs
// at once; nil means every pair matches.
func (j *intervalJoin) filterPairs(input int, b *types.Batch, other *timedStore) ([]bool, error) {
	if j.residual == nil || len(j.selfIdx) == 0 {
		return nil, nil
	}
	refs := make([]rowRef, len(j.otherEnt))
	for p, e := range j.otherEnt {
		refs[p] = other.ents[e].ref
	}
	selfCols := takeColumns(b.Cols, j.selfIdx)
	otherCols := takeRefs(other.schema, other.chunks, refs)
	cols := append(selfCols, otherCols...)
	if input == 1 {
		cols = append(otherCols, selfCols...)
	}
	res, err := j.residual.Eval(j.eval, types.NewBatch(j.pairs, cols, nil, len(refs)))
	if err != nil {
		return nil, err
	}
	bs := res.(*array.Boolean)
	keep := make([]bool, len(refs))
	for p := range keep {
		keep[p] = bs.IsValid(p) && bs.Value(p)
	}
	return keep, nil
}

// flushRows emits the collected output rows: self rows of b (or NULL)
// with the other side's rows (or NULL), in left ++ right order.
func (j *intervalJoin) flushRows(input int, b *types.Batch, other *timedStore, out Collector) error {
	if len(j.outSelf) == 0 {
		return nil
	}
	var selfCols []arrow.Array
	if b != nil {
		selfCols = takeColumns(b.Cols, j.outSelf)
	} else {
		selfCols = nullColumns(j.sides[input].schema, len(j.outSelf))
	}
	otherCols := takeRefs(other.schema, other.chunks, j.outOther)
	cols := append(selfCols, otherCols...)
	if input == 1 {
		cols = append(otherCols, selfCols...)
	}
	rows := len(j.outSelf)
	j.outSelf, j.outOther = j.outSelf[:0], j.outOther[:0]
	return emitSliced(out, types.NewBatch(j.cfg.OutSchema, cols, nil, rows), j.size)
}

// ProcessWatermark expires state the watermark makes useless and forwards
// the watermark held back by the join's output delay.
func (j *intervalJoin) ProcessWatermark(ts int64, out Collector) error {
	if !j.cfg.RowTime {
		return emitWatermark(out, ts)
	}
	if ts > j.wm {
		j.wm = ts
	}
	if err := j.expire(ts, out); err != nil {
		return err
	}
	if ts == math.MaxInt64 || ts == math.MinInt64 {
		return emitWatermark(out, ts)
	}
	delay := max(-j.cfg.LeftLower, j.cfg.LeftUpper, 0)
	return emitWatermark(out, satAdd(ts, -delay))
}

// OnProcessingTime expires processing-time state.
func (j *intervalJoin) OnProcessingTime(now int64, out Collector) error {
	if j.cfg.RowTime {
		return nil
	}
	return j.expire(now, out)
}

// EndInput of a processing-time join emits the padded rows of its outer
// sides: no more rows will come to join them.
func (j *intervalJoin) EndInput(input int, out Collector) error {
	if j.cfg.RowTime || input != 1 {
		return nil
	}
	return j.expire(math.MaxInt64, out)
}

// expire drops the rows no future row can join, given operator time t:
// left rows with time < t + LeftLower and right rows with time <
// t - LeftUpper; unjoined rows of an outer side go out padded.
func (j *intervalJoin) expire(t int64, out Collector) error {
	limits := [2]int64{satAdd(satAdd(t, j.cfg.LeftLower), -1), satAdd(satAdd(t, -j.cfg.LeftUpper), -1)}
	if t == math.MaxInt64 {
		limits = [2]int64{math.MaxInt64, math.MaxInt64}
	}
	for input := 0; input < 2; input++ {
		s := j.sides[input]
		outer := (input == 0 && j.cfg.Type.leftOuter()) || (input == 1 && j.cfg.Type.rightOuter())
		var err error
		s.expire(limits[input], func(es []int32) {
			if !outer {
				return
			}
			var refs []rowRef
			for _, e := range es {
				if !s.ents[e].emitted {
					refs = append(refs, s.ents[e].ref)
				}
			}
			if len(refs) > 0 {
				err = emitPadded(input, s, refs, j.cfg.OutSchema, j.size, out)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// String prints the operator as EXPLAIN does.
func (j *intervalJoin) String() string {
	return fmt.Sprintf("IntervalJoin(joinType=[%s], windowBounds=[isRowTime=%t, leftLowerBound=%d, leftUpperBound=%d, leftTimeIndex=%d, rightTimeIndex=%d], select=[%s])",
		j.cfg.Type, j.cfg.RowTime, j.cfg.LeftLower/1000, j.cfg.LeftUpper/1000, j.cfg.LeftTime, j.cfg.RightTime, strings.Join(j.cfg.OutSchema.Names(), ", "))
}
