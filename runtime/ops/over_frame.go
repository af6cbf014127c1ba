package ops

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/spry-engine/spry/expr"
	"github.com/spry-engine/spry/kernel"
	"github.com/spry-engine/spry/types"
)

// overSeed returns, for the given partition-start rows, those whose
// partition has state from earlier batches and call c's state for them.
type overSeed func(c int, rows []int32) ([]int32, []arrow.Array, error)

// overScratch holds the per-row buffers of one evaluation, reused between
// evaluations so the hot path allocates per batch, never per row.
type overScratch struct {
	segStart, segEnd   []int32 // partition segment of each row: [start, end)
	peerStart, peerEnd []int32 // rows with equal order keys: [start, end]
	lo, hi             []int32 // frame of each row: [lo, hi], empty if lo > hi
	ident, groups      []uint32
	idx                []int32
	pos                []int32
	blk                []int32 // running block start per output row
	ord                []int64
	ordValid           []bool
	keys               []overKey // streaming emission order
}

// identity returns 0..n-1 as group indexes.
func (s *overScratch) identity(n int) []uint32 {
	for len(s.ident) < n {
		s.ident = append(s.ident, uint32(len(s.ident)))
	}
	return s.ident[:n]
}

// segments returns, for rows sorted by the partition keys, the first row
// of each row's partition.
func (s *overScratch) segments(cols []arrow.Array, keys []int, n int) []int32 {
	s.segStart = growI32(s.segStart, n)
	kc := make([]arrow.Array, len(keys))
	for i, k := range keys {
		kc[i] = cols[k]
	}
	eq := kernel.NewRowEqual(kc, kc)
	for i := 0; i < n; i++ {
		if i > 0 && (len(kc) == 0 || eq(i-1, i)) {
			s.segStart[i] = s.segStart[i-1]
		} else {
			s.segStart[i] = int32(i)
		}
	}
	return s.segStart
}

// segmentsOf returns the first row of each row's partition for rows
// sorted by partition id.
func (s *overScratch) segmentsOf(pid []uint32) []int32 {
	n := len(pid)
	s.segStart = growI32(s.segStart, n)
	for i := 0; i < n; i++ {
		if i > 0 && pid[i-1] == pid[i] {
			s.segStart[i] = s.segStart[i-1]
		} else {
			s.segStart[i] = int32(i)
		}
	}
	return s.segStart
}

// evaluate computes every call for the rows out (all rows when out is
// nil) of b, which is sorted by partition and order key; segStart gives
// each row's partition. Rows not in out serve as frame context only.
// seed, when set, supplies per partition the state of rows before b
// (streaming unbounded frames).
func (o *overAgg) evaluate(b *types.Batch, segStart []int32, out []int32, seed overSeed) ([]arrow.Array, error) {
	n := b.Len()
	s := &o.scratch
	if out == nil {
		s.pos = growI32(s.pos, n)
		for i := range s.pos {
			s.pos[i] = int32(i)
		}
		out = s.pos
	}
	if err := o.frames(b, segStart); err != nil {
		return nil, err
	}
	res := make([]arrow.Array, len(o.cfg.Calls))
	for c, call := range o.cfg.Calls {
		var err error
		if call.Rank != OverRankNone {
			res[c] = o.rank(call.Rank, segStart, out)
			continue
		}
		if k := o.fast[c]; k != fastNone {
			seed, seedOf, err := o.fastSeeds(c, out)
			if err != nil {
				return nil, err
			}
			res[c] = o.fastAgg(k, call, b, out, seed, seedOf)
			continue
		}
		args := make([]arrow.Array, len(call.Args))
		for j, a := range call.Args {
			args[j] = b.Cols[a]
		}
		var sd func(rows []int32) ([]int32, []arrow.Array, error)
		if seed != nil {
			c := c
			sd = func(rows []int32) ([]int32, []arrow.Array, error) { return seed(c, rows) }
		}
		if o.cfg.Start.Unbounded && !o.cfg.Start.Following {
			res[c], err = o.prefixAgg(o.facs[c], args, n, segStart, out, sd)
		} else {
			res[c], err = o.liftAgg(o.facs[c], args, n, out)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", call.Name, err)
		}
	}
	return res, nil
}

// fastSeeds returns, while streaming unbounded frames, call c's running
// value for each output row whose partition has earlier rows.
func (o *overAgg) fastSeeds(c int, out []int32) (*fastSeed, []int32, error) {
	if o.seedPid == nil {
		return nil, nil, nil
	}
	seedOf := make([]int32, len(out))
	groups := make([]uint32, len(out))
	for n, r := range out {
		p := o.seedPid[r]
		seedOf[n], groups[n] = -1, p
		if int(p) < len(o.seen) && o.seen[p] {
			seedOf[n] = int32(n)
		} else {
			groups[n] = 0
		}
	}
	if len(o.seen) == 0 {
		return nil, nil, nil
	}
	vals, err := o.running[c].Result(o.ctx, groups)
	if err != nil {
		return nil, nil, err
	}
	sd := &fastSeed{valid: make([]bool, len(out)), cnt: make([]int64, len(out))}
	for n := range out {
		sd.valid[n] = vals.IsValid(n)
	}
	if o.fast[c] == fastCount {
		sd.cnt = intValues(vals)
		for n := range sd.valid {
			sd.valid[n] = false
		}
	} else if o.cfg.Calls[c].Type.Kind.IsApprox() {
		sd.f = floatValues(vals)
	} else {
		sd.i = intValues(vals)
	}
	return sd, seedOf, nil
}

// rank computes a ranking function for rows out.
func (o *overAgg) rank(k OverRank, segStart, out []int32) arrow.Array {
	s := &o.scratch
	vals := make([]int64, len(out))
	dense := int64(0)
	for i, r := range out {
		switch k {
		case OverRowNumber:
			vals[i] = int64(r-segStart[r]) + 1
		case OverRankRank:
			vals[i] = int64(s.peerStart[r]-segStart[r]) + 1
		case OverDenseRank:
			// out is ascending, so counting peer-group starts as we go
			// gives the dense rank; restart at each partition.
			if i == 0 || segStart[out[i-1]] != segStart[r] {
				dense = 0
				for j := segStart[r]; j <= r; j++ {
					if s.peerStart[j] == j {
						dense++
					}
				}
			} else {
				for j := out[i-1] + 1; j <= r; j++ {
					if s.peerStart[j] == j {
						dense++
					}
				}
			}
			vals[i] = dense
		}
	}
	return int64Array(vals)
}

// prefixAgg evaluates a frame starting at the partition's first row: a
// segmented inclusive scan by doubling (after round r a row's state holds
// the 2^r rows ending at it, clipped to its partition), then each output
// row reads the scan at its frame's last row.
func (o *overAgg) prefixAgg(f expr.AccumulatorFactory, args []arrow.Array, n int, segStart, out []int32, seed func([]int32) ([]int32, []arrow.Array, error)) (arrow.Array, error) {
	s := &o.scratch
	ident := s.identity(n + 1)
	cur := f.New()
	if seed != nil {
		// Partition starts begin from the state before this batch.
		s.idx = growI32(s.idx, 0)
		for i := 0; i < n; i++ {
			if segStart[i] == int32(i) {
				s.idx = append(s.idx, int32(i))
			}
		}
		rows, st, err := seed(s.idx)
		if err != nil {
			return nil, err
		}
		if len(rows) > 0 {
			s.groups = growU32(s.groups[:0], len(rows))[:len(rows)]
			for i, r := range rows {
				s.groups[i] = uint32(r)
			}
			if err := cur.Merge(o.ctx, s.groups, st); err != nil {
				return nil, err
			}
		}
	}
	if err := cur.Update(o.ctx, ident[:n], args, nil); err != nil {
		return nil, err
	}
	maxSeg := 0
	for i := 0; i < n; i++ {
		maxSeg = max(maxSeg, i-int(segStart[i])+1)
	}
	for step := 1; step < maxSeg; step *= 2 {
		st, err := cur.State(ident[:n])
		if err != nil {
			return nil, err
		}
		next := f.New()
		// Row j first takes the block ending step rows before it (when in
		// its partition), then its own: earlier rows merge first, which
		// keeps FIRST_VALUE, LISTAGG and the like in order.
		s.groups = growU32(s.groups[:0], n-step)[:n-step]
		for k := 0; k < n-step; k++ {
			j := k + step
			if int(segStart[j]) <= k {
				s.groups[k] = uint32(j)
			} else {
				s.groups[k] = expr.NoGroup
			}
		}
		if err := next.Merge(o.ctx, s.groups, sliceAll(st, 0, n-step)); err != nil {
			return nil, err
		}
		if err := next.Merge(o.ctx, ident[:n], st); err != nil {
			return nil, err
		}
		cur = next
	}
	s.groups = growU32(s.groups[:0], len(out))[:len(out)]
	for i, r := range out {
		if s.hi[r] < segStart[r] || s.hi[r] < s.lo[r] {
			s.groups[i] = uint32(n) // an empty group: the empty frame's value
		} else {
			s.groups[i] = uint32(s.hi[r])
		}
	}
	return cur.Result(o.ctx, s.groups)
}

// liftAgg evaluates bounded frames by binary lifting: level r holds, for
// every row, the state of the 2^r rows ending at it; a frame of length L
// is the merge of one block per set bit of L, taken front to back.
func (o *overAgg) liftAgg(f expr.AccumulatorFactory, args []arrow.Array, n int, out []int32) (arrow.Array, error) {
	s := &o.scratch
	ident := s.identity(max(n, len(out)))
	maxLen := 0
	for _, r := range out {
		maxLen = max(maxLen, int(s.hi[r]-s.lo[r])+1)
	}
	base := f.New()
	if err := base.Update(o.ctx, ident[:n], args, nil); err != nil {
		return nil, err
	}
	st, err := base.State(ident[:n])
	if err != nil {
		return nil, err
	}
	levels := [][]arrow.Array{st}
	for size := 2; size <= maxLen; size *= 2 {
		half := size / 2
		prev := levels[len(levels)-1]
		next := f.New()
		if n > half {
			if err := next.Merge(o.ctx, ident[half:n], sliceAll(prev, 0, n-half)); err != nil {
				return nil, err
			}
		}
		if err := next.Merge(o.ctx, ident[:n], prev); err != nil {
			return nil, err
		}
		if st, err = next.State(ident[:n]); err != nil {
			return nil, err
		}
		levels = append(levels, st)
	}
	res := f.New()
	m := len(out)
	s.idx = growI32(s.idx, m)
	s.groups = growU32(s.groups[:0], m)[:m]
	s.blk = growI32(s.blk, m)
	start := s.blk
	for i, r := range out {
		start[i] = s.lo[r]
	}
	for lv, st := range levels {
		size := int32(1) << lv
		any := false
		for i, r := range out {
			l := s.hi[r] - s.lo[r] + 1
			if l > 0 && l&size != 0 {
				s.idx[i] = start[i] + size - 1
				s.groups[i] = uint32(i)
				start[i] += size
				any = true
			} else {
				s.idx[i] = 0
				s.groups[i] = expr.NoGroup
			}
		}
		if !any {
			continue
		}
		taken := make([]arrow.Array, len(st))
		for c, col := range st {
			taken[c] = kernel.Take(col, s.idx[:m])
		}
		if err := res.Merge(o.ctx, s.groups, taken); err != nil {
			return nil, err
		}
	}
	return res.Result(o.ctx, ident[:m])
}

// sliceAll slices every column to rows [lo, hi).
func sliceAll(cols []arrow.Array, lo, hi int) []arrow.Array {
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		out[i] = sliceArray(c, lo, hi)
	}
	return out
}

// sliceArray returns rows [lo, hi) of a without copying.
func sliceArray(a arrow.Array, lo, hi int) arrow.Array {
	if lo == 0 && hi == a.Len() {
		return a
	}
	return array.NewSlice(a, int64(lo), int64(hi))
}
