package ops

import (
	"fmt"

	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/types"
)

// streamJoin is Flink's regular streaming join (StreamingJoinOperator, and
// StreamingSemiAntiJoinOperator for semi and anti joins): each side keeps
// its rows in keyed state with their multiplicity and, on an outer side,
// the number of rows of the other side each one matches. A row arriving on
// either side is matched against the other side's state and emits the
// changes to the join result:
//
//   - inner joins forward the input's row kind (+I/+U for new matches,
//     -U/-D for retracted ones);
//   - outer joins emit +I and -D only: a row without match is emitted
//     padded with NULLs (+I[a, null]); its first match retracts the padded
//     row (-D[a, null]) before +I[a, b], and losing its last match emits
//     -D[a, b] then +I[a, null];
//   - semi (anti) joins emit a left row while it has (has no) match.
//
// Rows are processed in input order and each batch's output keeps that
// order. Matching rows of the other side come in the order they entered
// state (Flink's is unspecified).
type streamJoin struct {
	BaseOperator
	cfg      *JoinConfig
	residual expr.Expr
	pairs    *types.Schema
	eval     *expr.Context
	size     int // output batch size
	sides    [2]*joinSide
	// used marks, per side, the columns the residual reads (nil: all), so
	// candidate pairs gather nothing else.
	used [2][]bool

	keys       rowKeys
	matchStart []int32
	matches    []int32 // records of the other side
	outKinds   []types.RowKind
	outL, outR []rowRef
	opCtx      *OpContext
}

var (
	_ Operator    = (*streamJoin)(nil)
	_ Snapshotter = (*streamJoin)(nil)
)

func newStreamJoin(cfg *JoinConfig) *streamJoin {
	j := &streamJoin{cfg: cfg, pairs: concatSchemas(cfg.LeftSchema, cfg.RightSchema)}
	if cfg.Residual != nil {
		j.residual = CloneExpr(cfg.Residual)
		nl := cfg.LeftSchema.Len()
		used := make([]bool, j.pairs.Len())
		if expr.ColumnsUsed(j.residual, used) {
			j.used = [2][]bool{used[:nl], used[nl:]}
		}
	}
	ints := intJoinKeys(cfg)
	j.sides[0] = newJoinSide(cfg.LeftSchema, cfg.LeftKeys, cfg.Type.leftOuter() || cfg.Type.semiAnti(), ints)
	j.sides[1] = newJoinSide(cfg.RightSchema, cfg.RightKeys, cfg.Type.rightOuter(), ints)
	return j
}

// Open picks up the evaluation context.
func (j *streamJoin) Open(ctx *OpContext) error {
	j.size = ctx.BatchSize
	j.eval = ctx.Eval
	j.opCtx = ctx
	if ctx.Now != nil {
		j.sides[0].ttl = j.cfg.LeftTTL.Microseconds()
		j.sides[1].ttl = j.cfg.RightTTL.Microseconds()
	}
	if j.eval == nil {
		j.eval = expr.NewContext(nil)
	}
	return nil
}

// ProcessBatch matches b's rows against the other side's state, updates
// b's side and emits the resulting changes.
func (j *streamJoin) ProcessBatch(input int, b *types.Batch, out Collector) error {
	if input != 0 && input != 1 {
		return fmt.Errorf("%s has no input %d", j, input)
	}
	if b.Len() == 0 {
		return nil
	}
	in, other := j.sides[input], j.sides[1-input]
	if j.opCtx != nil && j.opCtx.Now != nil && (in.ttl > 0 || other.ttl > 0) {
		now := j.opCtx.Now()
		in.expire(now)
		other.expire(now)
	}
	if in.ident == nil && (in.ttl > 0 || hasRetraction(b)) {
		in.enableIdent()
	}
	j.keys.encode(b, in.keys, j.cfg.NullSafeKeys, in.ints != nil, in.ident != nil)
	chunk := in.addChunk(b)
	if err := j.findMatches(input, b, other); err != nil {
		in.dropUnusedTail(false)
		return err
	}
	j.outKinds, j.outL, j.outR = j.outKinds[:0], j.outL[:0], j.outR[:0]
	used := false
	for i := 0; i < b.Len(); i++ {
		self := rowRef{chunk: chunk, row: int32(i)}
		ms := j.matches[j.matchStart[i]:j.matchStart[i+1]]
		var added bool
		if j.cfg.Type.semiAnti() {
			added = j.semiAntiRow(input, b, i, self, ms)
		} else {
			added = j.joinRow(input, b, i, self, ms)
		}
		used = used || added
	}
	err := j.flush(out)
	in.dropUnusedTail(used)
	in.compact()
	return err
}

// OnProcessingTime expires rows past their state TTL.
func (j *streamJoin) OnProcessingTime(now int64, _ Collector) error {
	j.sides[0].expire(now)
	j.sides[1].expire(now)
	return nil
}

// findMatches lists, for every row of b, the other side's records with the
// same key that satisfy the residual condition (evaluated once over all
// candidate pairs of the batch).
func (j *streamJoin) findMatches(input int, b *types.Batch, other *joinSide) error {
	n := b.Len()
	j.matchStart = append(j.matchStart[:0], 0)
	j.matches = j.matches[:0]
	var pairRows []int32
	for i := 0; i < n; i++ {
		if !j.keys.never[i] {
			if g := other.findKey(&j.keys, i); g >= 0 {
				for r := other.head[g]; r >= 0; r = other.recs.at(r).next {
					j.matches = append(j.matches, r)
				}
				if j.residual != nil {
					for range len(j.matches) - int(j.matchStart[i]) {
						pairRows = append(pairRows, int32(i))
					}
				}
			}
		}
		j.matchStart = append(j.matchStart, int32(len(j.matches)))
	}
	if j.residual == nil || len(j.matches) == 0 {
		return nil
	}
	refs := make([]rowRef, len(j.matches))
	for p, m := range j.matches {
		refs[p] = other.recs.at(m).ref
	}
	mine := takeColumnsUsed(b.Cols, pairRows, j.used[input])
	theirs := takeRefsUsed(other.schema, other.chunks, refs, j.used[1-input])
	cols := append(mine, theirs...)
	if input == 1 {
		cols = append(theirs, mine...)
	}
	keep, err := evalMask(j.eval, j.residual, types.NewBatch(j.pairs, cols, nil, len(refs)))
	if err != nil {
		return err
	}
	// Rebuild the per-row lists from the surviving pairs (keep is sorted).
	kept := j.matches[:0]
	k := 0
	for i := 0; i < n; i++ {
		end := j.matchStart[i+1]
		for k < len(keep) && keep[k] < end {
			kept = append(kept, j.matches[keep[k]])
			k++
		}
		j.matchStart[i+1] = int32(len(kept))
	}
	j.matches = kept
	return nil
}

// emit queues one output row: self from the input side and ref from the
// other, placed as left and right.
func (j *streamJoin) emit(input int, kind types.RowKind, self, ref rowRef) {
	if input == 1 {
		self, ref = ref, self
	}
	j.outKinds = append(j.outKinds, kind)
	j.outL = append(j.outL, self)
	j.outR = append(j.outR, ref)
}

// joinRow applies row i of b, an inner or outer join's input (Flink's
// StreamingJoinOperator.processElement), given its matching records ms of
// the other side, and reports whether it added a record pointing into the
// current chunk.
func (j *streamJoin) joinRow(input int, b *types.Batch, i int, self rowRef, ms []int32) bool {
	in, other := j.sides[input], j.sides[1-input]
	kind, never := b.Kind(i), j.keys.never[i]
	orecs := &other.recs
	if kind.IsAdditive() {
		if in.outer && len(ms) == 0 {
			j.emit(input, types.Insert, self, nullRef)
		}
		outKind := kind
		if in.outer || other.outer {
			outKind = types.Insert
		}
		assoc := int32(0)
		for _, m := range ms {
			ref := orecs.at(m).ref
			for c := int32(0); c < orecs.at(m).count; c++ {
				if other.outer && orecs.at(m).assoc == 0 {
					j.emit(input, types.Delete, nullRef, ref)
				}
				j.emit(input, outKind, self, ref)
			}
			if other.outer {
				orecs.at(m).assoc++
			}
			assoc += orecs.at(m).count
		}
		if never {
			return false
		}
		return in.add(&j.keys, b.Cols, i, self, assoc)
	}
	if !never {
		in.retract(j.keys.hash(i), b.Cols, i)
	}
	if len(ms) == 0 {
		if in.outer {
			j.emit(input, types.Delete, self, nullRef)
		}
		return false
	}
	outKind := kind
	if in.outer {
		outKind = types.Delete
	}
	for _, m := range ms {
		ref := orecs.at(m).ref
		for c := int32(0); c < orecs.at(m).count; c++ {
			j.emit(input, outKind, self, ref)
			if other.outer && orecs.at(m).assoc == 1 {
				j.emit(input, types.Insert, nullRef, ref)
			}
		}
		if other.outer && orecs.at(m).assoc > 0 {
			orecs.at(m).assoc--
		}
	}
	return false
}

// semiAntiRow applies row i of b to a semi or anti join (Flink's
// StreamingSemiAntiJoinOperator); only left rows are output.
func (j *streamJoin) semiAntiRow(input int, b *types.Batch, i int, self rowRef, ms []int32) bool {
	in, other := j.sides[input], j.sides[1-input]
	kind, never := b.Kind(i), j.keys.never[i]
	orecs := &other.recs
	anti := j.cfg.Type == JoinAnti
	if input == 0 {
		if (len(ms) == 0) == anti {
			j.emit(0, kind, self, nullRef)
		}
		if never {
			return false
		}
		if kind.IsRetraction() {
			in.retract(j.keys.hash(i), b.Cols, i)
			return false
		}
		assoc := int32(0)
		for _, m := range ms {
			assoc += orecs.at(m).count
		}
		return in.add(&j.keys, b.Cols, i, self, assoc)
	}
	if kind.IsAdditive() {
		for _, m := range ms {
			if orecs.at(m).assoc == 0 {
				k := kind
				if anti {
					k = types.Delete
				}
				for c := int32(0); c < orecs.at(m).count; c++ {
					j.emit(0, k, orecs.at(m).ref, nullRef)
				}
			}
			orecs.at(m).assoc++
		}
		return !never && in.add(&j.keys, b.Cols, i, self, 0)
	}
	if !never {
		in.retract(j.keys.hash(i), b.Cols, i)
	}
	for _, m := range ms {
		if orecs.at(m).assoc == 1 {
			k := kind
			if anti {
				k = types.Insert
			}
			for c := int32(0); c < orecs.at(m).count; c++ {
				j.emit(0, k, orecs.at(m).ref, nullRef)
			}
		}
		if orecs.at(m).assoc > 0 {
			orecs.at(m).assoc--
		}
	}
	return false
}

// hasRetraction reports whether b holds a -U or -D row.
func hasRetraction(b *types.Batch) bool {
	for _, k := range b.Kinds {
		if k.IsRetraction() {
			return true
		}
	}
	return false
}

// flush assembles the queued output rows into one batch.
func (j *streamJoin) flush(out Collector) error {
	n := len(j.outKinds)
	if n == 0 {
		return nil
	}
	l, r := j.sides[0], j.sides[1]
	cols := takeRefs(l.schema, l.chunks, j.outL)
	if !j.cfg.Type.semiAnti() {
		cols = append(cols, takeRefs(r.schema, r.chunks, j.outR)...)
	}
	kinds := append([]types.RowKind(nil), j.outKinds...)
	return emitSliced(out, types.NewBatch(j.cfg.OutSchema, cols, kinds, n), j.size)
}

// String prints e.g. Join(joinType=[InnerJoin], where=[=(a, c)],
// select=[a, b, c, d], leftInputSpec=[NoUniqueKey],
// rightInputSpec=[NoUniqueKey]).
func (j *streamJoin) String() string {
	return j.cfg.describe("Join", "leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey]")
}

// intJoinKeys reports whether both sides join on one integer column of
// the same type, which lets their state key by the values themselves.
func intJoinKeys(cfg *JoinConfig) bool {
	if len(cfg.LeftKeys) != 1 || len(cfg.RightKeys) != 1 {
		return false
	}
	l, r := cfg.LeftSchema.Fields[cfg.LeftKeys[0]].Type, cfg.RightSchema.Fields[cfg.RightKeys[0]].Type
	return intKeyType(l) && types.ArrowType(l).ID() == types.ArrowType(r).ID()
}
